"""Money: budget, booked, committed, forecast and variance per scope and budget area, cost growth
against the expected trend, cost per case and per inhabitant under 21, the share with other providers.

Definitions (the figures' `help` says each in one sentence):

- The headline figures are youth help (SGB VIII, § 35a included): the comparison rings' net
  expenditure is that of educational help. The table shows both areas and their total.
- Budgets are those of the year(s) the period lies in: a period inside one year (a quarter, some
  months) is set against that year's whole budget and its year-end forecast; a period across a year
  boundary against the budgets of both years.
- Booked costs are by booking date, net of reversals, without micro-projects (budgets.metrics).
- Cost growth compares with the same period a year before, next to the expected yearly trend.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from budgets import metrics
from budgets.models import Area
from juwe.controlling.figures import Chart, Figure, Kind, Section, Table, ratio, share
from juwe.controlling.scope import Level
from juwe.lib.money import to_money

ZERO = Decimal("0.00")
PERCENT = Decimal("0.1")
DEFAULT_TREND = Decimal("4.0")
# Scope level → the filter of the budget and cost-entry lists that narrows them the same way.
SCOPE_FILTER = {Level.DISTRICT: "district", Level.TEAM: "team", Level.SOCIAL_CENTER: "social_center"}


def compute(ctx) -> Section:
    period, scope = ctx.period, ctx.scope
    ids = scope.district_ids
    years = list(range(period.start.year, period.end.year + 1))
    before = period.year_before()
    now, last = metrics.booked_costs(ids, [(period.start, period.end), (before.start, before.end)])
    areas = metrics.area_positions(ids, years)
    cases, case_costs = metrics.cases_with_costs(ids, period.start, period.end)
    population, _districts = metrics.youth_population(ids, period.end.year)

    youth = Area.YOUTH_HELP
    booked, booked_before = to_money(now.by_area[youth]), to_money(last.by_area[youth])
    position = areas[youth]
    growth = _growth(booked, booked_before)
    trend = Decimal(getattr(settings, "JUWE_EXPECTED_COST_TREND", DEFAULT_TREND)).quantize(PERCENT)
    budget_link, cost_link = _links(ctx, years)

    figures = [
        Figure("budget", _("Budget"), position.amount, Kind.MONEY, link=budget_link,
               help=_("Sum of the youth-help budgets of the scope's districts for the year(s) the period lies in.")),
        Figure("kosten_gebucht", _("Costs booked"), booked, Kind.MONEY, link=cost_link,
               help=_("Youth-help cost entries booked in the period (by booking date), net of reversals, "
                      "without micro-projects.")),
        Figure("gebunden", _("Committed"), position.committed, Kind.MONEY, link=budget_link,
               help=_("Money of these budgets promised by active contracts for the rest of the year, not yet booked.")),
        Figure("prognose", _("Forecast year end"), position.projected, Kind.MONEY, link=budget_link,
               help=_("Projected year-end costs of these budgets: booked, committed and the run-rate for the "
                      "rest of the year, as on the budget page.")),
        Figure("abweichung", _("Variance"), position.variance, Kind.MONEY, link=budget_link,
               help=_("Budget minus forecast year end: positive is money left, negative an expected overrun.")),
        Figure("kostensteigerung", _("Cost growth"), growth, Kind.SHARE, link=cost_link,
               help=_("Change of the costs booked against the same period of the previous year, in per cent.")),
        Figure("kostentrend_erwartet", _("Expected cost trend"), trend, Kind.SHARE,
               help=_("The yearly cost growth the budget planning expects, in per cent.")),
        Figure("kosten_je_fall", _("Cost per case"), _money_ratio(case_costs, cases), Kind.MONEY, base=cases,
               link=cost_link,
               help=_("Youth-help costs booked on cases in the period divided by the number of those cases "
                      "(flat payments not booked on a case are left out).")),
        Figure("kosten_je_einwohner_u21", _("Cost per inhabitant under 21"), _money_ratio(booked, population),
               Kind.MONEY, base=population, link=cost_link,
               help=_("Costs booked divided by the inhabitants under 21 of the scope's districts (district "
                      "indicators of the period's last year, else the latest year before).")),
        Figure("anteil_andere_traeger", _("Share with other providers"),
               share(now.other_provider[youth], booked) if booked > 0 else None, Kind.SHARE, link=cost_link,
               help=_("Share of the costs booked that went to providers other than the budget's lead provider.")),
    ]
    return Section(
        subject="money", title=_("Finances"), figures=figures,
        tables=[_area_table(now, areas, figures)], charts=[_month_chart(period, before, now, last)],
        note=_growth_note(growth, trend),
    )


def _growth(current: Decimal, previous: Decimal) -> Decimal | None:
    """Change in per cent, one place; None without costs a year before (no base to compare with)."""
    if previous <= 0:
        return None
    return ((current - previous) * 100 / previous).quantize(PERCENT)


def _money_ratio(amount: Decimal, count: int) -> Decimal | None:
    return ratio(amount, count) if count else None


def _signed(value: Decimal) -> str:
    text = formats.number_format(value, 1)
    return f"+{text} %" if value > 0 else f"{text} %"


def _growth_note(growth: Decimal | None, trend: Decimal) -> str:
    if growth is None:
        return _("No costs were booked in the same period a year before, so there is no cost growth to set "
                 "against the expected trend of %(trend)s.") % {"trend": _signed(trend)}
    return _("Cost growth against the same period of the previous year: %(growth)s instead of %(trend)s "
             "(expected trend).") % {"growth": _signed(growth), "trend": _signed(trend)}


def _area_table(now: metrics.Booked, areas: dict[str, metrics.AreaPosition], headline: list[Figure]) -> Table:
    columns = [_("Budget"), _("Booked"), _("Committed"), _("Forecast year end"), _("Variance")]
    rows, total, by_key = [], [ZERO] * 5, {f.key: f for f in headline}
    for value, label in Area.choices:
        pos = areas[value]
        amounts = [pos.amount, to_money(now.by_area[value]), pos.committed, pos.projected, pos.variance]
        total = [t + a for t, a in zip(total, amounts, strict=True)]
        rows.append((str(label), _money_row(amounts, by_key)))
    rows.append((_("Total"), _money_row(total, by_key)))
    return Table(
        key="budgetbereiche", title=_("Budget areas"), columns=columns, rows=rows, total_row=True,
        note=_("Booked: in the period by booking date, without micro-projects; budget, committed and forecast: "
               "the budgets of the period's year(s)."),
    )


KEYS = ["budget", "kosten_gebucht", "gebunden", "prognose", "abweichung"]


def _money_row(amounts: list[Decimal], headline: dict[str, Figure]) -> list[Figure]:
    """A table row's cells, each with the definition of the headline figure of the same key."""
    labels = [_("Budget"), _("Booked"), _("Committed"), _("Forecast year end"), _("Variance")]
    return [Figure(k, str(label), a, Kind.MONEY, help=headline[k].help)
            for k, label, a in zip(KEYS, labels, amounts, strict=True)]


