"""Reads of the micro-project app. User-facing selectors take the user first and start from
`visible(user, Model)`. The prevention-frame functions at the top are the read API for the budgets
app: `prevention_budget_position(s)` are unscoped (the caller has scoped the district),
`prevention_frame` scopes it for the user (the budget page)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from juwe.access import visible
from juwe.models import District
from microprojects.access import coordinated_district_ids
from microprojects.models import (
    COMMITTED_STATUSES,
    ZERO,
    ActionBudget,
    ActionGrant,
    Category,
    MicroProject,
    ParticipationCount,
    PreventionBudget,
    ProjectPayment,
    Referral,
    Status,
    Supplement,
)

MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)


def one_year_after(day: datetime.date, years: int = 1) -> datetime.date:
    """The same calendar day `years` later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class BudgetPosition:
    """A district's prevention frame of a year: the frame, what is approved against it (supplements
    included), what has been paid out of it, and what is free (frame − approved)."""

    district_id: int
    year: int
    budget: Decimal
    approved_sum: Decimal
    paid: Decimal = ZERO

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.approved_sum

    @property
    def free(self) -> Decimal:
        return self.remaining

    def __iter__(self):  # so that `budget, approved, remaining = position` works
        return iter((self.budget, self.approved_sum, self.remaining))


# --- Read API for the budgets app --------------------------------------------------------------------


def prevention_budget_position(district: District | int, year: int) -> BudgetPosition:
    """The district's prevention budget of a year, the approved micro-project sum charged to it, what
    was paid and what remains. Unscoped: the caller has already checked that the user may see the district."""
    return prevention_budget_positions([getattr(district, "pk", district)], year)[getattr(district, "pk", district)]


def prevention_budget_positions(district_ids, year: int) -> dict[int, BudgetPosition]:
    """Budget positions of many districts in one query (for overviews)."""
    district_ids = list(district_ids)
    found = _positions(District.objects.filter(pk__in=district_ids), year)
    return {d: found.get(d) or BudgetPosition(d, year, ZERO, ZERO) for d in district_ids}


def prevention_frame(user, district: District | int, year: int) -> BudgetPosition | None:
    """The district's prevention frame for the budget page of the budgets app, or None when the user
    may not see it (provider staff, districts outside the user's scope). One query."""
    if not user.has_perm("microprojects.view_overview"):
        return None
    district_id = getattr(district, "pk", district)
    return _positions(visible(user, District).filter(pk=district_id), year).get(district_id)


def _sum_per_district(qs: QuerySet, field: str, district_field: str):
    """A correlated subquery: the sum of `field` over `qs` for the outer district (0 when none)."""
    total = qs.filter(**{district_field: OuterRef("pk")}).order_by().values(district_field).annotate(s=Sum(field)).values("s")
    return Coalesce(Subquery(total, output_field=MONEY_FIELD), Value(ZERO), output_field=MONEY_FIELD)


def _positions(districts: QuerySet, year: int) -> dict[int, BudgetPosition]:
    committed = MicroProject.objects.filter(budget_year=year, status__in=COMMITTED_STATUSES)
    frame = PreventionBudget.objects.filter(district=OuterRef("pk"), year=year).values("amount")[:1]
    rows = districts.order_by().annotate(
        frame=Coalesce(Subquery(frame, output_field=MONEY_FIELD), Value(ZERO), output_field=MONEY_FIELD),
        approved=_sum_per_district(committed, "approved_amount", "budget_district"),
        supplements=_sum_per_district(
            Supplement.objects.filter(status=Supplement.Status.APPROVED, project__in=committed),
            "approved_amount", "project__budget_district",
        ),
        paid=_sum_per_district(ProjectPayment.objects.filter(project__in=committed), "amount", "project__budget_district"),
    ).values_list("pk", "frame", "approved", "supplements", "paid")
    return {
        pk: BudgetPosition(pk, year, frame, approved + supplements, paid)
        for pk, frame, approved, supplements, paid in rows
    }


@dataclass(frozen=True)
class ProjectMoney:
    """A project's money: approved (with granted supplements), paid, and what may still be paid."""

    approved: Decimal
    supplements: Decimal
    paid: Decimal

    @property
    def approved_total(self) -> Decimal:
        return self.approved + self.supplements

    @property
    def remaining(self) -> Decimal:
        return self.approved_total - self.paid


