"""The arithmetic of the Hausfrauenmodell, as one pure function.

Budget minus the actual costs gives the remainder. A surplus is split between the lead provider
and the county (equalisation pot) by the budget's provider rate, exact to the cent, the two
shares always adding up to the remainder. With a deficit the provider's actual costs are still
reimbursed: the provider's share is 0 and the county carries the (negative) remainder.

The provider was paid instalments during the year. What it is owed is its actual costs plus its
share of a surplus, so the resulting payment is actual costs + provider share − instalments paid:
positive, the youth office pays the rest; negative, the provider refunds it; with a deficit the
provider still gets its costs (costs − instalments paid), the county carrying the deficit.

Below the arithmetic: the statement a final settlement keeps (its snapshot) and how it is read back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from django.conf import settings
from django.utils import translation
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


# --- The statement as finalized (snapshot) ---------------------------------------------------------
#
# A final settlement is a frozen record. Its figures sit in its own columns; what the statement
# shows around them – district, area, lead provider, who prepared and finalized it, the chart of the
# year – is copied into `Settlement.snapshot` in the finalizing transaction (settlement_finalize),
# so a renamed district or provider never changes a signed statement. Prepared settlements are
# built the same way from the live rows on every view. Amounts are Decimal strings, never floats.

SNAPSHOT_VERSION = 1
FIGURES = ("amount", "total_costs", "remainder", "provider_share", "county_share", "instalments_paid", "payment")


def _money_str(value) -> str | None:
    return str(to_money(value)) if value is not None else None


def _money(value: str | None) -> Decimal | None:
    return to_money(value) if value is not None else None


def _user_name(user) -> str:
    """As User.__str__, from fields only (the migration passes historical models without methods)."""
    if user is None:
        return ""
    return f"{user.first_name} {user.last_name}".strip() or user.username


def _office_label(choices, value) -> str:
    """A choice's label in the office's language (the statement's)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(choices(value).label) if value in choices.values else str(value or "")


def statement_snapshot(settlement, budget, position=None) -> dict:
    """Everything the settlement's page and statement PDF show, as JSON. `position` (a
    budgets.selectors.Position) gives the chart; None leaves it out (the migration)."""
    from budgets.models import Area, Settlement

    costs = {c: settlement.costs.get(c, "0") for c in CostCategory.values}
    district = budget.district
    with translation.override(settings.LANGUAGE_CODE):
        area_label = _office_label(Area, budget.area)
        budget_label = f"{district.name} {budget.year} – {area_label}"
    snap = {
        "version": SNAPSHOT_VERSION,
        "budget_label": budget_label,
        "year": budget.year,
        "district_name": district.name,
        "district_code": district.code,
        "area": budget.area,
        "area_label": area_label,
        "provider_name": budget.provider.name if budget.provider_id else "",
        "provider_rate": str(settlement.provider_rate),
        "status_label": _office_label(Settlement.Status, settlement.status),
        "prepared_at": settlement.prepared_at.isoformat() if settlement.prepared_at else None,
        "prepared_by": _user_name(settlement.prepared_by),
        "finalized_at": settlement.finalized_at.isoformat() if settlement.finalized_at else None,
        "finalized_by": _user_name(settlement.finalized_by),
        "figures": {name: _money_str(getattr(settlement, name)) for name in FIGURES},
        "rows": [{"category": c, "label": _office_label(CostCategory, c), "amount": _money_str(costs[c])}
                 for c in CostCategory.values],
        "chart": None,
    }
    if position is not None:
        snap["chart"] = {
            "budget": _money_str(position.budget.amount), "booked": _money_str(position.booked),
            "projected": _money_str(position.projected), "overrun": position.overrun,
            "elapsed": str(position.elapsed),
            "months": [{"month": p.month, "actual": _money_str(p.actual), "projected": _money_str(p.projected)}
                       for p in position.months],
        }
    return snap


@dataclass(frozen=True)
class _Amount:
    amount: Decimal


@dataclass(frozen=True)
class _Point:
    month: int
    actual: Decimal | None
    projected: Decimal | None


@dataclass(frozen=True)
class FrozenChart:
    """What budgets.charts.projection_svg reads of a Position, as it was when finalized."""

    budget: _Amount
    booked: Decimal
    projected: Decimal
    overrun: bool
    elapsed: Decimal
    months: list


@dataclass(frozen=True)
class Statement:
    """The statement as the templates read it: figures as Decimals, rows, chart; `frozen` once final."""

    frozen: bool
    data: dict
    figures: SimpleNamespace
    rows: list
    chart: FrozenChart | None

    def __getattr__(self, name):
        try:
            return self.data[name]
        except KeyError:
            raise AttributeError(name) from None


def statement(snap: dict, *, frozen: bool) -> Statement:
    """A snapshot back for the templates (no queries)."""
    chart = snap.get("chart")
    return Statement(
        frozen=frozen,
        data={**snap, "provider_rate": Decimal(snap["provider_rate"]),
              "prepared_at": datetime.fromisoformat(snap["prepared_at"]) if snap["prepared_at"] else None,
              "finalized_at": datetime.fromisoformat(snap["finalized_at"]) if snap["finalized_at"] else None},
        figures=SimpleNamespace(**{name: _money(snap["figures"].get(name)) for name in FIGURES}),
        rows=[(r["label"], to_money(r["amount"])) for r in snap["rows"]],
        chart=FrozenChart(
            budget=_Amount(to_money(chart["budget"])), booked=to_money(chart["booked"]),
            projected=to_money(chart["projected"]), overrun=chart["overrun"], elapsed=Decimal(chart["elapsed"]),
            months=[_Point(m["month"], _money(m["actual"]), _money(m["projected"])) for m in chart["months"]],
        ) if chart else None,
    )


def statement_view(settlement, budget, position=None) -> Statement:
    """The statement shown: as finalized once final, live while prepared (`position` for its chart)."""
    if settlement.is_final and settlement.snapshot:
        return statement(settlement.snapshot, frozen=True)
    return statement(statement_snapshot(settlement, budget, position), frozen=False)
