"""The consensus rule: a decision needs everyone's agreement; an open veto is no decision."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from cases import conference as svc
from cases.models import ConferenceVote, ItemStatus, Vote
from tests.cases.conference.factories import all_agree, make_conference, make_item


def _votes(conf, **by_name):
    """Votes keyed by participant name: "agree", or ("veto", reason)."""
    result = []
    for p in conf.participants.all():
        choice = by_name.get(p.name, Vote.AGREE)
        vote, reason = (choice, "") if isinstance(choice, str) else choice
        result.append(svc.VoteInput(p, vote, reason))
    return result


def test_all_agree_decides_the_case(conf, item, users):
    item = svc.votes_record(item=item, user=users.case_manager, votes=all_agree(item), decision_note="SPFH anbieten")
    assert item.status == ItemStatus.DECIDED
    assert item.decided_at is not None
    assert item.decision_note == "SPFH anbieten"
    assert ConferenceVote.objects.filter(item=item, round=1, vote=Vote.AGREE).count() == 3


def test_one_veto_returns_the_case_without_decision(conf, item, users):
    votes = _votes(conf, **{"Frau Okafor": (Vote.VETO, "Die Familie war nicht gefragt.")})
    item = svc.votes_record(item=item, user=users.case_manager, votes=votes)
    item.refresh_from_db()
    assert item.status == ItemStatus.RETURNED
    assert item.decided_at is None
    assert ConferenceVote.objects.get(item=item, vote=Vote.VETO).reason == "Die Familie war nicht gefragt."
    assert not svc.decided_proposals(item.case).exists()


def test_veto_without_reason_is_refused_and_nothing_saved(conf, item, users):
    votes = _votes(conf, **{"Frau Okafor": (Vote.VETO, "   ")})
    with pytest.raises(ValidationError) as error:
        svc.votes_record(item=item, user=users.case_manager, votes=votes)
    assert "Frau Okafor" in str(error.value)
    assert error.value.error_list[0].code == "veto_reason"
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN
    assert not ConferenceVote.objects.exists()


def test_the_database_refuses_a_veto_without_reason_too(conf, item):
    participant = conf.participants.first()
    with pytest.raises(IntegrityError):
        ConferenceVote.objects.create(item=item, participant=participant, round=1, vote=Vote.VETO, reason="")


def test_fewer_than_two_proposals_cannot_be_voted_on(conf, users, org):
    item = make_item(conf, users.case_manager, org.walle, proposals=1)
    with pytest.raises(ValidationError) as error:
        svc.votes_record(item=item, user=users.case_manager, votes=all_agree(item))
    assert error.value.code == "proposals"
    assert not ConferenceVote.objects.exists()


def test_every_participant_must_vote(conf, item, users):
    votes = [v for v in all_agree(item) if v.participant.name != "Frau Okafor"]
    with pytest.raises(ValidationError) as error:
        svc.votes_record(item=item, user=users.case_manager, votes=votes)
    assert "Frau Okafor" in str(error.value)
    assert not ConferenceVote.objects.exists()


def test_an_empty_vote_counts_as_missing(conf, item, users):
    votes = _votes(conf, **{"Frau Okafor": ""})
    with pytest.raises(ValidationError):
        svc.votes_record(item=item, user=users.case_manager, votes=votes)
    assert not ConferenceVote.objects.exists()


def test_a_foreign_participant_cannot_vote(conf, item, users, org):
    other = make_conference(users.case_manager)
    stranger = other.participants.get()
    with pytest.raises(ValidationError):
        svc.votes_record(item=item, user=users.case_manager, votes=[*all_agree(item), svc.VoteInput(stranger, Vote.AGREE)])
    assert not ConferenceVote.objects.exists()


def test_a_conference_without_participants_cannot_decide(users, org):
    conf = make_conference(users.case_manager)
    conf.participants.all().delete()
    item = make_item(conf, users.case_manager, org.walle)
    with pytest.raises(ValidationError) as error:
        svc.votes_record(item=item, user=users.case_manager, votes=[])
    assert error.value.code == "no_participants"


def test_a_decided_item_is_frozen(conf, item, users):
    svc.votes_record(item=item, user=users.case_manager, votes=all_agree(item))
    for call in (
        lambda: svc.votes_record(item=item, user=users.case_manager, votes=all_agree(item)),
        lambda: svc.proposal_save(item=item, user=users.case_manager, help_type="28", description="Noch einer"),
        lambda: svc.item_record(item=item, user=users.case_manager, presentation="geändert"),
        lambda: svc.idea_add(item=item, user=users.case_manager, text="Idee"),
        lambda: svc.proposal_remove(proposal=item.proposals.first(), user=users.case_manager),
        lambda: svc.item_new_round(item=item, user=users.case_manager),
        lambda: svc.item_remove(item=item, user=users.case_manager),
    ):
        with pytest.raises(ValidationError):
            call()
    assert item.proposals.count() == 2
    assert ConferenceVote.objects.filter(item=item).count() == 3


def test_after_a_veto_another_round_reopens_and_keeps_history(conf, item, users):
    svc.votes_record(item=item, user=users.case_manager,
                     votes=_votes(conf, **{"Frau Okafor": (Vote.VETO, "Zu hochschwellig")}))
    # Returned: no changes and no second vote until the next round starts.
    with pytest.raises(ValidationError) as error:
        svc.proposal_save(item=item, user=users.case_manager, help_type="28", description="Erziehungsberatung")
    assert error.value.code == "returned"
    item = svc.item_new_round(item=item, user=users.case_manager)
    assert (item.round, item.status) == (2, ItemStatus.OPEN)
    svc.proposal_save(item=item, user=users.case_manager, help_type="28", description="Erziehungsberatung")
    item = svc.votes_record(item=item, user=users.case_manager, votes=all_agree(item))
    assert item.status == ItemStatus.DECIDED
    assert list(ConferenceVote.objects.filter(item=item).values_list("round", "vote").order_by("round", "vote")) == [
        (1, "agree"), (1, "agree"), (1, "veto"), (2, "agree"), (2, "agree"), (2, "agree"),
    ]
    assert [p.help_type for p in svc.decided_proposals(item.case)] == ["31", "district", "28"]


def test_a_new_round_needs_a_veto(item, users):
    with pytest.raises(ValidationError) as error:
        svc.item_new_round(item=item, user=users.case_manager)
    assert error.value.code == "not_returned"


def test_decided_proposals_newest_decision_first(conf, users, org):
    first = make_item(conf, users.case_manager, org.walle)
    svc.votes_record(item=first, user=users.case_manager, votes=all_agree(first))
    later = make_conference(users.case_manager, days=10)
    again = svc.item_add(conference=later, user=users.case_manager, case=first.case)
    svc.proposal_save(item=again, user=users.case_manager, help_type="35", description="Intensiv")
    svc.proposal_save(item=again, user=users.case_manager, help_type="34", description="Wohngruppe")
    svc.votes_record(item=again, user=users.case_manager, votes=all_agree(again))
    assert [p.help_type for p in svc.decided_proposals(first.case)] == ["35", "34", "31", "district"]
