"""Who sees and manages networks, member organisations, meetings and offers.

- District coordinators manage what belongs to *their* districts (networks touching one of them,
  organisations and offers located in them) and see the networks of their districts.
- Case managers and team leads read everything and may suggest offers; leadership reads the
  networks of its scope; administrators read (they edit the reference data in the admin).
- Provider staff see the networks their organisation is a current member of, with their meetings.
- The offer directory and the organisation register are reference data for the office: every
  reader sees them; suggestions that are not yet confirmed only their author and the coordinators.
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet
from django.utils import timezone

from juwe.access import (
    district_scope,
    is_administrator,
    is_caseworker,
    is_district_coordinator,
    is_leadership,
    is_provider_staff,
    scope_for,
)
from juwe.roles import Role
from networks.models import (
    AgeCohort,
    Attendance,
    ContactPerson,
    Meeting,
    MemberOrganisation,
    Membership,
    Network,
    Offer,
    OfferStatus,
)

is_directory_reader = is_caseworker | is_district_coordinator | is_leadership | is_administrator
is_network_reader = is_directory_reader | is_provider_staff


def coordinated_district_ids(user) -> frozenset[int]:
    """The districts a coordinator manages; cached on the user object for the request."""
    if not user.is_authenticated or not user.has_role(Role.DISTRICT_COORDINATOR):
        return frozenset()
    cached = getattr(user, "_networks_coordinated", None)
    if cached is None:
        cached = frozenset(user.districts.values_list("id", flat=True))
        user._networks_coordinated = cached
    return cached


def _network_district_ids(network: Network) -> set[int]:
    # Uses the prefetch cache when the view prefetched the districts.
    return {d.id for d in network.districts.all()}


@rules.predicate
def coordinates_district_of(user, obj) -> bool:
    """The object (offer, organisation, network, meeting, membership) lies in a district the user coordinates."""
    own = coordinated_district_ids(user)
    if obj is None or not own:
        return False
    if isinstance(obj, Network):
        return bool(_network_district_ids(obj) & own)
    if isinstance(obj, (Meeting, Membership)):
        return bool(_network_district_ids(obj.network) & own)
    return getattr(obj, "district_id", None) in own


@rules.predicate
def offer_is_suggested(user, obj) -> bool:
    return obj is not None and obj.status == OfferStatus.SUGGESTED


manages = is_district_coordinator & coordinates_district_of

rules.add_perm("networks.view_directory", is_directory_reader)
rules.add_perm("networks.view_networks", is_network_reader)
rules.add_perm("networks.view_coverage", is_directory_reader)
# Without an object: may the user create at all (the form then offers only their districts).
rules.add_perm("networks.add_offer", is_district_coordinator)
rules.add_perm("networks.add_organisation", is_district_coordinator)
rules.add_perm("networks.add_network", is_district_coordinator)
rules.add_perm("networks.suggest_offer", is_caseworker)
rules.add_perm("networks.change_offer", manages)
rules.add_perm("networks.confirm_offer", manages)
rules.add_perm("networks.decide_suggestion", manages & offer_is_suggested)
rules.add_perm("networks.change_organisation", manages)
rules.add_perm("networks.change_network", manages)
rules.add_perm("networks.print_meeting", is_network_reader)
rules.add_perm("networks.view_worklist", is_district_coordinator)


# --- Scopes ----------------------------------------------------------------------------------------


def _reads_all(user) -> bool:
    return user.has_role(Role.CASE_MANAGER, Role.TEAM_LEAD, Role.ADMINISTRATOR)


def network_scope(user, qs: QuerySet) -> QuerySet:
    if _reads_all(user):
        return qs
    cond = Q(pk__in=[])
    if user.has_role(Role.LEADERSHIP):
        cond |= Q(districts__in=district_scope(user).values("id"))
    if user.has_role(Role.DISTRICT_COORDINATOR):
        cond |= Q(districts__in=list(coordinated_district_ids(user))) | Q(coordinator=user)
    if user.has_role(Role.PROVIDER_STAFF) and user.provider_id:
        today = timezone.localdate()
        members = Membership.objects.filter(organisation__provider_id=user.provider_id, since__lte=today).filter(
            Q(until__isnull=True) | Q(until__gte=today)
        )
        cond |= Q(pk__in=members.values("network_id"))
    # A subquery rather than a join: a network with several districts must not appear twice.
    return qs.filter(pk__in=Network.objects.filter(cond).values("pk"))


@scope_for(Network)
def _scope_network(user, qs: QuerySet) -> QuerySet:
    return network_scope(user, qs)


def _visible_networks(user) -> QuerySet:
    return network_scope(user, Network.objects.all())


@scope_for(Meeting)
def _scope_meeting(user, qs: QuerySet) -> QuerySet:
    return qs if _reads_all(user) else qs.filter(network__in=_visible_networks(user).values("pk"))


@scope_for(Membership)
def _scope_membership(user, qs: QuerySet) -> QuerySet:
    return qs if _reads_all(user) else qs.filter(network__in=_visible_networks(user).values("pk"))


@scope_for(Attendance)
def _scope_attendance(user, qs: QuerySet) -> QuerySet:
    return qs if _reads_all(user) else qs.filter(meeting__network__in=_visible_networks(user).values("pk"))


@scope_for(AgeCohort)
def _scope_cohort(user, qs: QuerySet) -> QuerySet:
    return qs if is_network_reader(user) else qs.none()


@scope_for(MemberOrganisation)
def _scope_organisation(user, qs: QuerySet) -> QuerySet:
    if is_directory_reader(user):
        return qs
    if user.has_role(Role.PROVIDER_STAFF) and user.provider_id:
        # Provider staff see the organisations of the networks they are in (the member list).
        members = Membership.objects.filter(network__in=_visible_networks(user).values("pk"))
        return qs.filter(pk__in=members.values("organisation_id"))
    return qs.none()


@scope_for(ContactPerson)
def _scope_contact(user, qs: QuerySet) -> QuerySet:
    return qs.filter(organisation__in=_scope_organisation(user, MemberOrganisation.objects.all()).values("pk"))


@scope_for(Offer)
def _scope_offer(user, qs: QuerySet) -> QuerySet:
    if not is_directory_reader(user):
        return qs.none()
    if user.has_role(Role.ADMINISTRATOR):
        return qs
    # Suggestions and rejected suggestions: only their author and the district's coordinators.
    cond = Q(status__in=[OfferStatus.PUBLISHED, OfferStatus.ARCHIVED]) | Q(suggested_by=user)
    own = coordinated_district_ids(user)
    if own:
        cond |= Q(district_id__in=list(own))
    return qs.filter(cond)
