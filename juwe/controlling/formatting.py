"""How a figure reads on the page and in the report: German numbers by kind, changes with a sign.

Amounts go through the one money formatter (juwe.lib.money); other numbers through Django's
number formatting in the active language. Suppressed cells are strings ("< 5") and stay as they are.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from juwe.controlling.dashboard import Change
from juwe.controlling.figures import Kind
from juwe.lib.export import neutralize
from juwe.lib.money import format_amount

NONE = "–"


def _number(value, places: int | None = None) -> str:
    return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def format_figure(value, kind: str = Kind.COUNT) -> str:
    if value is None:
        return NONE
    if isinstance(value, str):
        return value
    if kind == Kind.MONEY:
        return format_amount(value)
    if kind == Kind.SHARE:
        return f"{_number(value, 1)}\u00a0%"
    if kind == Kind.DAYS:
        return _("%(days)s days") % {"days": _number(value, 1)}
    return _number(value)


def _signed(text: str, negative: bool, zero: bool) -> str:
    if zero:
        return text
    return ("+" if not negative else "") + text


def format_change(ch: Change | None, kind: str = Kind.COUNT) -> str:
    """"+12 (+8,5 %)", "-1,5 Pp." for shares, "±0"; empty when there is nothing to compare."""
    if ch is None:
        return ""
    if ch.delta == 0:
        return "±0"
    negative = ch.delta < 0
    if kind == Kind.SHARE:
        text = _signed(_("%(points)s pp") % {"points": _number(ch.delta, 1)}, negative, False)
    elif kind == Kind.MONEY:
        text = _signed(format_amount(ch.delta), negative, False)
    elif kind == Kind.DAYS:
        text = _signed(_number(ch.delta, 1), negative, False)
    else:
        text = _signed(_number(ch.delta), negative, False)
    if ch.percent is not None:
        text += f" ({_signed(_number(ch.percent, 1), ch.percent < 0, ch.percent == 0)}\u00a0%)"
    return text


ARROWS = {"up": "▲", "down": "▼", "same": "▶"}


def direction_text(ch: Change | None) -> str:
    if ch is None:
        return ""
    return {"up": _("higher"), "down": _("lower"), "same": _("unchanged")}[ch.direction]


def csv_number(value) -> str:
    """A number for machines: dot as decimal separator, no grouping, empty for none. A text (a
    suppressed "< 5") is never a formula (juwe.lib.export.neutralize); numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralize(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)
