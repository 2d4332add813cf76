"""The help section: running helps by type, ambulant vs residential, density per 100 inhabitants
under 21 (the comparison rings' key figures), duration, reviews and goal achievement.

Youth help means §§ 27(2)–35a and § 41 SGB VIII. Help in the district is the office's preventive
work and has its own figure outside the youth-help totals; micro-projects are in the prevention
section; SGB IX integration help is another legal area and left out.
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from cases.metrics import contracts as metrics
from cases.models import HelpType
from juwe.controlling.figures import Chart, Context, Figure, Kind, Section, Table, ratio, share
from juwe.roles import Role


def _per_100(count: int, inhabitants: int) -> Decimal | None:
    return ratio(Decimal(count) * 100, inhabitants)


def _contract_link(ctx: Context, help_type: str | None = None) -> str | None:
    """The contract list of running contracts, for case managers and team leads only.

    The list shows today's state, so it is the list behind a figure only when the reference date
    is not in the past; leadership and coordinators may not see contracts and get no link.
    """
    user = ctx.user
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not user.has_role(Role.CASE_MANAGER, Role.TEAM_LEAD) or not user.has_perm("cases.view_contract"):
        return None
    if ctx.period.reference < timezone.localdate():
        return None
    params = {"state": "active"}
    if help_type:
        params["help_type"] = help_type
    return f"{reverse('cases:provider_contract_list')}?{urlencode(params)}"


def compute(ctx: Context) -> Section:
    ids, period, reference = ctx.scope.district_ids, ctx.period, ctx.period.reference
    by_type = metrics.running_by_type(ids, reference)
    population = metrics.youth_population(ids, reference)
    durations = metrics.ended_durations(ids, period.start, period.end)
    reviews = metrics.reviews_held(ids, period.start, period.end)

    running = sum(by_type.get(t, 0) for t in metrics.YOUTH_HELP_TYPES)
    ambulant = sum(by_type.get(t, 0) for t in metrics.AMBULANT_TYPES)
    residential = sum(by_type.get(t, 0) for t in metrics.RESIDENTIAL_TYPES)
    foster = by_type.get(HelpType.FOSTER_CARE, 0)
    district = by_type.get(HelpType.DISTRICT, 0)
    inhabitants = population.total

    figures = [
        Figure(
            "hilfen_laufend", _("Helps running"), running, link=_contract_link(ctx),
            help=_("Approved contracts of §§ 27(2)–35a and § 41 SGB VIII running at the reference date (begun by "
                   "then, not ended on or before it); help in the district and SGB IX integration help not included."),
        ),
        Figure(
            "hilfen_ambulant", _("Ambulant helps"), ambulant,
            help=_("Running youth helps other than §§ 33 and 34 SGB VIII at the reference date."),
        ),
        Figure(
            "hilfen_stationaer", _("Residential helps"), residential,
            help=_("Running helps of § 33 (foster care) and § 34 SGB VIII (residential care) at the reference date."),
        ),
        Figure(
            "hilfen_sozialraum", _("Help in the district"), district,
            link=_contract_link(ctx, HelpType.DISTRICT),
            help=_("Approved contracts of help in the district running at the reference date, counted apart from "
                   "the youth helps."),
        ),
        Figure(
            "einwohner_u21", _("Inhabitants under 21"), inhabitants, kind=Kind.NUMBER, base=population.districts,
            help=_("Inhabitants under 21 from the district indicators of the reference date's year (else the latest "
                   "earlier year), summed over the districts of the scope."),
        ),
        Figure(
            "hze_dichte", _("Density of youth help"), _per_100(running, inhabitants), kind=Kind.NUMBER,
            base=running,
            help=_("Running youth helps per 100 inhabitants under 21 at the reference date."),
        ),
        Figure(
            "dichte_ambulant", _("Ambulant density"), _per_100(ambulant, inhabitants), kind=Kind.NUMBER,
            base=ambulant, help=_("Running ambulant helps per 100 inhabitants under 21 at the reference date."),
        ),
        Figure(
            "dichte_stationaer", _("Residential density"), _per_100(residential, inhabitants), kind=Kind.NUMBER,
            base=residential,
            help=_("Running residential helps (§§ 33, 34) per 100 inhabitants under 21 at the reference date."),
        ),
        Figure(
            "anteil_ambulant", _("Ambulant share"), share(ambulant, running), kind=Kind.SHARE, base=running,
            help=_("Share of the ambulant helps among all running youth helps at the reference date, in per cent."),
        ),
        Figure(
            "anteil_stationaer", _("Residential share"), share(residential, running), kind=Kind.SHARE,
            base=running,
            help=_("Share of the residential helps (§§ 33, 34) among all running youth helps at the reference "
                   "date, in per cent."),
        ),
        Figure(
            "anteil_vollzeitpflege", _("Foster care share of residential help"), share(foster, residential),
            kind=Kind.SHARE, base=residential,
            help=_("Share of foster care (§ 33) among the running residential helps at the reference date, "
                   "in per cent."),
        ),
        Figure(
            "hilfedauer_mittel", _("Mean duration of ended helps"), durations.mean_days, kind=Kind.DAYS,
            base=durations.count,
            help=_("Mean days from the start of approval to the end of the youth-help contracts that ended in the "
                   "period (each contract on its own, a follow-up contract counts anew)."),
        ),
        Figure(
            "ueberpruefungen_fortgesetzt", _("Reviews: help continued"), reviews.continued,
            help=_("Reviews of youth helps held in the period that decided to continue or to change the help."),
        ),
        Figure(
            "ueberpruefungen_beendet", _("Reviews: help ended"), reviews.ended,
            help=_("Reviews of youth helps held in the period that decided to end the help."),
        ),
        Figure(
            "zielerreichung_mittel", _("Mean goal achievement"), reviews.mean_score, kind=Kind.NUMBER,
            base=reviews.rated_reviews,
            help=_("Mean rating (0 = not at all, 10 = fully reached) of all goals rated at the reviews of youth "
                   "helps held in the period."),
        ),
    ]

    labels = dict(HelpType.choices)
    rows = [(str(labels[t]), [Figure(f"hilfen_{t}", str(labels[t]), by_type.get(t, 0),
                                     link=_contract_link(ctx, t))])
            for t in metrics.YOUTH_HELP_TYPES]
    district_row = (str(labels[HelpType.DISTRICT]) + " " + _("(apart, not in the total)"),
                    [Figure("hilfen_district", str(labels[HelpType.DISTRICT]), district,
                            link=_contract_link(ctx, HelpType.DISTRICT))])
    total_label = _("Youth help total (§§ 27(2)–35a, 41)")
    table = Table(
        key="hilfearten",
        title=_("Running helps by type at the reference date"),
        columns=[_("Running helps")],
        rows=[*rows, district_row, (total_label, [Figure("hilfen_jugendhilfe_gesamt", total_label, running)])],
        total_row=True,
        note=_("The total sums the youth helps only: help in the district is counted apart; SGB IX integration "
               "help is not youth help and not shown."),
    )
    chart_types = [*metrics.YOUTH_HELP_TYPES, HelpType.DISTRICT]
    chart = Chart(
        key="hilfen_arten",
        title=_("Running helps by type"),
        kind="bar",
        # Short axis labels ("§ 27(2)", "§ 31", …); the table above names the types in full.
        categories=[_("District") if t == HelpType.DISTRICT else "§ " + t.replace("_", "(") + (")" if "_" in t else "")
                    for t in chart_types],
        series=[(_("Running helps"), [by_type.get(t, 0) for t in chart_types])],
        unit=_("helps"),
    )
    return Section(subject="help", title=_("Help"), figures=figures, tables=[table], charts=[chart])
