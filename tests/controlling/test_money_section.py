"""The money section of the controlling and the totals row of the budget list.

One small office (tests/conftest.py: Walle and Westend in team A / social centre West, Vahr in
team B / social centre Ost) with hand-counted bookings; every expected figure is written out.

Bookings of 2025 (youth help unless said otherwise):
  Walle  10.03. 10,000 (case 1) · 01.04. 1,000 (case 3), reversed 15.07. (−1,000) · 30.06. 5,000 with
         provider B, not Walle's lead provider (case 2) · 01.07. 500 · 31.12. 2,000 · 05.05. 3,000
         micro-project (legacy, left out) · 01.01.2026 7,777 on the 2025 budget (after the period)
         · integration help 01.02. 4,000
  Vahr   09.09. 8,000 (case 4)
Bookings of 2024: Walle 01.05. 15,000 · Vahr 10.10. 5,000.
Youth-help budgets 2025: Walle 100,000 · Vahr 50,000 (integration help Walle 20,000); 2024: 90,000 · 40,000.
Inhabitants under 21: Walle 3,000 (2025) · Westend 1,000 (2023, latest before 2025) · Vahr 2,000
(2024; its 2026 figure lies after the period) = 6,000.
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from budgets import views as budget_views
from budgets.models import Area, CostCategory
from juwe.controlling.figures import Context
from juwe.controlling.period import Period
from juwe.controlling.scope import Level, Scope
from juwe.controlling.sections import compute
from juwe.controlling.sections.money import _signed
from tests.budgets.factories import CostEntryFactory, make_budget, make_case
from tests.factories import DistrictIndicatorFactory
from tests.microprojects.factories import make_project

BERLIN = ZoneInfo("Europe/Berlin")
# The year 2025 is over: its forecast is what is booked (the projection has nothing ahead).
AFTER_2025 = datetime(2026, 3, 2, 10, tzinfo=BERLIN)
D = Decimal


@pytest.fixture
def office(org, users):
    lead = users.leadership
    walle = make_budget(lead, org.walle, year=2025, amount="100000.00")
    walle_ih = make_budget(lead, org.walle, year=2025, area=Area.INTEGRATION_HELP, amount="20000.00")
    vahr = make_budget(lead, org.vahr, year=2025, amount="50000.00")
    walle_24 = make_budget(lead, org.walle, year=2024, amount="90000.00")
    vahr_24 = make_budget(lead, org.vahr, year=2024, amount="40000.00")
    c1, c2, c3 = (make_case(org.walle, org.team_a, users.case_manager, number=n, opened_on=date(2025, 1, 10))
                  for n in (1, 2, 3))
    c4 = make_case(org.vahr, org.team_b, users.other_case_manager, number=4, opened_on=date(2025, 1, 10))
    project = make_project(districts=[org.walle], provider=org.provider_a, created_by=users.coordinator,
                           start=date(2025, 1, 15))

    def book(budget, day, amount, **kw):
        return CostEntryFactory(budget=budget, booking_date=day, amount=D(amount), **kw)

    book(walle, date(2025, 3, 10), "10000.00", case=c1)
    wrong = book(walle, date(2025, 4, 1), "1000.00", case=c3)
    book(walle, date(2025, 7, 15), "-1000.00", case=c3, reverses=wrong)
    book(walle, date(2025, 6, 30), "5000.00", case=c2, provider=org.provider_b, category=CostCategory.EXTERNAL_INVOICES)
    book(walle, date(2025, 7, 1), "500.00")
    book(walle, date(2025, 12, 31), "2000.00")
    book(walle, date(2025, 5, 5), "3000.00", microproject=project, category=CostCategory.CASE_INDEPENDENT)
    book(walle, date(2026, 1, 1), "7777.00")
    book(walle_ih, date(2025, 2, 1), "4000.00")
    book(vahr, date(2025, 9, 9), "8000.00", case=c4)
    book(walle_24, date(2024, 5, 1), "15000.00")
    book(vahr_24, date(2024, 10, 10), "5000.00")
    DistrictIndicatorFactory(district=org.walle, year=2025, youth_population=3000)
    DistrictIndicatorFactory(district=org.walle, year=2024, youth_population=2900)
    DistrictIndicatorFactory(district=org.westend, year=2023, youth_population=1000)
    DistrictIndicatorFactory(district=org.vahr, year=2024, youth_population=2000)
    DistrictIndicatorFactory(district=org.vahr, year=2026, youth_population=5000)
    return org


def _scope(org, level=Level.OFFICE):
    if level == Level.OFFICE:
        return Scope(level, None, tuple(sorted([org.walle.pk, org.westend.pk, org.vahr.pk])))
    if level == Level.TEAM:
        return Scope(level, org.team_b, (org.vahr.pk,))
    return Scope(level, org.walle, (org.walle.pk,))


def _section(org, period=None, level=Level.OFFICE, user=None):
    with time_machine.travel(AFTER_2025, tick=False):
        return compute("money", Context(_scope(org, level), period or Period.year(2025), user))


def _values(section):
    return {f.key: f.value for f in section.figures}


def test_office_year_figures(office):
    section = _section(office)
    assert section.subject == "money" and str(section.title) == "Finanzen"
    assert _values(section) == {
        "budget": D("150000.00"),
        "kosten_gebucht": D("25500.00"),  # net of the reversal, without the micro-project, 31.12. in, 01.01. out
        "gebunden": D("0.00"),
        "prognose": D("36277.00"),  # the projection of a past year: all its budget's bookings (7,777 and 3,000 too)
        "abweichung": D("113723.00"),
        "kostensteigerung": D("27.5"),  # 25,500 against 20,000
        "kostentrend_erwartet": D("4.0"),
        "kosten_je_fall": D("7666.67"),  # 23,000 on cases 1, 2 and 4; case 3 is reversed to nothing
        "kosten_je_einwohner_u21": D("4.25"),  # 25,500 / 6,000
        "anteil_andere_traeger": D("19.6"),  # 5,000 / 25,500
    }
    assert section.figure("kosten_je_fall").base == 3
    assert section.figure("kosten_je_einwohner_u21").base == 6000
    assert all(f.help for f in section.figures)


def test_area_table_with_total_row(office):
    with translation.override("en"):
        table = _section(office).tables[0]
    assert table.key == "budgetbereiche" and table.total_row
    rows = {label: [f.value for f in figs] for label, figs in table.rows}
    assert list(rows) == ["Youth help (SGB VIII)", "Integration help (SGB IX)", "Total"]
    assert rows["Youth help (SGB VIII)"] == [D("150000.00"), D("25500.00"), D("0.00"), D("36277.00"), D("113723.00")]
    assert rows["Integration help (SGB IX)"] == [D("20000.00"), D("4000.00"), D("0.00"), D("4000.00"), D("16000.00")]
    assert rows["Total"] == [D("170000.00"), D("29500.00"), D("0.00"), D("40277.00"), D("129723.00")]
    assert all(f.help for _label, figs in table.rows for f in figs)


def test_month_chart_against_the_year_before(office):
    chart = _section(office).charts[0]
    assert chart.key == "kosten_monate" and chart.kind == "line"
    assert chart.categories[0] == date(2025, 1, 1) and chart.categories[-1] == date(2025, 12, 1)
    (label, now), (label_before, before) = chart.series
    assert (label, label_before) == ("2025", "2024")
    z = D("0.00")
    assert now == [z, z, D("10000.00"), D("1000.00"), z, D("5000.00"), D("-500.00"), z, D("8000.00"), z, z,
                   D("2000.00")]
    assert before == [z, z, z, z, D("15000.00"), z, z, z, z, D("5000.00"), z, z]


def test_district_scope(office):
    values = _values(_section(office, level=Level.DISTRICT))
    assert values["budget"] == D("100000.00")
    assert values["kosten_gebucht"] == D("17500.00")
    assert values["kostensteigerung"] == D("16.7")  # 17,500 against 15,000
    assert values["kosten_je_fall"] == D("7500.00")  # 15,000 on cases 1 and 2 (flat bookings left out)
    assert values["kosten_je_einwohner_u21"] == D("5.83")  # 17,500 / 3,000
    assert values["anteil_andere_traeger"] == D("28.6")
    assert values["prognose"] == D("28277.00")


def test_team_scope_sees_only_its_district(office):
    values = _values(_section(office, level=Level.TEAM))
    assert values["budget"] == D("50000.00")
    assert values["kosten_gebucht"] == D("8000.00")
    assert values["kostensteigerung"] == D("60.0")
    assert values["anteil_andere_traeger"] == D("0.0")
    assert values["kosten_je_einwohner_u21"] == D("4.00")


def test_quarter_counts_its_last_day_and_not_the_day_after(office):
    # Q2: 01.04. 1,000 and 30.06. 5,000 (the last day); 01.07. 500 and the reversal of 15.07. are after it.
    values = _values(_section(office, Period.quarter(2025, 2)))
    assert values["kosten_gebucht"] == D("6000.00")
    assert values["kostensteigerung"] == D("-60.0")  # against 15,000 in Q2 2024
    assert values["kosten_je_fall"] == D("3000.00")  # cases 2 and 3 (its reversal lies after the quarter)
    assert values["budget"] == D("150000.00")  # a period inside a year: that year's budgets


def test_period_across_years_takes_both_years_budgets(office):
    values = _values(_section(office, Period.months((2024, 12), (2025, 1))))
    assert values["budget"] == D("280000.00")  # 90,000 + 40,000 + 100,000 + 50,000
    assert values["kosten_gebucht"] == D("0.00")
    assert values["kostensteigerung"] is None  # nothing booked a year before: no growth
    assert values["kosten_je_fall"] is None and values["anteil_andere_traeger"] is None


def test_growth_note_reads_growth_instead_of_trend(org, users, settings):
    settings.JUWE_EXPECTED_COST_TREND = D("4.0")
    budget_24 = make_budget(users.leadership, org.vahr, year=2024, amount="1000.00")
    budget_25 = make_budget(users.leadership, org.vahr, year=2025, amount="1000.00")
    CostEntryFactory(budget=budget_24, booking_date=date(2024, 5, 1), amount=D("5000.00"))
    CostEntryFactory(budget=budget_25, booking_date=date(2025, 5, 1), amount=D("5130.00"))
    with translation.override("en"):
        section = _section(org, level=Level.TEAM)
    assert section.figure("kostensteigerung").value == D("2.6")
    assert "+2.6 % instead of +4.0 %" in section.note
    with translation.override("de"):
        assert (_signed(D("2.6")), _signed(D("-1.5")), _signed(D("0.0"))) == ("+2,6 %", "-1,5 %", "0,0 %")


def test_links_follow_the_viewers_permissions(office, users):
    lead = _section(office, level=Level.DISTRICT, user=users.leadership)
    budget_list = reverse("budgets:budget_list")
    assert lead.figure("budget").link == f"{budget_list}?area=youth_help&district={office.walle.pk}&year=2025"
    assert lead.figure("kosten_gebucht").link == (
        f"{reverse('budgets:cost_entry_list')}?date_from=2025-01-01&date_to=2025-12-31&area=youth_help"
        f"&without_microprojects=true&districts={office.walle.pk}"
    )
    assert lead.figure("kostentrend_erwartet").link is None
    team_lead = _section(office, level=Level.DISTRICT, user=users.team_lead)
    assert team_lead.figure("budget").link and team_lead.figure("kosten_gebucht").link is None
    assert _section(office).figure("budget").link is None


def test_cost_link_lists_exactly_the_booked_costs(office, users, as_user):
    link = _section(office, level=Level.TEAM, user=users.economic_aid).figure("kosten_gebucht").link
    assert "districts=" in link
    response = as_user(users.economic_aid).get(link)
    assert response.status_code == 200
    assert "8.000,00" in response.text
    office_link = _section(office, user=users.economic_aid).figure("kosten_gebucht").link
    text = as_user(users.economic_aid).get(office_link).text
    assert "25.500,00" in text  # the list's total equals the figure
    team_link = _section(office, level=Level.TEAM, user=users.leadership).figure("budget").link
    assert "team=" in team_link and as_user(users.leadership).get(team_link).status_code == 200


@pytest.mark.parametrize("query", ["year=abc", "districts=abc", "districts=1,x", "date_from=31.02.2025", "team=999999",
                                   "social_center=abc", "without_microprojects=maybe"])
def test_odd_filter_input_is_no_server_error(users, as_user, query):
    client = as_user(users.economic_aid)
    assert client.get(f"{reverse('budgets:cost_entry_list')}?{query}").status_code == 200
    assert client.get(f"{reverse('budgets:budget_list')}?{query}").status_code == 200


def _count_queries(org):
    with CaptureQueriesContext(connection) as ctx:
        _section(org)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("entries", [1, 40])
def test_section_query_count_does_not_grow_with_bookings(org, users, entries):
    # budgets (1), the projection's monthly totals (1; a past year has no commitments ahead),
    # bookings of both periods (1), cases with costs (1), inhabitants (1)
    walle = make_budget(users.leadership, org.walle, year=2025, amount="100000.00")
    make_budget(users.leadership, org.vahr, year=2025, amount="100000.00")
    CostEntryFactory.create_batch(entries, budget=walle)
    assert _count_queries(org) == 5


def test_budget_list_totals_row(office, users, as_user):
    client = as_user(users.economic_aid)
    url = f"{reverse('budgets:budget_list')}?year=2025"
    response = client.get(url)
    assert response.status_code == 200
    totals = response.context["totals"]
    # all bookings on the 2025 budgets (the list's "booked" column): 28,277 + 4,000 + 8,000
    assert totals == {"count": 3, "amount": D("170000.00"), "booked": D("40277.00"),
                      "committed": totals["committed"], "projected": totals["projected"]}
    assert "170.000,00" in response.text and "40.277,00" in response.text


@pytest.mark.parametrize("budgets", [1, 6])
def test_budget_list_totals_cost_one_query(org, users, as_user, django_assert_max_num_queries, monkeypatch, budgets):
    monkeypatch.setattr(budget_views, "PAGE_SIZE", 2)
    pairs = [(d, a) for d in (org.walle, org.westend, org.vahr) for a in Area.values][:budgets]
    for district, area in pairs:
        make_budget(users.leadership, district, year=2030, area=area, amount="1000.00")
    client = as_user(users.economic_aid)
    # session, user, roles (3), totals (count, amounts, bookings: 1 – it also counts for the pages),
    # page of budgets (1), its bookings, contracts and last year's totals (3: the projection), filter
    # choices (district, provider, team, social centre: 4), session refresh (3); the same with 1 or 6
    with django_assert_max_num_queries(15):
        response = client.get(reverse("budgets:budget_list"))
    assert response.status_code == 200
    totals = response.context["totals"]
    assert (totals["count"], totals["amount"]) == {1: (1, D("1000.00")), 6: (6, D("6000.00"))}[budgets]
    # On one page the projection of every budget is known and summed; over several pages it is not.
    assert ("projected" in totals) is (budgets == 1)
    assert ('<td colspan="2" class="muted">' in response.text) is (budgets > 1)  # the cells say where to look


def test_forecast_during_the_year_is_the_budget_pages_projection(office):
    # On 1 October 2025 three months lie ahead; the run-rate is the mean of the months January to
    # September of the categories without commitments (the 5,000 of other providers are covered by
    # contracts – none here). Walle: (7,777 booked in January 2026 on the 2025 budget, month 1, + 10,000
    # + 1,000 + 3,000 micro-project − 1,000 + 500) / 9 = 2,364.11 → 28,277 + 3 × 2,364.11 = 35,369.33;
    # Vahr: 8,000 / 9 = 888.89 → 8,000 + 2,666.67 = 10,666.67.
    with time_machine.travel(datetime(2025, 10, 1, 10, tzinfo=BERLIN), tick=False):
        section = compute("money", Context(_scope(office), Period.year(2025)))
    assert section.figure("prognose").value == D("46036.00")
    assert section.figure("abweichung").value == D("103964.00")
    assert section.figure("gebunden").value == D("0.00")
