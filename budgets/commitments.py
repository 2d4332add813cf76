"""Commitments: money a budget has promised but not yet booked.

Each source answers, for a set of budgets, how much each budget has reserved, and names the cost
categories it covers. The projection takes commitments for those categories and the run-rate of
booked costs for all other categories (a source must not be counted twice).

Sources today: approved micro-projects (read through microprojects.selectors). Contracts
(Kontrakte) do not exist yet; once they do, their source (monthly cost × months left in the
approval) joins SOURCES.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from budgets.models import Area, Budget, CostCategory

Amounts = dict[int, Decimal]
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Source:
    key: str
    label: object  # lazy translation
    categories: frozenset[str]
    amounts: Callable[[list[Budget], dict[int, dict[str, Decimal]]], Amounts]


def microproject_commitments(budgets: list[Budget], booked: dict[int, dict[str, Decimal]]) -> Amounts:
    """Micro-projects approved against the district's prevention frame of the budget year (youth
    help budgets only). They are paid as case-independent work, so what is approved and not yet
    booked in that category is reserved."""
    from microprojects.selectors import prevention_budget_positions

    by_year: dict[int, list[Budget]] = defaultdict(list)
    for b in budgets:
        if b.area == Area.YOUTH_HELP:
            by_year[b.year].append(b)
    result: Amounts = {}
    for year, year_budgets in by_year.items():
        approved = prevention_budget_positions({b.district_id for b in year_budgets}, year)
        for b in year_budgets:
            spent = booked.get(b.pk, {}).get(CostCategory.CASE_INDEPENDENT, ZERO)
            open_ = approved[b.district_id].approved_sum - spent
            if open_ > 0:
                result[b.pk] = open_
    return result


SOURCES: list[Source] = [
    Source(
        key="microprojects",
        label=_("Approved micro-projects"),
        categories=frozenset({CostCategory.CASE_INDEPENDENT}),
        amounts=microproject_commitments,
    ),
]


def committed_categories() -> frozenset[str]:
    return frozenset().union(*(s.categories for s in SOURCES)) if SOURCES else frozenset()


def commitments_for(budgets: Iterable[Budget], booked: dict[int, dict[str, Decimal]]) -> dict[int, dict[str, Decimal]]:
    """Per budget: what each source reserves beyond the costs booked already (`booked`: per budget
    and category). A constant number of queries per source and year, however many budgets."""
    budgets = list(budgets)
    result: dict[int, dict[str, Decimal]] = {b.pk: {} for b in budgets}
    for source in SOURCES:
        for budget_id, amount in source.amounts(budgets, booked).items():
            result[budget_id][source.key] = amount
    return result
