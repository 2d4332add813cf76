"""Position and projection: booked + committed + run-rate × the time still ahead.

The time ahead starts today (today included) and counts the rest of the current month pro rata by
days; the run-rate comes from completed months only – in January, and for a future year, from the
previous year's budget of the same district and area."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgets.models import CostCategory
from budgets.selectors import RateBasis, completed_months, overrun_positions, positions, time_ahead
from budgets.worklist import overrun_rows
from tests.budgets.factories import CostEntryFactory, make_budget

pytestmark = pytest.mark.django_db
TODAY = date(2026, 4, 20)  # three months complete; 11/30 of April and eight months to come
BERLIN = ZoneInfo("Europe/Berlin")


def book(budget, day: date, amount: str, category=CostCategory.PERSONNEL):
    return CostEntryFactory(budget=budget, booking_date=day, amount=Decimal(amount), category=category)


@pytest.mark.parametrize("today,months,days", [
    (date(2026, 1, 1), "12", 365),
    (date(2026, 1, 16), str(Decimal(11) + Decimal(16) / Decimal(31)), 350),
    (date(2026, 1, 31), str(Decimal(11) + Decimal(1) / Decimal(31)), 335),
    (date(2026, 12, 1), "1", 31),
    (date(2026, 12, 2), str(Decimal(30) / Decimal(31)), 30),
    (date(2026, 12, 31), str(Decimal(1) / Decimal(31)), 1),
    (date(2028, 2, 29), str(Decimal(10) + Decimal(1) / Decimal(29)), 307),
])
def test_time_ahead_counts_today_and_the_rest_of_the_month_by_days(today, months, days):
    assert time_ahead(today.year, today) == (Decimal(months), days)
    assert time_ahead(today.year + 1, today) == (Decimal(12), 366 if (today.year + 1) % 4 == 0 else 365)
    assert time_ahead(today.year - 1, today) == (Decimal(0), 0)
    assert completed_months(today.year, today) == today.month - 1  # today's month is never complete


def residential_contract(org, users, *, start=date(2026, 3, 1), until=date(2026, 8, 31), monthly="3100.00"):
    """A signed and approved § 34 contract in Walle: a commitment of the youth-help budget."""
    from cases import contracts
    from tests.cases.contracts.factories import conference_case, make_contract, sign

    case = conference_case(users.case_manager, org.walle)
    c = make_contract(case, users.case_manager, talk_on=start, approved_from=start, approved_until=until,
                      monthly_cost=Decimal(monthly), help_type="34", provider=org.provider_a)
    return contracts.contract_approve(contract=sign(c, users.case_manager, start), user=users.team_lead)


def test_projection_adds_run_rate_of_uncommitted_categories_and_commitments(budget, users, org):
    # 100,000 personnel per month Jan–Apr, 30,000 residential care (a category with commitments) in March.
    for month in range(1, 5):
        book(budget, date(2026, month, 10), "100000.00")
    book(budget, date(2026, 3, 1), "30000.00", CostCategory.RESIDENTIAL)
    residential_contract(org, users)
    pos = positions([budget], TODAY)[budget.pk]
    assert pos.booked == Decimal("430000.00")
    # the contract from today (20 April, included) to 31 August: 3,100 × (11/30 + 4) – the same
    # days ahead as the run-rate's, because positions() passes its `today` on
    assert pos.committed == Decimal("13536.67")
    # personnel of the three complete months only: residential care has a commitment, and
    # April's booking counts as booked but not into the rate
    assert pos.run_rate == Decimal("100000.00")
    assert (pos.rate_basis, pos.rate_months, pos.days_ahead) == (RateBasis.COMPLETED, 3, 256)
    assert pos.projected == Decimal("1280203.34")  # 430,000 + 13,536.67 + 100,000 × (11/30 + 8)
    assert pos.free == Decimal("756463.33")
    assert pos.overrun
    months = pos.months
    assert [m.actual for m in months[:4]] == [Decimal("100000.00"), Decimal("200000.00"), Decimal("330000.00"),
                                              Decimal("430000.00")]  # April: booked to date
    assert [m.projected for m in months[:3]] == [None, None, None]
    # end of April: + 13,536.67 × (11/30) / (8 11/30) + 100,000 × 11/30
    assert months[3].projected == Decimal("467259.91")
    assert months[4].actual is None
    assert months[-1].projected == pos.projected


def test_commitments_count_from_the_same_today_as_the_run_rate(budget, users, org):
    residential_contract(org, users)
    # 16 of 31 July days and all of August ahead on 16 July: 3,100 × 16/31 + 3,100
    assert positions([budget], date(2026, 7, 16))[budget.pk].committed == Decimal("4700.00")
    assert positions([budget], date(2026, 8, 31))[budget.pk].committed == Decimal("100.00")  # 3,100 × 1/31


@pytest.fixture
def december(budget):
    """Walle 2026: 100,000 personnel in each month January to November, 50,000 residential care in
    March (a category with commitments: not in the rate), 5,000 personnel on 1 December."""
    for month in range(1, 12):
        book(budget, date(2026, month, 10), "100000.00")
    book(budget, date(2026, 3, 3), "50000.00", CostCategory.RESIDENTIAL)
    book(budget, date(2026, 12, 1), "5000.00")
    return budget


@pytest.mark.parametrize("today,projected,months,days", [
    (date(2026, 12, 1), "1255000.00", "1", 31),            # the whole of December ahead
    (date(2026, 12, 2), "1251774.19", "0,97", 30),         # 1,155,000 + 100,000 × 30/31
    (date(2026, 12, 31), "1158225.81", "0,03", 1),         # 1,155,000 + 100,000 × 1/31
])
def test_december_is_forecast_pro_rata(december, today, projected, months, days):
    pos = positions([december], today)[december.pk]
    assert pos.booked == Decimal("1155000.00")
    assert pos.run_rate == Decimal("100000.00") and pos.rate_months == 11
    assert pos.days_ahead == days
    assert pos.projected == Decimal(projected)
    assert pos.months[10].actual == Decimal("1150000.00") and pos.months[10].projected is None
    assert pos.months[11].actual == Decimal("1155000.00")  # December: booked to date
    assert pos.months[11].projected == pos.projected


def test_middle_of_a_month(budget):
    for month in range(1, 6):
        book(budget, date(2026, month, 10), "100000.00")
    book(budget, date(2026, 3, 3), "50000.00", CostCategory.RESIDENTIAL)
    book(budget, date(2026, 6, 3), "7000.00")
    pos = positions([budget], date(2026, 6, 15))[budget.pk]
    assert (pos.booked, pos.run_rate, pos.days_ahead) == (Decimal("557000.00"), Decimal("100000.00"), 200)
    assert pos.projected == Decimal("1210333.33")  # 557,000 + 100,000 × (16/30 + 6)
    assert pos.months[5].projected == Decimal("610333.33")  # end of June: + 100,000 × 16/30


@pytest.fixture
def january(org, users, budget):
    """Walle 2025: 90,000 personnel a month and 240,000 residential care (not in the rate);
    Walle 2026: 40,000 personnel on 1 January."""
    last = make_budget(users.leadership, org.walle, year=2025, amount="1300000.00")
    for month in range(1, 13):
        book(last, date(2025, month, 15), "90000.00")
    book(last, date(2025, 6, 1), "240000.00", CostCategory.RESIDENTIAL)
    book(budget, date(2026, 1, 1), "40000.00")
    return budget


@pytest.mark.parametrize("today,projected,days", [
    (date(2026, 1, 1), "1120000.00", 365),    # 40,000 + 90,000 × 12
    (date(2026, 1, 16), "1076451.61", 350),   # 40,000 + 90,000 × (16/31 + 11)
    (date(2026, 1, 31), "1032903.23", 335),   # 40,000 + 90,000 × (1/31 + 11)
])
def test_january_uses_last_years_monthly_mean(january, today, projected, days):
    pos = positions([january], today)[january.pk]
    assert pos.run_rate == Decimal("90000.00")
    assert (pos.rate_basis, pos.rate_year, pos.rate_months) == (RateBasis.LAST_YEAR, 2025, 12)
    assert pos.days_ahead == days
    assert pos.projected == Decimal(projected)
    assert pos.months[0].actual == Decimal("40000.00")
    assert pos.months[-1].projected == pos.projected


def test_january_without_last_years_budget_has_no_run_rate(budget):
    book(budget, date(2026, 1, 5), "40000.00")
    pos = positions([budget], date(2026, 1, 20))[budget.pk]
    assert (pos.run_rate, pos.rate_basis, pos.rate_year) == (Decimal("0.00"), RateBasis.NO_LAST_YEAR, 2025)
    assert pos.projected == Decimal("40000.00")


def test_leap_day(org, users):
    budget = make_budget(users.leadership, org.walle, year=2028, amount="1000000.00")
    book(budget, date(2028, 1, 10), "90000.00")
    book(budget, date(2028, 2, 2), "10000.00")
    pos = positions([budget], date(2028, 2, 29))[budget.pk]
    assert (pos.run_rate, pos.rate_months, pos.days_ahead) == (Decimal("90000.00"), 1, 307)
    assert pos.projected == Decimal("1003103.45")  # 100,000 + 90,000 × (1/29 + 10)
    assert pos.overrun


def test_past_year_has_nothing_ahead_and_future_year_all_at_last_years_mean(december, org, users):
    past = make_budget(users.leadership, org.walle, year=2025, amount="100.00")
    book(past, date(2025, 12, 1), "90.00")
    future = make_budget(users.leadership, org.walle, year=2027, amount="100.00")
    result = positions([past, future], date(2026, 12, 2))
    assert result[past.pk].projected == Decimal("90.00") and result[past.pk].months_ahead == 0
    assert result[past.pk].rate_basis == RateBasis.OVER
    assert all(m.projected is None for m in result[past.pk].months)
    # 2027 lies ahead whole, at 2026's mean over its 11 complete months (personnel only)
    nxt = result[future.pk]
    assert (nxt.rate_basis, nxt.rate_year, nxt.rate_months) == (RateBasis.LAST_YEAR, 2026, 11)
    assert nxt.run_rate == Decimal("100000.00") and nxt.months_ahead == 12 and nxt.days_ahead == 365
    assert nxt.projected == Decimal("1200000.00")
    assert all(m.actual is None for m in nxt.months)
    assert [m.projected for m in nxt.months[:2]] == [Decimal("100000.00"), Decimal("200000.00")]


def test_overrun_shows_on_worklists_of_finance_and_team_lead_but_blocks_nothing(budget, users, org, settings):
    book(budget, date(2026, 1, 10), "500000.00")
    with time_machine.travel(date(2026, 2, 1)):
        assert [p.budget for p in overrun_positions(users.economic_aid)] == [budget]
        assert [p.budget for p in overrun_positions(users.team_lead)] == [budget]
        assert overrun_positions(users.center_lead) == []  # other social centre
        rows = overrun_rows(users.leadership)
        assert "Walle" in rows[0]["label"] and "6.000.000,00" in rows[0]["note"]  # 500,000 + 11 × 500,000
        assert not users.case_manager.has_perm("budgets.view_overrun_warnings")
        assert users.team_lead.has_perm("budgets.view_overrun_warnings")
    # Booking beyond the budget still works: a budget never refuses a help.
    from budgets import services

    services.cost_entry_create(user=users.economic_aid, budget=budget, booking_date=date(2026, 2, 2),
                               category=CostCategory.RESIDENTIAL, amount=Decimal("2000000.00"),
                               provider=org.provider_b, invoice_number="HÜTN-1")


def test_budget_that_overruns_only_by_decembers_forecast_is_on_the_worklist_on_2_december(december, users):
    """Booked 1,155,000 of 1,200,000: counting December as over (as the projection once did) showed
    no overrun; 30/31 of December's run-rate still ahead makes 1,251,774.19."""
    with time_machine.travel(datetime(2026, 12, 2, 9, tzinfo=BERLIN)):
        assert [p.budget for p in overrun_positions(users.economic_aid)] == [december]
        rows = overrun_rows(users.economic_aid)
    assert "1.251.774,19" in rows[0]["note"] and "51.774,19" in rows[0]["note"]


