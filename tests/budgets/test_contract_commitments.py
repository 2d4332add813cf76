"""Contracts as commitments of a district budget: pro rata to the cent, the right area and
category, only what is still ahead, and nothing counted twice."""

import datetime as dt
from decimal import Decimal

import pytest

from budgets.commitments import contract_commitments, prorated
from budgets.models import Area
from budgets.selectors import positions
from cases import contracts
from cases.models import Contract, ContractState
from tests.budgets.factories import make_budget
from tests.cases.contracts.factories import active_contract, conference_case, make_contract, sign

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 7, 16)


@pytest.mark.parametrize("start,end,expected", [
    (dt.date(2026, 1, 1), dt.date(2026, 12, 31), "12000.00"),        # whole months
    (dt.date(2026, 7, 16), dt.date(2026, 7, 31), "516.13"),          # 16 of 31 days: 1000 × 16/31
    (dt.date(2026, 2, 15), dt.date(2026, 3, 14), "951.61"),          # 14/28 + 14/31 of a month
    (dt.date(2026, 7, 16), dt.date(2026, 12, 31), "5516.13"),
])
def test_prorated_to_the_cent(start, end, expected):
    assert prorated(Decimal("1000.00"), start, end) == Decimal(expected)


@pytest.fixture
def setup(org, users):
    case = conference_case(users.case_manager, org.walle)
    youth = make_budget(users.leadership, org.walle, year=2026, provider=org.provider_a)
    egh = make_budget(users.leadership, org.walle, year=2026, area=Area.INTEGRATION_HELP, provider=org.provider_a)
    return case, youth, egh


def _contract(case, users, *, state="active", **kw):
    """A contract approved for March to August 2026 at 3,100 EUR a month."""
    c = make_contract(case, users.case_manager, talk_on=dt.date(2026, 3, 2), approved_from=dt.date(2026, 3, 1),
                      approved_until=dt.date(2026, 8, 31), monthly_cost=Decimal("3100.00"), **kw)
    if state in ("signed", "active"):
        c = sign(c, users.case_manager, dt.date(2026, 3, 2))
    if state == "active":
        c = contracts.contract_approve(contract=c, user=users.team_lead)
    return c


def test_residential_contract_counts_days_ahead_in_the_year(setup, users, org):
    case, youth, egh = setup
    _contract(case, users, help_type="34", provider=org.provider_a)
    # 16 of 31 July days (16th to 31st) + all of August: 3100 × 16/31 + 3100
    assert contract_commitments([youth, egh], {}, TODAY) == {youth.pk: Decimal("4700.00")}


@pytest.mark.parametrize("help_type", ["sgb9_79", "sgb9_80", "sgb9_112", "sgb9_113"])
def test_sgb9_help_commits_integration_help_money(setup, users, org, help_type):
    case, youth, egh = setup
    _contract(case, users, help_type=help_type, provider=org.provider_b, state="signed")
    assert contract_commitments([youth, egh], {}, TODAY) == {egh.pk: Decimal("4700.00")}


def test_35a_is_youth_help_and_commits_youth_help_money(setup, users, org):
    """§ 35a SGB VIII (mental disability) is youth help, not SGB IX integration help."""
    case, youth, egh = setup
    _contract(case, users, help_type="35a", provider=org.provider_b, state="signed")
    assert contract_commitments([youth, egh], {}, TODAY) == {youth.pk: Decimal("4700.00")}


def test_without_a_budget_of_its_area_a_contract_commits_nothing(setup, users, org):
    """An SGB IX contract never falls back on the youth-help budget (and § 35a never on integration help)."""
    case, youth, egh = setup
    _contract(case, users, help_type="sgb9_112", provider=org.provider_b, state="signed")
    assert contract_commitments([youth], {}, TODAY) == {}
    _contract(case, users, help_type="35a", provider=org.provider_b, state="signed")
    assert contract_commitments([egh], {}, TODAY) == {egh.pk: Decimal("4700.00")}  # the SGB IX one only


def test_lead_providers_own_help_is_not_counted_twice(setup, users, org):
    """The lead provider's SPFH is paid through its personnel costs: the run-rate carries it."""
    case, youth, egh = setup
    _contract(case, users, help_type="31", provider=org.provider_a)
    assert contract_commitments([youth, egh], {}, TODAY) == {}


def test_drafts_ended_and_other_districts_do_not_count(setup, users, org):
    case, youth, egh = setup
    _contract(case, users, help_type="34", state="draft")
    ended = _contract(case, users, help_type="34")
    contracts.contract_end(contract=ended, user=users.case_manager, ended_on=dt.date(2026, 5, 31))
    vahr = users.other_case_manager
    sign(make_contract(conference_case(vahr, org.vahr), vahr, help_type="34", monthly_cost=Decimal("3100.00")), vahr)
    assert contract_commitments([youth, egh], {}, TODAY) == {}
    assert Contract.objects.filter(state=ContractState.SIGNED).count() == 1


def test_past_and_later_years(setup, users, org):
    case, youth, egh = setup
    _contract(case, users, help_type="34")
    later = make_budget(users.leadership, org.walle, year=2027, provider=org.provider_a)
    assert contract_commitments([later], {}, TODAY) == {}  # the approval ends in 2026
    assert contract_commitments([youth], {}, dt.date(2027, 1, 5)) == {}  # 2026 is over


def test_projection_shows_the_contracts_source(org, users):
    from django.utils import timezone

    today = timezone.localdate()
    case = conference_case(users.case_manager, org.walle)
    budget = make_budget(users.leadership, org.walle, year=today.year, provider=org.provider_a)
    active_contract(case, users.case_manager, users.team_lead, help_type="34", monthly_cost=Decimal("1000.00"))
    pos = positions([budget])[budget.pk]
    assert pos.commitments["contracts"] > 0
    assert dict(pos.commitment_rows())  # labelled in the budget page's table