def _month_chart(period, before, now: metrics.Booked, last: metrics.Booked) -> Chart:
    """Youth-help costs booked per month of the period beside the same months a year before."""
    months = _months(period.start, period.end)
    youth = Area.YOUTH_HELP
    current = [to_money(now.months.get((youth, m), ZERO)) for m in months]
    previous = [to_money(last.months.get((youth, m.replace(year=m.year - 1)), ZERO)) for m in months]
    return Chart(
        key="kosten_monate", title=_("Costs booked per month"), kind="line",
        categories=list(months),
        series=[(period.label, current), (before.label, previous)], unit="€",
    )


def _months(start: date, end: date) -> list[date]:
    out, day = [], start.replace(day=1)
    while day <= end:
        out.append(day)
        day = day.replace(year=day.year + day.month // 12, month=day.month % 12 + 1)
    return out


def _links(ctx, years: list[int]) -> tuple[str | None, str | None]:
    """The budget list and the cost-entry list narrowed to the scope and period – only for a viewer
    allowed to open them (the permissions the budgets views check)."""
    user = ctx.user
    if user is None or not getattr(user, "is_authenticated", False):
        return None, None
    scope_params = {}
    if ctx.scope.level in SCOPE_FILTER:
        scope_params[SCOPE_FILTER[ctx.scope.level]] = ctx.scope.object_id
    budget_link = cost_link = None
    if user.has_perm("budgets.view_budgets"):
        params = {"area": Area.YOUTH_HELP, **scope_params}
        if len(years) == 1:
            params["year"] = years[0]
        budget_link = f"{reverse('budgets:budget_list')}?{urlencode(params)}"
    if user.has_perm("budgets.view_cost_entries"):
        params = {"date_from": ctx.period.start.isoformat(), "date_to": ctx.period.end.isoformat(),
                  "area": Area.YOUTH_HELP, "without_microprojects": "true"}
        if ctx.scope.level != Level.OFFICE:
            params["districts"] = ",".join(str(i) for i in ctx.scope.district_ids)
        cost_link = f"{reverse('budgets:cost_entry_list')}?{urlencode(params)}"
    return budget_link, cost_link
