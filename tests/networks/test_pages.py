"""List and detail pages: their content and pinned query counts that do not grow with the rows."""

import pytest
from django.urls import reverse

from juwe.models import AuditEvent
from tests.networks.factories import (
    AttendanceFactory,
    ContactPersonFactory,
    MeetingFactory,
    MemberOrganisationFactory,
    MembershipFactory,
    NetworkFactory,
    OfferFactory,
)


@pytest.fixture
def many(org, net):
    """More of everything: proves the query counts below are independent of the row count."""
    for i in range(12):
        o = MemberOrganisationFactory(name=f"Grundschule {i}", kind="school", district=org.walle)
        ContactPersonFactory(organisation=o)
        MembershipFactory(network=net.network, organisation=o)
        AttendanceFactory(meeting=net.meeting, organisation=o)
        MeetingFactory(network=net.network)
        OfferFactory(organisation=o, title=f"Lernwerkstatt {i}")
        NetworkFactory(name=f"Netzwerk {i}", social_center=org.center_a, districts=[org.walle, org.westend])


# Session, user, roles, then the page's own queries (listed per page), then the idle-timeout session
# refresh (savepoint, update, release: 3). Each figure holds with 12 more organisations, meetings,
# offers and networks in the `many` fixture.
PAGES = [
    # coordinator's districts (scope), count, filter choices (centres, cohorts, districts), page, districts prefetch
    ("network_list", None, "coordinator", 13),
    # coordinator's districts, network, its districts, memberships, meetings, model-rules choices (2)
    ("network_detail", "network", "coordinator", 13),
    # coordinator's districts, meeting, network districts (rules), attendances, organisation choices
    ("meeting_detail", "meeting", "coordinator", 11),
    # count, filter choices (districts, cohorts), page, cohorts prefetch
    ("organisation_list", None, "case_manager", 11),
    # organisation, cohorts, contacts, coordinator's districts, memberships, offers
    ("organisation_detail", "kita", "coordinator", 12),
    # count, district choices, page
    ("offer_search", None, "case_manager", 9),
    # coordinator's districts, offer (the coordinator sees no case files: no case count)
    ("offer_detail", "offer", "coordinator", 9),
    # offer, count of the team's open cases using it (cases app's partial, scoped by the access policy)
    ("offer_detail", "offer", "case_manager", 8),
    # coordinator's districts, stale count, stale page, suggestions
    ("offer_maintenance", None, "coordinator", 10),
]


@pytest.mark.parametrize("name,arg,role,queries", PAGES)
def test_page_query_count_is_constant(as_user, users, net, many, name, arg, role, queries,
                                      django_assert_max_num_queries):
    client = as_user(getattr(users, role))
    url = reverse(f"networks:{name}", args=[getattr(net, arg).pk] if arg else [])
    with django_assert_max_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200


def test_network_page_shows_members_meetings_and_guests(as_user, users, net):
    AttendanceFactory(meeting=net.meeting, organisation=net.vahr_org, guest=True)
    text = as_user(users.case_manager).get(reverse("networks:network_detail", args=[net.network.pk])).text
    assert "Kita Walle" in text and "Frühe Hilfen" in text
    assert "1 Gast" in text


def test_invitation_and_minutes_are_pdfs_and_audited(as_user, users, net):
    AttendanceFactory(meeting=net.meeting, organisation=net.kita, person="Merle Ramke")
    client = as_user(users.provider_staff)
    for name, event in [("meeting_invitation_pdf", "invitation"), ("meeting_minutes_pdf", "minutes")]:
        response = client.get(reverse(f"networks:{name}", args=[net.meeting.pk]))
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert AuditEvent.objects.filter(name=f"networks.meeting.{event}_printed", user=users.provider_staff).exists()


def test_offer_page_includes_the_usage_block_for_case_work(users, net):
    from django.template.loader import get_template

    source = get_template("networks/offer_detail.html").template.source
    assert '{% include "networks/_offer_usage.html" %}' in source
