"""Hand-built sections for the dashboard shell's tests (the real section modules are written apart).

`install(monkeypatch)` replaces the registry's compute with these: each runs one real aggregate
query (so query counts are those of a section that aggregates in SQL) and returns literal figures
that depend on the period's year, so the comparison columns can be told apart.
"""

from datetime import date
from decimal import Decimal

from django.db.models import Count

from juwe.controlling import sections as registry
from juwe.controlling.figures import Chart, Figure, Kind, Section, Table
from juwe.models import District

NEW_CASES = {2026: 12, 2025: 10}  # faelle_neu by the period's year; 3 in any other year


def _cases(ctx, districts: int) -> Section:
    year = ctx.period.end.year
    return Section(
        subject="cases", title="Fälle",
        figures=[
            Figure("faelle_neu", "Neue Fälle", NEW_CASES.get(year, 3), help="Im Zeitraum eröffnete Fälle.",
                   link="/faelle/"),
            Figure("faelle_offen", "Offene Fälle", 2),
            Figure("anteil_ohne_hilfe", "Ohne formelle Hilfe beendet", Decimal("12.5"), Kind.SHARE, base=8),
            Figure("bezirke", "Stadtteile", districts),
            Figure("dauer_median", "Dauer bis zur Entscheidung (Median)", None, Kind.DAYS),
        ],
        tables=[Table("faelle_nach_grund", "Beendet nach Grund", ["Fälle"], [
            ("Beratung", [Figure("g1", "Beratung", 3)]),
            ("Hilfe", [Figure("g2", "Hilfe", 10)]),
            ("Umzug", [Figure("g3", "Umzug", 7)]),
            ("Gesamt", [Figure("g", "Gesamt", 20)]),
        ], total_row=True)],
        charts=[Chart("faelle_monat", "Neue Fälle je Monat", "bar", [date(year, 1, 1), date(year, 2, 1)],
                      [(str(year), [4, 8])])],
    )


def _money(ctx, districts: int) -> Section:
    return Section(subject="money", title="Geld", figures=[
        Figure("kosten_gebucht", "Gebuchte Kosten", Decimal("1234.50"), Kind.MONEY, base=12),
        Figure("kosten_je_fall", "Kosten je Fall", Decimal("617.25"), Kind.MONEY, base=2),
    ])


def _help(ctx, districts: int) -> Section:
    return Section(subject="help", title="Hilfen", figures=[
        Figure("hze_dichte", "HzE-Dichte", Decimal("1.25"), Kind.NUMBER, base=40),
        Figure("anteil_stationaer", "Anteil stationär", Decimal("37.5"), Kind.SHARE, base=40),
    ], charts=[Chart("hilfen_verlauf", "Laufende Hilfen", "line", ["Q1", "Q2", "Q3"],
                     [("Ambulant", [10, 12, 11]), ("Stationär", [6, Decimal("6.5"), 7])])])


def _prevention(ctx, districts: int) -> Section:
    return Section(subject="prevention", title="Prävention", figures=[
        Figure("mikroprojekte", "Mikroprojekte", 6),
    ])


BUILDERS = {"cases": _cases, "money": _money, "help": _help, "prevention": _prevention}


def fake_compute(subject, ctx) -> Section:
    districts = District.objects.filter(id__in=ctx.scope.district_ids).aggregate(n=Count("id"))["n"]
    builder = BUILDERS.get(str(subject))
    return builder(ctx, districts) if builder else Section(subject=str(subject), title=str(subject))


def install(monkeypatch) -> None:
    monkeypatch.setattr(registry, "compute", fake_compute)
