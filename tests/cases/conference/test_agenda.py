"""Planning a conference: team, moderation, participants, cases on the agenda."""

import pytest
from django.core.exceptions import ValidationError

from cases import conference as svc
from cases import services
from cases.models import CaseState, ConferenceParticipant, ItemStatus, StateChange
from tests.cases.conference.factories import counselling_case, make_conference, make_item
from tests.cases.factories import make_case


def test_conference_belongs_to_the_users_team_and_the_creator_takes_part(users, org):
    conf = make_conference(users.case_manager)
    assert conf.team == org.team_a
    participant = conf.participants.get()
    assert (participant.user, participant.function) == (users.case_manager, "case_management")


def test_the_moderation_takes_part_and_must_be_of_the_team(users, org):
    conf = make_conference(users.case_manager, chair=users.team_lead)
    assert conf.participants.get().function == "team_lead"
    with pytest.raises(ValidationError) as error:
        make_conference(users.case_manager, chair=users.other_case_manager)
    assert "chair" in error.value.error_dict


def test_only_caseworkers_with_a_team_plan_conferences(users):
    with pytest.raises(ValidationError):
        make_conference(users.coordinator)


def test_participants_by_role_and_named_guests(users, org):
    conf = make_conference(users.case_manager)
    svc.participant_add(conference=conf, user=users.case_manager, participant_user=users.economic_aid)
    staff = svc.participant_add(conference=conf, user=users.case_manager, participant_user=users.provider_staff)
    guest = svc.participant_add(conference=conf, user=users.case_manager, name=" Herr Lüders ", function="other")
    assert staff.function == "provider" and staff.provider == org.provider_a
    assert guest.name == "Herr Lüders" and guest.user is None
    assert sorted(conf.participants.values_list("function", flat=True)) == [
        "case_management", "economic_aid", "other", "provider",
    ]


@pytest.mark.parametrize("who", ["other_case_manager", "coordinator", "leadership", "admin", "center_lead"])
def test_users_outside_the_circle_cannot_take_part(users, who):
    conf = make_conference(users.case_manager)
    with pytest.raises(ValidationError) as error:
        svc.participant_add(conference=conf, user=users.case_manager, participant_user=getattr(users, who))
    assert "participant_user" in error.value.error_dict


def test_a_participant_only_once_and_a_guest_needs_name_and_function(users):
    conf = make_conference(users.case_manager)
    with pytest.raises(ValidationError):
        svc.participant_add(conference=conf, user=users.case_manager, participant_user=users.case_manager)
    with pytest.raises(ValidationError) as error:
        svc.participant_add(conference=conf, user=users.case_manager, name="", function="")
    assert set(error.value.error_dict) == {"name", "function"}
    svc.participant_add(conference=conf, user=users.case_manager, name="Frau Okafor", function="provider")
    with pytest.raises(ValidationError):
        svc.participant_add(conference=conf, user=users.case_manager, name="frau okafor", function="provider")


def test_a_participant_who_voted_stays(users, org):
    conf = make_conference(users.case_manager)
    item = make_item(conf, users.case_manager, org.walle)
    svc.votes_record(item=item, user=users.case_manager, votes=[svc.VoteInput(conf.participants.get(), "agree")])
    with pytest.raises(ValidationError):
        svc.participant_remove(participant=conf.participants.get(), user=users.case_manager)
    assert ConferenceParticipant.objects.count() == 1


def test_a_counselling_case_moves_to_conference_state(users, org):
    conf = make_conference(users.case_manager)
    case = counselling_case(users.case_manager, org.walle)
    item = svc.item_add(conference=conf, user=users.case_manager, case=case)
    case.refresh_from_db()
    assert case.state == CaseState.CONFERENCE
    assert StateChange.objects.filter(case=case, to_state=CaseState.CONFERENCE).exists()
    assert (item.position, item.presenter, item.status) == (1, users.case_manager, ItemStatus.OPEN)
    second = make_item(conf, users.case_manager, org.walle)
    assert second.position == 2


def test_intake_closed_and_foreign_cases_are_refused(users, org):
    conf = make_conference(users.case_manager)
    intake = make_case(users.case_manager, org.walle)
    with pytest.raises(ValidationError) as error:
        svc.item_add(conference=conf, user=users.case_manager, case=intake)
    assert error.value.error_dict["case"][0].code == "intake"
    closed = make_case(users.case_manager, org.walle)
    services.case_transition(case=closed, user=users.case_manager, to_state="closed", reason="self_help")
    with pytest.raises(ValidationError) as error:
        svc.item_add(conference=conf, user=users.case_manager, case=closed)
    assert error.value.error_dict["case"][0].code == "closed"
    foreign = make_case(users.other_case_manager, org.vahr)
    with pytest.raises(ValidationError):
        svc.item_add(conference=conf, user=users.case_manager, case=foreign)
    assert not conf.items.exists()


def test_without_will_and_goals_the_case_stays_in_counselling(users, org):
    conf = make_conference(users.case_manager)
    case = make_case(users.case_manager, org.walle)
    case = services.case_transition(case=case, user=users.case_manager, to_state=CaseState.COUNSELLING)
    with pytest.raises(ValidationError):
        svc.item_add(conference=conf, user=users.case_manager, case=case)
    case.refresh_from_db()
    assert case.state == CaseState.COUNSELLING and not conf.items.exists()


def test_a_case_once_per_agenda_and_removal_only_without_votes(users, org):
    conf = make_conference(users.case_manager)
    item = make_item(conf, users.case_manager, org.walle)
    with pytest.raises(ValidationError):
        svc.item_add(conference=conf, user=users.case_manager, case=item.case)
    svc.item_remove(item=item, user=users.case_manager)
    assert not conf.items.exists()


def test_ideas_point_only_to_the_cases_own_resources(users, org):
    conf = make_conference(users.case_manager)
    item = make_item(conf, users.case_manager, org.walle)
    own = services.resource_save(case=item.case, user=users.case_manager, area="district",
                                 description="Elterncafé im Familienzentrum", named_by="family", strength=2)
    other_case = counselling_case(users.case_manager, org.walle)
    foreign = services.resource_save(case=other_case, user=users.case_manager, area="district",
                                     description="Jugendtreff", named_by="family", strength=2)
    idea = svc.idea_add(item=item, user=users.case_manager, text="Mutter ins Elterncafé begleiten", resource=own)
    assert idea.resource == own
    with pytest.raises(ValidationError):
        svc.idea_add(item=item, user=users.case_manager, text="Jugendtreff", resource=foreign)
    with pytest.raises(ValidationError):
        svc.idea_add(item=item, user=users.case_manager, text="  ")
    assert item.ideas.count() == 1
