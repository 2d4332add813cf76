"""Commitments: money a budget has promised but not yet booked.

Each source answers, for a set of budgets, how much each budget has reserved, and names the cost
categories it covers. The projection takes commitments for those categories and the run-rate of
booked costs for all other categories (a source must not be counted twice).

Sources today: approved micro-projects. Contracts (Kontrakte) do not exist yet; when they do,
their source (monthly cost × months left in the approval) is added to SOURCES.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from budgets.models import Area, Budget, CostCategory

Amounts = dict[int, Decimal]


@dataclass(frozen=True)
class Source:
    key: str
    label: object  # lazy translation
    categories: frozenset[str]
    amounts: Callable[[list[Budget]], Amounts]


def microproject_commitments(budgets: list[Budget]) -> Amounts:
    """Approved and running micro-projects charged to the district in the budget year (youth help)."""
    from microprojects.models import COMMITTED_STATUSES, MicroProject, Status

    open_statuses = [s for s in COMMITTED_STATUSES if s != Status.COMPLETED]
    wanted = {(b.district_id, b.year): b.pk for b in budgets if b.area == Area.YOUTH_HELP}
    if not wanted:
        return {}
    rows = (
        MicroProject.objects.filter(
            status__in=open_statuses,
            budget_district_id__in={d for d, _y in wanted},
            budget_year__in={y for _d, y in wanted},
        )
        .values_list("budget_district_id", "budget_year")
        .annotate(total=Sum("approved_amount"))
        .order_by()
    )
    result: Amounts = {}
    for district_id, year, total in rows:
        budget_id = wanted.get((district_id, year))
        if budget_id is not None and total:
            result[budget_id] = total
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


def commitments_for(budgets: Iterable[Budget]) -> dict[int, dict[str, Decimal]]:
    """Per budget: the amount each source reserves (one query per source, however many budgets)."""
    budgets = list(budgets)
    result: dict[int, dict[str, Decimal]] = {b.pk: {} for b in budgets}
    for source in SOURCES:
        for budget_id, amount in source.amounts(budgets).items():
            result[budget_id][source.key] = amount
    return result