def project_money(project: MicroProject, supplements: list, payments: list) -> ProjectMoney:
    """From the project's supplements and payments as the project page lists them (no further query)."""
    return ProjectMoney(
        approved=project.approved_amount or ZERO,
        supplements=sum((s.approved_amount for s in supplements if s.status == Supplement.Status.APPROVED), ZERO),
        paid=sum((p.amount for p in payments), ZERO),
    )


def project_supplements(project: MicroProject) -> list:
    return list(project.supplements.select_related("requested_by", "decided_by").order_by("requested_at", "id"))


def project_payments(project: MicroProject) -> list:
    """Payments in booking order; each knows the payment it reverses and its reversal (one query)."""
    return list(
        project.payments.select_related("provider", "created_by", "reverses", "reversed_by").order_by("paid_on", "id")
    )


# --- Projects ---------------------------------------------------------------------------------------------


def projects_visible_to(user) -> QuerySet:
    return visible(user, MicroProject)


def project_list(user) -> QuerySet:
    """The project list: one row per project with provider, district charged and districts."""
    return (
        projects_visible_to(user)
        .select_related("provider", "budget_district")
        .prefetch_related(Prefetch("districts", queryset=District.objects.only("id", "name", "code")))
        .order_by("-start_date", "title")
    )


def project_detail(user, pk: int) -> MicroProject:
    from juwe.access import get_visible_or_404

    qs = (
        MicroProject.objects.select_related(
            "provider", "budget_district", "coordinator", "lead", "created_by", "submitted_by", "decided_by", "extended_from"
        )
        .prefetch_related("districts", "developed_by", "extensions")
    )
    return get_visible_or_404(user, qs, pk=pk)


def project_history(project: MicroProject) -> QuerySet:
    return project.events.select_related("actor").order_by("at", "id")


@dataclass
class QuarterRow:
    year: int
    quarter: int
    referred_by_cm: int
    low_threshold: int

    @property
    def total(self) -> int:
        return self.referred_by_cm + self.low_threshold

    @property
    def cm_share(self) -> Decimal | None:
        return share(self.referred_by_cm, self.total)


def share(part: int, total: int) -> Decimal | None:
    """Percentage with one decimal, None when there is nothing to divide."""
    if not total:
        return None
    return (Decimal(part) * 100 / Decimal(total)).quantize(Decimal("0.1"))


def participation_rows(project: MicroProject) -> list[QuarterRow]:
    return [
        QuarterRow(p.year, p.quarter, p.referred_by_cm, p.low_threshold)
        for p in project.participation.order_by("year", "quarter")
    ]


def cm_share_of(rows: list[QuarterRow]) -> Decimal | None:
    cm = sum(r.referred_by_cm for r in rows)
    return share(cm, sum(r.total for r in rows))


def last_review_dates(project_ids) -> dict[int, datetime.date]:
    from microprojects.models import QualityReview

    return dict(
        QualityReview.objects.filter(project_id__in=project_ids)
        .values("project_id")
        .annotate(last=Max("date"))
        .values_list("project_id", "last")
    )


def review_due_date(project: MicroProject, last_review: datetime.date | None) -> datetime.date:
    """A running project needs a review every 12 months, counted from its start or its last review."""
    return one_year_after(max(filter(None, [last_review, project.start_date])))


# --- Worklist ------------------------------------------------------------------------------------------------


def pending_approvals(user) -> QuerySet:
    """Submitted projects this user may decide: coordinators their districts' (not their own
    submissions), leadership the ones over the remaining budget."""
    qs = projects_visible_to(user).filter(status=Status.SUBMITTED).select_related("budget_district")
    coordinated = coordinated_district_ids(user)
    if coordinated:
        return qs.filter(districts__in=coordinated).exclude(submitted_by=user).distinct().order_by("submitted_at")
    return qs.order_by("submitted_at")


def projects_over_budget(user, qs: QuerySet) -> list[MicroProject]:
    """Of submitted projects, those whose request exceeds the remaining budget (leadership decides)."""
    projects = list(qs)
    keys = {(p.budget_district_id, p.start_date.year) for p in projects}
    positions = {}
    for year in {y for _d, y in keys}:
        positions.update({(d, year): pos for d, pos in prevention_budget_positions({d for d, y in keys if y == year}, year).items()})
    return [p for p in projects if p.requested_amount > positions[(p.budget_district_id, p.start_date.year)].remaining]


