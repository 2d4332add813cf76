"""Reads of the budgets app. Every function takes the acting user first and starts from the scope.

Positions and projections read CostMonthTotal (sums per budget, month and category, kept by
database triggers), so a budget page and the worklist cost the same with 100,000 or 1,000,000
entries; lists of single entries use the index (budget, booking_date, category) INCLUDE amount.
"""

from __future__ import annotations

from calendar import monthrange
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.utils import timezone

from budgets.access import bookable_cases
from budgets.commitments import SOURCES, commitments_for, committed_categories
from budgets.models import Budget, CostCategory, CostEntry, CostMonthTotal, PotTransfer, Settlement
from juwe.access import visible
from juwe.lib.money import to_money

ZERO = Decimal("0.00")
SUGGESTION_YEARS = 3


def budgets_for(user) -> QuerySet:
    # No select_related("settlement"): a budget's settlement is read through `settlements_for` (or
    # `with_settlement_status`), whose scope is narrower – case managers see a budget, not its settlement.
    return visible(user, Budget).select_related("district", "provider")


def with_settlement_status(user, budgets: QuerySet) -> QuerySet:
    """`budgets` annotated with `settlement_status`: the status of each one's settlement if the user
    may see it (budgets.access), else None – in the same query, for lists."""
    status = visible(user, Settlement).filter(budget_id=OuterRef("pk")).values("status")[:1]
    return budgets.annotate(settlement_status=Subquery(status))


def cost_entries_for(user) -> QuerySet:
    return visible(user, CostEntry).select_related("budget__district", "provider", "case", "microproject", "reverses")


def exception_entries_for(user) -> QuerySet:
    """Cost entries on a case without a legal basis (§ 36a SGB VIII) in the user's scope: the
    exceptions economic youth aid booked with a reason, and the legacy bookings from before the
    basis was checked (no contract, no § 42, no reason). Reversals of either count too – they take
    over the original's basis."""
    return cost_entries_for(user).select_related("created_by").filter(
        case__isnull=False, contract__isnull=True, protection__isnull=True
    )


def case_by_reference(user, reference: str):
    """The case with this file reference that `user` may book a cost on (id, district and reference
    only), or None – whether there is no such case or it lies outside the user's scope."""
    reference = (reference or "").strip()
    if not reference:
        return None
    return bookable_cases(user).filter(reference=reference).only("id", "district_id", "reference").first()


def case_references_for(user, references) -> dict[str, tuple[int, int]]:
    """{reference: (case id, district id)} of the given references that `user` may book on (see
    `bookable_cases`); the others are missing, as if they did not exist."""
    return {ref: (pk, district) for pk, ref, district in
            bookable_cases(user).filter(reference__in=references).values_list("id", "reference", "district_id")}


def settlements_for(user) -> QuerySet:
    return visible(user, Settlement).select_related("budget__district", "budget__provider")


def pot_transfers_for(user) -> QuerySet:
    return visible(user, PotTransfer).select_related("settlement__budget__district", "requested_by", "decided_by")


@dataclass
class MonthPoint:
    month: int
    actual: Decimal | None  # cumulative booked to the end of the month (the current month: to date)
    projected: Decimal | None  # cumulative projection at the end of the month (months to come)


class RateBasis:
    """Where a position's run-rate comes from (the budget page names it)."""

    COMPLETED = "completed"  # the completed months of the budget's own year
    LAST_YEAR = "last_year"  # the monthly average of the previous year's budget (same district and area)
    NO_LAST_YEAR = "no_last_year"  # no previous year's budget, or none of its months complete: zero
    OVER = "over"  # the year is over: nothing ahead


@dataclass
class Position:
    """Where a budget stands: booked, committed, free and the projected year-end position.

    `months_ahead` is the time from today (included) to 31 December in months: the rest of the
    current month pro rata by days, then the whole months after it (see `time_ahead`)."""

    budget: Budget
    booked: Decimal
    by_category: dict[str, Decimal]
    commitments: dict[str, Decimal]
    run_rate: Decimal  # per month, categories without commitments, from completed months only
    months_ahead: Decimal
    days_ahead: int = 0
    rate_basis: str = RateBasis.OVER
    rate_year: int | None = None  # the year the run-rate is taken from
    rate_months: int = 0  # how many completed months of `rate_year` it averages
    months: list[MonthPoint] = field(default_factory=list)

    @property
    def committed(self) -> Decimal:
        return sum(self.commitments.values(), ZERO)

    @property
    def free(self) -> Decimal:
        return self.budget.amount - self.booked - self.committed

    @property
    def projected(self) -> Decimal:
        return to_money(self.booked + self.committed + self.run_rate * self.months_ahead)

    @property
    def projected_remainder(self) -> Decimal:
        return self.budget.amount - self.projected

    @property
    def overrun(self) -> bool:
        return self.projected > self.budget.amount

    @property
    def elapsed(self) -> Decimal:
        """Months of the year behind today (0 on 1 January, 12 for a past year): where the chart's
        booked line ends and its projection starts."""
        return 12 - self.months_ahead

    def category_rows(self) -> list[tuple[object, Decimal]]:
        return [(label, self.by_category[value]) for value, label in CostCategory.choices]

    def commitment_rows(self) -> list[tuple[object, Decimal]]:
        return [(s.label, self.commitments.get(s.key, ZERO)) for s in SOURCES]


