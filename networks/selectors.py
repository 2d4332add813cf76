"""Reads of the networks app, always for a user and starting from the access policy."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from juwe.access import district_scope, get_visible_or_404, visible
from juwe.models import District
from juwe.roles import Role
from networks.access import coordinated_district_ids
from networks.models import (
    AgeCohort,
    Meeting,
    MemberOrganisation,
    Membership,
    Network,
    Offer,
    OfferStatus,
)

# An offer nobody confirmed for this long may no longer exist: the coordinator checks it.
STALE_AFTER_MONTHS = 12
# A broad search ("Eltern" over the whole city) ranks at most this many matches, so its cost
# stays bounded; the page then says there are more and asks to narrow the search.
RANK_CANDIDATES = 500
# Without a recent meeting a network counts as dormant in the coverage matrix.
DORMANT_AFTER_MONTHS = 12

_WORD = re.compile(r"\w+", re.UNICODE)


def months_ago(months: int, now: datetime | None = None) -> datetime:
    """The same moment `months` calendar months earlier (29 Feb falls back to 28 Feb)."""
    now = now or timezone.now()
    year, month = divmod(now.month - 1 - months, 12)
    year, month = now.year + year, month + 1
    day = now.day
    while True:
        try:
            return now.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1


def stale_cutoff(now: datetime | None = None) -> datetime:
    return months_ago(STALE_AFTER_MONTHS, now)


def text_query(text: str) -> SearchQuery | None:
    """German full-text query where every word also matches as a prefix of a (stemmed) word.

    German stemming alone keeps compounds whole ("Elterncafé" stays one lexeme), so "Eltern"
    (stem "elt") would not find it; as a prefix query `elt:*` it does, and the GIN index serves
    prefix queries as well. Words are reduced to letters and digits, so user input can never
    break the tsquery syntax.
    """
    words = _WORD.findall(text or "")
    if not words:
        return None
    raw = " & ".join(f"{w}:*" for w in words[:10])
    return SearchQuery(raw, search_type="raw", config="german")


class _ScanMatch(Func):
    """The stored search vector as an expression the GIN index does not serve.

    Within one district (a few thousand offers at most) matching each offer's vector is cheaper
    than a GIN scan for a common prefix ("elt:*" hits a third of the city's offers), and its cost
    does not grow with the rest of the city's offers.
    """

    template = "(%(expressions)s || ''::tsvector)"
    output_field = SearchVectorField()


def _ids(value) -> list[int] | None:
    if value in (None, ""):
        return None
    if isinstance(value, (list, tuple, set, frozenset, QuerySet)):
        return [getattr(v, "pk", v) for v in value]
    return [getattr(value, "pk", value)]


def _ages(value) -> list[int] | None:
    if value in (None, ""):
        return None
    if isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
        return [int(v) for v in value]
    return [int(value)]


def with_stale_flag(qs: QuerySet, now: datetime | None = None) -> QuerySet:
    cutoff = stale_cutoff(now)
    return qs.annotate(
        is_stale=Q(status=OfferStatus.PUBLISHED) & (Q(confirmed_at__isnull=True) | Q(confirmed_at__lt=cutoff))
    )


def offers_search(user, *, district=None, age=None, topic=None, text=None, today: date | None = None) -> QuerySet:
    """Published, currently valid offers the user may see, filtered like the Stadtteilkarte.

    district: a District, an id or several; age: a child's age in years (or several ages – an
    offer matches when its range contains any of them); topic: an OfferTopic value; text: free
    text (German full-text search with prefix matching). Ordered by relevance when text is given;
    of a search matching more than RANK_CANDIDATES offers only that many are ranked and returned.
    """
    today = today or timezone.localdate()
    qs = (
        visible(user, Offer)
        .filter(status=OfferStatus.PUBLISHED)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("organisation", "district")
    )
    district_ids = _ids(district)
    if district_ids is not None:
        qs = qs.filter(district_id__in=district_ids)
    ages = _ages(age)
    if ages:
        age_match = Q(pk__in=[])
        for a in ages:
            age_match |= Q(age_from__lte=a, age_to__gte=a)
        qs = qs.filter(age_match)
    if topic:
        qs = qs.filter(topics__contains=[topic])
    query = text_query(text)
    if query is not None:
        # One more than the cap, so the page can tell that there are more.
        if district_ids is not None:
            matches = qs.annotate(scan_vector=_ScanMatch(F("search_vector"))).filter(scan_vector=query)
        else:
            matches = qs.filter(search_vector=query)
        candidates = matches.order_by().values("pk")[: RANK_CANDIDATES + 1]
        qs = qs.filter(pk__in=candidates).annotate(rank=SearchRank(F("search_vector"), query))
        qs = qs.order_by("-rank", "title", "id")
    else:
        qs = qs.order_by("title", "id")
    return with_stale_flag(qs)


def offer_for_detail(user, pk: int) -> Offer:
    qs = with_stale_flag(
        Offer.objects.select_related("organisation", "district", "suggested_by", "confirmed_by")
    )
    return get_visible_or_404(user, qs, pk=pk)


def offers_stale(user, now: datetime | None = None) -> QuerySet:
    """Published offers of the coordinator's districts not confirmed for 12 months (oldest first)."""
    cutoff = stale_cutoff(now)
    return (
        visible(user, Offer)
        .filter(district_id__in=list(coordinated_district_ids(user)), status=OfferStatus.PUBLISHED)
        .filter(Q(confirmed_at__isnull=True) | Q(confirmed_at__lt=cutoff))
        .select_related("district")
        .order_by(F("confirmed_at").asc(nulls_first=True), "id")
    )


