"""The contracts panel of the case page (cases/_contracts_panel.html)."""

from django import template

from cases.contracts import CONTRACT_CASE_STATES, contracts_for_case

register = template.Library()


@register.inclusion_tag("cases/contracts/_panel.html", takes_context=True)
def contracts_panel(context, case):
    """The case's contracts (one query, however many) and the way to a new one."""
    user = context["request"].user
    return {
        "case": case,
        "contracts": list(contracts_for_case(case)),
        "may_create": case.state in CONTRACT_CASE_STATES and user.has_perm("cases.change_contract"),
    }
