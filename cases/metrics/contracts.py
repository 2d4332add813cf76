"""Controlling figures of the help: running contracts by type, duration, reviews, goal achievement.

A help is an approved contract (the team lead's approval given) counted in the district of its case.
"Running at a reference date" means approved from that day or earlier and not ended by it: a contract
ending ON the reference date no longer runs there (the comparison rings count the helps still going
on at 31 December). Each function is one aggregating query, whatever the number of contracts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum

from juwe.models import DistrictIndicator

from ..models import Contract, GoalRating, HelpType, Review, ReviewDecision

# Youth help in the sense of the comparison rings: §§ 27(2)–35a and § 41 SGB VIII. Help in the
# district and micro-projects are the office's preventive work and are counted apart; SGB IX
# integration help is another legal area and not youth help.
YOUTH_HELP_TYPES: tuple[str, ...] = (
    HelpType.FLEXIBLE, HelpType.COUNSELLING, HelpType.GROUP_WORK, HelpType.ASSISTANT, HelpType.SPFH,
    HelpType.DAY_GROUP, HelpType.FOSTER_CARE, HelpType.RESIDENTIAL, HelpType.INTENSIVE, HelpType.INTEGRATION,
    HelpType.YOUNG_ADULT,
)
RESIDENTIAL_TYPES: tuple[str, ...] = (HelpType.FOSTER_CARE, HelpType.RESIDENTIAL)
AMBULANT_TYPES: tuple[str, ...] = tuple(t for t in YOUTH_HELP_TYPES if t not in RESIDENTIAL_TYPES)


def _approved(district_ids) -> Q:
    return Q(case__district_id__in=list(district_ids), approved_at__isnull=False)


def running_q(reference: dt.date) -> Q:
    """Contracts running at the end of `reference`: started by then and not ended on or before it."""
    return Q(approved_from__lte=reference) & (Q(ended_on__isnull=True) | Q(ended_on__gt=reference))


def running_by_type(district_ids, reference: dt.date) -> dict[str, int]:
    """Approved contracts running at `reference`, per help type (every type, youth help or not)."""
    rows = (
        Contract.objects.filter(_approved(district_ids) & running_q(reference))
        .values("help_type")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["help_type"]: row["n"] for row in rows}


@dataclass(frozen=True)
class Durations:
    count: int  # youth helps ended in the period
    mean_days: Decimal | None  # approved_from → ended_on, in days, one decimal place


def ended_durations(district_ids, start: dt.date, end: dt.date) -> Durations:
    """Mean duration of the youth helps (contracts) that ended between start and end, both inclusive."""
    result = Contract.objects.filter(
        _approved(district_ids),
        help_type__in=YOUTH_HELP_TYPES,
        ended_on__gte=start,
        ended_on__lte=end,
    ).aggregate(
        n=Count("id"),
        # PostgreSQL: date - date is a number of days; Django makes it an interval of whole days.
        total=Sum(ExpressionWrapper(F("ended_on") - F("approved_from"), output_field=DurationField())),
    )
    n, total = result["n"], result["total"]
    if not n:
        return Durations(0, None)
    days = Decimal(total.days) + Decimal(total.seconds) / Decimal(86400)
    return Durations(n, (days / n).quantize(Decimal("0.1")))


@dataclass(frozen=True)
class Reviews:
    continued: int  # decision "continue" or "change": the help goes on (as it is or changed)
    ended: int  # decision "end"
    rated_reviews: int  # reviews with at least one goal rating
    ratings: int
    mean_score: Decimal | None  # mean GoalRating.score 0–10, one decimal place


def reviews_held(district_ids, start: dt.date, end: dt.date) -> Reviews:
    """Reviews of youth helps held between start and end, by decision, and their mean goal achievement."""
    def scope(prefix: str = "") -> Q:
        return Q(**{
            f"{prefix}contract__case__district_id__in": list(district_ids),
            f"{prefix}contract__help_type__in": YOUTH_HELP_TYPES,
            f"{prefix}held_on__gte": start,
            f"{prefix}held_on__lte": end,
        })

    decisions = Review.objects.filter(scope()).aggregate(
        continued=Count("id", filter=Q(decision__in=[ReviewDecision.CONTINUE, ReviewDecision.CHANGE])),
        ended=Count("id", filter=Q(decision=ReviewDecision.END)),
    )
    ratings = GoalRating.objects.filter(scope("review__")).aggregate(
        n=Count("id"), reviews=Count("review_id", distinct=True), total=Sum("score")
    )
    mean = (Decimal(ratings["total"]) / ratings["n"]).quantize(Decimal("0.1")) if ratings["n"] else None
    return Reviews(decisions["continued"], decisions["ended"], ratings["reviews"], ratings["n"], mean)


@dataclass(frozen=True)
class YouthPopulation:
    total: int  # inhabitants under 21, summed over the districts that have an indicator
    districts: int  # how many of the districts have one (the others add nothing)


def youth_population(district_ids, reference: dt.date) -> YouthPopulation:
    """Inhabitants under 21 at `reference`: per district the indicator of the reference year, else the
    latest earlier one (the social-space analysis is not renewed every year); later years never count."""
    rows = (
        DistrictIndicator.objects.filter(district_id__in=list(district_ids), year__lte=reference.year)
        .order_by("district_id", "-year")
        .distinct("district_id")
        .values_list("youth_population", flat=True)
    )
    values = list(rows)
    return YouthPopulation(sum(values), len(values))
