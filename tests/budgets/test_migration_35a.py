"""budgets 0005: cost entries of § 35a help leave the integration-help budgets of open years for youth
help (with their monthly totals); finally settled years stay frozen; other entries stay."""

from datetime import date, datetime
from decimal import Decimal
from importlib import import_module

import pytest
import time_machine
from django.apps import apps
from django.db.models import Sum

from budgets import services
from budgets.models import Area, CostCategory, CostEntry, CostMonthTotal
from tests.budgets.factories import CostEntryFactory, approved_contract, make_budget, make_case

pytestmark = pytest.mark.django_db
migration = import_module("budgets.migrations.0005_youth_help_35a")
EXTERNAL = CostCategory.EXTERNAL_INVOICES


def run():
    lines: list[str] = []
    moved = migration.move_35a_entries(apps, None, out=lines.append)
    return moved, lines


def month_total(budget, month=4) -> Decimal:
    return CostMonthTotal.objects.filter(budget=budget, month=month).aggregate(s=Sum("total"))["s"] or Decimal("0")


def entry(budget, amount="1000.00", **kwargs):
    values = {"category": EXTERNAL, "booking_date": date(budget.year, 4, 10), **kwargs}
    return CostEntryFactory(budget=budget, amount=Decimal(amount), **values)


def finalize(budget, users):
    settlement = services.settlement_prepare(user=users.economic_aid, budget=budget, today=date(budget.year + 1, 1, 5))
    with time_machine.travel(datetime(budget.year + 1, 2, 1, 10)):
        services.settlement_finalize(user=users.leadership, settlement=settlement)


@pytest.fixture
def walle(org, users):
    youth = make_budget(users.leadership, org.walle, year=2026, provider=org.provider_a)
    egh = make_budget(users.leadership, org.walle, year=2026, area=Area.INTEGRATION_HELP, provider=org.provider_a,
                      amount="300000.00")
    return youth, egh


def test_open_years_35a_entries_move_to_youth_help_with_their_month_totals(org, users, walle):
    youth, egh = walle
    case = make_case(org.walle, org.team_a, users.case_manager, number=1)
    approved_contract(case, users.team_lead, help_type="35a", start=date(2026, 2, 1), until=date(2026, 7, 31))
    by_case = entry(egh, "1200.00", case=case)
    by_contract_case = make_case(org.walle, org.team_a, users.case_manager, number=2)
    contract = approved_contract(by_contract_case, users.team_lead, help_type="35a")
    by_contract = entry(egh, "800.00", case=by_contract_case, contract=contract)
    assert month_total(egh) == Decimal("2000.00")

    moved, lines = run()

    assert moved == {youth.pk: 2} and lines == []
    assert set(CostEntry.objects.filter(budget=youth).values_list("id", flat=True)) == {by_case.pk, by_contract.pk}
    assert month_total(egh) == Decimal("0.00")  # the triggers moved the monthly totals along
    assert month_total(youth) == Decimal("2000.00")


def test_sgb9_and_unlinked_entries_stay(org, users, walle):
    youth, egh = walle
    school = make_case(org.walle, org.team_a, users.case_manager, number=1)
    approved_contract(school, users.team_lead, help_type="sgb9_112")
    kept = [entry(egh, case=school), entry(egh)]  # SGB IX help; no case at all
    # A named contract decides, even if the case also has § 35a help.
    approved_contract(school, users.team_lead, help_type="35a", start=date(2026, 8, 1), until=date(2026, 12, 31))
    sgb9 = school.contracts.get(help_type="sgb9_112")
    kept.append(entry(egh, case=school, contract=sgb9, booking_date=date(2026, 9, 3)))

    moved, _lines = run()

    assert moved == {}
    assert set(CostEntry.objects.filter(budget=egh).values_list("id", flat=True)) == {e.pk for e in kept}


def test_covering_contract_decides_else_the_latest(org, users, walle):
    """The help covering the entry's date counts; the latest contract only when none covers it."""
    youth, egh = walle
    case = make_case(org.walle, org.team_a, users.case_manager, number=1)
    approved_contract(case, users.team_lead, help_type="sgb9_113", start=date(2026, 1, 1), until=date(2026, 5, 31))
    approved_contract(case, users.team_lead, help_type="35a", start=date(2026, 6, 1), until=date(2026, 11, 30))
    in_sgb9_time = entry(egh, case=case)  # 10 April: the SGB IX contract covers it
    by_service_date = entry(egh, case=case, service_date=date(2026, 6, 15))  # the § 35a contract covers it
    after_all = entry(egh, case=case, booking_date=date(2026, 12, 20))  # none covers: the latest (35a)

    run()

    assert CostEntry.objects.get(pk=in_sgb9_time.pk).budget_id == egh.pk
    assert CostEntry.objects.get(pk=by_service_date.pk).budget_id == youth.pk
    assert CostEntry.objects.get(pk=after_all.pk).budget_id == youth.pk


def test_finally_settled_year_stays_frozen(org, users):
    youth = make_budget(users.leadership, org.walle, year=2025, provider=org.provider_a)
    egh = make_budget(users.leadership, org.walle, year=2025, area=Area.INTEGRATION_HELP, provider=org.provider_a,
                      amount="300000.00")
    case = make_case(org.walle, org.team_a, users.case_manager, number=1, opened_on=date(2025, 1, 10))
    approved_contract(case, users.team_lead, help_type="35a", start=date(2025, 2, 1), until=date(2025, 7, 31))
    frozen = entry(egh, case=case)
    finalize(egh, users)
    # The youth-help budget of a year whose integration help is open, but youth help final, takes nothing either.
    egh_open_year = make_budget(users.leadership, org.westend, year=2025, area=Area.INTEGRATION_HELP,
                                provider=org.provider_a, amount="100000.00")
    youth_final = make_budget(users.leadership, org.westend, year=2025, provider=org.provider_a)
    finalize(youth_final, users)
    westend_case = make_case(org.westend, org.team_a, users.case_manager, number=1, opened_on=date(2025, 1, 10))
    approved_contract(westend_case, users.team_lead, help_type="35a", start=date(2025, 2, 1), until=date(2025, 7, 31))
    stays = entry(egh_open_year, case=westend_case)

    moved, lines = run()

    assert moved == {}
    assert CostEntry.objects.get(pk=frozen.pk).budget_id == egh.pk
    assert CostEntry.objects.get(pk=stays.pk).budget_id == egh_open_year.pk
    assert not CostEntry.objects.filter(budget=youth).exists()
    assert len(lines) == 1 and "Westend" in lines[0] and "finally settled" in lines[0]


def test_without_a_youth_help_budget_the_entries_stay_with_a_line(org, users):
    egh = make_budget(users.leadership, org.walle, year=2026, area=Area.INTEGRATION_HELP, provider=org.provider_a,
                      amount="300000.00")
    case = make_case(org.walle, org.team_a, users.case_manager, number=1)
    approved_contract(case, users.team_lead, help_type="35a")
    kept = entry(egh, case=case)

    moved, lines = run()

    assert moved == {} and CostEntry.objects.get(pk=kept.pk).budget_id == egh.pk
    assert lines == ["  budgets 0005: 1 cost entries of § 35a help stay in the integration-help budget of Walle 2026 "
                     "– it has no youth-help budget."]
