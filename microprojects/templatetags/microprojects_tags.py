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
    return {
        "case": case,
        "referrals": list(selectors.referrals_for_case(user, case)),
        "can_refer": user.has_perm("microprojects.refer"),
    }