def completed_months(year: int, today: date) -> int:
    """Months of `year` that are over by `today`: 12 for a past year, 0 for a future one; in the
    current year the months before today's (today's month is not complete, not even on its last day)."""
    if year < today.year:
        return 12
    if year > today.year:
        return 0
    return today.month - 1


def time_ahead(year: int, today: date) -> tuple[Decimal, int]:
    """(months, days) of `year` still ahead on `today`, today included – as the contract commitments
    count it (commitments.contract_commitments prorates from today). The current month counts with
    its days from today to its end over its length: on 2 December 30/31 of a month (30 days), on
    1 December the whole month, on 31 December 1/31, on 29 February 2028 1/29 + 10 months. A future
    year lies ahead whole (12 months), a past year not at all."""
    if year < today.year:
        return Decimal(0), 0
    if year > today.year:
        return Decimal(12), (date(year, 12, 31) - date(year, 1, 1)).days + 1
    days_in_month = monthrange(year, today.month)[1]
    rest_of_month = days_in_month - today.day + 1
    months = Decimal(12 - today.month) + Decimal(rest_of_month) / Decimal(days_in_month)
    return months, (date(year, 12, 31) - today).days + 1


def _uncovered_average(monthly: dict[int, dict[str, Decimal]], months: int, covered: frozenset[str]) -> Decimal:
    """Mean per month of the categories without commitments over the months 1..`months`."""
    total = sum((v for m in range(1, months + 1) for c, v in monthly.get(m, {}).items() if c not in covered), ZERO)
    return to_money(total / months)


def _previous_years(budgets: list[Budget], today: date) -> dict[tuple[int, str, int], dict[int, dict[str, Decimal]]]:
    """Monthly totals per category of the previous year's budgets (same district and area) of the
    budgets whose run-rate comes from last year – one query, none when no budget needs it. A budget
    without any booking is present with no months (it exists; it just booked nothing)."""
    keys = {(b.district_id, b.area, b.year - 1) for b in budgets
            if b.year >= today.year and completed_months(b.year, today) == 0}
    if not keys:
        return {}
    rows = Budget.objects.filter(
        district_id__in={k[0] for k in keys}, area__in={k[1] for k in keys}, year__in={k[2] for k in keys}
    ).values_list("district_id", "area", "year", "month_totals__month", "month_totals__category", "month_totals__total")
    result: dict[tuple[int, str, int], dict[int, dict[str, Decimal]]] = {}
    for district_id, area, year, month, category, total in rows:
        if (district_id, area, year) not in keys:
            continue
        months = result.setdefault((district_id, area, year), {})
        if month is not None:
            months.setdefault(month, defaultdict(Decimal))[category] += total
    return result


def positions(budgets: list[Budget], today: date | None = None) -> dict[int, Position]:
    """Positions of many budgets with a constant number of queries (one for bookings, one per
    commitment source, one for last year's totals when a budget needs them).

    Year end = booked + committed + run-rate × the time still ahead (`time_ahead`: from today,
    included, to 31 December, the current month pro rata by days). The run-rate is the monthly mean
    of the categories without commitments (commitments.committed_categories) over the completed
    months of the budget's year (`completed_months`; bookings of the current month count as booked
    but not into the rate). Before a month of the year is complete – January, and every future
    year, which lies ahead whole – it is the previous year's mean of the same district and area:
    that budget's uncovered costs over its completed months (12 once that year is over). Without a
    previous year's budget (or with none of its months complete) the rate is zero, and the page says
    so. A past year has nothing ahead: its year end is what is booked and committed. The rate is
    rounded to the cent (the figure the page shows), the year end once more at the end."""
    today = today or timezone.localdate()
    budgets = list(budgets)
    if not budgets:
        return {}
    monthly: dict[int, dict[int, dict[str, Decimal]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(Decimal)))
    by_cat: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    # The monthly totals are kept by database triggers: at most 12 × 7 rows per budget.
    rows = CostMonthTotal.objects.filter(budget__in=[b.pk for b in budgets]).values_list(
        "budget_id", "month", "category", "total"
    )
    for budget_id, month, category, total in rows:
        monthly[budget_id][month][category] += total
        by_cat[budget_id][category] += total
    reserved = commitments_for(budgets, by_cat, today)
    covered = committed_categories()
    previous = _previous_years(budgets, today)
    result = {}
    for b in budgets:
        cats = {c: to_money(by_cat[b.pk].get(c, ZERO)) for c in CostCategory.values}
        booked = sum(cats.values(), ZERO)
        months_ahead, days_ahead = time_ahead(b.year, today)
        done = completed_months(b.year, today)
        pos = Position(b, booked, cats, reserved.get(b.pk, {}), ZERO, months_ahead, days_ahead)
        if not months_ahead:
            pos.rate_basis, pos.rate_year = RateBasis.OVER, b.year
        elif done:
            pos.rate_basis, pos.rate_year, pos.rate_months = RateBasis.COMPLETED, b.year, done
            pos.run_rate = _uncovered_average(monthly[b.pk], done, covered)
        else:
            last = previous.get((b.district_id, b.area, b.year - 1))
            last_done = completed_months(b.year - 1, today)
            pos.rate_year = b.year - 1
            if last is None or not last_done:
                pos.rate_basis = RateBasis.NO_LAST_YEAR
            else:
                pos.rate_basis, pos.rate_months = RateBasis.LAST_YEAR, last_done
                pos.run_rate = _uncovered_average(last, last_done, covered)
        pos.months = _series(pos, {m: sum(v.values(), ZERO) for m, v in monthly[b.pk].items()}, today)
        result[b.pk] = pos
    return result


