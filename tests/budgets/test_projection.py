"""Position and projection: booked + committed + run-rate of the categories without commitments."""

from datetime import date
from decimal import Decimal

import pytest

from budgets.models import Area, CostCategory
from budgets.selectors import overrun_positions, positions
from budgets.worklist import overrun_rows
from microprojects.models import Status
from tests.budgets.factories import CostEntryFactory, make_budget
from tests.microprojects.factories import make_project

pytestmark = pytest.mark.django_db
TODAY = date(2026, 4, 20)  # four months passed, eight to come


def test_projection_adds_run_rate_of_uncommitted_categories_and_commitments(budget, users, org):
    # 100,000 personnel per month Jan–Apr, 30,000 case-independent work in March.
    for month in range(1, 5):
        CostEntryFactory(budget=budget, booking_date=date(2026, month, 10), amount=Decimal("100000.00"))
    CostEntryFactory(budget=budget, booking_date=date(2026, 3, 1), category=CostCategory.CASE_INDEPENDENT,
                     amount=Decimal("30000.00"))
    make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager,
                 status=Status.APPROVED, requested="50000.00", start=date(2026, 2, 1))
    pos = positions([budget], TODAY)[budget.pk]
    assert pos.booked == Decimal("430000.00")
    assert pos.committed == Decimal("20000.00")  # 50,000 approved, 30,000 booked already
    assert pos.run_rate == Decimal("100000.00")  # personnel only: case-independent work has a commitment
    assert pos.projected == Decimal("1250000.00")  # 430,000 + 20,000 + 8 × 100,000
    assert pos.free == Decimal("750000.00")
    assert pos.overrun
    months = pos.months
    assert [m.actual for m in months[:4]] == [Decimal("100000.00"), Decimal("200000.00"), Decimal("330000.00"),
                                              Decimal("430000.00")]
    assert months[3].projected == Decimal("430000.00")  # projection line starts at today
    assert months[4].actual is None and months[4].projected == Decimal("532500.00")
    assert months[-1].projected == pos.projected


def test_past_year_shows_only_actuals_and_future_year_only_commitments(org, users):
    past = make_budget(users.leadership, org.walle, year=2025, amount="100.00")
    CostEntryFactory(budget=past, booking_date=date(2025, 12, 1), amount=Decimal("90.00"))
    future = make_budget(users.leadership, org.walle, year=2027, amount="100.00")
    result = positions([past, future], TODAY)
    assert result[past.pk].projected == Decimal("90.00") and result[past.pk].months_left == 0
    assert all(m.projected is None for m in result[past.pk].months)
    assert result[future.pk].projected == Decimal("0.00")
    assert all(m.actual is None for m in result[future.pk].months)


def test_integration_help_budget_has_no_micro_project_commitments(org, users):
    egh = make_budget(users.leadership, org.walle, area=Area.INTEGRATION_HELP, amount="500000.00")
    make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager,
                 status=Status.APPROVED, requested="50000.00", start=date(2026, 2, 1))
    assert positions([egh], TODAY)[egh.pk].committed == 0


def test_overrun_shows_on_worklists_of_finance_and_team_lead_but_blocks_nothing(budget, users, org, settings):
    CostEntryFactory(budget=budget, booking_date=date(2026, 1, 10), amount=Decimal("500000.00"))
    import time_machine

    with time_machine.travel(date(2026, 2, 1)):
        assert [p.budget for p in overrun_positions(users.economic_aid)] == [budget]
        assert [p.budget for p in overrun_positions(users.team_lead)] == [budget]
        assert overrun_positions(users.center_lead) == []  # other social centre
        rows = overrun_rows(users.leadership)
        assert "Walle" in rows[0]["label"] and "3.000.000,00" in rows[0]["note"]  # 500,000 + 10 × 250,000
        assert not users.case_manager.has_perm("budgets.view_overrun_warnings")
        assert users.team_lead.has_perm("budgets.view_overrun_warnings")
    # Booking beyond the budget still works: a budget never refuses a help.
    from budgets import services

    services.cost_entry_create(user=users.economic_aid, budget=budget, booking_date=date(2026, 2, 2),
                               category=CostCategory.RESIDENTIAL, amount=Decimal("2000000.00"),
                               provider=org.provider_b, invoice_number="HÜTN-1")


def test_positions_of_many_budgets_take_a_constant_number_of_queries(org, users, django_assert_max_num_queries):
    budgets = [make_budget(users.leadership, d, year=y) for d in (org.walle, org.westend) for y in (2025, 2026)]
    for b in budgets:
        CostEntryFactory.create_batch(3, budget=b)
    # bookings (1) + prevention budgets and approved projects per year (2 × 2 years)
    # + contracts per year not yet over (1 each; a past year asks nothing)
    with django_assert_max_num_queries(7):
        positions(budgets, TODAY)
