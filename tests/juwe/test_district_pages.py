import pytest
from django.urls import reverse

from tests.factories import DistrictFactory, DistrictIndicatorFactory


def test_district_profile_shows_years_side_by_side(as_user, users, org):
    for year, youth in [(2023, 3010), (2024, 3120), (2025, 3230)]:
        DistrictIndicatorFactory(district=org.walle, year=year, youth_population=youth, precarity_index="0.824")
    response = as_user(users.case_manager).get(reverse("district_profile", args=[org.walle.code]))
    text = response.text
    assert text.index(">2023<") < text.index(">2024<") < text.index(">2025<")
    assert "3.010" in text and "3.230" in text  # German thousands separator
    assert "0,824" in text
    assert "Stadtteilhaus West e. V." in text  # lead provider


def test_district_list_filters_by_team_and_search(as_user, users, org):
    client = as_user(users.admin)
    response = client.get(reverse("district_list"), {"team": org.team_b.pk})
    assert "Gartenstadt Vahr" in response.text and "Westend" not in response.text
    response = client.get(reverse("district_list"), {"q": "west"})
    assert "Westend" in response.text and "Gartenstadt Vahr" not in response.text


def test_district_list_query_count_is_constant(as_user, users, org, django_assert_max_num_queries):
    client = as_user(users.admin)
    for _ in range(60):
        DistrictFactory(team=org.team_a)
    # session, user, roles, filter choices (social centres, teams), count, page,
    # and the idle-timeout session refresh (3): independent of the number of districts
    with django_assert_max_num_queries(10):
        response = client.get(reverse("district_list"))
    assert response.status_code == 200


def test_district_profile_query_count(as_user, users, org, django_assert_max_num_queries):
    for year in range(2015, 2026):
        DistrictIndicatorFactory(district=org.walle, year=year)
    client = as_user(users.case_manager)
    # session, user, roles, district scope (team districts), district, indicators, lead providers,
    # and the idle-timeout session refresh (UPDATE inside a savepoint: 3)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("district_profile", args=[org.walle.code]))
    assert response.status_code == 200


def test_filter_choices_stay_inside_the_users_scope(as_user, users, org):
    response = as_user(users.case_manager).get(reverse("district_list"))
    choices = [str(t) for t in response.context["filter"].form.fields["team"].queryset]
    assert choices == ["Stadtteilteam Walle"]
    assert "alle" in response.text
