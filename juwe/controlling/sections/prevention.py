"""Prevention: micro-projects against the prevention frame, participants and referrals, quality
reviews, the action budget, network coverage and the offer directory – for the scope's districts.

Definitions (each also in the figure's help):
- a micro-project counts in the period when it is approved, running or completed and its project
  period overlaps the period; it belongs to every district it is in (once in a total);
- money (approved, frame) is that of the budget year in which the period ends, charged to the scope's
  districts – the same figures as the district overview of micro-projects;
- participants are the quarterly participation counts of the quarters overlapping the period.
The figures come from `microprojects.metrics` and `networks.metrics`: a fixed number of queries.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from juwe.controlling.figures import Chart, Figure, Kind, Section, Table, ratio, share
from juwe.controlling.scope import Level
from microprojects import metrics as mp_metrics
from microprojects.models import Category, Status
from networks import metrics as net_metrics

HUNDRED = Decimal("100.0")


def compute(ctx) -> Section:
    scope, period = ctx.scope, ctx.period
    ids = scope.district_ids
    year = period.end.year
    districts = _row_groups(scope)

    counts = mp_metrics.project_counts(ids, period.start, period.end)
    frame = mp_metrics.frame_figures(ids, year)
    people = mp_metrics.participation(ids, period.start, period.end)
    reviews = mp_metrics.review_gaps(ids, period.reference)
    grants = mp_metrics.granted(ids, period.start, period.end)
    coverage = net_metrics.coverage(ids)
    population = net_metrics.youth_population(ids, period.reference)
    offers = net_metrics.offer_counts(ids, period.reference)

    links = _Links(ctx, year)
    # Offers only of districts whose young inhabitants are known, so the ratio compares like with like.
    offer_count = sum(n for d, n in offers.items() if d in population)
    inhabitants = sum(population.values())
    referral_share = share(people.referrals, people.total)

    figures = [
        Figure(
            "mikroprojekte", _("Micro-projects in the period"), counts.total, link=links.projects(),
            help=_("Approved, running or completed micro-projects whose project period overlaps the period, "
                   "in at least one district of the scope (each project once)."),
        ),
        Figure(
            "mikroprojekte_bewilligt_summe", _("Approved for micro-projects"), frame.approved, Kind.MONEY,
            base=frame.projects, link=links.overview(),
            help=_("Approved amounts with granted supplements of the approved, running or completed micro-projects "
                   "charged to the scope's districts in budget year %(year)s.") % {"year": year},
        ),
        Figure(
            "praeventionsrahmen", _("Prevention frame"), frame.frame, Kind.MONEY, base=frame.projects,
            link=links.overview(),
            help=_("The prevention budgets of the scope's districts for %(year)s.") % {"year": year},
        ),
        Figure(
            "anteil_rahmen", _("Share of the frame approved"), share(frame.approved, frame.frame), Kind.SHARE,
            base=frame.projects, link=links.overview(),
            help=_("Approved amounts (with supplements) of budget year %(year)s as a percentage of the prevention "
                   "frame of that year.") % {"year": year},
        ),
        Figure(
            "teilnehmende", _("Participants"), people.total, link=links.overview(),
            help=_("Participants the micro-projects of the scope recorded in their quarterly counts (referred by case "
                   "management and low-threshold), for the quarters overlapping the period."),
        ),
        Figure(
            "anteil_vermittelt", _("Share referred (recorded referrals)"),
            min(referral_share, HUNDRED) if referral_share is not None else None, Kind.SHARE, base=people.total,
            link=links.overview(),
            help=_("Referrals of cases to the scope's micro-projects recorded by case management in those quarters, "
                   "as a percentage of the participants counted (at most 100)."),
        ),
        Figure(
            "anteil_vermittelt_gezaehlt", _("Share referred (hand-counted)"),
            share(people.referred_by_cm, people.total), Kind.SHARE, base=people.total, link=links.overview(),
            help=_("Participants counted by the projects as referred by case management, as a percentage of all "
                   "participants counted in those quarters."),
        ),
        Figure(
            "ohne_review_12_monate", _("Projects without a review in 12 months"), reviews.without_review,
            link=links.projects(status=Status.RUNNING),
            help=_("Of the %(n)s micro-projects that ran on the reference date and had started at least 12 months "
                   "before, those without a quality review in the 12 months up to the reference date.")
            % {"n": reviews.eligible},
        ),
        Figure(
            "aktionsbudget_zuschuesse", _("Action-budget grants"), grants.count, link=links.grants(),
            help=_("Grants from the action budgets of the scope's districts decided as granted in the period."),
        ),
        Figure(
            "aktionsbudget_summe", _("Action-budget grants, amount"), grants.amount, Kind.MONEY, base=grants.count,
            link=links.grants(),
            help=_("The sum of the action-budget grants decided as granted in the period."),
        ),
        Figure(
            "netzwerk_luecken", _("Network coverage gaps"), coverage.gaps(), link=links.coverage(),
            help=_("Age cohorts without an active network, counted per district of the scope (the current state "
                   "of the networks)."),
        ),
        Figure(
            "angebote_je_1000", _("Offers per 1,000 inhabitants under 21"),
            ratio(offer_count * 1000, inhabitants), Kind.NUMBER, base=offer_count, link=links.offers(),
            help=_("Published offers of the offer directory valid on the reference date and open to under-21s, per "
                   "1,000 inhabitants under 21 (district indicators of the reference year or the latest before; "
                   "districts without indicators left out)."),
        ),
    ]
    return Section(
        subject="prevention",
        title=_("Prevention"),
        figures=figures,
        tables=[_category_table(counts, districts), _coverage_table(coverage, districts)],
        charts=[_category_chart(counts)],
    )


def _row_groups(scope) -> list[tuple[str, str, tuple[int, ...]]]:
    """The rows of the prevention tables: (key, label, district ids) – the districts of a team or
    district scope, the teams of a social centre or the office (85 district rows would bury the page)."""
    districts = scope.districts().select_related("team").order_by("team__name", "name")
    if scope.level in (Level.TEAM, Level.DISTRICT):
        return [(str(d.pk), d.name, (d.pk,)) for d in districts]
    teams: dict[int, tuple[str, list[int]]] = {}
    for d in districts:
        teams.setdefault(d.team_id, (d.team.name, []))[1].append(d.pk)
    return [(f"team{pk}", name, tuple(ids)) for pk, (name, ids) in teams.items()]


def _by_team(groups) -> bool:
    return bool(groups) and groups[0][0].startswith("team")


def _category_table(counts, groups) -> Table:
    """Districts (or teams) as rows, categories as columns: the page stays narrow."""
    rows = []
    for key, name, ids in groups:
        by_category = {c: sum(counts.by_district.get((pk, c), 0) for pk in ids) for c in Category.values}
        cells = [
            Figure(f"mikroprojekte.{category}.{key}", str(label), by_category[category])
            for category, label in Category.choices
        ]
        cells.append(Figure(f"mikroprojekte.total.{key}", _("Total"), sum(by_category.values())))
        rows.append((name, cells))
    totals = [
        Figure(f"mikroprojekte.{category}.total", str(label), counts.by_category.get(category, 0))
        for category, label in Category.choices
    ]
    totals.append(Figure("mikroprojekte.total.total", _("Total"), counts.total))
    rows.append((_("Total"), totals))
    return Table(
        key="mikroprojekte_kategorien",
        title=_("Micro-projects by team and category") if _by_team(groups) else _("Micro-projects by district and category"),
        columns=[str(label) for label in Category.labels] + [_("Total")],
        rows=rows,
        total_row=True,
        note=_("A project in several districts counts in each of them and once in the total."),
    )


def _coverage_table(coverage, groups) -> Table:
    rows = []
    for key, name, ids in groups:
        cells = [
            Figure(f"netzwerk_abdeckung.{key}.{c.code}", c.name, sum(coverage.count(pk, c.pk) for pk in ids))
            for c in coverage.cohorts
        ]
        cells.append(Figure(f"netzwerk_abdeckung.{key}.gaps", _("Gaps"), sum(coverage.gaps(pk) for pk in ids)))
        rows.append((name, cells))
    return Table(
        key="netzwerk_abdeckung",
        title=(_("Network coverage by team and age cohort") if _by_team(groups)
               else _("Network coverage by district and age cohort")),
        columns=[c.name for c in coverage.cohorts] + [_("Gaps")],
        rows=rows,
        note=_("Active networks per district and age cohort; 0 is a gap."),
    )


def _category_chart(counts) -> Chart:
    return Chart(
        key="mikroprojekte_kategorien",
        title=_("Micro-projects by category"),
        kind="bar",
        categories=[str(label) for label in Category.labels],
        series=[(_("Micro-projects"), [counts.by_category.get(c, 0) for c in Category.values])],
    )


class _Links:
    """The lists behind the figures, filtered to the scope, for viewers allowed to see them."""

    def __init__(self, ctx, year: int):
        self.user, self.scope, self.period, self.year = ctx.user, ctx.scope, ctx.period, year

    def _may(self, perm: str) -> bool:
        return self.user is not None and self.user.has_perm(perm)

    def _districts(self) -> dict:
        """The district filter: none for the whole office (the list's own scope), else the districts."""
        if self.scope.level == Level.OFFICE:
            return {}
        ids = list(self.scope.district_ids)
        return {"district": ids[0]} if len(ids) == 1 else {"districts": ids}

    @staticmethod
    def _url(name: str, params: dict) -> str:
        query = urlencode(params, doseq=True)
        return f"{reverse(name)}?{query}" if query else reverse(name)

    def projects(self, **extra) -> str | None:
        if not self._may("microprojects.view"):
            return None
        params = self._districts()
        if self.period.start.year == self.period.end.year:
            params["year"] = self.year
        return self._url("microprojects:list", {**params, **extra})

    def overview(self) -> str | None:
        if not self._may("microprojects.view_overview"):
            return None
        return self._url("microprojects:district_overview", {"year": self.year})

    def grants(self) -> str | None:
        if not self._may("microprojects.view_grants"):
            return None
        return self._url("microprojects:grant_list", {"year": self.year, "status": "granted"})

    def coverage(self) -> str | None:
        if not self._may("networks.view_coverage"):
            return None
        # The coverage page filters by social centre only: a team or district opens its social centre.
        obj = self.scope.obj
        centre = obj.pk if self.scope.level == Level.SOCIAL_CENTER else getattr(obj, "social_center_id", None)
        return self._url("networks:coverage", {"social_center": centre} if centre else {})

    def offers(self) -> str | None:
        if not self._may("networks.view_directory"):
            return None
        return self._url("networks:offer_search", self._districts())
