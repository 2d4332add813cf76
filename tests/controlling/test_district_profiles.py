"""District profiles in controlling (issue 12, item 8): live figures next to the indicators, the
analysis' own terms, staff change, description, two districts side by side, scope and query counts."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from juwe.controlling.district_views import live_sections
from juwe.models import DistrictIndicator, DistrictType
from tests.controlling.helpers import make_case
from tests.factories import DistrictIndicatorFactory

TODAY = dt.datetime(2026, 6, 15, 10, tzinfo=dt.timezone.utc)


@pytest.fixture
def fixed_day():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def walle_data(org, users):
    org.walle.description = "Altes Arbeiterquartier am Hafen, viele junge Familien."
    org.walle.save()
    DistrictIndicatorFactory(district=org.walle, year=2024, district_type=DistrictType.C, precarity_index="0.512",
                             staff_posts=Decimal("3.00"))
    DistrictIndicatorFactory(district=org.walle, year=2026, district_type=DistrictType.C, precarity_index="0.524",
                             staff_posts=Decimal("3.50"), youth_population=3120)
    DistrictIndicatorFactory(district=org.vahr, year=2026, district_type=DistrictType.D, precarity_index="0.701",
                             youth_population=2480)
    for day in range(1, 8):  # 7 cases open today in Walle
        make_case(org.walle, users.case_manager, opened_on=dt.date(2026, 3, day))
    make_case(org.walle, users.case_manager, opened_on=dt.date(2026, 1, 5), closed_on=dt.date(2026, 2, 1))


def _live(response) -> dict:
    return {title: {label: value for label, value, _help in rows} for title, rows in response.context["live"]}


def test_profile_shows_live_figures_next_to_the_indicators(walle_data, as_user, users, org, fixed_day):
    response = as_user(users.leadership).get(reverse("district_profile", args=[org.walle.code]))
    assert response.status_code == 200
    live = _live(response)
    staffing = live["Personal"]
    # The staffing section for one district: its own staff (3,50 in 2026) and 7 open cases → 2,0 per post
    assert staffing["Vollzeitstellen Fallmanagement"] == "3,50"
    assert staffing["Fälle je Vollzeitkraft"] == "2,0"
    assert "Altes Arbeiterquartier am Hafen" in response.text
    staff = response.context["staff"]
    assert (staff.first_year, staff.first, staff.last_year, staff.last, staff.change) == (
        2024, Decimal("3.00"), 2026, Decimal("3.50"), Decimal("0.50"))
    assert "+0,50" in response.text


def test_case_manager_sees_indicators_without_live_figures(walle_data, as_user, users, org, fixed_day):
    response = as_user(users.case_manager).get(reverse("district_profile", args=[org.walle.code]))
    assert response.status_code == 200
    assert response.context["live"] == []


def test_profile_uses_the_analysis_terms(walle_data, as_user, users, org, fixed_day):
    response = as_user(users.leadership).get(reverse("district_profile", args=[org.walle.code]))
    text = response.text
    assert "Prekarisierungsindex" in text and "Prekarität" not in text
    assert "C – Im Wandel" in text
    assert "Stadtraumtyp" in text
    assert "0,524" in text


def test_every_type_a_to_e_can_be_stored(org):
    for year, code in zip(range(2020, 2025), "ABCDE", strict=True):
        DistrictIndicatorFactory(district=org.westend, year=year, district_type=code)
    assert set(DistrictIndicator.objects.filter(district=org.westend).values_list("district_type", flat=True)) == set(
        "ABCDE")
    assert DistrictType.C.label == "C – Im Wandel" and DistrictType.D.label == "D – Buntes Viertel"


def test_compare_shows_two_districts_side_by_side(walle_data, as_user, users, org, fixed_day):
    response = as_user(users.leadership).get(reverse("district_compare"), {"a": org.walle.code, "b": org.vahr.code})
    assert response.status_code == 200
    rows = {label: (left, right) for label, left, right in response.context["rows"]}
    assert rows["Prekarisierungsindex"] == ("0,524", "0,701")
    assert rows["junge Einwohner 0–21"] == ("3.120", "2.480")
    assert rows["Stadtraumtyp"] == ("C – Im Wandel", "D – Buntes Viertel")
    assert "Buntes Viertel" in response.text and "Prekarisierungsindex" in response.text
    live = {title: rows for title, rows in response.context["live"]}
    cases_per_post = {label: (left, right) for label, left, right in live["Personal"]}["Fälle je Vollzeitkraft"]
    assert cases_per_post == ("2,0", "–")  # Vahr records no staff


def test_compare_without_a_pair_shows_the_form(as_user, users, org):
    response = as_user(users.case_manager).get(reverse("district_compare"))
    assert response.status_code == 200
    assert [code for code, _ in response.context["form"].fields["a"].choices] == [org.walle.code, org.westend.code]
    assert "pair" not in response.context


@pytest.mark.parametrize("a,b", [("334", "511"), ("511", "334"), ("334", "999"), ("vergleich", "334")])
def test_compare_outside_scope_is_404(as_user, users, a, b):
    assert as_user(users.case_manager).get(reverse("district_compare"), {"a": a, "b": b}).status_code == 404


def test_compare_route_comes_before_the_profile():
    assert reverse("district_compare") == "/organisation/stadtteile/vergleich/"


# role -> compare page (form), own pair (Walle–Westend), pair with Vahr (team B)
COMPARE_MATRIX = [
    ("case_manager", 200, 200, 404),
    ("team_lead", 200, 200, 404),
    ("other_case_manager", 200, 404, 404),
    ("coordinator", 200, 200, 404),
    ("economic_aid", 200, 200, 200),
    ("leadership", 200, 200, 200),
    ("center_lead", 200, 404, 404),
    ("provider_staff", 200, 200, 404),
    ("admin", 200, 200, 200),
    ("nobody", 403, 403, 403),
]


@pytest.mark.parametrize("who,form_status,own_status,other_status", COMPARE_MATRIX)
def test_compare_page_by_role(as_user, users, org, who, form_status, own_status, other_status):
    client = as_user(getattr(users, who))
    url = reverse("district_compare")
    assert client.get(url).status_code == form_status
    assert client.get(url, {"a": org.walle.code, "b": org.westend.code}).status_code == own_status
    assert client.get(url, {"a": org.walle.code, "b": org.vahr.code}).status_code == other_status


def test_profile_query_count(walle_data, as_user, users, org, fixed_day, django_assert_max_num_queries):
    for year in range(2015, 2024):
        DistrictIndicatorFactory(district=org.walle, year=year)
    user = users.leadership
    client = as_user(user)
    # The sections are written by other parts of the issue: count their queries for this district
    # apart (they pin their own counts), on top of the page's own.
    with CaptureQueriesContext(connection) as sections_queries:
        live_sections(user, org.walle)
    # session, user, roles, district scope, district, indicators, lead providers, the idle-timeout
    # session refresh (3), plus the sections (with their scope check)
    with django_assert_max_num_queries(10 + len(sections_queries)):
        response = client.get(reverse("district_profile", args=[org.walle.code]))
    assert response.status_code == 200


def test_compare_query_count(walle_data, as_user, users, org, fixed_day, django_assert_max_num_queries):
    user = users.leadership
    client = as_user(user)
    with CaptureQueriesContext(connection) as sections_queries:
        live_sections(user, org.walle)
        live_sections(user, org.vahr)
    # session, user, roles, visible districts, latest indicators, session refresh (3), the sections
    with django_assert_max_num_queries(8 + len(sections_queries)):
        response = client.get(reverse("district_compare"), {"a": org.walle.code, "b": org.vahr.code})
    assert response.status_code == 200
