"""The access matrix of the case file: URL × role × expected status (pretix's test_permissions style)."""

import pytest
from django.urls import reverse

from cases.models import Case, NetworkPerson, ResourceEntry
from tests.cases.factories import add_maps, make_case

# role attribute on the `users` fixture -> expected status for pages of a case of team A.
# Everybody without case contents gets 404, so nobody learns that the file exists.
CASE_PAGE_STATUS = {
    "case_manager": 200,
    "colleague": 200,  # same team
    "team_lead": 200,
    "other_case_manager": 404,  # other team
    "coordinator": 404,
    "economic_aid": 404,
    "leadership": 404,
    "center_lead": 404,
    "provider_staff": 404,  # until contracts assign cases to providers (case file II)
    "admin": 404,
    "nobody": 404,
}
# The list and the intake form are actions of case work: 403 for the other roles.
LIST_STATUS = {role: 200 if role in ("case_manager", "colleague", "team_lead", "other_case_manager") else 403 for role in CASE_PAGE_STATUS}


def case_urls(case):
    return [
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:network_svg", args=[case.pk]),
        reverse("cases:offers", args=[case.pk]),
        reverse("cases:resource_add", args=[case.pk]),
        reverse("cases:network_add", args=[case.pk]),
        reverse("cases:resource_edit", args=[case.pk, ResourceEntry.objects.filter(case=case).first().pk]),
        reverse("cases:network_edit", args=[case.pk, NetworkPerson.objects.filter(case=case).first().pk]),
    ]


@pytest.mark.parametrize("role", CASE_PAGE_STATUS)
def test_case_pages_by_role(as_user, users, org, role):
    case = make_case(users.case_manager, org.walle)
    add_maps(case, users.case_manager)
    client = as_user(getattr(users, role))
    for url in case_urls(case):
        assert client.get(url).status_code == CASE_PAGE_STATUS[role], url


@pytest.mark.parametrize("role", CASE_PAGE_STATUS)
def test_case_writes_by_role(as_user, users, org, role):
    case = make_case(users.case_manager, org.walle)
    client = as_user(getattr(users, role))
    posts = [
        (reverse("cases:edit", args=[case.pk]), {"version": case.version, "first_contact_source": "self", "concern": "x", "will": "x", "goals": "x"}),
        (reverse("cases:classify", args=[case.pk]), {"version": case.version, "classification": "grey", "reason": "Sorge"}),
        (reverse("cases:contact_add", args=[case.pk]), {"occurred_at": "2020-01-01T10:00", "kind": "phone", "participants": "x", "duration_minutes": 5}),
        (reverse("cases:member_add", args=[case.pk]), {"member-role": "child", "member-first_name": "Paul", "member-last_name": "P", "member-gender": "male"}),
    ]
    expected = CASE_PAGE_STATUS[role]
    for url, data in posts:
        status = client.post(url, data).status_code
        if expected == 200:
            assert status in (200, 302, 422), url  # allowed; 422 = validation (e.g. contact before opening)
        else:
            assert status == expected, url
    if expected != 200:
        unchanged = Case.objects.get(pk=case.pk)
        assert unchanged.version == case.version and unchanged.contact_count == 0
        assert unchanged.members.count() == 2


@pytest.mark.parametrize("role", LIST_STATUS)
def test_list_and_intake_by_role(as_user, users, org, role):
    client = as_user(getattr(users, role))
    assert client.get(reverse("cases:list")).status_code == LIST_STATUS[role]
    assert client.get(reverse("cases:open")).status_code == LIST_STATUS[role]


def test_list_shows_only_the_own_teams_cases(as_user, users, org):
    own = make_case(users.case_manager, org.walle)
    other = make_case(users.other_case_manager, org.vahr, child=("Ben", "Albers", None))
    text = as_user(users.colleague).get(reverse("cases:list")).text
    assert own.reference in text and other.reference not in text
    text = as_user(users.other_case_manager).get(reverse("cases:list")).text
    assert other.reference in text and own.reference not in text


def test_only_team_leads_hand_cases_over(as_user, users, org):
    case = make_case(users.case_manager, org.walle)
    url = reverse("cases:assign", args=[case.pk])
    assert as_user(users.case_manager).post(url, {"version": case.version, "case_manager": users.colleague.pk}).status_code == 403
    response = as_user(users.team_lead).post(url, {"version": case.version, "case_manager": users.colleague.pk})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).case_manager == users.colleague


def test_case_cannot_be_handed_to_someone_outside_the_team(as_user, users, org):
    case = make_case(users.case_manager, org.walle)
    as_user(users.team_lead).post(reverse("cases:assign", args=[case.pk]), {"version": case.version, "case_manager": users.other_case_manager.pk})
    assert Case.objects.get(pk=case.pk).case_manager == users.case_manager


def test_map_entry_of_another_case_is_not_found(as_user, users, org):
    mine = make_case(users.case_manager, org.walle)
    theirs = make_case(users.other_case_manager, org.vahr)
    add_maps(theirs, users.other_case_manager)
    entry = ResourceEntry.objects.filter(case=theirs).first()
    client = as_user(users.case_manager)
    assert client.post(reverse("cases:resource_edit", args=[mine.pk, entry.pk]), {"delete": "1"}).status_code == 404
    assert ResourceEntry.objects.filter(pk=entry.pk).exists()
