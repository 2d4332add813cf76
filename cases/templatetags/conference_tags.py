"""The case page's conference panel (templates/cases/_conference_panel.html)."""

from django import template

from cases.conference import case_conference_items

register = template.Library()


@register.inclusion_tag("cases/conference/panel.html", takes_context=True)
def conference_panel(context, case) -> dict:
    """The case's conference items with their proposals: 2 queries, however many there are."""
    return {"case": case, "items": case_conference_items(case), "user": context.get("user")}
