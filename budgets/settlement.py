"""The arithmetic of the Hausfrauenmodell, as one pure function.

Budget minus the actual costs gives the remainder. A surplus is split between the lead provider
and the county (equalisation pot) by the budget's provider rate, exact to the cent, the two
shares always adding up to the remainder. With a deficit the provider's actual costs are still
reimbursed: the provider's share is 0 and the county carries the (negative) remainder.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from budgets.models import CostCategory
from juwe.lib.money import CENT, to_money

HUNDRED = Decimal("100")


@dataclass(frozen=True)
class SettlementFigures:
    amount: Decimal
    total_costs: Decimal
    remainder: Decimal
    provider_share: Decimal
    county_share: Decimal


def compute(amount: Decimal, costs: Mapping[str, Decimal], provider_rate: Decimal) -> SettlementFigures:
    """Settle a budget: `costs` maps CostCategory values to Decimal sums, `provider_rate` is in %."""
    if not Decimal("0") <= provider_rate <= HUNDRED:
        raise ValueError(f"provider_rate must be between 0 and 100, not {provider_rate}")
    unknown = set(costs) - set(CostCategory.values)
    if unknown:
        raise ValueError(f"Unknown cost categories: {sorted(unknown)}")
    amount = to_money(amount)
    total = to_money(sum((to_money(v) for v in costs.values()), Decimal("0")))
    remainder = amount - total
    if remainder <= 0:
        provider_share = Decimal("0.00")
    else:
        # Round the provider's share once; the county gets the rest, so nothing is lost or made up.
        provider_share = (remainder * provider_rate / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
    county_share = remainder - provider_share
    return SettlementFigures(
        amount=amount, total_costs=total, remainder=remainder, provider_share=provider_share, county_share=county_share
    )
