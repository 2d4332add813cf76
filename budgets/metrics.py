"""Aggregate money figures of a set of districts for leadership's controlling (no user, no names).

The caller (juwe.controlling) has checked that the districts are within the viewer's reach; these
functions only sum. Each runs a fixed number of queries, however many budgets and cost entries the
districts have: the bookings are summed in SQL, the year-end forecast is the budgets app's own
projection (selectors.positions) – there is no second one here.

Booked costs follow the key-figure definition of the controlling: by booking date, net of reversals
(a reversal is a negative entry booked on its own date, so a plain sum nets it), without the legacy
micro-project bookings (micro-projects are paid out of the prevention frame, not a district budget).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Count, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from budgets.models import Area, Budget, CostEntry, CostMonthTotal
from budgets.selectors import positions
from juwe.lib.money import to_money
from juwe.models import DistrictIndicator

ZERO = Decimal("0.00")
DateRange = tuple[date, date]


@dataclass
class Booked:
    """Booked costs of one date range, per budget area: all, and those with another provider than
    the budget's lead provider; `months` per (area, first day of the month)."""

    by_area: dict[str, Decimal] = field(default_factory=lambda: {a: ZERO for a in Area.values})
    other_provider: dict[str, Decimal] = field(default_factory=lambda: {a: ZERO for a in Area.values})
    months: dict[tuple[str, date], Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))


def _entries(district_ids: Iterable[int]):
    return CostEntry.objects.filter(budget__district_id__in=list(district_ids), microproject__isnull=True)


def booked_costs(district_ids: Iterable[int], ranges: Sequence[DateRange]) -> list[Booked]:
    """Booked costs in each of `ranges` (start and end included), one `Booked` per range – one query
    for all ranges (grouped by area and booking month, a conditional sum per range)."""
    ranges = list(ranges)
    result = [Booked() for _r in ranges]
    if not ranges:
        return result
    within = Q()
    sums = {}
    other = ~Q(provider_id=F("budget__provider_id"))
    for i, (start, end) in enumerate(ranges):
        in_range = Q(booking_date__gte=start, booking_date__lte=end)
        within |= in_range
        sums[f"t{i}"] = Sum("amount", filter=in_range)
        sums[f"o{i}"] = Sum("amount", filter=in_range & other)
    rows = (
        _entries(district_ids).filter(within)
        .values("budget__area", month=TruncMonth("booking_date"))
        .annotate(**sums)
        .order_by()
    )
    for row in rows:
        area, month = row["budget__area"], row["month"]
        for i, booked in enumerate(result):
            total, other_sum = row[f"t{i}"], row[f"o{i}"]
            if total is None:
                continue
            booked.by_area[area] += total
            booked.other_provider[area] += other_sum or ZERO
            booked.months[(area, month)] += total
    return result


def cases_with_costs(
    district_ids: Iterable[int], start: date, end: date, area: str = Area.YOUTH_HELP
) -> tuple[int, Decimal]:
    """(cases with costs booked in the range, the net costs booked on them) – one query.

    Net of reversals: a case whose bookings were all reversed in the range does not count. Costs
    not booked on a case (flat payments to the lead provider) are in neither figure.
    """
    per_case = (
        _entries(district_ids)
        .filter(budget__area=area, case__isnull=False, booking_date__gte=start, booking_date__lte=end)
        .values("case_id")
        .annotate(net=Sum("amount"))
        .filter(net__gt=0)
        .order_by()
        .values("net")
    )
    sql, params = per_case.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), coalesce(sum(net), 0) FROM ({sql}) AS per_case", params)
        count, total = cursor.fetchone()
    return count, Decimal(total)


def youth_population(district_ids: Iterable[int], year: int) -> tuple[int, int]:
    """(inhabitants under 21, districts with a figure): per district the indicator of `year`, else
    its latest earlier year; districts without any such year count with none – one query."""
    latest = (
        DistrictIndicator.objects.filter(district_id__in=list(district_ids), year__lte=year)
        .order_by("district_id", "-year")
        .distinct("district_id")
        .values_list("youth_population", flat=True)
    )
    values = list(latest)
    return sum(values), len(values)


@dataclass
class AreaPosition:
    """The budgets of one area summed: amount, committed and the projected year end."""

    amount: Decimal = ZERO
    committed: Decimal = ZERO
    projected: Decimal = ZERO
    budgets: int = 0

    @property
    def variance(self) -> Decimal:
        return self.amount - self.projected


def area_positions(district_ids: Iterable[int], years: Iterable[int],
                   today: date | None = None) -> dict[str, AreaPosition]:
    """Per budget area: the budgets of the districts in `years` with the projection's committed and
    year-end figures (selectors.positions, as of `today`). One query for the budgets plus the
    projection's constant number."""
    today = today or timezone.localdate()
    budgets = list(Budget.objects.filter(district_id__in=list(district_ids), year__in=list(years)))
    result = {a: AreaPosition() for a in Area.values}
    for pos in positions(budgets, today).values():
        sums = result[pos.budget.area]
        sums.amount += pos.budget.amount
        sums.committed += pos.committed
        sums.projected += pos.projected
        sums.budgets += 1
    for sums in result.values():
        sums.amount, sums.committed, sums.projected = (
            to_money(v) for v in (sums.amount, sums.committed, sums.projected)
        )
    return result


def budget_totals(budgets: QuerySet) -> dict:
    """Totals of a (filtered) budget list in one query: how many, the amounts and the costs booked
    on them (all bookings, as the list's column: the monthly totals the triggers keep)."""
    booked = CostMonthTotal.objects.filter(budget=OuterRef("pk")).values("budget").annotate(s=Sum("total"))
    booked_sum = Coalesce(Subquery(booked.values("s"), output_field=DecimalField()), ZERO)
    totals = budgets.order_by().annotate(booked_sum=booked_sum).aggregate(
        count=Count("id"), amount=Sum("amount"), booked=Sum("booked_sum")
    )
    return {"count": totals["count"], "amount": to_money(totals["amount"] or ZERO),
            "booked": to_money(totals["booked"] or ZERO)}
