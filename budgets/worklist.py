"""Worklist rows: budgets of the current year whose projection runs over the budget.

A warning only – a budget never blocks a help the family is legally entitled to (§ 27 ff. SGB VIII).
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from budgets.selectors import overrun_positions
from juwe.lib.money import format_eur


def overrun_rows(user) -> list[dict]:
    return [
        {
            "label": str(p.budget),
            "url": reverse("budgets:budget_detail", args=[p.budget.pk]),
            "note": _("projected %(projected)s of %(amount)s (%(over)s over)") % {
                "projected": format_eur(p.projected), "amount": format_eur(p.budget.amount),
                "over": format_eur(p.projected - p.budget.amount),
            },
        }
        for p in sorted(overrun_positions(user), key=lambda p: p.projected_remainder)
    ]