def test_page_sentence_and_chart_table_agree(december, as_user, users):
    with time_machine.travel(datetime(2026, 12, 2, 9, tzinfo=BERLIN)):
        text = as_user(users.economic_aid).get(reverse("budgets:budget_detail", args=[december.pk])).text
    assert "100.000,00\u00a0€ je Monat für die verbleibenden 0,97 Monate (30 Tage)" in text
    assert "Mittel der 11 abgeschlossenen Monate (Januar bis November)" in text
    # December's row of the chart's table: booked to date and the projected year end
    assert '<th scope="row">12</th><td class="num">1.155.000,00\u00a0€</td><td class="num">1.251.774,19\u00a0€</td>' in text


def test_page_says_when_there_is_no_run_rate(budget, as_user, users):
    with time_machine.travel(datetime(2026, 1, 20, 9, tzinfo=BERLIN)):
        text = as_user(users.economic_aid).get(reverse("budgets:budget_detail", args=[budget.pk])).text
    assert "keine Zahlen von 2025" in text and "Monatsdurchschnitt ist null" in text


def test_positions_of_many_budgets_take_a_constant_number_of_queries(org, users):
    """Bookings, the commitment sources and – for January and future budgets – one query for last
    year's totals: the same count for 3 budgets as for 9."""
    districts = [org.walle, org.westend, org.vahr]
    budgets = [make_budget(users.leadership, d, year=y) for d in districts for y in (2025, 2026, 2027)]
    for b in budgets:
        CostEntryFactory.create_batch(3, budget=b, booking_date=date(b.year, 1, 15))

    def count(subset):
        with CaptureQueriesContext(connection) as ctx:
            positions(subset, date(2026, 1, 10))
        return len(ctx.captured_queries)

    few = [b for b in budgets if b.district_id == org.walle.pk]
    assert count(few) == count(budgets)
    basis = {b.year: positions(budgets, date(2026, 1, 10))[b.pk].rate_basis for b in budgets}
    # 2026 from 2025's twelve months; 2027 from 2026, which has no complete month yet
    assert basis == {2025: RateBasis.OVER, 2026: RateBasis.LAST_YEAR, 2027: RateBasis.NO_LAST_YEAR}
