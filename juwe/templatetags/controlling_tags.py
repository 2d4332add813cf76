"""Template helpers of the controlling dashboard and its committee report."""

from django import template

from juwe.controlling import formatting
from juwe.controlling.dashboard import change
from juwe.lib import charts

register = template.Library()


@register.filter
def figure(value, kind: str = "count") -> str:
    """A figure's value formatted by its kind: `{{ fig.value|figure:fig.kind }}`."""
    return formatting.format_figure(value, kind)


@register.simple_tag
def figure_change(fig, against: str = "previous") -> dict:
    """The change of a headline figure against a comparison value: text, arrow and word."""
    ch = change(fig.value, getattr(fig, against), fig.kind)
    return {
        "text": formatting.format_change(ch, fig.kind),
        "arrow": formatting.ARROWS.get(ch.direction, "") if ch else "",
        "word": formatting.direction_text(ch),
        "direction": ch.direction if ch else "",
    }


@register.simple_tag
def chart_svg(chart, prefix: str = "chart", width: int = charts.WIDTH):
    return charts.render_svg(chart, chart_id=f"{prefix}-{chart.key}", width=width)


@register.simple_tag
def chart_table(chart, css_class: str = "data chart-data"):
    return charts.data_table(chart, css_class=css_class)
