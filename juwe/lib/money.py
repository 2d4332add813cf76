"""Money is Decimal with two places in EUR. One rounding rule, one formatter."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


def to_money(value) -> Decimal:
    """Round to cents (ROUND_HALF_UP). Accepts Decimal, int or str – never float."""
    if isinstance(value, float):
        raise TypeError("Money must not be built from float; pass a str or Decimal.")
    try:
        amount = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise ValueError(f"Not an amount: {value!r}") from exc
    if not amount.is_finite():  # "NaN" quantizes without a signal
        raise ValueError(f"Not an amount: {value!r}")
    return amount


def format_eur(value) -> str:
    """German format: 1.234,56 €"""
    if value is None or value == "":
        return ""
    amount = to_money(value)
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return f"{sign}{'.'.join(groups)},{cents}\u00a0€"
