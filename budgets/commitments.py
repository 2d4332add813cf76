"""Commitments: money a budget has promised but not yet booked.

Each source answers, for a set of budgets, how much each budget has reserved, and names the cost
categories it covers. The projection takes commitments for those categories and the run-rate of
booked costs for all other categories (a source must not be counted twice).

Micro-projects commit nothing here: they are paid out of the district's prevention frame
(microprojects.ProjectPayment), not out of the lead provider's youth-help budget, so they are neither
booked nor reserved in it. Case-independent work (the lead provider's fees and material) is
therefore projected by its run-rate like every category without a source.

Sources:

* contracts (Kontrakte, read through cases.contracts.committed_contracts): signed and active
  contracts of the budget's district count with their estimated monthly cost for the days of their
  approval that lie in the budget's year and are still ahead (from today), pro rata per calendar
  month and summed to the cent. A contract commits the budget of its help's legal area
  (`contract_area`, from cases.models.help_type_law): SGB IX help (integration help for children with
  a physical, intellectual or sensory disability) the integration-help budget; all SGB VIII help –
  § 35a (mental disability) included, as well as help in the district – the youth-help budget. Only contracts whose money leaves the budget as an invoice count, so that nothing is
  counted twice: § 34 residential care (category "residential help") and help by a provider other
  than the budget's lead provider (category "invoices for cases from other providers"). Help the
  lead provider gives itself is paid through its personnel costs, which the projection already
  carries forward as a run-rate – counting those contracts as well would count them twice. For the
  two covered categories the projection uses the contracts instead of a run-rate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from calendar import monthrange
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budgets.models import Area, Budget, CostCategory
from cases.models import HelpLaw, HelpType, help_type_law
from juwe.lib.money import to_money

Amounts = dict[int, Decimal]
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Source:
    key: str
    label: object  # lazy translation
    categories: frozenset[str]
    amounts: Callable[[list[Budget], dict[int, dict[str, Decimal]], date], Amounts]


def prorated(monthly: Decimal, start: date, end: date) -> Decimal:
    """Monthly cost for the days from `start` to `end` (both included): each calendar month
    contributes its share of days; rounded once, to the cent, at the end."""
    total = Decimal(0)
    day = start
    while day <= end:
        days_in_month = monthrange(day.year, day.month)[1]
        month_end = date(day.year, day.month, days_in_month)
        last = min(end, month_end)
        total += monthly * Decimal((last - day).days + 1) / Decimal(days_in_month)
        day = last + timedelta(days=1)
    return to_money(total)


AREA_OF_LAW = {HelpLaw.SGB8: Area.YOUTH_HELP, HelpLaw.SGB9: Area.INTEGRATION_HELP}


def contract_area(help_type: str) -> str:
    """The budget area a help's money belongs to, by the law of its help type: SGB VIII (§ 35a
    included) → youth help, SGB IX → integration help."""
    return AREA_OF_LAW[help_type_law(help_type)]


def contract_category(help_type: str, provider_id: int | None, lead_provider_id: int) -> str | None:
    """The category a contract's cost is booked under, or None when the lead provider's personnel
    costs carry it (then the run-rate counts it already)."""
    if help_type == HelpType.RESIDENTIAL:
        return CostCategory.RESIDENTIAL
    if provider_id is not None and provider_id != lead_provider_id:
        return CostCategory.EXTERNAL_INVOICES
    return None


def contract_commitments(budgets: list[Budget], booked: dict[int, dict[str, Decimal]], today: date | None = None) -> Amounts:
    """Signed and active contracts: monthly cost × the part of their approval ahead in the year."""
    from cases.contracts import committed_contracts

    today = today or timezone.localdate()
    by_year: dict[int, list[Budget]] = defaultdict(list)
    for b in budgets:
        if b.year >= today.year:  # a past year has nothing ahead
            by_year[b.year].append(b)
    result: Amounts = {}
    for year, year_budgets in by_year.items():
        index = {(b.district_id, b.area): b for b in year_budgets}
        first, last = max(date(year, 1, 1), today), date(year, 12, 31)
        for c in committed_contracts({b.district_id for b in year_budgets}, year, today):
            budget = index.get((c.district_id, contract_area(c.help_type)))
            if budget is None or contract_category(c.help_type, c.provider_id, budget.provider_id) is None:
                continue
            amount = prorated(c.monthly_cost, max(c.start, first), min(c.end, last))
            if amount:
                result[budget.pk] = result.get(budget.pk, ZERO) + amount
    return result


SOURCES: list[Source] = [
    Source(
        key="contracts",
        label=_("Contracts (residential care and other providers)"),
        categories=frozenset({CostCategory.RESIDENTIAL, CostCategory.EXTERNAL_INVOICES}),
        amounts=contract_commitments,
    ),
]


def committed_categories() -> frozenset[str]:
    return frozenset().union(*(s.categories for s in SOURCES)) if SOURCES else frozenset()


def commitments_for(budgets: Iterable[Budget], booked: dict[int, dict[str, Decimal]],
                    today: date | None = None) -> dict[int, dict[str, Decimal]]:
    """Per budget: what each source reserves beyond the costs booked already (`booked`: per budget
    and category), as of `today` (passed to every source, so the projection and its commitments
    count the same days ahead). A constant number of queries per source and year, however many budgets."""
    budgets = list(budgets)
    today = today or timezone.localdate()
    result: dict[int, dict[str, Decimal]] = {b.pk: {} for b in budgets}
    for source in SOURCES:
        for budget_id, amount in source.amounts(budgets, booked, today).items():
            result[budget_id][source.key] = amount
    return result
