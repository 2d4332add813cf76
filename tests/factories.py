"""factory_boy factories shared by all test modules (German Faker), and date helpers that work on
any day the suite runs (see tests/clock.py: JUWE_TEST_TODAY)."""

import datetime as dt

import factory
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from juwe.models import District, DistrictIndicator, Provider, SocialCenter, Team, User
from juwe.roles import Role

factory.Faker._DEFAULT_LOCALE = "de_DE"


def same_day_in_year(day: dt.date, year: int) -> dt.date:
    """`day` moved to `year`; 29 February becomes 28 February in a year without it
    (`day.replace(year=...)` raises there)."""
    if day.month == 2 and day.day == 29:
        try:
            return day.replace(year=year)
        except ValueError:
            return day.replace(year=year, day=28)
    return day.replace(year=year)


def years_ago(years: int, today: dt.date | None = None) -> dt.date:
    """The same day `years` years before `today` (default: today in the project's time zone)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    return same_day_in_year(today, today.year - years)


class SocialCenterFactory(DjangoModelFactory):
    class Meta:
        model = SocialCenter
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"sz{n}")
    name = factory.Sequence(lambda n: f"Sozialzentrum {n}")


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    code = factory.Sequence(lambda n: f"team{n}")
    name = factory.Sequence(lambda n: f"Stadtteilteam {n}")
    social_center = factory.SubFactory(SocialCenterFactory)


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District

    code = factory.Sequence(lambda n: f"D{n}")
    name = factory.Sequence(lambda n: f"Ortsteil {n}")
    team = factory.SubFactory(TeamFactory)
    social_center = factory.SelfAttribute("team.social_center")


class DistrictIndicatorFactory(DjangoModelFactory):
    class Meta:
        model = DistrictIndicator

    district = factory.SubFactory(DistrictFactory)
    year = 2025
    youth_population = 3000
    youth_population_forecast = 3100
    precarity_index = "0.250"
    cases_ambulant = 26
    cases_residential = 15
    district_type = "D"


class ProviderFactory(DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Träger {n} gGmbH")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("Sicheres-Passwort-2026")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            for role in extracted:
                self.groups.add(Group.objects.get_or_create(name=Role(role).value)[0])

    @factory.post_generation
    def district_set(self, create, extracted, **kwargs):
        if create and extracted:
            self.districts.add(*extracted)