def _series(pos: Position, monthly: dict[int, Decimal], today: date) -> list[MonthPoint]:
    """The chart's figures per month: cumulative booked costs to the end of each completed month
    and, for the current month, to date (bookings dated later in the year included); the projection
    at the end of the current month and each month after it, with the run-rate for the time ahead
    up to that month's end and the commitments spread evenly over the time ahead. December's
    projection is the year end of the position, to the cent."""
    year = pos.budget.year
    done = completed_months(year, today)
    current = today.month if year == today.year else None
    points, cumulative = [], ZERO
    for m in range(1, 13):
        cumulative += monthly.get(m, ZERO)
        if m <= done:
            points.append(MonthPoint(m, to_money(cumulative), None))
        else:
            points.append(MonthPoint(m, pos.booked if m == current else None, None))
    if done == 12:
        points[-1].actual = pos.booked  # bookings dated later in the year (none for a past year) count
        return points
    ahead = pos.months_ahead
    for p in points[done:]:
        until_end = ahead - (12 - p.month)  # time ahead from today to the end of this month
        p.projected = to_money(pos.booked + pos.committed * until_end / ahead + pos.run_rate * until_end)
    points[-1].projected = pos.projected
    return points


def budget_position(user, budget: Budget, today: date | None = None) -> Position:
    return positions([budget], today)[budget.pk]


def overrun_positions(user, today: date | None = None) -> list[Position]:
    """Budgets of the current year, visible to the user, whose projected year-end position is over budget."""
    today = today or timezone.localdate()
    budgets = list(budgets_for(user).filter(year=today.year))
    return [p for p in positions(budgets, today).values() if p.overrun]


@dataclass
class RunningYear:
    """The current year beside a suggestion: booked so far and its projection – never averaged in."""

    year: int
    booked: Decimal
    as_of: date
    projected: Decimal


@dataclass
class Suggestion:
    amount: Decimal | None
    years: list[tuple[int, Decimal]]  # (year, actual costs) of the completed years the mean is taken from
    running: RunningYear | None = None


def suggestion_for(user, *, district, area: str, year: int, today: date | None = None,
                   known: Position | None = None) -> Suggestion:
    """The amount suggested for `year`: the mean actual costs of the completed years – the up to
    SUGGESTION_YEARS years before the current one (as of `today`) and before `year` that have a
    budget of the district and area. The current year, not complete, is never averaged in: when it
    lies before `year` and has a budget it is shown beside the mean, with what is booked so far and
    its projected year end (`known`: its position, if the caller has it already). One query for the
    years, and the projection's queries unless `known` is given."""
    today = today or timezone.localdate()
    last_completed = min(year, today.year) - 1
    show_running = today.year < year
    rows = (
        visible(user, Budget)
        .filter(district=district, area=area, year__gte=last_completed + 1 - SUGGESTION_YEARS,
                year__lte=today.year if show_running else last_completed)
        .annotate(costs=Sum("month_totals__total"))
        .order_by("-year")
    )
    years, running = [], None
    for b in rows:
        if b.year <= last_completed:
            years.append((b.year, to_money(b.costs or ZERO)))
        else:
            pos = known if known is not None and known.budget.pk == b.pk else positions([b], today)[b.pk]
            running = RunningYear(b.year, pos.booked, today, pos.projected)
    amount = to_money(sum((c for _y, c in years), ZERO) / len(years)) if years else None
    return Suggestion(amount, years, running)


def budget_list_totals(qs: QuerySet) -> dict:
    """Sum of the amounts and booked costs of the filtered list (one query)."""
    return qs.aggregate(amount=Sum("amount"), count=Count("id"))


def allocation_onto_cases(user, budget: Budget, method: str) -> list[dict]:
    """Integration help (SGB IX): the budget's spending spread onto its cases (cost per case) – the
    cases with SGB IX help; § 35a cases are youth help and are not in this budget.

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
