import pytest

from cases import conference as svc
from tests.cases.conference.factories import make_conference, make_item


@pytest.fixture
def conf(users, org):
    """A conference of team A: the team lead moderates, a case manager and a provider's guest take part."""
    conf = make_conference(users.case_manager, chair=users.team_lead)
    svc.participant_add(conference=conf, user=users.team_lead, participant_user=users.case_manager)
    svc.participant_add(conference=conf, user=users.team_lead, name="Frau Okafor", function="provider",
                        provider=org.provider_a)
    return conf


@pytest.fixture
def item(conf, users, org):
    """A counselling case of team A on the agenda with two proposals."""
    return make_item(conf, users.case_manager, org.walle)
