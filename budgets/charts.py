"""The projection chart as server-rendered SVG: the same markup on the page and in the PDF.

No JavaScript and no style attributes (the CSP forbids inline styles); presentation attributes
only. The page shows a table with the same figures next to it (charts need a text alternative).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from juwe.lib.money import format_eur

WIDTH, HEIGHT = 680, 280
LEFT, RIGHT, TOP, BOTTOM = 92, 16, 16, 36
MONTHS = ["Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"]


def _nice_step(raw: Decimal) -> Decimal:
    """The smallest 1, 2, 2.5 or 5 × 10^k that is at least `raw` (round axis labels)."""
    magnitude = Decimal(10) ** (len(str(int(raw))) - 1) if raw >= 1 else Decimal(1)
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        if magnitude * factor >= raw:
            return magnitude * factor
    return magnitude * 10


def _ticks(top: Decimal, n: int = 4) -> list[Decimal]:
    step = _nice_step(top / n)
    return [step * i for i in range(n + 1)]


def projection_svg(position, chart_id: str = "projection", width: int = WIDTH) -> SafeString:
    budget = position.budget.amount
    points = position.months
    values = [budget] + [p.actual for p in points if p.actual is not None] + [
        p.projected for p in points if p.projected is not None
    ]
    top = _ticks(max(max(values), Decimal("1")) * Decimal("1.05"))[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(month) -> str:
        """The x of a point in time, in months from 1 January (a month's end: its number)."""
        return f"{LEFT + float(month) * plot_w / 12:.1f}"

    def y(value: Decimal, shift: float = 0) -> str:
        return f"{TOP + plot_h - float(value / top) * plot_h + shift:.1f}"

    grid = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#c9d1d9" stroke-width="1"/>'
        '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#505a64">{}</text>',
        ((LEFT, y(t), WIDTH - RIGHT, y(t), LEFT - 6, y(t, 4), format_eur(t.quantize(Decimal("1")))) for t in _ticks(top)),
    )
    labels = format_html_join(
        "", '<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="#505a64">{}</text>',
        ((x(m - 0.5), HEIGHT - BOTTOM + 16, MONTHS[m - 1]) for m in range(1, 13)),
    )
    # Booked: from 1 January through the end of each completed month to today. Projection: from
    # today through the end of each month to come (the same figures as the table beside the chart).
    today = position.elapsed
    booked = [(Decimal(0), Decimal(0))] + [
        (Decimal(p.month) if p.month <= today else today, p.actual) for p in points if p.actual is not None
    ]
    ahead = [(today, position.booked)] + [(Decimal(p.month), p.projected) for p in points if p.projected is not None]
    actual = " ".join(f"{x(t)},{y(v)}" for t, v in booked) if len(booked) > 1 else ""
    projected = " ".join(f"{x(t)},{y(v)}" for t, v in ahead) if len(ahead) > 1 else ""
    over = position.overrun
    parts = [
        format_html('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
                    'aria-labelledby="{}-title {}-desc" class="budget-chart">', WIDTH, HEIGHT, width,
                    round(width * HEIGHT / WIDTH), chart_id, chart_id),
        format_html('<title id="{}-title">{}</title>', chart_id, _("Booked and projected costs against the budget")),
        format_html('<desc id="{}-desc">{}</desc>', chart_id, _(
            "Budget %(budget)s; booked %(booked)s; projected at year end %(projected)s."
        ) % {"budget": format_eur(budget), "booked": format_eur(position.booked), "projected": format_eur(position.projected)}),
        grid,
        labels,
        format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#1e6b34" stroke-width="2" stroke-dasharray="8 4"/>',
                    LEFT, y(budget), WIDTH - RIGHT, y(budget)),
    ]
    if actual:
        parts.append(format_html('<polyline points="{}" fill="none" stroke="#0b4f8a" stroke-width="3"/>', actual))
    if projected:
        colour = "#a4161a" if over else "#8a5a00"
        parts.append(format_html('<polyline points="{}" fill="none" stroke="{}" stroke-width="3" stroke-dasharray="3 4"/>',
                                 projected, colour))
    legend_y = TOP + 4
    parts.append(format_html(
        '<g font-size="11" fill="#1b1f24">'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#0b4f8a" stroke-width="3"/><text x="{}" y="{}">{}</text>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#8a5a00" stroke-width="3" stroke-dasharray="3 4"/><text x="{}" y="{}">{}</text>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#1e6b34" stroke-width="2" stroke-dasharray="8 4"/><text x="{}" y="{}">{}</text>'
        "</g>",
        LEFT + 8, legend_y, LEFT + 30, legend_y, LEFT + 34, legend_y + 4, _("booked"),
        LEFT + 110, legend_y, LEFT + 132, legend_y, LEFT + 136, legend_y + 4, _("projection"),
        LEFT + 230, legend_y, LEFT + 252, legend_y, LEFT + 256, legend_y + 4, _("budget"),
    ))
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))
