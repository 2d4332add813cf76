"""Template tags the case file offers to lower apps' pages (networks must not import cases)."""

from django import template

from cases.models import Case, CaseState

register = template.Library()


@register.simple_tag
def offer_case_count(offer) -> int:
    """How many open case files name this offer on their resource map. A count only, never names."""
    if offer is None or getattr(offer, "pk", None) is None:
        return 0
    return (
        Case.objects.filter(resources__offer_id=offer.pk).exclude(state=CaseState.CLOSED).values("id").distinct().count()
    )
