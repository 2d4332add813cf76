"""The coverage matrix district × age cohort: active networks, current members, last meeting, gaps."""

import datetime as dt
import io

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from networks.selectors import coverage_matrix
from tests.networks.factories import MeetingFactory, MemberOrganisationFactory, MembershipFactory, NetworkFactory, cohort


def cell(rows, district, code):
    row = next(r for r in rows if r.district == district)
    return next(c for c in row.cells if c.cohort.code == code)


def test_matrix_counts_current_members_and_last_meeting(users, org, net):
    today = timezone.localdate()
    MeetingFactory(network=net.network, date=today - dt.timedelta(days=40))
    MeetingFactory(network=net.network, date=today + dt.timedelta(days=30))  # planned: not the last meeting
    former = MemberOrganisationFactory(name="Ehemalige Kita", district=org.walle)
    MembershipFactory(network=net.network, organisation=former, until=today - dt.timedelta(days=1))
    # A second network for the same cell sharing one member: the member counts once.
    second = NetworkFactory(name="Netzwerk Frühe Hilfen Westend", social_center=org.center_a, districts=[org.westend])
    MembershipFactory(network=second, organisation=net.kita)
    MembershipFactory(network=second, organisation=MemberOrganisationFactory(name="Hebammenpraxis", district=org.westend))

    cohorts, rows = coverage_matrix(users.leadership)
    walle = cell(rows, org.walle, "fruehe-hilfen")
    assert (walle.networks, walle.members, walle.last_meeting, walle.gap) == (1, 2, today, False)
    westend = cell(rows, org.westend, "fruehe-hilfen")
    assert (westend.networks, westend.members) == (2, 3)
    assert cell(rows, org.walle, "kita").gap
    assert [c.code for c in cohorts] == ["fruehe-hilfen", "kita", "grundschule", "10-14", "14-18", "junge-volljaehrige"]


def test_inactive_network_is_a_gap_and_old_meetings_make_it_dormant(users, org, net):
    net.vahr_network.active = False
    net.vahr_network.save()
    net.meeting.date = timezone.localdate() - dt.timedelta(days=500)
    net.meeting.save()
    _, rows = coverage_matrix(users.leadership)
    assert cell(rows, org.vahr, "14-18").gap
    assert cell(rows, org.walle, "fruehe-hilfen").dormant


def test_centre_lead_sees_only_their_centre(users, org, net):
    _, rows = coverage_matrix(users.center_lead)
    assert [r.district for r in rows] == [org.vahr]


def test_coverage_page_highlights_gaps_and_exports(as_user, users, org, net):
    client = as_user(users.coordinator)
    page = client.get(reverse("networks:coverage")).text
    assert 'class="cell-gap"' in page and "Lücke" in page
    csv = client.get(reverse("networks:coverage"), {"format": "csv"}).content.decode("utf-8-sig")
    assert "Stadtteil;Altersstufe" in csv.splitlines()[0].replace("Sozialzentrum;", "")
    assert "Walle;Frühe Hilfen;1;2;" in csv
    xlsx = client.get(reverse("networks:coverage"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 1 + 2 * 6  # the coordinator's two districts × six cohorts


def test_coverage_query_count_is_constant(as_user, users, org, net, django_assert_max_num_queries):
    for i in range(8):
        network = NetworkFactory(name=f"Netzwerk {i}", social_center=org.center_a, cohort=cohort("kita"), districts=[org.walle])
        MembershipFactory(network=network)
        MeetingFactory(network=network)
    client = as_user(users.leadership)
    # session, user, roles, social-centre choices, cohorts, districts, one grouped query for all cells,
    # and the idle-timeout session refresh (3)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("networks:coverage")).status_code == 200
