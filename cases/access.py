"""Who sees which case file, and who may do what with it.

Case contents are visible only to case managers and team leads of the case's team. District
coordinators, economic youth aid, leadership and administrators get no case contents (404);
provider staff see nothing until contracts assign cases to their provider (case file II).
"""

from __future__ import annotations

import rules
from django.db.models import QuerySet

from juwe.access import is_caseworker, is_team_lead, scope_for
from juwe.roles import Role

from .models import (
    Case,
    CaseMember,
    ClassificationChange,
    Contact,
    NetworkPerson,
    Person,
    ReferenceCounter,
    ResourceEntry,
    StateChange,
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


for _model in (CaseMember, Contact, ResourceEntry, NetworkPerson, StateChange, ClassificationChange):
    scope_for(_model)(_by_case)


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
