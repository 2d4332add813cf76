"""Staffing reference (issue 12, item 7): weights from the bands, the section on a hand-built
dataset, the split of posts that adds up exactly, the page and its export by role."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.metrics.staffing import open_cases_by_district
from juwe.controlling.figures import Context
from juwe.controlling.period import Period
from juwe.controlling.scope import resolve_scope
from juwe.controlling.sections import compute
from juwe.controlling.staffing import SplitError, split_posts, weight_for, weighted_population
from juwe.demo import district_type
from juwe.models import DistrictIndicator, PrecarisationWeight, TeamPosts
from tests.controlling.helpers import make_case
from tests.factories import DistrictFactory, DistrictIndicatorFactory

D = Decimal
BANDS = [(D("-99.999"), D("1.00")), (D("0.000"), D("1.25")), (D("0.400"), D("1.50"))]
# The page's figures are taken on a fixed day: open cases at the end of 2025, posts of 2025.
TODAY = dt.datetime(2026, 6, 15, 10, tzinfo=dt.timezone.utc)


# --- pure functions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "index,weight",
    [("-0.900", "1.00"), ("-0.001", "1.00"), ("0.000", "1.25"), ("0.399", "1.25"), ("0.400", "1.50"), ("0.950", "1.50")],
)
def test_weight_is_that_of_the_band_the_index_falls_in(index, weight):
    assert weight_for(D(index), BANDS) == D(weight)


def test_index_below_every_band_or_missing_counts_once():
    assert weight_for(D("-1.000"), [(D("0.000"), D("1.25"))]) == D("1.00")
    assert weight_for(None, BANDS) == D("1.00")
    assert weight_for(D("0.5"), []) == D("1.00")


def test_weighted_population_sums_youth_times_weight():
    # 1000 × 1.50 + 2000 × 1.00 + 1200 × 1.25
    assert weighted_population([(1000, D("0.5")), (2000, D("-0.2")), (1200, D("0.1"))], BANDS) == D("5000.00")


@pytest.mark.parametrize(
    "total,weights,step,expected",
    [
        # 14 half posts over three equal teams: 4 each, the two left over to the first two.
        ("7", {"a": 1, "b": 1, "c": 1}, "0.5", {"a": "2.5", "b": "2.5", "c": "2.0"}),
        ("7", {"a": 1, "b": 1, "c": 1}, "0.1", {"a": "2.4", "b": "2.3", "c": "2.3"}),
        ("0", {"a": 1, "b": 1, "c": 1}, "0.5", {"a": "0.0", "b": "0.0", "c": "0.0"}),
        ("7", {"a": 5}, "0.5", {"a": "7.0"}),
        ("1", {"a": 1, "b": 1, "c": 1}, "0.5", {"a": "0.5", "b": "0.5", "c": "0.0"}),
        ("10", {"a": D("3500"), "b": D("1500")}, "0.5", {"a": "7.0", "b": "3.0"}),
        # 10 × 0.6 = 6.0 and 10 × 0.4 = 4.0: exact; 10.5 × 0.6 = 6.3 → 6.5, 4.2 → 4.0 (remainder .6 wins)
        ("10.5", {"a": 6, "b": 4}, "0.5", {"a": "6.5", "b": "4.0"}),
        ("3", {"a": 0, "b": 0}, "0.5", {"a": "1.5", "b": "1.5"}),  # no weights: equal
        ("4.25", {"a": 1, "b": 1}, "0.01", {"a": "2.13", "b": "2.12"}),
    ],
)
def test_split_adds_up_exactly(total, weights, step, expected):
    result = split_posts(D(total), {k: D(v) for k, v in weights.items()}, D(step))
    assert result == {k: D(v) for k, v in expected.items()}
    assert sum(result.values()) == D(total)


@pytest.mark.parametrize("total,step", [("7.3", "0.5"), ("-1", "0.5"), ("2.55", "0.1")])
def test_split_refuses_posts_it_cannot_split_in_the_step(total, step):
    with pytest.raises(SplitError):
        split_posts(D(total), {"a": D(1), "b": D(2)}, D(step))


@settings(max_examples=200, deadline=None)
@given(
    halves=st.integers(min_value=0, max_value=4000),
    weights=st.lists(st.integers(min_value=0, max_value=100000), min_size=1, max_size=20),
)
def test_split_always_adds_up_and_stays_within_one_step_of_the_quota(halves, weights):
    total = D(halves) / 2
    keyed = {i: D(w) for i, w in enumerate(weights)}
    result = split_posts(total, keyed, D("0.5"))
    assert sum(result.values()) == total
    whole = sum(keyed.values()) or None
    for key, part in result.items():
        quota = total * keyed[key] / whole if whole else total / len(keyed)
        assert abs(part - quota) < D("0.5")


def test_demo_types_cover_a_to_e():
    assert [district_type(D(i)) for i in ("-0.8", "-0.5", "0", "0.45", "0.8")] == ["A", "B", "E", "C", "D"]


# --- the section on a hand-built dataset -------------------------------------------------------


@pytest.fixture
def staffing_data(org, users):
    """Team A (Walle, Westend) with 2.50 posts in 2025, team B (Vahr) with 1.50."""
    m = users.case_manager
    DistrictIndicatorFactory(district=org.walle, year=2025, youth_population=1000, precarity_index="0.500")
    DistrictIndicatorFactory(district=org.walle, year=2024, youth_population=900, precarity_index="0.500")  # older
    DistrictIndicatorFactory(district=org.walle, year=2026, youth_population=5000, precarity_index="0.900")  # later
    DistrictIndicatorFactory(district=org.westend, year=2024, youth_population=2000, precarity_index="-0.200")
    DistrictIndicatorFactory(district=org.vahr, year=2025, youth_population=1200, precarity_index="0.100")
    TeamPosts.objects.create(team=org.team_a, year=2025, case_manager_posts=D("2.50"))
    TeamPosts.objects.create(team=org.team_a, year=2024, case_manager_posts=D("9.00"))
    TeamPosts.objects.create(team=org.team_b, year=2025, case_manager_posts=D("1.50"))
    # Walle: 2 open on 31 Dec 2025 (one closed only in January); closed on the reference date: not open.
    make_case(org.walle, m, opened_on=dt.date(2025, 3, 1))
    make_case(org.walle, m, opened_on=dt.date(2025, 2, 1), closed_on=dt.date(2026, 1, 5))
    make_case(org.walle, m, opened_on=dt.date(2024, 6, 1), closed_on=dt.date(2025, 12, 31))
    make_case(org.walle, m, opened_on=dt.date(2026, 1, 2))  # after the reference date
    make_case(org.westend, m, opened_on=dt.date(2025, 12, 31))  # opened on the reference date: open
    for day in (1, 2, 3):
        make_case(org.vahr, users.other_case_manager, opened_on=dt.date(2025, 4, day))
    make_case(org.vahr, users.other_case_manager, opened_on=dt.date(2025, 1, 10), closed_on=dt.date(2025, 6, 30))


def _section(user, period=None, level=None, object_id=None):
    ctx = Context(scope=resolve_scope(user, level, object_id), period=period or Period.year(2025), user=user)
    return compute("staffing", ctx)


def test_open_cases_at_the_reference_date(staffing_data, org):
    counts = open_cases_by_district([org.walle.pk, org.westend.pk, org.vahr.pk], dt.date(2025, 12, 31))
    assert counts == {org.walle.pk: 2, org.westend.pk: 1, org.vahr.pk: 3}
    assert open_cases_by_district([org.walle.pk], dt.date(2025, 12, 30)) == {org.walle.pk: 3}


def test_section_for_the_office(staffing_data, users, org):
    section = _section(users.leadership)
    assert section.subject == "staffing"
    # 4.00 posts; 6 open cases / 4 = 1.5; (1000 × 1.50 + 2000 × 1.00 + 1200 × 1.25) / 4 = 1250
    assert section.figure("vollzeitstellen").value == D("4.00")
    assert section.figure("faelle_je_vzk").value == D("1.5")
    assert section.figure("gewichtete_einwohner_je_vzk").value == D("1250")
    (table,) = section.tables
    assert table.key == "personalbemessung"
    by_team = {label: {f.key: f.value for f in figs} for label, figs in table.rows}
    assert list(by_team) == ["Stadtteilteam Vahr", "Stadtteilteam Walle", "Gesamt"]
    assert by_team["Stadtteilteam Walle"] == {
        "vollzeitstellen": D("2.50"), "faelle_offen": 3, "faelle_je_vzk": D("1.2"), "einwohner_u21": 3000,
        "gewichtete_einwohner": D("3500.00"), "gewichtete_einwohner_je_vzk": D("1400"),
    }
    assert by_team["Stadtteilteam Vahr"]["faelle_je_vzk"] == D("2.0")
    assert by_team["Stadtteilteam Vahr"]["gewichtete_einwohner_je_vzk"] == D("1000")


def test_team_without_posts_is_left_out_of_the_ratios(staffing_data, users, org):
    TeamPosts.objects.filter(team=org.team_b).delete()
    section = _section(users.leadership)
    assert section.figure("vollzeitstellen").value == D("2.50")
    assert section.figure("faelle_je_vzk").value == D("1.2")  # 3 / 2.5, Vahr's 3 cases not counted
    rows = {label: {f.key: f.value for f in figs} for label, figs in section.tables[0].rows}
    assert rows["Stadtteilteam Vahr"]["faelle_je_vzk"] is None


def test_weights_come_from_the_bands_the_administration_keeps(staffing_data, users):
    PrecarisationWeight.objects.filter(index_from=D("0.400")).update(weight=D("2.00"))
    # Walle now 1000 × 2.00: (2000 + 2000 + 1500) / 4 = 1375
    assert _section(users.leadership).figure("gewichtete_einwohner_je_vzk").value == D("1375")


def test_social_centre_head_sees_their_teams_only(staffing_data, users):
    section = _section(users.center_lead)
    assert [label for label, _ in section.tables[0].rows] == ["Stadtteilteam Vahr"]
    assert section.figure("vollzeitstellen").value == D("1.50")


def test_district_level_divides_by_the_districts_own_staff(staffing_data, users, org):
    DistrictIndicator.objects.filter(district=org.walle, year=2025).update(staff_posts=D("0.50"))
    section = _section(users.leadership, level="stadtteil", object_id=org.walle.pk)
    assert section.figure("vollzeitstellen").value == D("0.50")
    assert section.figure("faelle_je_vzk").value == D("4.0")  # Walle's 2 open cases / 0.5


def test_section_query_count_does_not_grow_with_the_office(staffing_data, users, org):
    ctx = Context(scope=resolve_scope(users.leadership), period=Period.year(2025), user=users.leadership)
    with CaptureQueriesContext(connection) as small:
        compute("staffing", ctx)
    for _ in range(5):
        district = DistrictFactory(team=org.team_b)
        DistrictIndicatorFactory(district=district, year=2025)
        make_case(district, users.other_case_manager, opened_on=dt.date(2025, 5, 5))
    ctx = Context(scope=resolve_scope(users.leadership), period=Period.year(2025), user=users.leadership)
    with CaptureQueriesContext(connection) as large:
        compute("staffing", ctx)
    # districts with teams, indicators, weight bands, posts, open cases (+ the user's roles for the link)
    assert len(small) == len(large) <= 6


# --- the page and its export --------------------------------------------------------------------


@pytest.fixture
def fixed_day():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_page_suggests_a_split_that_adds_up(staffing_data, as_user, users, org, fixed_day):
    response = as_user(users.leadership).get(reverse("controlling:staffing"), {"stellen": "10", "jahr": "2025"})
    assert response.status_code == 200
    assert response.context["split"] == {org.team_a.pk: D("7.0"), org.team_b.pk: D("3.0")}
    assert response.context["reference"] == dt.date(2025, 12, 31)


def test_page_splits_the_recorded_posts_without_input(staffing_data, as_user, users, org, fixed_day):
    response = as_user(users.leadership).get(reverse("controlling:staffing"), {"jahr": "2025"})
    # 4.00 posts by 3500 : 1500 = 2.80 and 1.20
    assert response.context["split"] == {org.team_a.pk: D("2.80"), org.team_b.pk: D("1.20")}


@pytest.mark.parametrize(
    "params,field",
    [({"stellen": "abc"}, "stellen"), ({"stellen": "7,3"}, "stellen"), ({"stellen": "-2"}, "stellen"),
     ({"jahr": "1800"}, "jahr"), ({"jahr": "zwanzig"}, "jahr"), ({"schritt": "0.3"}, "schritt")],
)
def test_bad_input_is_a_field_error(staffing_data, as_user, users, fixed_day, params, field):
    client = as_user(users.leadership)
    response = client.get(reverse("controlling:staffing"), params)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert response.context["split"] is None
    assert client.get(reverse("controlling:staffing_export", args=["csv"]), params).status_code == 400


def test_team_lead_sees_their_row_without_a_split(staffing_data, as_user, users, fixed_day):
    response = as_user(users.team_lead).get(reverse("controlling:staffing"), {"jahr": "2025", "stellen": "5"})
    assert response.status_code == 200
    assert [line[0].name for line in response.context["lines"]] == ["Stadtteilteam Walle"]
    assert response.context["split"] is None
    assert "Stadtteilteam Vahr" not in response.text


def test_export_equals_the_page(staffing_data, as_user, users, fixed_day):
    client = as_user(users.leadership)
    response = client.get(reverse("controlling:staffing_export", args=["csv"]), {"stellen": "10", "jahr": "2025"})
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[1] == "Stadtteilteam Vahr;1,50;3;2,00;1200;1500,00;1000,00;3,00;1,50"
    assert lines[2] == "Stadtteilteam Walle;2,50;3;1,20;3000;3500,00;1400,00;7,00;4,50"
    assert lines[3].startswith("Gesamt;4,00;6;1,50;4200;5000,00;1250,00;10,00")
    xlsx = client.get(reverse("controlling:staffing_export", args=["xlsx"]), {"jahr": "2025"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
    assert client.get(reverse("controlling:staffing_export", args=["pdf"])).status_code == 404


def test_page_query_count_is_constant(staffing_data, as_user, users, org, fixed_day, django_assert_max_num_queries):
    client = as_user(users.leadership)
    for _ in range(8):
        district = DistrictFactory(team=org.team_b)
        DistrictIndicatorFactory(district=district, year=2025)
    # session, user, roles, scope (reachable districts, the office's districts), five of the staffing
    # reference (districts, indicators, bands, posts, open cases), the idle-timeout session refresh (3)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("controlling:staffing"), {"jahr": "2025", "stellen": "10"})
    assert response.status_code == 200


# role -> status of the staffing page (and its export)
STAFFING_MATRIX = [
    ("case_manager", 403),
    ("team_lead", 200),
    ("other_case_manager", 403),
    ("coordinator", 403),
    ("economic_aid", 403),
    ("leadership", 200),
    ("center_lead", 200),
    ("provider_staff", 403),
    ("admin", 403),
    ("nobody", 403),
]


@pytest.mark.parametrize("who,status", STAFFING_MATRIX)
def test_staffing_page_by_role(as_user, users, org, who, status):
    client = as_user(getattr(users, who))
    assert client.get(reverse("controlling:staffing")).status_code == status
    assert client.get(reverse("controlling:staffing_export", args=["csv"])).status_code == status


@pytest.mark.parametrize("who,teams", [("leadership", {"Stadtteilteam Walle", "Stadtteilteam Vahr"}),
                                       ("center_lead", {"Stadtteilteam Vahr"}),
                                       ("team_lead", {"Stadtteilteam Walle"})])
def test_staffing_page_shows_only_the_own_scope(as_user, users, who, teams):
    response = as_user(getattr(users, who)).get(reverse("controlling:staffing"))
    assert {line[0].name for line in response.context["lines"]} == teams


@pytest.mark.django_db
def test_bands_are_seeded_by_the_migration():
    assert list(PrecarisationWeight.objects.values_list("index_from", "weight")) == BANDS


def test_administration_keeps_posts_and_weights_in_the_admin(as_user, users, org):
    client = as_user(users.admin)
    for name in ("juwe_teamposts_changelist", "juwe_teamposts_add", "juwe_precarisationweight_changelist"):
        assert client.get(reverse(f"admin:{name}")).status_code == 200, name
    response = client.post(reverse("admin:juwe_teamposts_add"),
                           {"team": org.team_a.pk, "year": "2025", "case_manager_posts": "8.75"})
    assert response.status_code == 302
    assert TeamPosts.objects.get(team=org.team_a, year=2025).case_manager_posts == D("8.75")
    again = client.post(reverse("admin:juwe_teamposts_add"),
                        {"team": org.team_a.pk, "year": "2025", "case_manager_posts": "9"})
    assert again.status_code == 200 and "team_posts_unique_per_year" not in again.text
    assert client.get(reverse("admin:juwe_team_change", args=[org.team_a.pk])).status_code == 200


@pytest.mark.parametrize("who", ["leadership", "team_lead", "case_manager"])
def test_other_roles_do_not_keep_posts(as_user, users, who):
    response = as_user(getattr(users, who)).get(reverse("admin:juwe_teamposts_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response.url
