"""Cases: new, open at the reference date, closed (by reason), the share closed without formal help,
the classification mix, intake duration and contacts per intake, and new/closed cases per month.

The numbers come from `cases.metrics.casefile` (five queries, whatever the size of the office); the
definitions are in each figure's `help`. A figure links to the case list behind it only for roles
that may see that list (case managers, team leads): leadership and coordinators see no case contents.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.metrics import casefile
from cases.models import Classification, CloseReason
from juwe.controlling.figures import Chart, Context, Figure, Kind, Section, Table, ratio, share
from juwe.controlling.scope import Level


def _list_link(ctx: Context):
    """A function (params -> URL of the case list filtered to the scope), or None without permission."""
    user = ctx.user
    if user is None or not user.has_perm("cases.view_case"):
        return None
    scope: list[tuple[str, object]] = []
    if ctx.scope.level == Level.DISTRICT:
        scope = [("district", ctx.scope.district_ids[0])]
    elif ctx.scope.level != Level.OFFICE:
        scope = [("districts", pk) for pk in ctx.scope.district_ids]
    base = reverse("cases:list")

    def link(**params) -> str:
        items = scope + [(key, v.isoformat() if isinstance(v, dt.date) else v) for key, v in params.items()]
        return f"{base}?{urlencode(items)}"

    return link


def _breakdown(key: str, title: str, prefix: str, items, total_link: str | None, note: str = "") -> Table:
    """Rows of (count, share of the total) for every category, even empty ones, and the total row.

    items: (value, label, count, link). Figure keys: `<prefix>_<value>`, `…_anteil`, `<prefix>_gesamt`.
    """
    total = sum(n for _value, _label, n, _link in items)
    rows = [
        (
            str(label),
            [
                Figure(f"{prefix}_{value}", str(label), n, link=row_link),
                Figure(f"{prefix}_{value}_anteil", str(label), share(n, total), kind=Kind.SHARE, base=total),
            ],
        )
        for value, label, n, row_link in items
    ]
    rows.append(
        (
            _("Total"),
            [
                Figure(f"{prefix}_gesamt", _("Total"), total, link=total_link),
                Figure(f"{prefix}_gesamt_anteil", _("Total"), share(total, total), kind=Kind.SHARE, base=total),
            ],
        )
    )
    return Table(key, title, [_("Cases"), _("Share")], rows, total_row=True, note=note)


def compute(ctx: Context) -> Section:
    period, ids = ctx.period, ctx.scope.district_ids
    start, end, reference = period.start, period.end, period.reference
    counts = casefile.case_counts(ids, start, end, reference)
    mix = casefile.classification_mix(ids, reference)
    intake = casefile.intake_figures(ids, start, end)
    months = casefile.cases_per_month(ids, start, end)

    link = _list_link(ctx) or (lambda **params: None)
    opened = {"opened_after": start, "opened_before": end}
    closed = {"closed_after": start, "closed_before": end}
    decided = {"decided_after": start, "decided_before": end}

    figures = [
        Figure(
            "faelle_neu",
            _("New cases"),
            counts["new"],
            link=link(**opened),
            help=_("Cases opened in the period (opening date from the first to the last day of the period)."),
        ),
        Figure(
            "faelle_offen",
            _("Open cases at the reference date"),
            counts["open"],
            link=link(open_on=reference),
            help=_(
                "Cases opened on or before the reference date and not closed by then; a case closed on the "
                "reference date is no longer open."
            ),
        ),
        Figure(
            "faelle_beendet",
            _("Closed cases"),
            counts["closed"],
            link=link(**closed),
            help=_("Cases closed in the period (closing date within the period)."),
        ),
        Figure(
            "anteil_ohne_hilfe",
            _("Closed without formal help"),
            share(counts["closed_without_help"], counts["closed"]),
            kind=Kind.SHARE,
            base=counts["closed"],
            link=link(**closed, reached_help="false"),
            help=_(
                "Share of the cases closed in the period that never reached the state “help”, i.e. that ended "
                "without a formal help (after intake or counselling)."
            ),
        ),
        Figure(
            "intake_dauer_median",
            _("Intake duration (median)"),
            intake["median_days"],
            kind=Kind.DAYS,
            base=intake["decided"],
            link=link(**decided),
            help=_(
                "Median of the days from the first contact (the opening date) to the decision that ends the "
                "intake (counselling or closing), for the intakes decided in the period."
            ),
        ),
        Figure(
            "intake_dauer_p90",
            _("Intake duration (90th percentile)"),
            intake["p90_days"],
            kind=Kind.DAYS,
            base=intake["decided"],
            link=link(**decided),
            help=_(
                "Nine in ten of the intakes decided in the period took at most this many days from the first "
                "contact to the decision."
            ),
        ),
        Figure(
            "kontakte_je_intake",
            _("Contacts per intake"),
            ratio(intake["contacts"], intake["decided"], "0.1"),
            kind=Kind.NUMBER,
            base=intake["decided"],
            link=link(**decided),
            help=_(
                "Mean number of contacts that took place before the decision ending the intake, for the "
                "intakes decided in the period."
            ),
        ),
    ]

    reasons = _breakdown(
        "abschlussgruende",
        _("Closed cases by reason"),
        "abschluss",
        [
            (value, label, counts[f"reason_{value}"], link(**closed, close_reason=value))
            for value, label in CloseReason.choices
        ],
        link(**closed),
    )
    labels = [*Classification.choices, (casefile.NOT_CLASSIFIED, _("not yet classified"))]
    classification = _breakdown(
        "klassifikation",
        _("Open cases by classification at the reference date"),
        "klassifikation",
        [(value, label, mix[value], link(open_on=reference, classification=value)) for value, label in labels],
        link(open_on=reference),
        note=_(
            "Classification as recorded on or before the reference date; the case list filters by the "
            "current classification."
        ),
    )

    chart = Chart(
        "faelle_monate",
        _("New and closed cases per month"),
        "bar",
        [date_format(month, "M Y") for month, _new, _closed in months],
        [
            (_("New cases"), [new for _month, new, _closed in months]),
            (_("Closed cases"), [done for _month, _new, done in months]),
        ],
        unit=_("cases"),
    )

    return Section(
        subject="cases", title=_("Cases"), figures=figures, tables=[reasons, classification], charts=[chart]
    )
