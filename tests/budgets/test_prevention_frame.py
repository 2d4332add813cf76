"""Micro-projects are paid out of the district's prevention frame, not the lead provider's youth-help
budget: the settlement share is computed without them, the budget page shows the frame apart, and
migration 0006 moved the micro-project bookings of open years into payments."""

from datetime import date, datetime
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.db import DatabaseError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from budgets import services
from budgets.models import Area, CostCategory, CostEntry, CostMonthTotal, Settlement
from microprojects import services as microproject_services
from microprojects.models import ProjectPayment, Status
from tests.budgets.factories import CostEntryFactory, make_budget
from tests.microprojects.factories import make_project, set_budget

pytestmark = pytest.mark.django_db


def _project(org, users, approved="20000.00", year=2026, title="Elterncafé"):
    return make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager,
                        status=Status.RUNNING, requested=approved, start=date(year, 2, 1), end=date(year, 12, 31),
                        title=title)


def test_a_micro_project_payment_leaves_the_youth_help_settlement_unchanged(budget, users, org):
    CostEntryFactory(budget=budget, amount=Decimal("900000.00"))
    CostEntryFactory(budget=budget, category=CostCategory.CASE_INDEPENDENT, amount=Decimal("15000.00"))
    before_costs, before = services.settlement_figures(budget)
    project = _project(org, users)
    microproject_services.payment_book(actor=users.economic_aid, project=project, paid_on=date(2026, 3, 1),
                                       amount=Decimal("12000.00"), invoice_number="MP-1")
    after_costs, after = services.settlement_figures(budget)
    assert after_costs == before_costs and after == before
    assert after.provider_share == Decimal("85500.00")  # 30 % of 1,200,000 − 915,000
    assert services.booked_costs(budget)[CostCategory.CASE_INDEPENDENT] == Decimal("15000.00")


def test_budget_page_shows_the_prevention_frame_apart(as_user, budget, users, org):
    set_budget(org.walle, "50000.00", 2026)
    project = _project(org, users)
    microproject_services.payment_book(actor=users.economic_aid, project=project, paid_on=date(2026, 3, 1),
                                       amount=Decimal("7500.00"), invoice_number="MP-1")
    response = as_user(users.economic_aid).get(reverse("budgets:budget_detail", args=[budget.pk]))
    frame = response.context["prevention"]
    assert (frame.budget, frame.approved_sum, frame.paid, frame.free) == (
        Decimal("50000.00"), Decimal("20000.00"), Decimal("7500.00"), Decimal("30000.00"))
    text = response.text
    assert "Präventionsbudget Walle 2026 (Mikroprojekte)" in text
    assert "Nicht Teil dieses Budgets und seiner Abrechnung" in text
    assert "7.500,00" in text and "30.000,00" in text
    # Nothing of it is booked, committed or projected in the youth-help budget.
    position = response.context["position"]
    assert position.booked == 0 and position.committed == 0
    assert "microprojects" not in {key for key in position.commitments}


def test_frame_is_not_shown_to_provider_staff_nor_on_integration_help(as_user, budget, users, org):
    set_budget(org.walle, "50000.00", 2026)
    response = as_user(users.provider_staff).get(reverse("budgets:budget_detail", args=[budget.pk]))
    assert response.status_code == 200 and response.context.get("prevention") is None
    assert "Präventionsbudget" not in response.text
    egh = make_budget(users.leadership, org.walle, area=Area.INTEGRATION_HELP, amount="300000.00")
    response = as_user(users.economic_aid).get(reverse("budgets:budget_detail", args=[egh.pk]))
    assert response.context.get("prevention") is None


