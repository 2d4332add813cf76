"""Who sees which budget, and the allocation of integration-help spending onto cases."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgets.models import Area, CostEntry, Settlement
from budgets.selectors import _case_months, _distribute, allocation_onto_cases, budgets_for, cost_entries_for
from juwe.access import visible
from tests.budgets.factories import CostEntryFactory, make_budget, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(org, users):
    return {
        "walle": make_budget(users.leadership, org.walle),
        "westend": make_budget(users.leadership, org.westend),
        "vahr": make_budget(users.leadership, org.vahr),
    }


@pytest.mark.parametrize(
    "who,expected",
    [
        ("economic_aid", {"walle", "westend", "vahr"}),
        ("leadership", {"walle", "westend", "vahr"}),
        ("center_lead", {"vahr"}),
        ("case_manager", {"walle", "westend"}),
        ("team_lead", {"walle", "westend"}),
        ("other_case_manager", {"vahr"}),
        ("provider_staff", {"walle", "westend"}),
        ("coordinator", set()),
        ("admin", set()),
        ("nobody", set()),
    ],
)
def test_budget_scope_per_role(users, three, who, expected):
    names = {k for k, b in three.items() if budgets_for(getattr(users, who)).filter(pk=b.pk).exists()}
    assert names == expected


@pytest.mark.parametrize("who,sees", [("economic_aid", True), ("leadership", True), ("case_manager", False),
                                      ("provider_staff", False), ("center_lead", False)])
def test_single_bookings_only_for_the_money_side_of_the_office(users, three, who, sees):
    entry = CostEntryFactory(budget=three["walle"])
    assert cost_entries_for(getattr(users, who)).filter(pk=entry.pk).exists() == sees


def test_provider_sees_own_settlement_only(users, three):
    from budgets import services

    after = date(three["walle"].year + 1, 1, 5)
    own = services.settlement_prepare(user=users.economic_aid, budget=three["walle"], today=after)
    other = services.settlement_prepare(user=users.economic_aid, budget=three["vahr"], today=after)
    visible_ids = set(visible(users.provider_staff, Settlement).values_list("pk", flat=True))
    assert own.pk in visible_ids and other.pk not in visible_ids


def test_allocation_by_invoiced_share_and_by_case_months(org, users):
    egh = make_budget(users.leadership, org.walle, area=Area.INTEGRATION_HELP, amount="100000.00")
    a = make_case(org.walle, org.team_a, users.case_manager, number=1, opened_on=date(2025, 6, 1))  # all year
    b = make_case(org.walle, org.team_a, users.case_manager, number=2, opened_on=date(2026, 10, 5))  # 3 months
    CostEntryFactory(budget=egh, case=a, amount=Decimal("300.00"))
    CostEntryFactory(budget=egh, case=b, amount=Decimal("100.00"))
    CostEntryFactory(budget=egh, amount=Decimal("600.01"))  # personnel etc. without a case
    shares = {r["reference"]: r["allocated"] for r in allocation_onto_cases(users.economic_aid, egh, "shares")}
    assert shares == {a.reference: Decimal("750.01"), b.reference: Decimal("250.00")}
    months = {r["reference"]: (r["weight"], r["allocated"]) for r in allocation_onto_cases(users.economic_aid, egh, "months")}
    assert months[a.reference] == (12, Decimal("800.01")) and months[b.reference] == (3, Decimal("200.00"))
    assert CostEntry.objects.filter(budget=egh).count() == 3


def test_case_months_within_the_year():
    assert _case_months(date(2024, 1, 1), None, 2026) == 12
    assert _case_months(date(2026, 3, 31), date(2026, 4, 1), 2026) == 2
    assert _case_months(date(2027, 1, 1), None, 2026) == 0


@given(total_cents=st.integers(min_value=-10**8, max_value=10**10),
       weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=30))
def test_distribution_is_exact_to_the_cent(total_cents, weights):
    rows = [{"case_id": i, "case__reference": str(i), "invoiced": Decimal(0)} for i in range(len(weights))]
    result = _distribute(Decimal(total_cents) / 100, rows, [Decimal(w) for w in weights])
    assert sum(r["allocated"] for r in result) == Decimal(total_cents) / 100
