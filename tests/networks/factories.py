"""Factories for the networks app (German Faker)."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from networks.models import (
    AgeCohort,
    Attendance,
    ContactPerson,
    Meeting,
    MemberOrganisation,
    Membership,
    Network,
    Offer,
    OfferStatus,
    OrganisationKind,
)
from tests.factories import DistrictFactory, SocialCenterFactory, UserFactory, years_ago


def cohort(code: str) -> AgeCohort:
    """The reference cohorts come from the data migration."""
    return AgeCohort.objects.get(code=code)


class MemberOrganisationFactory(DjangoModelFactory):
    class Meta:
        model = MemberOrganisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Kita Sonnenschein {n}")
    kind = OrganisationKind.KITA
    street = factory.Faker("street_address")
    postcode = "28219"
    city = "Bremen"
    district = factory.SubFactory(DistrictFactory)


class ContactPersonFactory(DjangoModelFactory):
    class Meta:
        model = ContactPerson

    organisation = factory.SubFactory(MemberOrganisationFactory)
    name = factory.Faker("name")
    function = "Leitung"
    email = "leitung@kita.example"


class NetworkFactory(DjangoModelFactory):
    class Meta:
        model = Network
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Netzwerk Frühe Hilfen {n}")
    social_center = factory.SubFactory(SocialCenterFactory)
    cohort = factory.LazyFunction(lambda: cohort("fruehe-hilfen"))
    coordinator = factory.SubFactory(UserFactory, roles=["Sozialraumkoordination"])
    active = True

    @factory.post_generation
    def districts(self, create, extracted, **kwargs):
        if create and extracted:
            self.districts.add(*extracted)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    network = factory.SubFactory(NetworkFactory)
    organisation = factory.SubFactory(MemberOrganisationFactory)
    since = factory.LazyFunction(lambda: years_ago(2))


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    network = factory.SubFactory(NetworkFactory)
    date = factory.LazyFunction(timezone.localdate)
    place = "Haus der Familie, Gruppenraum"
    agenda = "1. Begrüßung\n2. Kinderschutz"
    minutes = "Die Teilnehmenden berichten aus ihren Einrichtungen."
    topics = factory.LazyFunction(lambda: ["child_protection"])


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    organisation = factory.SubFactory(MemberOrganisationFactory)
    person = factory.Faker("name")


class OfferFactory(DjangoModelFactory):
    class Meta:
        model = Offer

    organisation = factory.SubFactory(MemberOrganisationFactory)
    district = factory.SelfAttribute("organisation.district")
    title = factory.Sequence(lambda n: f"Spielgruppe {n}")
    description = "Offener Treffpunkt für Familien im Stadtteil."
    age_from = 0
    age_to = 6
    topics = factory.LazyFunction(lambda: ["parenting"])
    times = "Di 9–11 Uhr"
    status = OfferStatus.PUBLISHED
    confirmed_at = factory.LazyFunction(timezone.now)