def offers_suggested(user) -> QuerySet:
    """Suggestions waiting for a coordinator of their district."""
    return (
        visible(user, Offer)
        .filter(district_id__in=list(coordinated_district_ids(user)), status=OfferStatus.SUGGESTED)
        .select_related("district", "suggested_by")
        .order_by("created_at", "id")
    )



# --- Networks ----------------------------------------------------------------------------------------


def _current(prefix: str = "", on: date | None = None) -> Q:
    on = on or timezone.localdate()
    return Q(**{f"{prefix}since__lte": on}) & (Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gte": on}))


def networks_list(user) -> QuerySet:
    """Visible networks with their current member count and last meeting date."""
    members = (
        Membership.objects.filter(_current(), network=OuterRef("pk"))
        .order_by()
        .values("network")
        .annotate(n=Count("organisation", distinct=True))
        .values("n")
    )
    last_meeting = (
        Meeting.objects.filter(network=OuterRef("pk"), date__lte=timezone.localdate())
        .order_by("-date")
        .values("date")[:1]
    )
    return (
        visible(user, Network)
        .select_related("social_center", "cohort", "coordinator")
        .prefetch_related(Prefetch("districts", queryset=District.objects.order_by("name")))
        .annotate(
            member_count=Coalesce(Subquery(members, output_field=IntegerField()), 0),
            last_meeting=Subquery(last_meeting),
        )
    )


def network_for_detail(user, pk: int) -> Network:
    qs = Network.objects.select_related("social_center", "cohort", "coordinator", "rules_source").prefetch_related(
        Prefetch("districts", queryset=District.objects.order_by("name"))
    )
    return get_visible_or_404(user, qs, pk=pk)


def network_memberships(user, network: Network) -> QuerySet:
    return (
        visible(user, Membership)
        .filter(network=network)
        .select_related("organisation", "organisation__district")
        .annotate(current=_current_expr())
        .order_by("-current", "organisation__name", "-since")
    )


def _current_expr():
    return ExpressionWrapper(_current(), output_field=BooleanField())


def network_meetings(user, network: Network) -> QuerySet:
    return (
        visible(user, Meeting)
        .filter(network=network)
        .annotate(
            attendee_count=Count("attendances", distinct=True),
            guest_count=Count("attendances", filter=Q(attendances__guest=True), distinct=True),
        )
        .order_by("-date", "-start_time")
    )


def meeting_for_detail(user, pk: int) -> Meeting:
    qs = Meeting.objects.select_related("network", "network__social_center", "network__cohort", "network__coordinator")
    return get_visible_or_404(user, qs, pk=pk)


def meeting_attendances(user, meeting: Meeting) -> QuerySet:
    return meeting.attendances.select_related("organisation").order_by("guest", "organisation__name", "person")


def meeting_invitees(meeting: Meeting) -> QuerySet:
    """Organisations that are members on the meeting date (the invitation's distribution list)."""
    return (
        Membership.objects.filter(_current(on=meeting.date), network_id=meeting.network_id)
        .select_related("organisation")
        .prefetch_related("organisation__contacts")
        .order_by("organisation__name")
    )


def organisations_list(user) -> QuerySet:
    return (
        visible(user, MemberOrganisation)
        .select_related("district", "provider")
        .prefetch_related("cohorts")
        .annotate(network_count=Count("memberships", filter=_current("memberships__"), distinct=True))
        .order_by("name", "id")
    )


def organisation_for_detail(user, pk: int) -> MemberOrganisation:
    qs = MemberOrganisation.objects.select_related("district", "provider").prefetch_related("cohorts", "contacts")
    return get_visible_or_404(user, qs, pk=pk)


def organisation_memberships(user, org: MemberOrganisation) -> QuerySet:
    return (
        visible(user, Membership)
        .filter(organisation=org)
        .select_related("network", "network__cohort")
        .annotate(current=_current_expr())
        .order_by("-current", "network__name")
    )


def offer_export_rows(qs: QuerySet) -> tuple[list[str], list[list]]:
    header = [_("Title"), _("Organisation"), _("District"), _("Age from"), _("Age to"), _("Topics"), _("Times"),
              _("low-threshold"), _("free of charge"), _("Contact"), _("Phone"), _("E-mail"), _("Last confirmed")]
    rows = [
        [o.title, o.organisation.name, o.district.name, o.age_from, o.age_to,
         ", ".join(str(label) for label in o.topic_labels), o.times, o.low_threshold, o.free_of_charge,
         o.contact_name, o.contact_phone, o.contact_email, o.confirmed_at]
        for o in qs.iterator(chunk_size=2000)
    ]
    return header, rows



# --- Coverage ----------------------------------------------------------------------------------------


@dataclass
class CoverageCell:
    cohort: AgeCohort
    networks: int = 0
    members: int = 0
    last_meeting: date | None = None
    dormant: bool = False

    @property
    def gap(self) -> bool:
        return self.networks == 0


@dataclass
class CoverageRow:
    district: District
    cells: list[CoverageCell] = field(default_factory=list)

    @property
    def gaps(self) -> int:
        return sum(1 for c in self.cells if c.gap)


def coverage_districts(user) -> QuerySet:
    """Whose coverage a user sees: caseworkers and administrators the whole office, others their scope."""
    qs = District.objects.select_related("social_center")
    if user.has_role(Role.CASE_MANAGER, Role.TEAM_LEAD, Role.ADMINISTRATOR):
        return qs
    return qs.filter(pk__in=district_scope(user).values("pk"))


def coverage_matrix(user, *, social_center=None, today: date | None = None) -> tuple[list[AgeCohort], list[CoverageRow]]:
    """District × age cohort: active networks, current member organisations, last meeting. Three queries."""
    today = today or timezone.localdate()
    cohorts = list(visible(user, AgeCohort))
    districts = coverage_districts(user).order_by("social_center__name", "name")
    if social_center:
        districts = districts.filter(social_center=social_center)
    districts = list(districts)
    # One grouped query for all cells; distinct counts so an organisation in two networks of
    # the same cell counts once.
    figures = (
        Network.objects.filter(active=True, districts__in=[d.pk for d in districts])
        .values("districts", "cohort")
        .annotate(
            networks=Count("pk", distinct=True),
            members=Count("memberships__organisation", filter=_current("memberships__", today), distinct=True),
            last_meeting=Max("meetings__date", filter=Q(meetings__date__lte=today)),
        )
        .order_by()
    )
    by_cell = {(f["districts"], f["cohort"]): f for f in figures}
    dormant_before = months_ago(DORMANT_AFTER_MONTHS, timezone.now()).date()
    rows = []
    for district in districts:
        row = CoverageRow(district=district)
        for cohort in cohorts:
            f = by_cell.get((district.pk, cohort.pk))
            cell = CoverageCell(cohort=cohort)
            if f:
                cell.networks, cell.members, cell.last_meeting = f["networks"], f["members"], f["last_meeting"]
                cell.dormant = cell.last_meeting is None or cell.last_meeting < dormant_before
            row.cells.append(cell)
        rows.append(row)
    return cohorts, rows


def coverage_export_rows(cohorts, rows) -> tuple[list[str], list[list]]:
    header = [_("Social centre"), _("District"), _("Age cohort"), _("Active networks"), _("Member organisations"),
              _("Last meeting"), _("Gap")]
    out = []
    for row in rows:
        for cell in row.cells:
            out.append([row.district.social_center.name, row.district.name, cell.cohort.name, cell.networks,
                        cell.members, cell.last_meeting, cell.gap])
    return header, out
