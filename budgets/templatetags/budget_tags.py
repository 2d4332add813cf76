from django import template
from django.utils.dates import MONTHS

from budgets.charts import projection_svg
from budgets.settlement import payment_sentence as _payment_sentence
from juwe.lib.money import format_number

register = template.Library()


@register.simple_tag
def projection_chart(position, chart_id: str = "projection", width: int = 680):
    """The budget's projection as inline SVG (page and PDF; the PDF passes its text width)."""
    return projection_svg(position, chart_id, int(width))


@register.filter
def num(value, places: int = 2) -> str:
    """A number that is no amount, rounded to `places` in the active language ("0,97")."""
    from decimal import ROUND_HALF_UP, Decimal

    if value is None or value == "":
        return ""
    return format_number(Decimal(value).quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP),
                         places=int(places))


@register.filter
def month_name(value) -> str:
    """The name of month 1–12 in the active language."""
    return str(MONTHS.get(int(value), "")) if value else ""


@register.filter
def payment_sentence(payment) -> str:
    """What the resulting payment of a settlement means, as one sentence."""
    return _payment_sentence(payment)
