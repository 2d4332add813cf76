"""Demo conferences: every team, more in the demo team, decisions, vetoes, second rounds; idempotent."""

import pytest
from django.db.models import Count, F, Q

from cases import conference as svc
from cases import demo as cases_demo
from cases import demo_contracts, demo_protection, demo_reviews
from cases.models import Conference, ConferenceItem, ConferenceVote, ItemStatus
from juwe import demo as juwe_demo
from juwe.lib.seeding import SeedContext
from juwe.models import Team, User


@pytest.fixture
def only_conferences(monkeypatch):
    """The other parts of case file II seed after this one; their demo is their tests' business."""
    for part in (demo_contracts, demo_reviews, demo_protection):
        monkeypatch.setattr(part, "seed", lambda ctx: None)


def test_demo_conferences(db, only_conferences):
    ctx = SeedContext(quiet=True)
    juwe_demo.seed(ctx)
    cases_demo.seed(ctx)
    teams = Team.objects.annotate(n=Count("conferences"))
    assert all(t.n >= 1 for t in teams if t.members.exists())
    assert teams.get(code="walle").n == 8
    walle = ConferenceItem.objects.filter(conference__team__code="walle")
    assert set(walle.values_list("status", flat=True)) == set(ItemStatus.values)
    assert walle.filter(status=ItemStatus.DECIDED, round=2, votes__vote="veto").exists()  # vetoed, then decided
    # The consensus rule holds in the demo too: decided means everyone agreed in the last round,
    # returned means a veto with its reason.
    for item in ConferenceItem.objects.filter(status=ItemStatus.DECIDED).annotate(
        participants=Count("conference__participants", distinct=True),
        agreed=Count("votes", filter=Q(votes__vote="agree", votes__round=F("round")), distinct=True),
    )[:50]:
        last = ConferenceVote.objects.filter(item=item, round=item.round)
        assert last.count() == item.conference.participants.count()
        assert not last.filter(vote="veto").exists()
        assert item.proposals.count() >= 2
    assert not ConferenceVote.objects.filter(vote="veto", reason="").exists()
    # The demo logins see them: the case manager's worklist and the contract part's proposals.
    cm = User.objects.get(username="fallmanagement")
    assert svc.upcoming_conference_rows(cm)
    decided = walle.filter(status=ItemStatus.DECIDED).first()
    assert svc.decided_proposals(decided.case).count() >= 2
    before = (Conference.objects.count(), ConferenceItem.objects.count(), ConferenceVote.objects.count())
    cases_demo.seed(SeedContext(quiet=True))
    assert (Conference.objects.count(), ConferenceItem.objects.count(), ConferenceVote.objects.count()) == before

