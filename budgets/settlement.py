"""The arithmetic of the Hausfrauenmodell, as one pure function.

Budget minus the actual costs gives the remainder. A surplus is split between the lead provider
and the county (equalisation pot) by the budget's provider rate, exact to the cent, the two
shares always adding up to the remainder. With a deficit the provider's actual costs are still
reimbursed: the provider's share is 0 and the county carries the (negative) remainder.

The provider was paid instalments during the year. What it is owed is its actual costs plus its
share of a surplus, so the resulting payment is actual costs + provider share − instalments paid:
positive, the youth office pays the rest; negative, the provider refunds it; with a deficit the
provider still gets its costs (costs − instalments paid), the county carrying the deficit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from budgets.models import CostCategory
from juwe.lib.money import CENT, format_eur, to_money

HUNDRED = Decimal("100")


@dataclass(frozen=True)
class SettlementFigures:
    amount: Decimal
    total_costs: Decimal
    remainder: Decimal
    provider_share: Decimal
    county_share: Decimal
    instalments_paid: Decimal = Decimal("0.00")
    payment: Decimal = Decimal("0.00")  # > 0: the youth office pays the rest; < 0: the provider refunds


def compute(amount: Decimal, costs: Mapping[str, Decimal], provider_rate: Decimal,
            instalments_paid: Decimal = Decimal("0.00")) -> SettlementFigures:
    """Settle a budget: `costs` maps CostCategory values to Decimal sums, `provider_rate` is in %,
    `instalments_paid` is what the provider has received (the instalments with a payment date)."""
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
    instalments_paid = to_money(instalments_paid)
    return SettlementFigures(
        amount=amount, total_costs=total, remainder=remainder, provider_share=provider_share, county_share=county_share,
        instalments_paid=instalments_paid, payment=total + provider_share - instalments_paid,
    )


def payment_sentence(payment: Decimal | None) -> str:
    """The resulting payment in words: who pays whom how much (empty when it was not kept)."""
    if payment is None:
        return ""
    if payment < 0:
        return _("The provider refunds %(amount)s.") % {"amount": format_eur(-payment)}
    if payment > 0:
        return _("The youth office pays %(amount)s on top.") % {"amount": format_eur(payment)}
    return _("No payment is outstanding.")
