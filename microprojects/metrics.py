"""Aggregate figures of the micro-project app for the controlling (leadership's dashboard).

Every function takes a set of district ids and dates and returns plain numbers or dicts; none takes a
user (the caller has checked the scope) and none returns anything that names a person or a case. Each
aggregates in SQL with a fixed number of queries, whatever the number of projects or districts.

Which district a figure belongs to:
- counts of projects, participants and referrals follow the project's districts (a project in two
  districts counts in both, once in a total over both) – as the district overview does;
- money follows the district charged (`budget_district`), because that district's prevention frame
  carries it (as `selectors.prevention_budget_positions`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from microprojects.models import (
    COMMITTED_STATUSES,
    ZERO,
    ActionGrant,
    MicroProject,
    ParticipationCount,
    PreventionBudget,
    QualityReview,
    Referral,
    Status,
    Supplement,
)
from microprojects.selectors import one_year_after

# Projects that actually ran (approved projects may not have started yet).
RAN_STATUSES = (Status.RUNNING, Status.COMPLETED)


def _ids(district_ids: Iterable[int]) -> list[int]:
    return sorted(set(district_ids))


def _in_districts(district_ids: list[int]) -> QuerySet:
    """Projects with at least one of the districts – as a subquery, so the many-to-many join cannot
    count a project twice."""
    return MicroProject.objects.filter(districts__in=district_ids).values("pk")


def active_projects(district_ids: Iterable[int], start: datetime.date, end: datetime.date) -> QuerySet:
    """Approved, running or completed projects whose project period overlaps start–end."""
    return MicroProject.objects.filter(
        status__in=COMMITTED_STATUSES, start_date__lte=end, end_date__gte=start, pk__in=_in_districts(_ids(district_ids))
    )


# --- Projects by category --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectCounts:
    """Projects active in the period: per (district, category), per category (distinct) and in all."""

    by_district: dict[tuple[int, str], int]
    by_category: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_category.values())


def project_counts(district_ids: Iterable[int], start: datetime.date, end: datetime.date) -> ProjectCounts:
    """Approved, running or completed projects whose period overlaps start–end, in the districts. Two queries."""
    ids = _ids(district_ids)
    active = active_projects(ids, start, end)
    by_district = {
        (row["districts"], row["category"]): row["n"]
        for row in MicroProject.objects.filter(pk__in=active.values("pk"), districts__in=ids)
        .values("districts", "category")
        .annotate(n=Count("pk"))
        .order_by()
    }
    by_category = dict(active.order_by().values("category").annotate(n=Count("pk")).values_list("category", "n"))
    return ProjectCounts(by_district=by_district, by_category=by_category)


# --- Money against the prevention frame -----------------------------------------------------------------


@dataclass(frozen=True)
class FrameFigures:
    """The districts' prevention frames of a budget year and what is approved against them."""

    frame: Decimal
    approved: Decimal  # approved amounts with granted supplements
    projects: int  # committed projects charged to the districts in that year


def frame_figures(district_ids: Iterable[int], year: int) -> FrameFigures:
    """Frame, approved sum (with granted supplements) and number of committed projects charged to the
    districts in budget year `year` – the same figures as the budget positions, summed. Three queries."""
    ids = _ids(district_ids)
    committed = MicroProject.objects.filter(budget_district_id__in=ids, budget_year=year, status__in=COMMITTED_STATUSES)
    frame = PreventionBudget.objects.filter(district_id__in=ids, year=year).aggregate(s=Coalesce(Sum("amount"), ZERO))["s"]
    projects = committed.aggregate(s=Coalesce(Sum("approved_amount"), ZERO), n=Count("pk"))
    supplements = Supplement.objects.filter(
        status=Supplement.Status.APPROVED, project__in=committed.values("pk")
    ).aggregate(s=Coalesce(Sum("approved_amount"), ZERO))["s"]
    return FrameFigures(frame=frame, approved=projects["s"] + supplements, projects=projects["n"])


