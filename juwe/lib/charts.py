"""Bar and line charts drawn on the server as SVG – the same markup on the page and in the PDF.

No JavaScript, no CDN and no style attributes (the CSP forbids inline styles): the series'
colours come from the classes `series-1` … `series-4` (static/css/juwe.css, and the report's
print stylesheet); each element also carries the colour as a presentation attribute, which CSS
overrides, so a renderer that does not apply the page's stylesheet to SVG still draws colours.
Every chart has `role="img"` with a title, and `data_table` gives the same figures as an HTML
table (charts need a text alternative, BITV 2.0 / WCAG 1.1.1).

Input is `juwe.controlling.figures.Chart`-shaped: key, title, kind ("bar"/"line"), categories
(strings, or dates shown as month names of the active language), series [(name, values)] and
unit. Values may be None (no figure) or a string such as "< 5" (suppressed): neither is drawn.
Names (districts, teams) go in through `xml_text`: a control character would make the SVG invalid.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from juwe.lib.xmltext import xml_text

WIDTH, HEIGHT = 680, 260
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 30, 44
SERIES_CLASSES = 4
# Fallback colours of series-1 … series-4 (the CSS defines the same; contrast ≥ 3:1 on white).
FALLBACK = ("#0b4f8a", "#b35900", "#1e6b34", "#6f3c96")


def category_label(category) -> str:
    """A category as shown on the axis: a date is its month ("Jan 2026"), in the active language."""
    if isinstance(category, date):
        return formats.date_format(category, "M Y")
    return xml_text(category)


def axis_labels(categories) -> list[str]:
    """The x-axis labels: months of one year by name only ("Jan"), across years with a short year
    ("Jan 26"); other categories as they are, shortened to 22 characters."""
    if categories and all(isinstance(c, date) for c in categories):
        one_year = len({c.year for c in categories}) == 1
        return [formats.date_format(c, "M" if one_year else "M y") for c in categories]
    return [label if len(label) <= 22 else label[:21] + "…" for label in map(xml_text, categories)]


def format_value(value, unit: str = "") -> str:
    """A value with German (active language) separators, "–" for none, strings kept ("< 5")."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    text = formats.number_format(value, use_l10n=True, force_grouping=True)
    if unit == "%":
        return f"{text}\u00a0%"
    return f"{text}\u00a0{unit}" if unit else text


def _numbers(chart) -> list[Decimal]:
    return [Decimal(v) for _, values in chart.series for v in values if _drawable(v)]


def _drawable(value) -> bool:
    return value is not None and not isinstance(value, (str, bool))


def _nice_step(raw: Decimal) -> Decimal:
    """The smallest 1, 2, 2.5 or 5 × 10^k that is at least `raw` (round axis labels)."""
    if raw <= 0:
        return Decimal(1)
    magnitude = Decimal(1)
    while magnitude * 10 <= raw:
        magnitude *= 10
    while magnitude > raw:
        magnitude /= 10
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        if magnitude * factor >= raw:
            return magnitude * factor
    return magnitude * 10


def axis_ticks(low: Decimal, high: Decimal, n: int = 4) -> list[Decimal]:
    """Round tick values from at most `low` (0 or below) to at least `high`."""
    low, high = min(low, Decimal(0)), max(high, Decimal(0))
    if low == high:
        high = low + 1
    step = _nice_step((high - low) / n)
    first = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
    ticks = [first]
    while ticks[-1] < high:
        ticks.append(ticks[-1] + step)
    return [t.normalize() if t != 0 else Decimal(0) for t in ticks]


