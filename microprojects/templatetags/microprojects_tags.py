"""Template tags other apps' pages use to show micro-project figures without importing us.

On the case file: `{% load microprojects_tags %}{% case_referrals case %}` lists the case's
referrals to micro-projects and, for case workers, a link to refer it.
"""

from django import template

from microprojects import selectors

register = template.Library()


@register.inclusion_tag("microprojects/_case_referrals.html", takes_context=True)
def case_referrals(context, case) -> dict:
    user = context["request"].user
    can_refer = user.has_perm("microprojects.refer") and not getattr(case, "is_closed", False)
    referrals = list(selectors.referrals_for_case(user, case))
    return {
        "case": case,
        "referrals": referrals,
        "can_refer": can_refer,
        "offers": selectors.running_projects_for_case(user, case, exclude=[r.project_id for r in referrals])
        if can_refer else [],
    }
