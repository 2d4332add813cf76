"""The statement a final settlement keeps (issue 13, item 9): `Settlement.snapshot`.

Finalizing now copies what the statement shows around the figures (district, area, lead provider,
who prepared and finalized it, the chart of the year) into the settlement, and its page and PDF
show that copy.

Settlements finalized before this migration have no copy of how their statement looked then: the
data migration fills their snapshot from TODAY'S live values (district and provider names as they
are on the day of the migration, the chart from today's bookings and commitments – the bookings
of a final settlement cannot have changed). That is the best record left; from then on it stays.

A final settlement is protected by the trigger `settlement_final_frozen`; the data migration
passes it for this one write (pgtrigger.ignore). It uses the application's builders
(budgets.settlement.statement_snapshot, budgets.selectors.budget_position), only when a row needs
them, so a later change of those cannot break a new installation.
"""

import pgtrigger
from django.db import migrations, models


def fill_snapshots(apps, schema_editor):
    Settlement = apps.get_model("budgets", "Settlement")
    final = Settlement.objects.filter(status="final", snapshot={})
    if not final.exists():
        return  # a fresh database: the application's builders are not even imported
    from budgets.selectors import budget_position
    from budgets.settlement import statement_snapshot

    with pgtrigger.ignore("budgets.Settlement:settlement_final_frozen"):
        for settlement in final.select_related("budget", "budget__district", "budget__provider", "prepared_by",
                                               "finalized_by"):
            snap = statement_snapshot(settlement, settlement.budget, budget_position(None, settlement.budget))
            Settlement.objects.filter(pk=settlement.pk).update(snapshot=snap)


class Migration(migrations.Migration):

    dependencies = [
        ("budgets", "0007_constraint_messages"),
    ]

    operations = [
        migrations.AddField(
            model_name="settlement",
            name="snapshot",
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name="statement as finalized"),
        ),
        migrations.RunPython(fill_snapshots, migrations.RunPython.noop),
    ]