def render_svg(chart, chart_id: str | None = None, width: int = WIDTH) -> SafeString:
    """The chart as an inline SVG element."""
    chart_id = chart_id or f"chart-{chart.key}"
    values = _numbers(chart)
    ticks = axis_ticks(min(values, default=Decimal(0)), max(values, default=Decimal(1)))
    low, high = ticks[0], ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = max(len(chart.categories), 1)
    slot = plot_w / n

    def y(value) -> float:
        return TOP + plot_h - float((Decimal(value) - low) / (high - low)) * plot_h

    labels = axis_labels(chart.categories)
    slanted = any(len(label) * 6.2 > slot for label in labels)
    height = HEIGHT + (70 if slanted else 0)  # room below the plot for slanted labels

    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
            'aria-labelledby="{}-title" class="chart chart-{}">',
            WIDTH, height, width, round(width * height / WIDTH), chart_id, chart.kind,
        ),
        format_html('<title id="{}-title">{}</title>', chart_id, xml_text(chart.title)),
    ]
    parts.append(format_html_join(
        "",
        '<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}" stroke="#c9d1d9" stroke-width="1"/>'
        '<text class="tick" x="{}" y="{}" font-size="11" text-anchor="end" fill="#505a64">{}</text>',
        ((LEFT, _f(y(t)), WIDTH - RIGHT, _f(y(t)), LEFT - 6, _f(y(t) + 4), format_value(t, chart.unit)) for t in ticks),
    ))
    if slanted:
        # Too long to stand side by side: slanted, anchored at their end under the slot.
        parts.append(format_html_join(
            "",
            '<text class="category" x="{}" y="{}" font-size="10" text-anchor="end" fill="#505a64" '
            'transform="rotate(-30 {} {})">{}</text>',
            ((x, HEIGHT - BOTTOM + 12, x, HEIGHT - BOTTOM + 12, label)
             for i, label in enumerate(labels) for x in [_f(LEFT + slot * (i + 0.5))]),
        ))
    else:
        parts.append(format_html_join(
            "",
            '<text class="category" x="{}" y="{}" font-size="11" text-anchor="middle" fill="#505a64">{}</text>',
            ((_f(LEFT + slot * (i + 0.5)), HEIGHT - BOTTOM + 16, label) for i, label in enumerate(labels)),
        ))
    if chart.kind == "line":
        parts.append(_lines(chart, slot, y))
    else:
        parts.append(_bars(chart, slot, y))
    parts.append(_legend(chart))
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(p) for p in parts))


def _f(number: float) -> str:
    return f"{number:.1f}"


def _series_class(index: int) -> tuple[str, str]:
    number = index % SERIES_CLASSES
    return f"series-{number + 1}", FALLBACK[number]


def _bars(chart, slot: float, y) -> SafeString:
    zero = y(0)
    count = max(len(chart.series), 1)
    bar_w = slot * 0.8 / count
    rects = []
    for s, (name, values) in enumerate(chart.series):
        css, colour = _series_class(s)
        for i, value in enumerate(values[: len(chart.categories)]):
            if not _drawable(value):
                continue
            top = y(value)
            rects.append(format_html(
                '<rect class="bar {}" x="{}" y="{}" width="{}" height="{}" fill="{}">'
                "<title>{}: {}</title></rect>",
                css, _f(LEFT + slot * i + slot * 0.1 + bar_w * s), _f(min(top, zero)), _f(bar_w), _f(abs(zero - top)), colour,
                xml_text(f"{name} {category_label(chart.categories[i])}"), format_value(value, chart.unit),
            ))
    return mark_safe("".join(rects))


def _lines(chart, slot: float, y) -> SafeString:
    out = []
    for s, (name, values) in enumerate(chart.series):
        css, colour = _series_class(s)
        points = [
            (LEFT + slot * (i + 0.5), y(v)) for i, v in enumerate(values[: len(chart.categories)]) if _drawable(v)
        ]
        if len(points) > 1:
            out.append(format_html(
                '<polyline class="line {}" points="{}" fill="none" stroke="{}" stroke-width="3"/>',
                css, " ".join(f"{px:.1f},{py:.1f}" for px, py in points), colour,
            ))
        out.extend(
            format_html('<circle class="point {}" cx="{}" cy="{}" r="3.5" fill="{}"/>', css, _f(px), _f(py), colour)
            for px, py in points
        )
    return mark_safe("".join(str(o) for o in out))


def _legend(chart) -> SafeString:
    if len(chart.series) < 2:
        return mark_safe("")
    items, x = [], LEFT
    for s, (name, _values) in enumerate(chart.series):
        css, colour = _series_class(s)
        items.append(format_html(
            '<rect class="{}" x="{}" y="8" width="12" height="12" fill="{}"/>'
            '<text x="{}" y="18" font-size="11" fill="#1b1f24">{}</text>',
            css, x, colour, x + 16, xml_text(name),
        ))
        x += 24 + 7 * len(str(name))
    return format_html('<g class="legend">{}</g>', mark_safe("".join(items)))


def data_table(chart, caption: str | None = None, css_class: str = "data chart-data") -> SafeString:
    """The chart's figures as a table: categories down, one column per series."""
    head = format_html_join("", '<th scope="col" class="num">{}</th>', ((name,) for name, _v in chart.series))
    body = format_html_join(
        "",
        "<tr>{}{}</tr>",
        (
            (
                format_html('<th scope="row">{}</th>', category_label(cat)),
                format_html_join(
                    "", '<td class="num">{}</td>',
                    ((format_value(values[i] if i < len(values) else None, chart.unit),) for _n, values in chart.series),
                ),
            )
            for i, cat in enumerate(chart.categories)
        ),
    )
    return format_html(
        '<table class="{}"><caption>{}</caption><thead><tr><th scope="col">{}</th>{}</tr></thead>'
        "<tbody>{}</tbody></table>",
        css_class, caption or chart.title, _("Category"), head, body,
    )
