"""Worklist rows of the budgets app.

- Budgets of the current year whose projection runs over the budget (economic youth aid, leadership,
  team leads). A warning only – a budget never blocks a help the family is legally entitled to
  (§ 27 ff. SGB VIII).
- Leadership: prepared settlements waiting to be finalized, and requested transfers from the
  equalisation pot waiting for a decision. Each section shows at most LIMIT rows and the number of
  all of them, with one query (the count is a window over the same rows).
"""

from django.db.models import Count, Window
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from budgets.models import PotTransfer, Settlement
from budgets.selectors import overrun_positions, pot_transfers_for, settlements_for
from budgets.settlement import payment_sentence
from juwe.lib.money import format_eur

LIMIT = 20


class BoundedRows(list):
    """At most LIMIT rows of a section; `total` is how many there are in all (the home page's count)."""

    def __init__(self, rows, total: int):
        super().__init__(rows)
        self.total = total

    @property
    def more(self) -> int:
        return self.total - len(self)


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


def _bounded(qs) -> tuple[list, int]:
    rows = list(qs.annotate(all_rows=Window(Count("id")))[:LIMIT])
    return rows, (rows[0].all_rows if rows else 0)


def _date(value) -> str:
    return formats.date_format(timezone.localtime(value), "SHORT_DATE_FORMAT")


def prepared_settlement_rows(user) -> BoundedRows:
    """Settlements economic youth aid has prepared and leadership has still to finalize, oldest budget year first."""
    qs = settlements_for(user).select_related("prepared_by").filter(status=Settlement.Status.PREPARED) \
        .order_by("budget__year", "budget__district__name", "budget__area", "pk")
    settlements, total = _bounded(qs)
    return BoundedRows([
        {
            "label": str(s.budget),
            "url": reverse("budgets:settlement_detail", args=[s.budget_id]),
            "note": " ".join(filter(None, [_("prepared %(date)s by %(user)s; remainder %(remainder)s.") % {
                "date": _date(s.prepared_at), "user": s.prepared_by, "remainder": format_eur(s.remainder),
            }, payment_sentence(s.payment)])),
        }
        for s in settlements
    ], total)


def pending_transfer_rows(user) -> BoundedRows:
    """Requested transfers from the equalisation pot waiting for leadership's decision, oldest first."""
    qs = pot_transfers_for(user).filter(status=PotTransfer.Status.REQUESTED).order_by("requested_at", "pk")
    transfers, total = _bounded(qs)
    return BoundedRows([
        {
            "label": _("%(amount)s from the pot %(year)s for %(budget)s") % {
                "amount": format_eur(t.amount), "year": t.year, "budget": t.settlement.budget,
            },
            "url": f"{reverse('budgets:pot')}?year={t.year}",
            "note": _("requested %(date)s by %(user)s: %(reason)s") % {
                "date": _date(t.requested_at), "user": t.requested_by, "reason": t.reason,
            },
        }
        for t in transfers
    ], total)
