"""The access matrix of the networks app: URL × role → status.

Coordinators manage what lies in their districts (Walle, Westend); case managers and team leads
read everything and may suggest offers; leadership reads (the centre lead only centre B);
provider staff see the networks their organisation is a member of; economic youth aid and
users without a role see nothing of it.
"""

import pytest
from django.urls import reverse

ROLES = ["case_manager", "team_lead", "coordinator", "leadership", "center_lead", "provider_staff", "economic_aid",
         "admin", "nobody"]

# url name, argument (attribute of the `net` fixture or None), expected status per role in ROLES order
MATRIX = [
    ("network_list", None, [200, 200, 200, 200, 200, 200, 403, 200, 403]),
    ("network_detail", "network", [200, 200, 200, 200, 404, 200, 403, 200, 403]),
    ("network_detail", "vahr_network", [200, 200, 404, 200, 200, 404, 403, 200, 403]),
    ("network_create", None, [403, 403, 200, 403, 403, 403, 403, 403, 403]),
    ("network_edit", "network", [403, 403, 200, 403, 403, 403, 403, 403, 403]),
    ("network_edit", "vahr_network", [403, 403, 404, 403, 403, 403, 403, 403, 403]),
    ("membership_add", "network", [403, 403, 200, 403, 403, 403, 403, 403, 403]),
    ("meeting_create", "network", [403, 403, 200, 403, 403, 403, 403, 403, 403]),
    ("meeting_detail", "meeting", [200, 200, 200, 200, 404, 200, 403, 200, 403]),
    ("meeting_detail", "vahr_meeting", [200, 200, 404, 200, 200, 404, 403, 200, 403]),
    ("meeting_edit", "meeting", [403, 403, 200, 403, 403, 403, 403, 403, 403]),
    ("meeting_edit", "vahr_meeting", [403, 403, 404, 403, 403, 403, 403, 403, 403]),
    ("meeting_invitation_pdf", "meeting", [200, 200, 200, 200, 404, 200, 403, 200, 403]),
    ("meeting_minutes_pdf", "vahr_meeting", [200, 200, 404, 200, 200, 404, 403, 200, 403]),
    ("organisation_list", None, [200, 200, 200, 200, 200, 200, 403, 200, 403]),
    ("organisation_detail", "kita", [200, 200, 200, 200, 200, 200, 403, 200, 403]),
    ("organisation_detail", "vahr_org", [200, 200, 200, 200, 200, 404, 403, 200, 403]),
    ("organisation_create", None, [403, 403, 200, 403, 403, 403, 403, 403, 403]),
    ("organisation_edit", "kita", [403, 403, 200, 403, 403, 403, 403, 403, 403]),
    ("organisation_edit", "vahr_org", [403, 403, 403, 403, 403, 403, 403, 403, 403]),
    ("offer_search", None, [200, 200, 200, 200, 200, 403, 403, 200, 403]),
    ("offer_detail", "offer", [200, 200, 200, 200, 200, 403, 403, 200, 403]),
    ("offer_create", None, [200, 200, 200, 403, 403, 403, 403, 403, 403]),
    ("offer_edit", "offer", [403, 403, 200, 403, 403, 403, 403, 403, 403]),
    ("offer_edit", "vahr_offer", [403, 403, 403, 403, 403, 403, 403, 403, 403]),
    ("offer_maintenance", None, [403, 403, 200, 403, 403, 403, 403, 403, 403]),
    ("coverage", None, [200, 200, 200, 200, 200, 403, 403, 200, 403]),
]

CASES = [
    pytest.param(name, arg, role, status, id=f"{name}-{arg or '-'}-{role}")
    for name, arg, statuses in MATRIX
    for role, status in zip(ROLES, statuses, strict=True)
]


@pytest.mark.parametrize("name,arg,role,status", CASES)
def test_access_matrix(as_user, users, net, name, arg, role, status):
    url = reverse(f"networks:{name}", args=[getattr(net, arg).pk] if arg else [])
    response = as_user(getattr(users, role)).get(url)
    assert response.status_code == status


POSTS = [
    ("offer_confirm", "offer"),
    ("offer_archive", "offer"),
    ("network_adopt_rules", "network"),
]


@pytest.mark.parametrize("name,arg", POSTS)
@pytest.mark.parametrize("role", ["case_manager", "team_lead", "leadership", "provider_staff", "admin"])
def test_only_coordinators_change_things(as_user, users, net, name, arg, role):
    response = as_user(getattr(users, role)).post(reverse(f"networks:{name}", args=[getattr(net, arg).pk]))
    assert response.status_code == 403


def test_coordinator_of_another_district_cannot_confirm_offer(as_user, users, net):
    before = net.vahr_offer.confirmed_at
    response = as_user(users.coordinator).post(reverse("networks:offer_confirm", args=[net.vahr_offer.pk]))
    assert response.status_code == 403
    net.vahr_offer.refresh_from_db()
    assert net.vahr_offer.confirmed_at == before


def test_suggestions_are_visible_only_to_author_and_district_coordinator(as_user, users, net):
    from networks.services import offer_suggest

    suggestion = offer_suggest(user=users.case_manager, organisation=net.kita, district=net.kita.district,
                               title="Spielplatzpaten", age_from=3, age_to=10)
    url = reverse("networks:offer_detail", args=[suggestion.pk])
    assert as_user(users.case_manager).get(url).status_code == 200
    assert as_user(users.coordinator).get(url).status_code == 200
    assert as_user(users.colleague).get(url).status_code == 404
    assert as_user(users.leadership).get(url).status_code == 404


def test_menu_shows_network_items_by_role(as_user, users, net):
    text = as_user(users.coordinator).get(reverse("home")).text
    assert "Netzwerke" in text and "Stadtteilkarte" in text and "Abdeckung" in text
    text = as_user(users.provider_staff).get(reverse("home")).text
    assert "Netzwerke" in text and "Stadtteilkarte" not in text
    text = as_user(users.economic_aid).get(reverse("home")).text
    assert "Netzwerke" not in text


@pytest.mark.parametrize("role", ["case_manager", "team_lead", "leadership", "provider_staff", "economic_aid", "nobody"])
def test_deciding_a_suggestion_is_refused_by_role_before_the_form_is_read(as_user, users, net, role):
    from networks.services import offer_suggest

    suggestion = offer_suggest(user=users.case_manager, organisation=net.kita, district=net.kita.district,
                               title="Spielplatzpaten", age_from=3, age_to=10)
    response = as_user(getattr(users, role)).post(reverse("networks:offer_decide", args=[suggestion.pk]), {})
    assert response.status_code == 403


@pytest.mark.parametrize("next_", ["https://evil.example/angebote/", "//evil.example/", "pflege"])
def test_an_offer_action_returns_only_to_a_page_of_the_site(as_user, users, net, next_):
    response = as_user(users.coordinator).post(reverse("networks:offer_confirm", args=[net.offer.pk]), {"next": next_})
    assert response.status_code == 302
    assert response.url == reverse("networks:offer_detail", args=[net.offer.pk])


def test_an_offer_action_returns_to_the_maintenance_list(as_user, users, net):
    back = reverse("networks:offer_maintenance") + "?page=2"
    response = as_user(users.coordinator).post(reverse("networks:offer_confirm", args=[net.offer.pk]), {"next": back})
    assert response.status_code == 302 and response.url == back
