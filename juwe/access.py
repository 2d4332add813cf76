"""The access policy: what a user may see (scoping functions) and do (rules predicates).

Every queryset a view shows starts from `visible(user, Model)`. Each app registers the
scoping function for its models with `@scope_for(Model)`; a model without one is invisible
to everybody (deny by default). Objects outside the scope answer 404 (`get_visible_or_404`),
actions the role lacks answer 403 (`require_perm`).
"""

from __future__ import annotations

from collections.abc import Callable

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from juwe.models import District, DistrictIndicator, Provider, SocialCenter, Team
from juwe.roles import Role

Scoper = Callable[[object, QuerySet], QuerySet]
_SCOPERS: dict[type[Model], Scoper] = {}


def scope_for(model: type[Model]) -> Callable[[Scoper], Scoper]:
    """Register the scoping function for `model`. It gets (user, queryset) and narrows it."""

    def register(func: Scoper) -> Scoper:
        _SCOPERS[model] = func
        return func

    return register


def visible(user, model_or_qs: type[Model] | QuerySet) -> QuerySet:
    """The objects of a model (or a queryset of it) that `user` may see."""
    qs = model_or_qs if isinstance(model_or_qs, QuerySet) else model_or_qs._default_manager.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    try:
        scoper = _SCOPERS[qs.model]
    except KeyError:
        raise LookupError(f"No access scope registered for {qs.model._meta.label}") from None
    return scoper(user, qs)


def get_visible_or_404(user, model_or_qs: type[Model] | QuerySet, **lookup) -> Model:
    """One object the user may see, or 404 – whether it does not exist or is out of scope."""
    try:
        return visible(user, model_or_qs).get(**lookup)
    except (model_or_qs.model if isinstance(model_or_qs, QuerySet) else model_or_qs).DoesNotExist:
        raise Http404 from None


def require_perm(user, perm: str, obj: object | None = None) -> None:
    """403 when the role lacks the action."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied


# --- Predicates --------------------------------------------------------------------------------


def _role(role: Role) -> rules.Predicate:
    return rules.Predicate(lambda user: user.is_authenticated and user.has_role(role), name=f"is_{role.name.lower()}")


is_case_manager = _role(Role.CASE_MANAGER)
is_team_lead = _role(Role.TEAM_LEAD)
is_district_coordinator = _role(Role.DISTRICT_COORDINATOR)
is_economic_aid = _role(Role.ECONOMIC_AID)
is_leadership = _role(Role.LEADERSHIP)
is_provider_staff = _role(Role.PROVIDER_STAFF)
is_administrator = _role(Role.ADMINISTRATOR)
is_caseworker = is_case_manager | is_team_lead
is_office_staff = (
    is_case_manager | is_team_lead | is_district_coordinator | is_economic_aid | is_leadership | is_administrator
)

rules.add_perm("juwe.view_home", rules.is_authenticated)
rules.add_perm("juwe.view_district_profile", is_office_staff | is_provider_staff)
rules.add_perm("juwe.view_audit", is_administrator)
rules.add_perm("juwe.administer", is_administrator)


# --- Scopes of the org structure -----------------------------------------------------------------


def district_scope(user) -> QuerySet:
    """Districts a user works in: the basis of most other scopes."""
    qs = District.objects.all()
    if user.has_role(Role.ADMINISTRATOR):
        return qs
    if user.has_role(Role.LEADERSHIP, Role.ECONOMIC_AID):
        return qs.filter(social_center_id=user.social_center_id) if user.social_center_id else qs
    ids = user.district_ids()
    if user.has_role(Role.PROVIDER_STAFF) and user.provider_id:
        ids |= set(qs.filter(lead_providers=user.provider_id).values_list("id", flat=True))
    return qs.filter(id__in=ids)


@scope_for(District)
def _scope_district(user, qs: QuerySet) -> QuerySet:
    return qs.filter(id__in=district_scope(user).values("id"))


@scope_for(DistrictIndicator)
def _scope_indicator(user, qs: QuerySet) -> QuerySet:
    return qs.filter(district__in=district_scope(user).values("id"))


@scope_for(Team)
def _scope_team(user, qs: QuerySet) -> QuerySet:
    return qs.filter(districts__in=district_scope(user).values("id")).distinct()


@scope_for(SocialCenter)
def _scope_social_center(user, qs: QuerySet) -> QuerySet:
    return qs.filter(districts__in=district_scope(user).values("id")).distinct()


@scope_for(Provider)
def _scope_provider(user, qs: QuerySet) -> QuerySet:
    # Providers are public reference data for office staff; provider staff see their own.
    if is_office_staff(user):
        return qs
    if user.has_role(Role.PROVIDER_STAFF) and user.provider_id:
        return qs.filter(id=user.provider_id)
    return qs.none()
