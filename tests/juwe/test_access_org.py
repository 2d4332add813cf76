"""The role matrix for org objects: URL × role × expected status (404 outside scope, 403 without role)."""

import pytest
from django.urls import reverse

from juwe.access import visible
from juwe.models import District, Provider

# role attribute on the `users` fixture -> expected status for the district list, Walle (team A), Vahr (team B)
MATRIX = [
    ("case_manager", 200, 200, 404),
    ("team_lead", 200, 200, 404),
    ("other_case_manager", 200, 404, 200),
    ("coordinator", 200, 200, 404),
    ("economic_aid", 200, 200, 200),
    ("leadership", 200, 200, 200),
    ("center_lead", 200, 404, 200),
    ("provider_staff", 200, 200, 404),
    ("admin", 200, 200, 200),
    ("nobody", 403, 403, 403),
]


@pytest.mark.parametrize("who,list_status,walle_status,vahr_status", MATRIX)
def test_district_pages_by_role(as_user, users, org, who, list_status, walle_status, vahr_status):
    client = as_user(getattr(users, who))
    assert client.get(reverse("district_list")).status_code == list_status
    assert client.get(reverse("district_profile", args=[org.walle.code])).status_code == walle_status
    assert client.get(reverse("district_profile", args=[org.vahr.code])).status_code == vahr_status


def test_unknown_district_is_404_like_a_foreign_one(as_user, users):
    assert as_user(users.case_manager).get(reverse("district_profile", args=["999"])).status_code == 404


@pytest.mark.parametrize(
    "who,expected",
    [
        ("case_manager", {"Walle", "Westend"}),
        ("coordinator", {"Walle", "Westend"}),
        ("center_lead", {"Gartenstadt Vahr"}),
        ("leadership", {"Walle", "Westend", "Gartenstadt Vahr"}),
        ("provider_staff", {"Walle", "Westend"}),
        ("nobody", set()),
    ],
)
def test_visible_districts(users, who, expected):
    assert set(visible(getattr(users, who), District).values_list("name", flat=True)) == expected


def test_district_list_shows_only_scope(as_user, users):
    response = as_user(users.case_manager).get(reverse("district_list"))
    assert "Westend" in response.text and "Gartenstadt Vahr" not in response.text


def test_provider_staff_see_only_their_provider(users, org):
    assert list(visible(users.provider_staff, Provider)) == [org.provider_a]
    assert visible(users.case_manager, Provider).count() == 2


def test_inactive_user_sees_nothing(users):
    users.leadership.is_active = False
    assert visible(users.leadership, District).count() == 0


def test_unregistered_model_is_refused(users):
    from django.contrib.sessions.models import Session

    with pytest.raises(LookupError):
        visible(users.admin, Session)
