import importlib

import pytest
from django.apps import apps

from tests.networks.factories import (
    MeetingFactory,
    MemberOrganisationFactory,
    MembershipFactory,
    NetworkFactory,
    OfferFactory,
    cohort,
)


def ensure_reference_data() -> None:
    """Age cohorts and the model rules come from a data migration; browser tests (live_server)
    flush all tables, so tests that run after them create the rows again, exactly as migrated."""
    importlib.import_module("networks.migrations.0002_reference_data").create(apps, None)


@pytest.fixture(autouse=True)
def reference_data(db):
    ensure_reference_data()


@pytest.fixture
def net(org, users):
    """A network of Walle/Westend (the coordinator's districts) with one member, a meeting, an offer;
    and the same in Vahr (another social centre, outside the coordinator's scope)."""

    class Net:
        pass

    n = Net()
    n.kita = MemberOrganisationFactory(name="Kita Walle", district=org.walle)
    n.provider_org = MemberOrganisationFactory(name="Stadtteilhaus West – Büro Walle", district=org.walle,
                                               kind="provider", provider=org.provider_a)
    n.network = NetworkFactory(name="Netzwerk Frühe Hilfen West", social_center=org.center_a,
                               coordinator=users.coordinator, districts=[org.walle, org.westend])
    n.membership = MembershipFactory(network=n.network, organisation=n.kita)
    MembershipFactory(network=n.network, organisation=n.provider_org)
    n.meeting = MeetingFactory(network=n.network)
    n.offer = OfferFactory(organisation=n.kita, title="Elterncafé Walle")

    n.vahr_org = MemberOrganisationFactory(name="Kita Vahr", district=org.vahr)
    n.vahr_network = NetworkFactory(name="Netzwerk Jugend Ost", social_center=org.center_b,
                                    cohort=cohort("14-18"), districts=[org.vahr])
    MembershipFactory(network=n.vahr_network, organisation=n.vahr_org)
    n.vahr_meeting = MeetingFactory(network=n.vahr_network)
    n.vahr_offer = OfferFactory(organisation=n.vahr_org, title="Jugendtreff Vahr", age_from=12, age_to=18)
    return n
