"""Who sees which case file, and who may do what with it.

Case contents are visible only to case managers and team leads of the case's team. District
coordinators, economic youth aid, leadership and administrators get no case contents (404).
Provider staff see the contracts of their provider once signed (goals, tasks, participants,
progress notes, reviews) – never the case file itself, its contacts, maps, § 8a assessments or the
office's internal notes.
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from juwe.access import is_caseworker, is_team_lead, scope_for
from juwe.roles import Role

from .models import (
    Case,
    CaseMember,
    ClassificationChange,
    Conference,
    ConferenceIdea,
    ConferenceItem,
    ConferenceParticipant,
    ConferenceVote,
    Contact,
    Contract,
    ContractGoal,
    ContractParticipant,
    ContractState,
    ContractTask,
    GoalRating,
    HelpProposal,
    NetworkPerson,
    Person,
    ProtectionAssessment,
    ProtectionMeasure,
    ReferenceCounter,
    ResourceEntry,
    Review,
    StateChange,
    TaskNote,
)


def case_scope(user, qs: QuerySet) -> QuerySet:
    """Cases of the user's team for case managers and team leads; nothing for everybody else."""
    if user.has_role(Role.CASE_MANAGER, Role.TEAM_LEAD) and user.team_id:
        return qs.filter(team_id=user.team_id)
    return qs.none()


def _visible_case_ids(user) -> QuerySet:
    return case_scope(user, Case.objects.all()).values("id")


@scope_for(Case)
def _scope_case(user, qs: QuerySet) -> QuerySet:
    return case_scope(user, qs)


@scope_for(Person)
def _scope_person(user, qs: QuerySet) -> QuerySet:
    # A person is visible through a case the user may see.
    return qs.filter(id__in=CaseMember.objects.filter(case_id__in=_visible_case_ids(user)).values("person_id"))


def _by_case(user, qs: QuerySet) -> QuerySet:
    return qs.filter(case_id__in=_visible_case_ids(user))


for _model in (
    CaseMember,
    Contact,
    ResourceEntry,
    NetworkPerson,
    StateChange,
    ClassificationChange,
    ProtectionAssessment,
):
    scope_for(_model)(_by_case)


@scope_for(ProtectionMeasure)
def _scope_measure(user, qs: QuerySet) -> QuerySet:
    return qs.filter(assessment__case_id__in=_visible_case_ids(user))


# Case conferences belong to a team; only its case managers and team leads see the record.
def _team_q(user) -> Q | None:
    if user.has_role(Role.CASE_MANAGER, Role.TEAM_LEAD) and user.team_id:
        return Q(team_id=user.team_id)
    return None


@scope_for(Conference)
def _scope_conference(user, qs: QuerySet) -> QuerySet:
    q = _team_q(user)
    return qs.filter(q) if q else qs.none()


def _visible_conference_ids(user) -> QuerySet:
    return _scope_conference(user, Conference.objects.all()).values("id")


@scope_for(ConferenceItem)
@scope_for(ConferenceParticipant)
def _scope_conference_part(user, qs: QuerySet) -> QuerySet:
    return qs.filter(conference_id__in=_visible_conference_ids(user))


@scope_for(ConferenceIdea)
@scope_for(HelpProposal)
@scope_for(ConferenceVote)
def _scope_item_part(user, qs: QuerySet) -> QuerySet:
    return qs.filter(item__conference_id__in=_visible_conference_ids(user))


def contract_scope(user, qs: QuerySet) -> QuerySet:
    """Contracts of the team's cases for case managers and team leads; for provider staff the
    contracts of their provider from signing on (a draft is still the office's)."""
    q = Q(pk__in=[])
    if user.has_role(Role.CASE_MANAGER, Role.TEAM_LEAD) and user.team_id:
        q |= Q(case__team_id=user.team_id)
    if user.has_role(Role.PROVIDER_STAFF) and user.provider_id:
        q |= Q(provider_id=user.provider_id) & ~Q(state=ContractState.DRAFT)
    return qs.filter(q)


def visible_contract_ids(user) -> QuerySet:
    return contract_scope(user, Contract.objects.all()).values("id")


@scope_for(Contract)
def _scope_contract(user, qs: QuerySet) -> QuerySet:
    return contract_scope(user, qs)


@scope_for(ContractGoal)
@scope_for(ContractTask)
@scope_for(ContractParticipant)
@scope_for(Review)
def _scope_contract_part(user, qs: QuerySet) -> QuerySet:
    return qs.filter(contract_id__in=visible_contract_ids(user))


@scope_for(TaskNote)
def _scope_task_note(user, qs: QuerySet) -> QuerySet:
    return qs.filter(task__contract_id__in=visible_contract_ids(user))


@scope_for(GoalRating)
def _scope_goal_rating(user, qs: QuerySet) -> QuerySet:
    return qs.filter(review__contract_id__in=visible_contract_ids(user))


@scope_for(ReferenceCounter)
def _scope_counter(user, qs: QuerySet) -> QuerySet:
    # Counters hold no social data; administrators may look at them when a number is questioned.
    return qs if user.has_role(Role.ADMINISTRATOR) else qs.none()


# Object-level scope is enforced through `visible`/`get_visible_or_404` (404); these decide the
# actions (403).
rules.add_perm("cases.view_case", is_caseworker)
rules.add_perm("cases.open_case", is_caseworker)
rules.add_perm("cases.change_case", is_caseworker)
rules.add_perm("cases.export_cases", is_caseworker)
rules.add_perm("cases.assign_case", is_team_lead)
rules.add_perm("cases.view_child_protection_worklist", is_team_lead)
