"""The § 8a part of the case page: `{% load protection_tags %}{% protection_panel case %}`."""

from django import template
from django.utils import timezone

from cases import protection

register = template.Library()


@register.inclusion_tag("cases/protection/_panel.html", takes_context=True)
def protection_panel(context, case) -> dict:
    """The case's assessments (one query), the open ones with their due time, the safety-scale trend."""
    user = context["request"].user
    assessments = protection.case_assessments(user, case)
    now = timezone.now()
    for a in assessments:
        a.late = protection.is_late(a, now)
    return {
        "case": case,
        "assessments": assessments,
        "open": [a for a in assessments if a.is_open],
        "trend": protection.trend_svg(assessments, described_by="protection-table"),
        "can_report": user.has_perm("cases.record_protection", case) and not case.is_closed,
    }