# --- Participants and referrals ---------------------------------------------------------------------------


def quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_span(start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first day of start's quarter and the last day of end's quarter (participants are counted
    per quarter, so the period is widened to whole quarters)."""
    first_month = 3 * (quarter_of(start)[1] - 1) + 1
    last_year, last_quarter = quarter_of(end)
    last = (
        datetime.date(last_year + 1, 1, 1) if last_quarter == 4 else datetime.date(last_year, 3 * last_quarter + 1, 1)
    ) - datetime.timedelta(days=1)
    return datetime.date(start.year, first_month, 1), last


def _quarters_between(start: datetime.date, end: datetime.date) -> Q:
    (sy, sq), (ey, eq) = quarter_of(start), quarter_of(end)
    after_start = Q(year__gt=sy) | Q(year=sy, quarter__gte=sq)
    before_end = Q(year__lt=ey) | Q(year=ey, quarter__lte=eq)
    return after_start & before_end


@dataclass(frozen=True)
class Participation:
    """Participants counted by the projects in the quarters of the period, and referrals recorded."""

    referred_by_cm: int  # the hand-counted figure of the participation counts
    low_threshold: int
    referrals: int  # Referral rows: cases referred by case management (counted, never named)

    @property
    def total(self) -> int:
        return self.referred_by_cm + self.low_threshold


def participation(district_ids: Iterable[int], start: datetime.date, end: datetime.date) -> Participation:
    """Participation counts of the quarters overlapping start–end and the referrals dated in those
    quarters, of all projects in the districts. Two queries."""
    projects = _in_districts(_ids(district_ids))
    counted = ParticipationCount.objects.filter(_quarters_between(start, end), project__in=projects).aggregate(
        cm=Coalesce(Sum("referred_by_cm"), 0), low=Coalesce(Sum("low_threshold"), 0)
    )
    first, last = quarter_span(start, end)
    referrals = Referral.objects.filter(project__in=projects, referred_on__range=(first, last)).count()
    return Participation(referred_by_cm=counted["cm"], low_threshold=counted["low"], referrals=referrals)


# --- Quality reviews --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewGaps:
    eligible: int  # projects running at the reference date that had run for 12 months by then
    without_review: int  # of those, projects without a quality review in the 12 months before


def review_gaps(district_ids: Iterable[int], reference: datetime.date) -> ReviewGaps:
    """Projects that started at least 12 months before `reference` and still ran on it (running, or
    completed no earlier than `reference`), and how many of them have no quality review dated after
    the day 12 months before and up to `reference` – a review exactly 12 months old is due again, as on
    the coordinators' worklist. One query."""
    cutoff = one_year_after(reference, -1)
    recent = QualityReview.objects.filter(project=OuterRef("pk"), date__gt=cutoff, date__lte=reference)
    projects = (
        MicroProject.objects.filter(
            status__in=RAN_STATUSES, start_date__lte=cutoff, end_date__gte=reference,
            pk__in=_in_districts(_ids(district_ids)),
        )
        .exclude(completed_at__date__lt=reference)
        .annotate(reviewed=Exists(recent))
    )
    row = projects.aggregate(n=Count("pk"), missing=Count("pk", filter=Q(reviewed=False)))
    return ReviewGaps(eligible=row["n"], without_review=row["missing"])


# --- Action budget ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GrantFigures:
    count: int
    amount: Decimal


def granted(district_ids: Iterable[int], start: datetime.date, end: datetime.date) -> GrantFigures:
    """Action-budget grants of the districts granted (decided) between start and end. One query."""
    row = ActionGrant.objects.filter(
        district_id__in=_ids(district_ids), status=ActionGrant.Status.GRANTED, decided_at__date__range=(start, end)
    ).aggregate(n=Count("pk"), s=Coalesce(Sum("amount"), ZERO))
    return GrantFigures(count=row["n"], amount=row["s"])
