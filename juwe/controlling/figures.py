"""What a section returns: figures with their definition and link, tables and charts.

A section module has `compute(ctx: Context) -> Section`. It aggregates in SQL through the apps'
metrics (a fixed number of queries, whatever the size of the office) and never returns anything
that names a person. `Figure.base` is the number of cases (or reports, projects …) a figure is
computed from: the suppression of small numbers works from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models

from juwe.controlling.period import Period
from juwe.controlling.scope import Scope


class Kind(models.TextChoices):
    COUNT = "count"  # a number of cases, helps, reports …: suppressed under 5 when published
    SHARE = "share"  # a percentage 0–100 (Decimal, 1 place); base = the denominator
    MONEY = "money"  # EUR (Decimal, 2 places)
    NUMBER = "number"  # any other ratio or mean (Decimal); base = how many it is taken over
    DAYS = "days"  # a duration in days (Decimal, 1 place)


@dataclass
class Figure:
    key: str  # stable machine key, e.g. "faelle_neu" (used by the CSV of key figures and the tests)
    label: str
    value: int | Decimal | None  # None: not defined (e.g. a share of nothing)
    kind: str = Kind.COUNT
    base: int | None = None  # for COUNT the value itself; for shares and means the denominator
    link: str | None = None  # the list behind the figure, only when the user may see that list
    help: str = ""  # the definition in one sentence, shown with the figure
    # Filled by the dashboard for the headline figures: the same figure in the comparison periods.
    previous: int | Decimal | None = None
    year_before: int | Decimal | None = None

    def __post_init__(self):
        if self.kind == Kind.COUNT and self.base is None and self.value is not None:
            self.base = int(self.value)


@dataclass
class Table:
    """A breakdown: rows of figures under column headings. `total_row`: the last row sums the others."""

    key: str
    title: str
    columns: list[str]
    rows: list[tuple[str, list[Figure]]]
    total_row: bool = False
    note: str = ""


@dataclass
class Chart:
    """A chart drawn on the server: categories on the x axis, one or more series of numbers."""

    key: str
    title: str
    kind: str  # "bar" or "line"
    categories: list[str]
    series: list[tuple[str, list[Decimal | int | None]]]
    unit: str = ""


@dataclass
class Section:
    subject: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    note: str = ""

    def figure(self, key: str) -> Figure:
        for fig in self.figures:
            if fig.key == key:
                return fig
        raise KeyError(key)


@dataclass(frozen=True)
class Context:
    """What a section computes for: the scope, the period (with its reference date) and the viewer.

    `user` only decides which links a figure carries (the viewer's permission to see the list
    behind it); the figures themselves depend on scope and period alone.
    """

    scope: Scope
    period: Period
    user: object = None


def share(part: int, whole: int) -> Decimal | None:
    """part / whole in per cent with one decimal place, None when there is no whole."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def ratio(numerator, denominator, places: str = "0.01") -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal(places))