def projects_review_due(user, today: datetime.date | None = None) -> list[tuple[MicroProject, datetime.date | None, datetime.date]]:
    """Running projects without a quality review in the last 12 months (by start for new ones)."""
    today = today or timezone.localdate()
    cutoff = one_year_after(today, -1)
    qs = projects_visible_to(user).filter(status=Status.RUNNING)
    coordinated = coordinated_district_ids(user)
    if coordinated:
        qs = qs.filter(pk__in=MicroProject.objects.filter(districts__in=coordinated).values("pk"))
    qs = qs.annotate(last_review=Max("reviews__date")).annotate(
        reference=Greatest(Coalesce("last_review", "start_date"), "start_date")
    )
    rows = qs.filter(reference__lte=cutoff).order_by("reference")
    return [(p, p.last_review, one_year_after(p.reference)) for p in rows]


def pending_supplements(user) -> QuerySet:
    """Requested supplements this user may decide: coordinators those of their districts' projects
    (not their own requests), leadership all in scope (the worklist keeps those over the frame)."""
    qs = (
        visible(user, Supplement).filter(status=Supplement.Status.REQUESTED)
        .select_related("project__budget_district").order_by("requested_at", "id")
    )
    coordinated = coordinated_district_ids(user)
    if coordinated:
        return qs.filter(project__in=MicroProject.objects.filter(districts__in=coordinated).values("pk")).exclude(requested_by=user)
    return qs


def supplements_over_budget(supplements: list) -> list:
    """Of requested supplements, those larger than what is left of their project's frame."""
    keys = {(s.project.budget_district_id, s.project.budget_year) for s in supplements}
    positions = {}
    for year in {y for _d, y in keys}:
        positions.update({(d, year): p for d, p in prevention_budget_positions({d for d, y in keys if y == year}, year).items()})
    return [s for s in supplements if s.requested_amount > positions[(s.project.budget_district_id, s.project.budget_year)].remaining]


def proofs_due(user, today: datetime.date | None = None, within_days: int = 14, limit: int = 50) -> list[ActionGrant]:
    """Granted grants of the user's coordinated districts whose proof of use is missing and due
    within `within_days` (overdue ones first) – one query, at most `limit` rows."""
    today = today or timezone.localdate()
    coordinated = coordinated_district_ids(user)
    return list(
        ActionGrant.objects.filter(
            district_id__in=coordinated, status=ActionGrant.Status.GRANTED, proof_received_on__isnull=True,
            proof_due__lte=today + datetime.timedelta(days=within_days),
        ).select_related("district").order_by("proof_due", "id")[:limit]
    )


def pending_grants(user) -> QuerySet:
    coordinated = coordinated_district_ids(user)
    return (
        visible(user, ActionGrant)
        .filter(status=ActionGrant.Status.REQUESTED, district_id__in=coordinated)
        .select_related("district")
        .order_by("requested_at")
    )


# --- District overview ---------------------------------------------------------------------------------


@dataclass
class DistrictRow:
    district: District
    position: BudgetPosition
    by_category: dict[str, int]
    running: int
    referred_by_cm: int
    low_threshold: int

    @property
    def cm_share(self) -> Decimal | None:
        return share(self.referred_by_cm, self.referred_by_cm + self.low_threshold)

    @property
    def category_counts(self) -> list[int]:
        return [self.by_category.get(c, 0) for c in Category.values]

    @property
    def used_percent(self) -> Decimal | None:
        if not self.position.budget:
            return None
        return (self.position.approved_sum * 100 / self.position.budget).quantize(Decimal("0.1"))


def district_overview(user, year: int) -> list[DistrictRow]:
    """Per visible district: projects by category (approved/running/completed in `year`), the
    prevention budget used and left, and the share of participants referred by case management.
    A constant number of queries whatever the number of districts."""
    if coordinated_district_ids(user):
        districts = list(visible(user, District).filter(id__in=coordinated_district_ids(user)).order_by("name"))
    else:
        districts = list(visible(user, District).order_by("name"))
    ids = [d.pk for d in districts]
    positions = prevention_budget_positions(ids, year)
    year_start, year_end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    active = MicroProject.objects.filter(
        status__in=COMMITTED_STATUSES, start_date__lte=year_end, end_date__gte=year_start
    )
    per_category: dict[int, dict[str, int]] = {d: {} for d in ids}
    running: dict[int, int] = {d: 0 for d in ids}
    for row in (
        active.filter(districts__in=ids)
        .values("districts", "category")
        .annotate(n=Count("id"), r=Count("id", filter=Q(status=Status.RUNNING)))
    ):
        per_category[row["districts"]][row["category"]] = row["n"]
        running[row["districts"]] += row["r"]
    participation = {
        row["project__districts"]: row
        for row in ParticipationCount.objects.filter(project__districts__in=ids, year=year)
        .values("project__districts")
        .annotate(cm=Sum("referred_by_cm"), low=Sum("low_threshold"))
    }
    return [
        DistrictRow(
            district=d,
            position=positions[d.pk],
            by_category=per_category[d.pk],
            running=running[d.pk],
            referred_by_cm=(participation.get(d.pk) or {}).get("cm") or 0,
            low_threshold=(participation.get(d.pk) or {}).get("low") or 0,
        )
        for d in districts
    ]


