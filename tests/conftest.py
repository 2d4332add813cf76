"""Shared fixtures: a small office with two teams in two social centres and one user per role.

Named users follow the healthchecks/pretix habit: the *owner* side works in team A
(district "Walle"), the *outsider* side in team B (district "Vahr").
"""

import pytest

from juwe.roles import Role
from tests.factories import DistrictFactory, ProviderFactory, SocialCenterFactory, TeamFactory, UserFactory

# JUWE_TEST_TODAY=YYYY-MM-DD runs the suite with the clock moved to that day (see tests/clock.py);
# tests.audit_flush lets the flush after transactional tests empty the audit trail.
pytest_plugins = ["tests.clock", "tests.audit_flush"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is slow by design; tests hash with MD5 unless they test hashing itself."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def controlling_computes_afresh(settings):
    """Tests see the figures of their own rows: the summary table of controlling is off unless a test
    switches it on (tests/controlling/test_snapshots.py)."""
    settings.JUWE_CONTROLLING_MAX_AGE = 0


@pytest.fixture
def org(db):
    center_a = SocialCenterFactory(code="sz-a", name="Sozialzentrum West")
    center_b = SocialCenterFactory(code="sz-b", name="Sozialzentrum Ost")
    team_a = TeamFactory(code="walle", name="Stadtteilteam Walle", social_center=center_a)
    team_b = TeamFactory(code="vahr", name="Stadtteilteam Vahr", social_center=center_b)
    walle = DistrictFactory(code="334", name="Walle", team=team_a)
    westend = DistrictFactory(code="333", name="Westend", team=team_a)
    vahr = DistrictFactory(code="511", name="Gartenstadt Vahr", team=team_b)
    provider_a = ProviderFactory(name="Stadtteilhaus West e. V.")
    provider_a.lead_districts.add(walle, westend)
    provider_b = ProviderFactory(name="Haus der Familie Ost e. V.")
    provider_b.lead_districts.add(vahr)

    class Org:
        pass

    o = Org()
    o.center_a, o.center_b, o.team_a, o.team_b = center_a, center_b, team_a, team_b
    o.walle, o.westend, o.vahr = walle, westend, vahr
    o.provider_a, o.provider_b = provider_a, provider_b
    return o


@pytest.fixture
def users(org):
    """One user per role, scoped to team A / social centre A / provider A, plus outsiders."""

    class Users:
        pass

    u = Users()
    u.case_manager = UserFactory(username="cm", roles=[Role.CASE_MANAGER], team=org.team_a)
    u.colleague = UserFactory(username="cm2", roles=[Role.CASE_MANAGER], team=org.team_a)
    u.other_case_manager = UserFactory(username="cm-b", roles=[Role.CASE_MANAGER], team=org.team_b)
    u.team_lead = UserFactory(username="tl", roles=[Role.TEAM_LEAD], team=org.team_a)
    u.coordinator = UserFactory(username="srk", roles=[Role.DISTRICT_COORDINATOR], district_set=[org.walle, org.westend])
    u.economic_aid = UserFactory(username="wjh", roles=[Role.ECONOMIC_AID])
    u.leadership = UserFactory(username="lead", roles=[Role.LEADERSHIP])
    u.center_lead = UserFactory(username="lead-b", roles=[Role.LEADERSHIP], social_center=org.center_b)
    u.provider_staff = UserFactory(username="prov", roles=[Role.PROVIDER_STAFF], provider=org.provider_a)
    u.admin = UserFactory(username="admin", roles=[Role.ADMINISTRATOR])
    u.nobody = UserFactory(username="nobody")
    return u


@pytest.fixture
def as_user(client):
    """Log the test client in as a user: `as_user(users.case_manager)`."""

    def login(user):
        client.force_login(user)
        return client

    return login
