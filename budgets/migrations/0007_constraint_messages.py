"""German messages on the budgets' constraints (issue 11, item 8): no constraint name reaches a user.
State only: AlterConstraint changes nothing in the database."""

import django.db.models.expressions
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('budgets', '0006_microproject_costs_to_prevention_frame'),
    ]

    operations = [
        migrations.AlterConstraint(
            model_name='budget',
            name='budget_unique_per_district_year_area',
            constraint=models.UniqueConstraint(fields=('district', 'year', 'area'), name='budget_unique_per_district_year_area', violation_error_code='budget_exists', violation_error_message='There is already a budget for this district, year and area.'),
        ),
        migrations.AlterConstraint(
            model_name='budget',
            name='budget_amount_not_negative',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='budget_amount_not_negative', violation_error_code='negative', violation_error_message='The budget amount must not be negative.'),
        ),
        migrations.AlterConstraint(
            model_name='budget',
            name='budget_shares_add_to_100',
            constraint=models.CheckConstraint(condition=models.Q(('county_rate__gte', 0), ('provider_rate__gte', 0), ('provider_rate', django.db.models.expressions.CombinedExpression(models.Value(Decimal('100')), '-', models.F('county_rate')))), name='budget_shares_add_to_100', violation_error_code='shares_not_100', violation_error_message='Provider share and county share must add up to 100 %.'),
        ),
        migrations.AlterConstraint(
            model_name='costentry',
            name='cost_invoice_unique_per_provider',
            constraint=models.UniqueConstraint(fields=('provider', 'invoice_number'), name='cost_invoice_unique_per_provider', violation_error_code='duplicate_invoice', violation_error_message='This invoice number has already been booked for this provider.'),
        ),
        migrations.AlterConstraint(
            model_name='costentry',
            name='cost_invoice_number_not_empty',
            constraint=models.CheckConstraint(condition=models.Q(('invoice_number', ''), _negated=True), name='cost_invoice_number_not_empty', violation_error_code='invoice_required', violation_error_message='Please enter the invoice number.'),
        ),
        migrations.AlterConstraint(
            model_name='costentry',
            name='cost_amount_not_zero',
            constraint=models.CheckConstraint(condition=models.Q(('amount', 0), _negated=True), name='cost_amount_not_zero', violation_error_code='zero', violation_error_message='The amount must not be 0.'),
        ),
        migrations.AlterConstraint(
            model_name='instalment',
            name='instalment_unique_month',
            constraint=models.UniqueConstraint(fields=('budget', 'month'), name='instalment_unique_month', violation_error_code='instalment_twice', violation_error_message='The budget already has an instalment for this month.'),
        ),
        migrations.AlterConstraint(
            model_name='instalment',
            name='instalment_amount_not_negative',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='instalment_amount_not_negative', violation_error_code='negative', violation_error_message='An instalment must not be negative.'),
        ),
        migrations.AlterConstraint(
            model_name='instalment',
            name='instalment_month_1_12',
            constraint=models.CheckConstraint(condition=models.Q(('month__gte', 1), ('month__lte', 12)), name='instalment_month_1_12', violation_error_code='month', violation_error_message='The month of an instalment lies between 1 and 12.'),
        ),
        migrations.AlterConstraint(
            model_name='pottransfer',
            name='pot_transfer_amount_positive',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='pot_transfer_amount_positive', violation_error_code='not_positive', violation_error_message='The amount must be greater than zero.'),
        ),
        migrations.AlterConstraint(
            model_name='pottransfer',
            name='pot_transfer_reason_required',
            constraint=models.CheckConstraint(condition=models.Q(('reason', ''), _negated=True), name='pot_transfer_reason_required', violation_error_code='reason_required', violation_error_message='Please give a reason for the transfer.'),
        ),
        migrations.AlterConstraint(
            model_name='settlement',
            name='settlement_shares_add_up',
            constraint=models.CheckConstraint(condition=models.Q(('remainder', django.db.models.expressions.CombinedExpression(models.F('provider_share'), '+', models.F('county_share')))), name='settlement_shares_add_up', violation_error_code='shares', violation_error_message='Provider share and county share must add up to the remainder.'),
        ),
        migrations.AlterConstraint(
            model_name='settlement',
            name='settlement_final_has_finalizer',
            constraint=models.CheckConstraint(condition=models.Q(('status', 'prepared'), models.Q(('finalized_at__isnull', False), ('finalized_by__isnull', False)), _connector='OR'), name='settlement_final_has_finalizer', violation_error_code='finalizer', violation_error_message='A final settlement records who finalized it and when.'),
        ),
    ]
