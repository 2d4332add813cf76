"""Staffing (Personalbemessung): posts, cases and the socially weighted youth population per team.

Per team of the scope: the full-time case managers of the period's end year (`TeamPosts`), the
cases open at the reference date per full-time case manager, and the youth population under 21 of
the team's districts, weighted by the band of each district's precarisation index, per full-time
case manager. The youth population and index come from each district's latest indicator year up to
the period's end year (the analysis is published with a delay). At the district level the posts
are the district's own staff figure of that indicator year, since a team's posts cannot be divided
up by district.

Five queries whatever the size of the office: districts with their teams, indicators, weight
bands, posts, open cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from cases.metrics.staffing import open_cases_by_district
from juwe.controlling import staffing
from juwe.controlling.figures import Context, Figure, Kind, Section, Table, ratio
from juwe.controlling.scope import Level, Subject, subjects_for
from juwe.models import District, DistrictIndicator, PrecarisationWeight, TeamPosts


@dataclass
class TeamRow:
    team_id: int
    name: str
    posts: Decimal | None
    open_cases: int
    youth_population: int
    weighted_population: Decimal
    # For a total: the cases and population of the teams with recorded posts (the ratios' numerators).
    staffed_cases: int | None = None
    staffed_weighted: Decimal | None = None

    @property
    def cases_per_post(self) -> Decimal | None:
        cases = self.open_cases if self.staffed_cases is None else self.staffed_cases
        return ratio(cases, self.posts, "0.1")

    @property
    def weighted_per_post(self) -> Decimal | None:
        weighted = self.weighted_population if self.staffed_weighted is None else self.staffed_weighted
        return ratio(weighted, self.posts, "1")


def weight_bands() -> list[tuple[Decimal, Decimal]]:
    return list(PrecarisationWeight.objects.order_by("index_from").values_list("index_from", "weight"))


def team_rows(district_ids, year: int, reference, *, district_level: bool = False) -> list[TeamRow]:
    """One row per team of the districts, ordered by team name (the order the split uses too)."""
    districts = list(District.objects.filter(id__in=district_ids).values("id", "team_id", "team__name"))
    ids = [d["id"] for d in districts]
    latest = {
        row["district_id"]: row
        for row in DistrictIndicator.objects.filter(district_id__in=ids, year__lte=year)
        .order_by("district_id", "-year")
        .distinct("district_id")
        .values("district_id", "youth_population", "precarity_index", "staff_posts")
    }
    bands = weight_bands()
    team_ids = {d["team_id"] for d in districts}
    if district_level:
        posts = {}
        for d in districts:
            staff = latest.get(d["id"], {}).get("staff_posts")
            if staff is not None:
                posts[d["team_id"]] = posts.get(d["team_id"], Decimal("0")) + staff
    else:
        posts = dict(
            TeamPosts.objects.filter(team_id__in=team_ids, year=year).values_list("team_id", "case_manager_posts")
        )
    cases = open_cases_by_district(ids, reference)
    rows: dict[int, TeamRow] = {}
    for d in districts:
        row = rows.get(d["team_id"])
        if row is None:
            row = rows[d["team_id"]] = TeamRow(
                d["team_id"], d["team__name"], posts.get(d["team_id"]), 0, 0, Decimal("0.00")
            )
        indicator = latest.get(d["id"])
        row.open_cases += cases.get(d["id"], 0)
        if indicator:
            row.youth_population += indicator["youth_population"]
            row.weighted_population += staffing.weighted_population(
                [(indicator["youth_population"], indicator["precarity_index"])], bands
            )
    return sorted(rows.values(), key=lambda r: (r.name, r.team_id))


def _row_figures(row: TeamRow) -> list[Figure]:
    return [
        Figure("vollzeitstellen", _("Full-time case managers"), row.posts, Kind.NUMBER),
        Figure("faelle_offen", _("Open cases"), row.open_cases, Kind.COUNT),
        Figure("faelle_je_vzk", _("Cases per full-time case manager"), row.cases_per_post, Kind.NUMBER,
               base=row.open_cases),
        Figure("einwohner_u21", _("Youth population under 21"), row.youth_population, Kind.NUMBER),
        Figure("gewichtete_einwohner", _("Socially weighted youth population"), row.weighted_population, Kind.NUMBER),
        Figure("gewichtete_einwohner_je_vzk", _("Socially weighted youth population per full-time case manager"),
               row.weighted_per_post, Kind.NUMBER),
    ]


def totals(rows: list[TeamRow]) -> TeamRow:
    """The scope as one row; ratios only over teams whose posts are recorded (else they would inflate)."""
    staffed = [r for r in rows if r.posts]
    return TeamRow(
        0,
        _("Total"),
        sum((r.posts for r in staffed), Decimal("0.00")) if staffed else None,
        sum(r.open_cases for r in rows),
        sum(r.youth_population for r in rows),
        sum((r.weighted_population for r in rows), Decimal("0.00")),
        staffed_cases=sum(r.open_cases for r in staffed),
        staffed_weighted=sum((r.weighted_population for r in staffed), Decimal("0.00")),
    )


def compute(ctx: Context) -> Section:
    year = ctx.period.end.year
    rows = team_rows(ctx.scope.district_ids, year, ctx.period.reference,
                     district_level=ctx.scope.level == Level.DISTRICT)
    total = totals(rows)
    link = None
    if ctx.user is not None and Subject.STAFFING in subjects_for(ctx.user):
        link = f"{reverse('controlling:staffing')}?jahr={year}"
    figures = [
        Figure("vollzeitstellen", _("Full-time case managers"), total.posts, Kind.NUMBER, link=link,
               help=_("Full-time equivalents of case managers of the teams in %(year)s, as the administration "
                      "records them.") % {"year": year}),
        Figure("faelle_je_vzk", _("Cases per full-time case manager"), total.cases_per_post,
               Kind.NUMBER, base=total.staffed_cases, link=link,
               help=_("Cases open at the reference date per full-time case manager (teams with recorded posts).")),
        Figure("gewichtete_einwohner_je_vzk", _("Socially weighted youth population per full-time case manager"),
               total.weighted_per_post, Kind.NUMBER, link=link,
               help=_("Inhabitants under 21, each district weighted by its precarisation index, per full-time "
                      "case manager.")),
    ]
    table_rows = [(row.name, _row_figures(row)) for row in rows]
    if len(rows) > 1:
        table_rows.append((total.name, _row_figures(total)))
    table = Table(
        key="personalbemessung",
        title=_("Staffing reference per team"),
        columns=[f.label for f in _row_figures(total)],
        rows=table_rows,
        total_row=len(rows) > 1,
        note=_("Youth population and precarisation index of each district's latest indicator year up to %(year)s.")
        % {"year": year},
    )
    return Section(subject="staffing", title=_("Staffing"), figures=figures, tables=[table])
