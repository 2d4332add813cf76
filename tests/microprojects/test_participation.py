"""Participants per quarter by access route and the share referred by case management."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from microprojects import selectors, services
from microprojects.models import Status
from tests.microprojects.factories import count_participants, make_project


@pytest.fixture
def running(org, users):
    return make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager,
                        status=Status.RUNNING, start=dt.date(2026, 2, 1), end=dt.date(2026, 9, 30))


def test_provider_records_a_quarter_and_a_correction_overwrites_it(org, users, running):
    services.participation_record(actor=users.provider_staff, project=running, year=2026, quarter=1, referred_by_cm=5, low_threshold=2)
    services.participation_record(actor=users.provider_staff, project=running, year=2026, quarter=1, referred_by_cm=6, low_threshold=2)
    rows = selectors.participation_rows(running)
    assert [(r.year, r.quarter, r.referred_by_cm, r.low_threshold) for r in rows] == [(2026, 1, 6, 2)]


def test_quarter_outside_the_project_period_is_refused(org, users, running):
    with pytest.raises(ValidationError) as exc:
        services.participation_record(actor=users.coordinator, project=running, year=2026, quarter=4, referred_by_cm=1, low_threshold=0)
    assert exc.value.message_dict == {"quarter": ["Das Quartal liegt außerhalb der Projektlaufzeit."]}
    assert not running.participation.exists()


def test_other_provider_cannot_record(org, users, running):
    from juwe.roles import Role
    from tests.factories import UserFactory

    stranger = UserFactory(roles=[Role.PROVIDER_STAFF], provider=org.provider_b)
    with pytest.raises(ValidationError) as exc:
        services.participation_record(actor=stranger, project=running, year=2026, quarter=1, referred_by_cm=1, low_threshold=1)
    assert exc.value.code == "not_recorder"


def test_cm_share_of_a_project(org, users, running):
    count_participants(running, 2026, 1, 6, 2, users.coordinator)   # 75 %
    count_participants(running, 2026, 2, 1, 3, users.coordinator)   # 25 %
    rows = selectors.participation_rows(running)
    assert [r.cm_share for r in rows] == [Decimal("75.0"), Decimal("25.0")]
    assert selectors.cm_share_of(rows) == Decimal("58.3")  # 7 of 12, not the mean of the quarters


def test_cm_share_without_participants_is_none(org, users, running):
    assert selectors.cm_share_of(selectors.participation_rows(running)) is None


def test_cm_share_per_district_counts_projects_in_several_districts_in_each(org, users, running):
    shared = make_project(districts=[org.walle, org.westend], provider=org.provider_a, created_by=users.case_manager,
                          status=Status.RUNNING, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    count_participants(running, 2026, 1, 2, 2, users.coordinator)
    count_participants(shared, 2026, 1, 8, 0, users.coordinator)
    rows = {r.district.name: r for r in selectors.district_overview(users.coordinator, 2026)}
    assert rows["Walle"].cm_share == Decimal("83.3")  # 10 of 12
    assert rows["Westend"].cm_share == Decimal("100.0")
