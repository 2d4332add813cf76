from django import template

from budgets.charts import projection_svg

register = template.Library()


@register.simple_tag
def projection_chart(position, chart_id: str = "projection", width: int = 680):
    """The budget's projection as inline SVG (page and PDF; the PDF passes its text width)."""
    return projection_svg(position, chart_id, int(width))
