"""The networks demo: a network per social centre and cohort with members and a year of meetings,
several hundred offers with German texts; idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command

from networks.models import AgeCohort, Attendance, Meeting, Membership, Network, Offer
from networks.selectors import offers_search
from tests.factories import years_ago

pytestmark = pytest.mark.django_db


def counts():
    return {m.__name__: m.objects.count() for m in (Network, Membership, Meeting, Attendance, Offer)}


def test_demo_builds_networks_and_offers_and_is_idempotent():
    from juwe.models import SocialCenter, User

    call_command("seed_demo", "--quiet", stdout=StringIO())
    first = counts()
    assert first["Network"] == SocialCenter.objects.count() * AgeCohort.objects.count()
    assert first["Offer"] >= 400
    year_ago = years_ago(1)
    assert Meeting.objects.filter(date__gte=year_ago).values("network").distinct().count() > first["Network"] * 0.8
    # the demo case manager finds offers for a 7-year-old in Walle
    case_manager = User.objects.get(username="fallmanagement")
    walle = case_manager.team.districts.get(name="Walle")
    assert offers_search(case_manager, district=walle, age=7).exists()
    # the demo provider staff see networks of their organisation
    from networks.access import network_scope

    assert network_scope(User.objects.get(username="traeger"), Network.objects.all()).exists()

    call_command("seed_demo", "--quiet", stdout=StringIO())
    assert counts() == first
