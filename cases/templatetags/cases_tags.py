"""Template tags the case file offers to lower apps' pages (networks must not import cases)."""

from django import template

from cases.models import Case, CaseState
from juwe.access import visible

register = template.Library()


@register.simple_tag
def offer_case_count(offer, user) -> int | None:
    """How many open case files *the reader may see* name this offer on their resource map – a
    count only, never names. None for a reader who sees no case files (coordinators, provider
    staff, leadership, administration): an office-wide count would tell them about cases outside
    their scope, so they get no figure at all."""
    if getattr(offer, "pk", None) is None or not getattr(user, "is_authenticated", False):
        return None
    if not user.has_perm("cases.view_case"):
        return None
    return (
        visible(user, Case).filter(resources__offer_id=offer.pk).exclude(state=CaseState.CLOSED)
        .values("id").distinct().count()
    )