def test_budget_page_reads_the_frame_in_one_query(as_user, budget, users, org, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(users.economic_aid)
    url = reverse("budgets:budget_detail", args=[budget.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    frame_queries = [q for q in ctx.captured_queries if "microprojects_preventionbudget" in q["sql"]]
    assert len(frame_queries) == 1  # frame, approved, supplements and paid as subqueries of one
    for i in range(5):
        project = _project(org, users, approved="1000.00", title=f"P{i}")
        microproject_services.payment_book(actor=users.economic_aid, project=project, paid_on=date(2026, 3, 1),
                                           amount=Decimal("100.00"), invoice_number=f"MP-{i}")
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        client.get(url)


# --- Migration 0006 ----------------------------------------------------------------------------------------

migration = import_module("budgets.migrations.0006_microproject_costs_to_prevention_frame")


def _final(budget, users):
    """Mark the budget's settlement final directly (the figures do not matter here)."""
    return Settlement.objects.create(
        budget=budget, status=Settlement.Status.FINAL, amount=budget.amount, provider_rate=budget.provider_rate,
        costs={}, total_costs=0, remainder=0, provider_share=0, county_share=0, prepared_at=timezone.now(),
        prepared_by=users.economic_aid, finalized_at=timezone.now(), finalized_by=users.leadership,
    )


def test_migration_moves_micro_project_costs_of_open_years_into_payments(users, org):
    past = make_budget(users.leadership, org.walle, year=2025)
    open_ = make_budget(users.leadership, org.walle, year=2026)
    old_project, project = _project(org, users, year=2025, title="Alt"), _project(org, users, title="Neu")
    kept_final = CostEntryFactory(budget=past, category=CostCategory.CASE_INDEPENDENT, microproject=old_project,
                                  invoice_number="2025-MP-1", amount=Decimal("3000.00"))
    crossing = CostEntryFactory(budget=past, category=CostCategory.CASE_INDEPENDENT, microproject=old_project,
                                invoice_number="2025-MP-2", amount=Decimal("400.00"))
    _final(past, users)
    # A reversal in the open year of a final year's booking corrects that booking: it stays.
    crossing_reversal = CostEntryFactory(budget=open_, booking_date=date(2026, 1, 10), reverses=crossing,
                                         category=CostCategory.CASE_INDEPENDENT, microproject=old_project,
                                         invoice_number="2025-MP-2-ST", amount=Decimal("-400.00"))
    created = timezone.make_aware(datetime(2026, 3, 5, 9, 30))
    moved = CostEntryFactory(budget=open_, booking_date=date(2026, 3, 4), category=CostCategory.CASE_INDEPENDENT,
                             microproject=project, invoice_number="2026-MP-1", amount=Decimal("2500.00"),
                             note="Honorar März", created_by=users.economic_aid)
    CostEntry.objects.filter(pk=moved.pk).update(created_at=created)
    wrong = CostEntryFactory(budget=open_, booking_date=date(2026, 4, 1), category=CostCategory.CASE_INDEPENDENT,
                             microproject=project, invoice_number="2026-MP-2", amount=Decimal("900.00"))
    wrong_reversal = CostEntryFactory(budget=open_, booking_date=date(2026, 4, 2), category=CostCategory.CASE_INDEPENDENT,
                                      microproject=project, invoice_number="2026-MP-2-ST", amount=Decimal("-900.00"),
                                      reverses=wrong)
    other = CostEntryFactory(budget=open_, category=CostCategory.CASE_INDEPENDENT, invoice_number="FUA-1",
                             amount=Decimal("700.00"))

    with transaction.atomic():
        migration.move_to_prevention_frame(apps, _SchemaEditor())

    assert set(CostEntry.objects.values_list("pk", flat=True)) == {kept_final.pk, crossing.pk, crossing_reversal.pk,
                                                                    other.pk}
    payments = {p.invoice_number: p for p in ProjectPayment.objects.select_related("reverses")}
    assert set(payments) == {"2026-MP-1", "2026-MP-2", "2026-MP-2-ST"}
    first = payments["2026-MP-1"]
    assert (first.project, first.paid_on, first.amount, first.provider, first.note, first.created_by, first.created_at) == (
        project, date(2026, 3, 4), Decimal("2500.00"), org.provider_a, "Honorar März", users.economic_aid, created)
    assert payments["2026-MP-2-ST"].reverses == payments["2026-MP-2"]
    # The triggers kept the monthly totals of the open budget right; the final year is untouched.
    totals = CostMonthTotal.objects.filter(budget=open_).aggregate(s=Sum("total"))["s"]
    assert totals == CostEntry.objects.filter(budget=open_).aggregate(s=Sum("amount"))["s"] == Decimal("300.00")
    assert services.booked_costs(past)[CostCategory.CASE_INDEPENDENT] == Decimal("3400.00")
    # Running it again changes nothing.
    with transaction.atomic():
        migration.move_to_prevention_frame(apps, _SchemaEditor())
    assert ProjectPayment.objects.count() == 3


def test_final_budgets_stay_frozen_for_the_migration_too(users, org):
    past = make_budget(users.leadership, org.walle, year=2025)
    entry = CostEntryFactory(budget=past, microproject=_project(org, users, year=2025), invoice_number="MP-1")
    _final(past, users)
    assert migration.movable_entries(CostEntry, Settlement) == []
    # and the database refuses the delete the migration leaves out
    with pytest.raises(DatabaseError), transaction.atomic():
        CostEntry.objects.filter(pk=entry.pk).delete()


class _SchemaEditor:
    """What the migration function uses of a schema editor: its connection."""

    from django.db import connection