# --- Action budget -------------------------------------------------------------------------------------


def grants_visible_to(user) -> QuerySet:
    return visible(user, ActionGrant).select_related("district", "requested_by", "decided_by")


def action_budget_positions(user, year: int) -> list[tuple[District, Decimal, Decimal, Decimal]]:
    """(district, action budget, granted sum, remaining) for the districts the user coordinates or oversees."""
    districts = visible(user, District)
    if coordinated_district_ids(user):
        districts = districts.filter(id__in=coordinated_district_ids(user))
    districts = list(districts.order_by("name"))
    ids = [d.pk for d in districts]
    budgets = dict(ActionBudget.objects.filter(district_id__in=ids, year=year).values_list("district_id", "amount"))
    granted = dict(
        ActionGrant.objects.filter(district_id__in=ids, year=year, status=ActionGrant.Status.GRANTED)
        .values("district_id")
        .annotate(s=Sum("amount"))
        .values_list("district_id", "s")
    )
    rows = []
    for d in districts:
        if d.pk in budgets or d.pk in granted:
            budget, used = budgets.get(d.pk, ZERO), granted.get(d.pk) or ZERO
            rows.append((d, budget, used, budget - used))
    return rows


# --- Referrals -------------------------------------------------------------------------------------------


@dataclass
class ReferralInfo:
    count: int
    by_quarter: list[tuple[int, int, int]]
    rows: list[tuple[datetime.date, object | None]]  # (date, case or None when the user may not see it)


def referrals_for_project(user, project: MicroProject) -> ReferralInfo:
    """Referral dates and counts for everyone who sees the project; the case itself only for case
    workers who may see that case (coordinators and providers never learn who was referred)."""
    referrals = list(project.referrals.order_by("-referred_on", "-id").values_list("referred_on", "case_id"))
    cases: dict[int, object] = {}
    if user.has_perm("microprojects.see_referred_cases"):
        from cases.models import Case

        ids = {case_id for _d, case_id in referrals}
        cases = {c.pk: c for c in visible(user, Case).filter(pk__in=ids).only("id", "reference")}
    quarters: dict[tuple[int, int], int] = {}
    for day, _case in referrals:
        key = (day.year, (day.month - 1) // 3 + 1)
        quarters[key] = quarters.get(key, 0) + 1
    return ReferralInfo(
        count=len(referrals),
        by_quarter=[(y, q, n) for (y, q), n in sorted(quarters.items())],
        rows=[(day, cases.get(case_id)) for day, case_id in referrals],
    )


def referrals_for_case(user, case) -> QuerySet:
    """The micro-project referrals of a case (for the case file)."""
    return visible(user, Referral).filter(case=case).select_related("project", "referred_by").order_by("-referred_on")


def running_projects_for_case(user, case, exclude=(), limit: int = 20) -> list[MicroProject]:
    """Running projects in the case's district the case could be referred to (for the case file)."""
    return list(
        projects_visible_to(user)
        .filter(status=Status.RUNNING, pk__in=MicroProject.objects.filter(districts=case.district_id).values("pk"))
        .exclude(pk__in=list(exclude))
        .order_by("title")[:limit]
    )


def budgets_for_edit(user, year: int) -> tuple[list[District], dict[int, Decimal], dict[int, Decimal]]:
    """The districts leadership oversees with their stored prevention and action budgets of `year`."""
    districts = list(visible(user, District).order_by("name"))
    ids = [d.pk for d in districts]
    prevention = dict(PreventionBudget.objects.filter(district_id__in=ids, year=year).values_list("district_id", "amount"))
    action = dict(ActionBudget.objects.filter(district_id__in=ids, year=year).values_list("district_id", "amount"))
    return districts, prevention, action
