"""Reads of the budgets app. Every function takes the acting user first and starts from the scope.

Positions and projections read CostMonthTotal (sums per budget, month and category, kept by
database triggers), so a budget page and the worklist cost the same with 100,000 or 1,000,000
entries; lists of single entries use the index (budget, booking_date, category) INCLUDE amount.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from budgets.commitments import SOURCES, commitments_for, committed_categories
from budgets.models import Budget, CostCategory, CostEntry, CostMonthTotal, PotTransfer, Settlement
from juwe.access import visible
from juwe.lib.money import to_money

ZERO = Decimal("0.00")
SUGGESTION_YEARS = 3


def budgets_for(user) -> QuerySet:
    return visible(user, Budget).select_related("district", "provider", "settlement")


def cost_entries_for(user) -> QuerySet:
    return visible(user, CostEntry).select_related("budget__district", "provider", "case", "microproject", "reverses")


def microprojects_for_booking(user, budget: Budget) -> QuerySet:
    """Micro-projects a cost of this budget can be linked to: approved ones charged to its district."""
    from microprojects.models import COMMITTED_STATUSES, MicroProject

    return MicroProject.objects.filter(budget_district_id=budget.district_id, status__in=COMMITTED_STATUSES) \
        .order_by("title")


def settlements_for(user) -> QuerySet:
    return visible(user, Settlement).select_related("budget__district", "budget__provider")


def pot_transfers_for(user) -> QuerySet:
    return visible(user, PotTransfer).select_related("settlement__budget__district", "requested_by", "decided_by")


@dataclass
class MonthPoint:
    month: int
    actual: Decimal | None  # cumulative booked to the end of the month (months passed)
    projected: Decimal | None  # cumulative projection (months to come)


@dataclass
class Position:
    """Where a budget stands: booked, committed, free and the projected year-end position."""

    budget: Budget
    booked: Decimal
    by_category: dict[str, Decimal]
    commitments: dict[str, Decimal]
    run_rate: Decimal  # per month, categories without commitments
    months_left: int
    months: list[MonthPoint] = field(default_factory=list)

    @property
    def committed(self) -> Decimal:
        return sum(self.commitments.values(), ZERO)

    @property
    def free(self) -> Decimal:
        return self.budget.amount - self.booked - self.committed

    @property
    def projected(self) -> Decimal:
        return to_money(self.booked + self.committed + self.run_rate * self.months_left)

    @property
    def projected_remainder(self) -> Decimal:
        return self.budget.amount - self.projected

    @property
    def overrun(self) -> bool:
        return self.projected > self.budget.amount

    def category_rows(self) -> list[tuple[object, Decimal]]:
        return [(label, self.by_category[value]) for value, label in CostCategory.choices]

    def commitment_rows(self) -> list[tuple[object, Decimal]]:
        return [(s.label, self.commitments.get(s.key, ZERO)) for s in SOURCES]


def _months_passed(year: int, today: date) -> int:
    if year < today.year:
        return 12
    if year > today.year:
        return 0
    return today.month


def positions(budgets: list[Budget], today: date | None = None) -> dict[int, Position]:
    """Positions of many budgets with a constant number of queries (one for bookings, one per source)."""
    today = today or timezone.localdate()
    budgets = list(budgets)
    if not budgets:
        return {}
    monthly: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    by_cat: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    # The monthly totals are kept by database triggers: at most 12 × 7 rows per budget.
    rows = CostMonthTotal.objects.filter(budget__in=[b.pk for b in budgets]).values_list(
        "budget_id", "month", "category", "total"
    )
    for budget_id, month, category, total in rows:
        monthly[budget_id][month] += total
        by_cat[budget_id][category] += total
    reserved = commitments_for(budgets, by_cat)
    covered = committed_categories()
    result = {}
    for b in budgets:
        passed = _months_passed(b.year, today)
        cats = {c: to_money(by_cat[b.pk].get(c, ZERO)) for c in CostCategory.values}
        booked = sum(cats.values(), ZERO)
        uncovered = sum((v for c, v in cats.items() if c not in covered), ZERO)
        run_rate = to_money(uncovered / passed) if 0 < passed < 12 else ZERO
        pos = Position(b, booked, cats, reserved.get(b.pk, {}), run_rate, 12 - passed)
        pos.months = _series(pos, monthly[b.pk], passed)
        result[b.pk] = pos
    return result


def _series(pos: Position, monthly: dict[int, Decimal], passed: int) -> list[MonthPoint]:
    """Cumulative booked costs for the months passed, then the projection up to December."""
    points, cumulative = [], ZERO
    for m in range(1, passed + 1):
        cumulative += monthly.get(m, ZERO)
        points.append(MonthPoint(m, to_money(cumulative), None))
    if passed:
        # Bookings dated later in the year (rare) belong to what is booked already.
        points[-1].actual = pos.booked
    remaining = 12 - passed
    for k, m in enumerate(range(passed + 1, 13), start=1):
        value = pos.booked + pos.committed * k / remaining + pos.run_rate * k
        points.append(MonthPoint(m, None, to_money(value)))
    if passed and passed < 12:
        points[passed - 1].projected = points[passed - 1].actual  # the projection line starts at today
    return points


def budget_position(user, budget: Budget, today: date | None = None) -> Position:
    return positions([budget], today)[budget.pk]


def overrun_positions(user, today: date | None = None) -> list[Position]:
    """Budgets of the current year, visible to the user, whose projected year-end position is over budget."""
    today = today or timezone.localdate()
    budgets = list(budgets_for(user).filter(year=today.year))
    return [p for p in positions(budgets, today).values() if p.overrun]


@dataclass
class Suggestion:
    amount: Decimal | None
    years: list[tuple[int, Decimal]]  # (year, actual costs) the mean is taken from


def suggestion_for(user, *, district, area: str, year: int) -> Suggestion:
    """Next year's amount: mean actual costs of the last up to 3 years that have a budget."""
    past = (
        visible(user, Budget)
        .filter(district=district, area=area, year__lt=year, year__gte=year - SUGGESTION_YEARS)
        .annotate(costs=Sum("month_totals__total"))
        .order_by("-year")
        .values_list("year", "costs")
    )
    years = [(y, to_money(c or ZERO)) for y, c in past]
    if not years:
        return Suggestion(None, [])
    return Suggestion(to_money(sum((c for _y, c in years), ZERO) / len(years)), years)


