"""The dashboard of one scope and period: every section the user may see, with its comparisons.

Each section is computed three times – for the period, the period before and the same period a
year earlier – and every headline figure gets the other two values by key. The inter-municipal
key figures (IKO) are picked from whichever sections carry them, so the shell needs no change
when a section adds one. For publication (committee report, published exports) each computed
section is suppressed before the comparison values are filled in, so "< 5" reaches every column.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from juwe.controlling import sections as registry
from juwe.controlling.figures import Context, Figure, Kind, Section, Table
from juwe.controlling.period import Period
from juwe.controlling.scope import Scope, Subject, subjects_for
from juwe.controlling.suppression import suppress_section

# The comparison ring's key figures (KGSt IKO-Netz, state report on educational help), in order.
IKO_KEYS = (
    "hze_dichte",
    "dichte_ambulant",
    "dichte_stationaer",
    "anteil_ambulant",
    "anteil_vollzeitpflege",
    "kosten_je_einwohner_u21",
    "kosten_je_fall",
    "faelle_je_vzk",
)
IKO_TABLE = "iko"
KEY_FIGURES_TABLE = "kennzahlen"


@dataclass
class Change:
    """current − previous: `delta` in the figure's unit (percentage points for shares)."""

    delta: Decimal
    percent: Decimal | None  # relative change; None for shares (points say it) or from zero
    direction: str  # "up", "down", "same"


def change(current, previous, kind: str = Kind.COUNT) -> Change | None:
    if not _number(current) or not _number(previous):
        return None
    delta = Decimal(current) - Decimal(previous)
    percent = None
    if kind != Kind.SHARE and previous:
        percent = (delta * 100 / abs(Decimal(previous))).quantize(Decimal("0.1"))
    direction = "up" if delta > 0 else "down" if delta < 0 else "same"
    return Change(delta, percent, direction)


def _number(value) -> bool:
    return value is not None and not isinstance(value, (str, bool))


@dataclass
class Dashboard:
    scope: Scope
    period: Period
    previous: Period
    year_before: Period
    sections: list[Section]
    iko: Table | None
    published: bool = False

    @property
    def one_comparison(self) -> bool:
        """A year's previous period is the year before: one comparison column is enough."""
        return self.previous == self.year_before

    @property
    def visible_sections(self) -> list[Section]:
        """Sections with anything to show (a section not built yet returns nothing)."""
        return [s for s in self.sections if s.figures or s.tables or s.charts]

    @property
    def figures(self) -> list[Figure]:
        return [fig for section in self.sections for fig in section.figures]

    @property
    def data_as_of(self):
        """The oldest refresh time a section reports (summary tables), if any."""
        times = [t for s in self.sections if (t := getattr(s, "data_as_of", None)) is not None]
        return min(times) if times else None

    def key_figures_table(self) -> Table:
        columns = [self.period.label, self.previous.label, self.year_before.label]
        rows = [
            (fig.label, [fig, _comparison(fig, fig.previous), _comparison(fig, fig.year_before)])
            for fig in self.figures
        ]
        return Table(KEY_FIGURES_TABLE, _("Key figures"), columns, rows)

    def tables(self) -> dict[str, Table]:
        """Every table of the page by key (section tables, the IKO table, the key figures)."""
        out = {table.key: table for section in self.sections for table in section.tables}
        if self.iko is not None:
            out[IKO_TABLE] = self.iko
        out[KEY_FIGURES_TABLE] = self.key_figures_table()
        return out


def _comparison(fig: Figure, value) -> Figure:
    """A comparison value as a cell of its own (already suppressed when the dashboard is published)."""
    return Figure(fig.key, fig.label, value, fig.kind, base=0 if isinstance(value, str) else None)


def allowed_subjects(user) -> list[str]:
    allowed = subjects_for(user)
    return [subject for subject in Subject if subject in allowed and subject in registry.MODULES]


def build(user, scope: Scope, period: Period, *, published: bool = False) -> Dashboard:
    """Compute the user's sections for the scope in the period and both comparison periods."""
    previous, year_before = period.previous(), period.year_before()
    computed: list[Section] = []
    picked: dict[str, tuple[Figure, Figure | None, Figure | None]] = {}
    for subject in allowed_subjects(user):
        current, before, last_year = (
            registry.compute(subject, Context(scope=scope, period=p, user=user)) for p in (period, previous, year_before)
        )
        if published:
            current, before, last_year = (suppress_section(s) for s in (current, before, last_year))
        if not current.title or current.title == subject:
            current.title = str(Subject(subject).label)
        by_key_before = {f.key: f for f in before.figures}
        by_key_last = {f.key: f for f in last_year.figures}
        for fig in current.figures:
            fig.previous = _value(by_key_before.get(fig.key))
            fig.year_before = _value(by_key_last.get(fig.key))
            if fig.key in IKO_KEYS and fig.key not in picked:
                picked[fig.key] = (fig, by_key_before.get(fig.key), by_key_last.get(fig.key))
        computed.append(current)
    iko = None
    if picked:
        iko = Table(
            IKO_TABLE,
            _("Inter-municipal key figures (IKO)"),
            [period.label, previous.label, year_before.label],
            [
                (fig.label, [fig, before or _comparison(fig, None), last or _comparison(fig, None)])
                for key in IKO_KEYS
                if key in picked
                for fig, before, last in [picked[key]]
            ],
            note=_("Defined as in the comparison ring: per reference date and per 100 inhabitants under 21."),
        )
    return Dashboard(scope, period, previous, year_before, computed, iko, published)


def _value(fig: Figure | None):
    return fig.value if fig is not None else None
