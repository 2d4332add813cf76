"""Rows of the coordinator's worklist sections (dicts for juwe/_worklist_simple.html)."""

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from networks.selectors import offers_stale, offers_suggested

# The worklist shows the oldest few; the maintenance page lists them all.
WORKLIST_ROWS = 15


def _with_more_link(rows: list[dict]) -> list[dict]:
    """Rows were fetched one over the limit: replace the extra one by a link to the full list."""
    if len(rows) > WORKLIST_ROWS:
        rows = rows[:WORKLIST_ROWS] + [
            {"label": _("Show all on the offer maintenance page"), "url": reverse("networks:offer_maintenance")}
        ]
    return rows


def suggested_offer_rows(user) -> list[dict]:
    return _with_more_link([
        {
            "label": f"{offer.title} ({offer.district})",
            "url": reverse("networks:offer_detail", args=[offer.pk]),
            "note": _("suggested by %(name)s on %(date)s")
            % {"name": offer.suggested_by, "date": formats.date_format(offer.created_at, "SHORT_DATE_FORMAT")},
        }
        for offer in offers_suggested(user)[: WORKLIST_ROWS + 1]
    ])


def stale_offer_rows(user) -> list[dict]:
    rows = []
    for offer in offers_stale(user)[: WORKLIST_ROWS + 1]:
        if offer.confirmed_at:
            note = _("last confirmed on %(date)s") % {"date": formats.date_format(offer.confirmed_at, "SHORT_DATE_FORMAT")}
        else:
            note = _("never confirmed")
        rows.append({"label": f"{offer.title} ({offer.district})",
                     "url": reverse("networks:offer_detail", args=[offer.pk]), "note": note, "overdue": True})
    return _with_more_link(rows)
