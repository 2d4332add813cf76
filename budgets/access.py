"""Who sees which budget figures, and who may do what with them.

- Economic youth aid and leadership: all budgets of their office (or social centre), the cost
  entries, instalments, settlements and the equalisation pot.
- Case managers and team leads: the budget position of their own team's districts – not the
  individual cost entries.
- Provider staff: the budgets their provider holds as lead provider, with instalments and the
  settlement statement.
- Everybody else: nothing (the menu item does not show, URLs answer 403).
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from budgets.models import Budget, CostEntry, ImportUpload, Instalment, PotTransfer, Settlement
from juwe.access import district_scope, is_caseworker, is_economic_aid, is_leadership, is_provider_staff, is_team_lead, scope_for
from juwe.roles import Role

is_finance = is_economic_aid | is_leadership


def budget_q(user, prefix: str = "") -> Q:
    """The condition for budgets the user may see (prefix for related lookups, e.g. 'budget__')."""
    q = Q(pk__in=[])
    if user.has_role(Role.ECONOMIC_AID, Role.LEADERSHIP):
        q |= Q(**{f"{prefix}district__in": district_scope(user).values("id")})
    if user.has_role(Role.CASE_MANAGER, Role.TEAM_LEAD) and user.team_id:
        q |= Q(**{f"{prefix}district__team_id": user.team_id})
    if user.has_role(Role.PROVIDER_STAFF) and user.provider_id:
        q |= Q(**{f"{prefix}provider_id": user.provider_id})
    return q


def _finance_q(user, prefix: str) -> Q:
    if user.has_role(Role.ECONOMIC_AID, Role.LEADERSHIP):
        return Q(**{f"{prefix}district__in": district_scope(user).values("id")})
    return Q(pk__in=[])


def bookable_cases(user) -> QuerySet:
    """Cases a cost of `user` may be booked on, found by their file reference (form and import): those
    of the districts whose cost entries the user sees (economic youth aid and leadership, limited to
    their social centre if they have one). No case contents – just the reference, district and id.
    Everybody else finds none, so a reference outside the scope reads like one that does not exist."""
    from cases.models import Case

    if user is None or not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    return Case.objects.filter(_finance_q(user, ""))


@scope_for(Budget)
def _scope_budget(user, qs: QuerySet) -> QuerySet:
    return qs.filter(budget_q(user))


@scope_for(Instalment)
def _scope_instalment(user, qs: QuerySet) -> QuerySet:
    q = _finance_q(user, "budget__")
    if user.has_role(Role.PROVIDER_STAFF) and user.provider_id:
        q |= Q(budget__provider_id=user.provider_id)
    return qs.filter(q)


@scope_for(CostEntry)
def _scope_cost_entry(user, qs: QuerySet) -> QuerySet:
    # Single bookings name cases and staff: only the money side of the office sees them.
    return qs.filter(_finance_q(user, "budget__"))


@scope_for(Settlement)
def _scope_settlement(user, qs: QuerySet) -> QuerySet:
    q = _finance_q(user, "budget__")
    if user.has_role(Role.PROVIDER_STAFF) and user.provider_id:
        q |= Q(budget__provider_id=user.provider_id)
    return qs.filter(q)


@scope_for(PotTransfer)
def _scope_pot_transfer(user, qs: QuerySet) -> QuerySet:
    return qs.filter(_finance_q(user, "settlement__budget__"))


@scope_for(ImportUpload)
def _scope_import_upload(user, qs: QuerySet) -> QuerySet:
    # A checked file waiting for its confirmation is its uploader's alone (another user's id: 404).
    return qs.filter(owner_id=user.pk)


rules.add_perm("budgets.view_budgets", is_finance | is_caseworker | is_provider_staff)
rules.add_perm("budgets.view_instalments", is_finance | is_provider_staff)
rules.add_perm("budgets.view_settlement", is_finance | is_provider_staff)
rules.add_perm("budgets.view_cost_entries", is_finance)
rules.add_perm("budgets.export_cost_entries", is_finance)
rules.add_perm("budgets.book_costs", is_economic_aid)
# § 36a SGB VIII exceptions: a cost on a case without an approved contract or § 42, with a reason.
rules.add_perm("budgets.book_without_legal_basis", is_economic_aid)
rules.add_perm("budgets.pay_instalments", is_economic_aid)
rules.add_perm("budgets.set_budget", is_leadership)
rules.add_perm("budgets.prepare_settlement", is_economic_aid)
rules.add_perm("budgets.finalize_settlement", is_leadership)
rules.add_perm("budgets.view_pot", is_finance)
rules.add_perm("budgets.request_transfer", is_economic_aid)
rules.add_perm("budgets.approve_transfer", is_leadership)
rules.add_perm("budgets.allocate_onto_cases", is_finance)
rules.add_perm("budgets.view_overrun_warnings", is_finance | is_team_lead)
