"""Who sees which micro-project, and who may do what with it.

Scope: office staff see the projects of the districts they work in (case managers and team leads
also the projects they developed), provider staff the projects of their provider, administrators
all. Coordinators and providers never see names of referred people – only counts and dates.
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from juwe.access import (
    district_scope,
    is_caseworker,
    is_district_coordinator,
    is_economic_aid,
    is_leadership,
    is_office_staff,
    is_provider_staff,
    is_team_lead,
    scope_for,
)
from juwe.roles import Role
import cases.access  # noqa: F401  (registers the case scope that referrals rely on)
from microprojects.models import (
    ActionBudget,
    ActionGrant,
    MicroProject,
    ParticipationCount,
    PreventionBudget,
    ProjectPayment,
    QualityReview,
    Referral,
    SUPPLEMENT_STATUSES,
    Status,
    Supplement,
)

OFFICE_ROLES = (Role.CASE_MANAGER, Role.TEAM_LEAD, Role.DISTRICT_COORDINATOR, Role.ECONOMIC_AID, Role.LEADERSHIP)


def coordinated_district_ids(user) -> frozenset[int]:
    """Districts the user coordinates (empty without the coordinator role); cached per request user."""
    if "_mp_coordinated" not in user.__dict__:
        ids = frozenset(user.districts.values_list("id", flat=True)) if user.has_role(Role.DISTRICT_COORDINATOR) else frozenset()
        user.__dict__["_mp_coordinated"] = ids
    return user.__dict__["_mp_coordinated"]


def project_district_ids(project: MicroProject) -> frozenset[int]:
    if "_mp_district_ids" not in project.__dict__:
        cache = getattr(project, "_prefetched_objects_cache", {})
        if "districts" in cache:
            ids = frozenset(d.id for d in cache["districts"])
        else:
            ids = frozenset(project.districts.values_list("id", flat=True))
        project.__dict__["_mp_district_ids"] = ids
    return project.__dict__["_mp_district_ids"]


def project_q(user) -> Q:
    """The condition for projects a user may see (used by the scope and by other apps' counts)."""
    if user.has_role(Role.ADMINISTRATOR):
        return Q()
    q = Q(pk__in=[])
    if user.has_role(*OFFICE_ROLES):
        q |= Q(districts__in=district_scope(user).values("id"))
    if user.has_role(Role.CASE_MANAGER, Role.TEAM_LEAD):
        q |= Q(developed_by=user) | Q(created_by=user)
    if user.has_role(Role.PROVIDER_STAFF) and user.provider_id:
        q |= Q(provider_id=user.provider_id)
    return q


@scope_for(MicroProject)
def _scope_project(user, qs: QuerySet) -> QuerySet:
    if user.has_role(Role.ADMINISTRATOR):
        return qs
    # A subquery instead of a join keeps one row per project although districts is many-to-many.
    return qs.filter(pk__in=MicroProject.objects.filter(project_q(user)).values("pk"))


def _project_child_scope(user, qs: QuerySet) -> QuerySet:
    from juwe.access import visible

    return qs.filter(project__in=visible(user, MicroProject).values("pk"))


scope_for(ParticipationCount)(_project_child_scope)
scope_for(QualityReview)(_project_child_scope)
# Payments and supplements are seen with the project (amounts, dates, invoice numbers – no social data).
scope_for(ProjectPayment)(_project_child_scope)
scope_for(Supplement)(_project_child_scope)


@scope_for(Referral)
def _scope_referral(user, qs: QuerySet) -> QuerySet:
    # Seen from the project (dates and counts) or from the case file (the case's own referrals).
    from cases.models import Case
    from juwe.access import visible

    return qs.filter(
        Q(project__in=visible(user, MicroProject).values("pk")) | Q(case__in=visible(user, Case).values("pk"))
    )


def _district_budget_scope(user, qs: QuerySet) -> QuerySet:
    if not user.has_role(*OFFICE_ROLES, Role.ADMINISTRATOR):
        return qs.none()
    return qs.filter(district__in=district_scope(user).values("id"))


scope_for(PreventionBudget)(_district_budget_scope)
scope_for(ActionBudget)(_district_budget_scope)


@scope_for(ActionGrant)
def _scope_grant(user, qs: QuerySet) -> QuerySet:
    if user.has_role(Role.ADMINISTRATOR):
        return qs
    q = Q(requested_by=user)
    if user.has_role(*OFFICE_ROLES):
        q |= Q(district__in=district_scope(user).values("id"))
    return qs.filter(q)


# --- Predicates ------------------------------------------------------------------------------------


@rules.predicate
def coordinates_project(user, project) -> bool:
    return project is not None and bool(coordinated_district_ids(user) & project_district_ids(project))


@rules.predicate
def works_on_project(user, project) -> bool:
    """Created, developed or leads it."""
    if project is None:
        return False
    if user.pk in (project.created_by_id, project.lead_id):
        return True
    return project.developed_by.filter(pk=user.pk).exists()


@rules.predicate
def is_project_provider(user, project) -> bool:
    return project is not None and user.has_role(Role.PROVIDER_STAFF) and user.provider_id == project.provider_id


@rules.predicate
def is_draft(user, project) -> bool:
    return project is not None and project.status == Status.DRAFT


@rules.predicate
def may_get_supplement(user, project) -> bool:
    return project is not None and project.status in SUPPLEMENT_STATUSES


@rules.predicate
def coordinates_grant_district(user, grant) -> bool:
    return grant is not None and grant.district_id in coordinated_district_ids(user)


can_view = is_office_staff | is_provider_staff
rules.add_perm("microprojects.view", can_view)
rules.add_perm("microprojects.propose", is_caseworker | is_district_coordinator)
rules.add_perm("microprojects.edit", is_draft & (works_on_project | coordinates_project))
rules.add_perm("microprojects.submit", is_draft & (works_on_project | coordinates_project))
# Approve or reject: the coordinator of one of its districts; leadership also (over budget).
rules.add_perm("microprojects.decide", coordinates_project | is_leadership)
rules.add_perm("microprojects.decide_any", is_district_coordinator | is_leadership)
rules.add_perm("microprojects.run", coordinates_project | is_team_lead | works_on_project)
rules.add_perm("microprojects.record_participation", coordinates_project | is_project_provider | is_team_lead)
rules.add_perm("microprojects.review", coordinates_project | is_team_lead)
rules.add_perm("microprojects.refer", is_caseworker)
# Names/case references of referred people: only case work (further narrowed by the case scope).
rules.add_perm("microprojects.see_referred_cases", is_caseworker)
rules.add_perm("microprojects.print_letter", is_office_staff | is_project_provider)
rules.add_perm("microprojects.export", is_office_staff)
rules.add_perm("microprojects.view_overview", is_office_staff)
rules.add_perm("microprojects.set_budget", is_leadership)
rules.add_perm("microprojects.view_grants", can_view)
rules.add_perm("microprojects.request_grant", can_view)
rules.add_perm("microprojects.decide_grant", coordinates_grant_district)
rules.add_perm("microprojects.decide_grant_any", is_district_coordinator)
rules.add_perm("microprojects.review_worklist", is_district_coordinator | is_team_lead)
# Supplementary approval (Nachbewilligung): asked for by the project's team, decided like the approval.
rules.add_perm("microprojects.request_supplement", may_get_supplement & (works_on_project | coordinates_project))
# Payments out of the prevention frame: economic youth aid pays invoices.
rules.add_perm("microprojects.book_payments", is_economic_aid)
# The proof of use of an action grant: the district's coordinator records its receipt.
rules.add_perm("microprojects.record_proof", coordinates_grant_district)
