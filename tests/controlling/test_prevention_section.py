"""The prevention section of the controlling dashboard against a small hand-built dataset.

Scope: team A (Walle + Westend); Gartenstadt Vahr (team B) carries a project, participants,
referrals, grants, a network and offers that must never show up. Period: the year 2025, reference
date 31.12.2025 – fixed dates, so the answers below hold whatever today is.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from juwe.controlling.figures import Context, Kind
from juwe.controlling.period import Period
from juwe.controlling.scope import Level, Scope
from juwe.controlling.sections import compute as compute_section
from juwe.controlling.sections.prevention import compute
from microprojects.models import ActionGrant, Category, MicroProject, Status, Supplement
from tests.factories import DistrictFactory, DistrictIndicatorFactory
from tests.microprojects.factories import add_review, count_participants, make_case, make_project, refer, set_budget
from tests.networks.factories import MemberOrganisationFactory, NetworkFactory, OfferFactory, cohort

BERLIN = ZoneInfo("Europe/Berlin")
YEAR_2025 = Period.year(2025)

KEYS = [
    "mikroprojekte", "mikroprojekte_bewilligt_summe", "praeventionsrahmen", "anteil_rahmen", "teilnehmende",
    "anteil_vermittelt", "anteil_vermittelt_gezaehlt", "ohne_review_12_monate", "aktionsbudget_zuschuesse",
    "aktionsbudget_summe", "netzwerk_luecken", "angebote_je_1000",
]


def _project(org, users, districts, *, status, category, start, end, approved="0.00", budget_year=None, title="P"):
    project = make_project(
        districts=districts, provider=org.provider_a, created_by=users.case_manager, status=status,
        category=category, start=start, end=end, requested=approved, approved=approved, title=title,
    )
    if budget_year is not None:
        MicroProject.objects.filter(pk=project.pk).update(budget_year=budget_year)
    return project


def _grant(district, user, *, amount, status=ActionGrant.Status.GRANTED, decided_at=None):
    return ActionGrant.objects.create(
        district=district, year=2025, title="Stadtteilfest", applicant="Elternverein", purpose="Material",
        amount=Decimal(amount), status=status, requested_by=user, decided_by=user if decided_at else None,
        decided_at=decided_at,
    )


@pytest.fixture(autouse=True)
def english():
    """Labels are checked in the source language."""
    with translation.override("en"):
        yield


@pytest.fixture
def team_a(org):
    return Scope(Level.TEAM, org.team_a, tuple(sorted([org.walle.pk, org.westend.pk])))


@pytest.fixture
def data(org, users):
    """The dataset; each comment says why a row counts or not."""
    walle, westend, vahr = org.walle, org.westend, org.vahr
    cm = users.case_manager
    d = type("Data", (), {})()
    # Counted in 2025: overlaps the year, committed.
    d.p1 = _project(org, users, [walle, westend], status=Status.RUNNING, category=Category.CASE_SPANNING,
                    start=dt.date(2024, 1, 1), end=dt.date(2026, 6, 30), approved="30000.00", title="Familienwohnzimmer")
    d.p2 = _project(org, users, [walle], status=Status.APPROVED, category=Category.INSTITUTION,
                    start=dt.date(2025, 3, 1), end=dt.date(2025, 12, 31), approved="10000.00", title="Lernwerkstatt")
    d.p3 = _project(org, users, [westend], status=Status.COMPLETED, category=Category.CASE_SPANNING,
                    start=dt.date(2025, 1, 15), end=dt.date(2025, 6, 30), approved="5000.00", title="Elterncafe")
    d.p4 = _project(org, users, [walle], status=Status.RUNNING, category=Category.SPECIAL_METHOD,
                    start=dt.date(2023, 9, 1), end=dt.date(2026, 8, 31), approved="8000.00", title="Zirkus")
    d.p9 = _project(org, users, [walle], status=Status.RUNNING, category=Category.SEMI_PROFESSIONAL,
                    start=dt.date(2025, 2, 1), end=dt.date(2026, 12, 31), approved="1000.00", title="Lesepaten")
    # Not counted: draft, rejected, ended before 2025, another district.
    _project(org, users, [walle], status=Status.DRAFT, category=Category.CASE_SPANNING,
             start=dt.date(2025, 2, 1), end=dt.date(2025, 9, 30), approved="700.00", title="Entwurf")
    _project(org, users, [walle], status=Status.REJECTED, category=Category.CASE_SPANNING,
             start=dt.date(2025, 2, 1), end=dt.date(2025, 9, 30), approved="700.00", title="Abgelehnt")
    _project(org, users, [walle], status=Status.COMPLETED, category=Category.SEMI_PROFESSIONAL,
             start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31), approved="3000.00", title="Vorjahr")
    d.vahr = _project(org, users, [vahr], status=Status.RUNNING, category=Category.INSTITUTION,
                      start=dt.date(2024, 1, 1), end=dt.date(2026, 12, 31), approved="40000.00", budget_year=2025,
                      title="Vahr-Projekt")

    # Supplements: granted on P2 (counts), an open request (does not).
    Supplement.objects.create(project=d.p2, requested_amount=Decimal("2500.00"), reason="Mehr Gruppen",
                              status=Supplement.Status.APPROVED, approved_amount=Decimal("2000.00"), requested_by=cm)
    Supplement.objects.create(project=d.p9, requested_amount=Decimal("400.00"), reason="Material", requested_by=cm)
    # Frames: 2025 of Walle and Westend; Walle's 2024 frame and Vahr's do not count.
    set_budget(walle, "50000.00", 2025)
    set_budget(westend, "18000.00", 2025)
    set_budget(walle, "99999.00", 2024)
    set_budget(vahr, "70000.00", 2025)

    # Participants: the quarters of 2025 count; 2024 Q4 and Vahr do not.
    count_participants(d.p1, 2025, 1, 4, 6, cm)
    count_participants(d.p1, 2025, 4, 2, 8, cm)
    count_participants(d.p1, 2024, 4, 10, 10, cm)
    count_participants(d.p4, 2025, 2, 0, 5, cm)
    count_participants(d.vahr, 2025, 1, 50, 50, cm)
    # Referrals: three in 2025 (one on the reference date), one in 2024, one to the Vahr project.
    refer(d.p1, make_case(walle, cm), cm, dt.date(2025, 2, 10))
    refer(d.p1, make_case(walle, cm), cm, dt.date(2025, 11, 30))
    refer(d.p4, make_case(walle, cm), cm, dt.date(2025, 12, 31))
    refer(d.p1, make_case(westend, cm), cm, dt.date(2024, 12, 31))
    refer(d.vahr, make_case(vahr, users.other_case_manager), cm, dt.date(2025, 5, 5))

    # Reviews: P1's last one lies exactly 12 months before the reference date (due again), another
    # one after the reference date does not help; P4's lies one day later (within the 12 months).
    add_review(d.p1, users.coordinator, dt.date(2024, 12, 31))
    add_review(d.p1, users.coordinator, dt.date(2026, 1, 15))
    add_review(d.p4, users.coordinator, dt.date(2025, 1, 1))

    # Action grants: decided in 2025 (the second at 23:30 on 31.12. Berlin time) count; the one decided
    # 00:30 on 1 January 2026, a 2024 decision, a request and Vahr's do not.
    coordinator = users.coordinator
    _grant(walle, coordinator, amount="300.00", decided_at=dt.datetime(2025, 3, 10, 10, tzinfo=BERLIN))
    _grant(westend, coordinator, amount="450.50", decided_at=dt.datetime(2025, 12, 31, 23, 30, tzinfo=BERLIN))
    _grant(westend, coordinator, amount="80.00", decided_at=dt.datetime(2026, 1, 1, 0, 30, tzinfo=BERLIN))
    _grant(walle, coordinator, amount="100.00", decided_at=dt.datetime(2024, 12, 31, 12, tzinfo=BERLIN))
    _grant(walle, coordinator, amount="200.00", status=ActionGrant.Status.REQUESTED)
    _grant(vahr, coordinator, amount="999.00", decided_at=dt.datetime(2025, 6, 1, 12, tzinfo=BERLIN))

    # Networks: Walle has two early-help networks and a Kita-age one it shares with Westend; an
    # inactive network and Vahr's do not cover anything.
    NetworkFactory(social_center=org.center_a, districts=[walle], cohort=cohort("fruehe-hilfen"))
    NetworkFactory(social_center=org.center_a, districts=[walle], cohort=cohort("fruehe-hilfen"))
    NetworkFactory(social_center=org.center_a, districts=[walle, westend], cohort=cohort("kita"))
    NetworkFactory(social_center=org.center_a, districts=[westend], cohort=cohort("grundschule"), active=False)
    NetworkFactory(social_center=org.center_b, districts=[vahr], cohort=cohort("10-14"))

    # Offers valid on 31.12.2025 and open to under-21s: two in Walle, one in Westend.
    org_walle = MemberOrganisationFactory(district=walle)
    org_westend = MemberOrganisationFactory(district=westend)
    OfferFactory(organisation=org_walle, age_from=0, age_to=6)
    OfferFactory(organisation=org_walle, age_from=10, age_to=17, valid_until=dt.date(2025, 12, 31))
    OfferFactory(organisation=org_walle, valid_until=dt.date(2025, 12, 30))  # expired the day before
    OfferFactory(organisation=org_walle, status="suggested")
    OfferFactory(organisation=org_walle, age_from=21, age_to=27)  # not for under-21s
    OfferFactory(organisation=org_walle, valid_from=dt.date(2026, 1, 1))  # not yet valid
    OfferFactory(organisation=org_westend, age_from=6, age_to=12)
    OfferFactory(organisation=org_westend, status="archived")
    OfferFactory(organisation=MemberOrganisationFactory(district=vahr))

    # Inhabitants under 21: Walle's 2025 figure (not 2024's), Westend's latest before 2025 (2023, not 2026).
    DistrictIndicatorFactory(district=walle, year=2025, youth_population=1500)
    DistrictIndicatorFactory(district=walle, year=2024, youth_population=9999)
    DistrictIndicatorFactory(district=westend, year=2023, youth_population=1000)
    DistrictIndicatorFactory(district=westend, year=2026, youth_population=7777)
    DistrictIndicatorFactory(district=vahr, year=2025, youth_population=3000)
    return d


def _values(section) -> dict:
    return {f.key: f.value for f in section.figures}


def test_every_figure_against_the_dataset(data, team_a):
    section = compute(Context(team_a, YEAR_2025))
    assert section.subject == "prevention"
    assert [f.key for f in section.figures] == KEYS
    assert _values(section) == {
        "mikroprojekte": 5,
        "mikroprojekte_bewilligt_summe": Decimal("18000.00"),  # 10,000 + 2,000 supplement + 5,000 + 1,000
        "praeventionsrahmen": Decimal("68000.00"),
        "anteil_rahmen": Decimal("26.5"),
        "teilnehmende": 25,
        "anteil_vermittelt": Decimal("12.0"),  # 3 referrals / 25
        "anteil_vermittelt_gezaehlt": Decimal("24.0"),  # 6 counted as referred / 25
        "ohne_review_12_monate": 1,
        "aktionsbudget_zuschuesse": 2,
        "aktionsbudget_summe": Decimal("750.50"),
        "netzwerk_luecken": 9,  # Walle 6 − 2 covered, Westend 6 − 1 covered
        "angebote_je_1000": Decimal("1.20"),  # 3 offers / 2,500 inhabitants
    }


def test_kinds_bases_and_help(data, team_a):
    section = compute(Context(team_a, YEAR_2025))
    kinds = {f.key: f.kind for f in section.figures}
    assert kinds["mikroprojekte_bewilligt_summe"] == kinds["praeventionsrahmen"] == kinds["aktionsbudget_summe"] == Kind.MONEY
    assert kinds["anteil_rahmen"] == kinds["anteil_vermittelt"] == kinds["anteil_vermittelt_gezaehlt"] == Kind.SHARE
    assert section.figure("anteil_vermittelt").base == 25
    assert section.figure("anteil_rahmen").base == 3  # projects charged in 2025: P2, P3, P9
    assert section.figure("angebote_je_1000").base == 3
    assert all(f.help and f.help.endswith(".") for f in section.figures)
    assert "Of the 2 micro-projects" in section.figure("ohne_review_12_monate").help


def test_category_table_and_chart(org, data, team_a):
    section = compute(Context(team_a, YEAR_2025))
    table = next(t for t in section.tables if t.key == "mikroprojekte_kategorien")
    assert table.columns == [str(label) for label in Category.labels] + ["Total"]
    # columns: case-spanning, institution, special method, semi-professional, total
    assert [(label, [c.value for c in cells]) for label, cells in table.rows] == [
        ("Walle", [1, 1, 1, 1, 4]),  # P1 in both districts
        ("Westend", [2, 0, 0, 0, 2]),  # P1 and P3
        ("Total", [2, 1, 1, 1, 5]),  # P1 once
    ]
    assert table.total_row
    chart = next(c for c in section.charts if c.key == "mikroprojekte_kategorien")
    assert chart.kind == "bar"
    assert chart.series[0][1] == [2, 1, 1, 1]


def test_coverage_table(data, team_a):
    section = compute(Context(team_a, YEAR_2025))
    table = next(t for t in section.tables if t.key == "netzwerk_abdeckung")
    assert table.columns == ["Frühe Hilfen", "Kita-Alter", "Grundschulalter", "Jugendliche 10–14", "Jugendliche 14–18",
                             "Junge Volljährige", "Gaps"]
    assert [(label, [c.value for c in cells]) for label, cells in table.rows] == [
        ("Walle", [2, 1, 0, 0, 0, 0, 4]),
        ("Westend", [0, 1, 0, 0, 0, 0, 5]),
    ]


def test_another_districts_project_is_not_counted(org, data):
    walle = Scope(Level.DISTRICT, org.walle, (org.walle.pk,))
    values = _values(compute(Context(walle, YEAR_2025)))
    assert values["mikroprojekte"] == 4  # P1, P2, P4, P9 – not Westend's P3, not Vahr's
    assert values["mikroprojekte_bewilligt_summe"] == Decimal("13000.00")  # P2 + supplement + P9 (P3 is Westend's)
    assert values["praeventionsrahmen"] == Decimal("50000.00")
    assert values["anteil_rahmen"] == Decimal("26.0")
    assert values["teilnehmende"] == 25  # P1 counts in Walle too
    vahr = Scope(Level.DISTRICT, org.vahr, (org.vahr.pk,))
    values = _values(compute(Context(vahr, YEAR_2025)))
    assert values["mikroprojekte"] == 1
    assert values["teilnehmende"] == 100
    assert values["anteil_vermittelt"] == Decimal("1.0")
    assert values["ohne_review_12_monate"] == 1
    assert values["aktionsbudget_summe"] == Decimal("999.00")
    assert values["anteil_rahmen"] == Decimal("57.1")  # 40,000 / 70,000


def test_review_exactly_twelve_months_before_is_due_one_day_later_is_not(org, users, data, team_a):
    # Reference date one day earlier (30.12.2025): P1's review of 31.12.2024 now lies within the 12
    # months, P4's of 1.1.2025 too – no project is missing a review.
    values = _values(compute(Context(team_a, Period.year(2025, reference=dt.date(2025, 12, 30)))))
    assert values["ohne_review_12_monate"] == 0
    # One day later (1.1.2026): P1's review is older than 12 months, P4's is exactly 12 months old.
    later = Period.days(dt.date(2025, 1, 1), dt.date(2026, 1, 1))
    assert _values(compute(Context(team_a, later)))["ohne_review_12_monate"] == 2


def test_period_crossing_a_year(data, team_a):
    """November 2024 – February 2025: the quarters Q4 2024 and Q1 2025; money of budget year 2025."""
    values = _values(compute(Context(team_a, Period.months((2024, 11), (2025, 2)))))
    assert values["teilnehmende"] == 30  # 2024 Q4: 10 + 10, 2025 Q1: 4 + 6
    assert values["anteil_vermittelt"] == Decimal("6.7")  # 31.12.2024 and 10.2.2025: 2 / 30
    assert values["anteil_vermittelt_gezaehlt"] == Decimal("46.7")  # 14 / 30
    assert values["praeventionsrahmen"] == Decimal("68000.00")
    # P1, P4 and the 2024 project (ended 31.12.2024) overlap; P3 (from 15.1.2025) and P9 (from 1.2.2025) too.
    assert values["mikroprojekte"] == 5
    assert values["aktionsbudget_zuschuesse"] == 1  # 31.12.2024 (the March grant is later)


def test_empty_scope_gives_zeros_and_no_shares(db):
    lonely = DistrictFactory(name="Blockland")
    values = _values(compute(Context(Scope(Level.DISTRICT, lonely, (lonely.pk,)), YEAR_2025)))
    assert values == {
        "mikroprojekte": 0, "mikroprojekte_bewilligt_summe": Decimal("0.00"), "praeventionsrahmen": Decimal("0.00"),
        "anteil_rahmen": None, "teilnehmende": 0, "anteil_vermittelt": None, "anteil_vermittelt_gezaehlt": None,
        "ohne_review_12_monate": 0, "aktionsbudget_zuschuesse": 0, "aktionsbudget_summe": Decimal("0.00"),
        "netzwerk_luecken": 6, "angebote_je_1000": None,
    }


def test_referral_share_is_capped_at_100(org, users):
    project = _project(org, users, [org.walle], status=Status.RUNNING, category=Category.CASE_SPANNING,
                       start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    count_participants(project, 2025, 2, 1, 0, users.case_manager)
    for day in (dt.date(2025, 4, 1), dt.date(2025, 5, 1)):
        refer(project, make_case(org.walle, users.case_manager), users.case_manager, day)
    walle = Scope(Level.DISTRICT, org.walle, (org.walle.pk,))
    assert compute(Context(walle, YEAR_2025)).figure("anteil_vermittelt").value == Decimal("100.0")


def test_no_personal_data(data, team_a):
    section = compute(Context(team_a, YEAR_2025))
    cases = [r.case.reference for r in data.p1.referrals.select_related("case")]
    text = repr(section)
    assert not any(reference in text for reference in cases)
    assert "Familienwohnzimmer" not in text  # not even project titles


def test_registry_computes_the_section(data, team_a):
    assert compute_section("prevention", Context(team_a, YEAR_2025)).figure("mikroprojekte").value == 5


# --- Links ------------------------------------------------------------------------------------------------


def test_links_for_leadership_filtered_to_the_team(org, users, data, team_a):
    section = compute(Context(team_a, YEAR_2025, users.leadership))
    w, e = team_a.district_ids
    assert section.figure("mikroprojekte").link == f"/mikroprojekte/?districts={w}&districts={e}&year=2025"
    assert section.figure("ohne_review_12_monate").link == (
        f"/mikroprojekte/?districts={w}&districts={e}&year=2025&status=running"
    )
    assert section.figure("anteil_rahmen").link == "/mikroprojekte/stadtteile/?year=2025"
    assert section.figure("aktionsbudget_summe").link == "/mikroprojekte/aktionsbudget/?year=2025&status=granted"
    assert section.figure("netzwerk_luecken").link == f"/netzwerke/abdeckung/?social_center={org.center_a.pk}"
    assert section.figure("angebote_je_1000").link == f"/netzwerke/angebote/?districts={w}&districts={e}"


def test_links_for_a_district_and_the_office(org, users, data):
    walle = Scope(Level.DISTRICT, org.walle, (org.walle.pk,))
    section = compute(Context(walle, YEAR_2025, users.coordinator))
    assert section.figure("mikroprojekte").link == f"/mikroprojekte/?district={org.walle.pk}&year=2025"
    assert section.figure("angebote_je_1000").link == f"/netzwerke/angebote/?district={org.walle.pk}"
    office = Scope(Level.OFFICE, None, tuple(sorted([org.walle.pk, org.westend.pk, org.vahr.pk])))
    section = compute(Context(office, Period.months((2024, 11), (2025, 2)), users.leadership))
    assert section.figure("mikroprojekte").link == "/mikroprojekte/"
    assert section.figure("netzwerk_luecken").link == "/netzwerke/abdeckung/"


def test_no_links_without_a_viewer_or_permission(users, data, team_a):
    assert all(f.link is None for f in compute(Context(team_a, YEAR_2025)).figures)
    assert all(f.link is None for f in compute(Context(team_a, YEAR_2025, users.nobody)).figures)


def test_linked_project_list_shows_the_scope(org, users, data, team_a, as_user):
    link = compute(Context(team_a, YEAR_2025, users.leadership)).figure("mikroprojekte").link
    page = as_user(users.leadership).get(link).content.decode()
    assert "Familienwohnzimmer" in page and "Elterncafe" in page
    assert "Vahr-Projekt" not in page
    # The filter form carries the districts along (hidden), so filtering further keeps the scope.
    assert f'type="hidden" name="districts" value="{team_a.district_ids[0]}"' in page


def test_linked_offer_search_shows_the_scope(org, users, data, team_a, as_user):
    client = as_user(users.leadership)
    link = compute(Context(team_a, YEAR_2025, users.leadership)).figure("angebote_je_1000").link
    response = client.get(link)
    assert response.status_code == 200
    # The directory lists what is valid today, so only the districts are checked (not the dated offers).
    assert {o.district_id for o in response.context["page"].object_list} == {org.walle.pk, org.westend.pk}
    # With a visible district and hidden districts, both apply.
    both = client.get(f"/netzwerke/angebote/?districts={org.walle.pk}&district={org.westend.pk}")
    assert list(both.context["page"].object_list) == []


@pytest.mark.parametrize("url", ["/mikroprojekte/?districts=abc&districts=999999", "/netzwerke/angebote/?districts=x"])
def test_bad_district_filters_answer_without_error(users, as_user, url):
    assert as_user(users.leadership).get(url).status_code == 200


# --- Query count -----------------------------------------------------------------------------------------

# Districts of the scope 1, projects by district/category 2, frame 3, participants 2, reviews 1,
# grants 1, cohorts and networks 2, inhabitants 1, offers 1 – and the viewer's roles once, for the links.
QUERIES = 15


def _queries(ctx) -> int:
    with CaptureQueriesContext(connection) as captured:
        compute(ctx)
    return len(captured)


def test_query_count_does_not_grow_with_the_data(org, users, team_a, django_assert_max_num_queries):
    _project(org, users, [org.walle], status=Status.RUNNING, category=Category.CASE_SPANNING,
             start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31), approved="100.00")
    with django_assert_max_num_queries(QUERIES):
        compute(Context(team_a, YEAR_2025, users.leadership))
    one = _queries(Context(team_a, YEAR_2025))
    for n in range(6):
        p = _project(org, users, [org.walle, org.westend], status=Status.RUNNING, category=Category.INSTITUTION,
                     start=dt.date(2023, 1, 1), end=dt.date(2026, 12, 31), approved="100.00")
        count_participants(p, 2025, 1 + n % 4, 1, 1, users.case_manager)
        add_review(p, users.coordinator, dt.date(2025, 6, 1))
        NetworkFactory(social_center=org.center_a, districts=[org.westend], cohort=cohort("kita"))
    assert _queries(Context(team_a, YEAR_2025)) == one
    with django_assert_max_num_queries(QUERIES):
        compute(Context(team_a, YEAR_2025, users.leadership))