def budget_list_totals(qs: QuerySet) -> dict:
    """Sum of the amounts and booked costs of the filtered list (one query)."""
    return qs.aggregate(amount=Sum("amount"), count=Count("id"))


def allocation_onto_cases(user, budget: Budget, method: str) -> list[dict]:
    """Integration help: the budget's spending spread onto its cases (cost per case).

    `shares`: by each case's share of the costs booked with a case link.
    `months`: evenly over the case months the cases were open in the budget year.
    """
    total = CostEntry.objects.filter(budget=budget).aggregate(s=Sum("amount"))["s"] or ZERO
    linked = list(
        CostEntry.objects.filter(budget=budget, case__isnull=False)
        .values("case_id", "case__reference", "case__opened_on", "case__closed_on")
        .annotate(invoiced=Sum("amount"))
        .order_by("case__reference")
    )
    if not linked:
        return []
    if method == "months":
        weights = [_case_months(r["case__opened_on"], r["case__closed_on"], budget.year) for r in linked]
    else:
        weights = [max(r["invoiced"], ZERO) for r in linked]
    return _distribute(total, linked, weights)


def _case_months(opened: date, closed: date | None, year: int) -> Decimal:
    start = max(opened, date(year, 1, 1))
    end = min(closed or date(year, 12, 31), date(year, 12, 31))
    if end < start:
        return Decimal(0)
    return Decimal((end.year - start.year) * 12 + end.month - start.month + 1)


def _distribute(total: Decimal, rows: list[dict], weights: list[Decimal]) -> list[dict]:
    """Largest-remainder split of `total` by `weights`, exact to the cent."""
    weight_sum = sum(weights, Decimal(0))
    if weight_sum <= 0:
        weights, weight_sum = [Decimal(1)] * len(rows), Decimal(len(rows))
    cents = int(to_money(total) * 100)
    raw = [Decimal(cents) * w / weight_sum for w in weights]
    floors = [int(r) if r >= 0 else -int(-r) for r in raw]
    rest = cents - sum(floors)
    order = sorted(range(len(rows)), key=lambda i: raw[i] - floors[i], reverse=rest > 0)
    for i in order[: abs(rest)]:
        floors[i] += 1 if rest > 0 else -1
    return [
        {"case_id": r["case_id"], "reference": r["case__reference"], "invoiced": to_money(r["invoiced"]),
         "weight": w, "allocated": Decimal(c) / 100}
        for r, w, c in zip(rows, weights, floors, strict=True)
    ]
