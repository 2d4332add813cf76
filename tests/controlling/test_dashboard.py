"""The dashboard page: comparisons, German formatting, charts, IKO table, bad input, query count."""

import datetime as dt
import re
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from juwe.controlling import dashboard as dash
from juwe.controlling.figures import Chart, Kind
from juwe.controlling.formatting import format_change, format_figure
from juwe.controlling.scope import resolve_scope
from juwe.controlling.period import Period
from juwe.lib.charts import axis_ticks, data_table, render_svg
from tests.controlling import shell_fakes
from tests.factories import DistrictFactory

FROZEN = dt.datetime(2026, 12, 4, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))


@pytest.fixture
def fakes(monkeypatch):
    shell_fakes.install(monkeypatch)


def test_headline_figures_get_both_comparisons(fakes, users):
    board = dash.build(users.leadership, resolve_scope(users.leadership), Period.quarter(2026, 1))
    new = next(f for f in board.figures if f.key == "faelle_neu")
    assert (new.value, new.previous, new.year_before) == (12, 10, 10)  # Q1 2026; Q4 2025; Q1 2025
    assert [s.subject for s in board.visible_sections] == ["cases", "help", "money", "prevention"]
    assert [label for label, _ in board.iko.rows] == ["HzE-Dichte", "Kosten je Fall"]  # IKO order, not section order


def test_published_dashboard_suppresses_every_column(fakes, users):
    board = dash.build(users.leadership, resolve_scope(users.leadership), Period.year(2024), published=True)
    open_cases = next(f for f in board.figures if f.key == "faelle_offen")
    assert (open_cases.value, open_cases.previous, open_cases.year_before) == ("< 5", "< 5", "< 5")
    assert board.iko.rows[1][1][0].value == "< 5"  # cost per case over 2 cases


def test_page_shows_german_figures_comparison_links_and_charts(fakes, users, as_user):
    with time_machine.travel(FROZEN, tick=False):
        client = as_user(users.leadership)
        page = client.get("/steuerung/").content.decode()
    assert "2026" in page and "04.12.2026" in page  # this year, cut at today
    assert "1.234,50\xa0€" in page and "12,5\xa0%" in page
    assert "▲</span> +2 (+20,0\xa0%)" in page  # 12 new cases against 10
    assert '<a href="/faelle/">Neue Fälle</a>' in page and "Im Zeitraum eröffnete Fälle." in page
    assert page.count('role="img"') == 2 and "<title id=\"page-faelle_monat-title\">" in page
    assert '<th scope="row">Beratung</th><td class="num">3</td>' in page  # exact on screen
    assert "/steuerung/tabelle/faelle_nach_grund.csv?ebene=amt&amp;jahr=2026" in page
    assert 'id="bereich-iko"' in page


@pytest.mark.parametrize("query", [
    "jahr=abc", "jahr=1800", "quartal=7", "von=2026-13", "von=2026-03", "von=2026-05&bis=2026-02",
    "stichtag=gestern", "stichtag=2025-06-30&jahr=2026", "id=abc&ebene=team", "ebene=foo", "bereich=team:abc",
    "jahr=2099",
])
def test_bad_input_is_a_field_error_not_a_500(fakes, users, as_user, query):
    with time_machine.travel(FROZEN, tick=False):
        response = as_user(users.leadership).get(f"/steuerung/?{query}")
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


@pytest.mark.parametrize("query", ["ebene=team&id=999999", "bereich=team:999999", "ebene=sozialzentrum&id=0"])
def test_unknown_object_is_404(fakes, users, as_user, query):
    assert as_user(users.leadership).get(f"/steuerung/?{query}&jahr=2024").status_code in (400, 404)


def test_period_parameters(fakes, users, as_user):
    with time_machine.travel(FROZEN, tick=False):
        client = as_user(users.leadership)
        month_range = client.get("/steuerung/?von=2025-11&bis=2026-02")
        quarter = client.get("/steuerung/?jahr=2025&quartal=4&stichtag=2025-11-15")
    assert month_range.status_code == 200 and quarter.status_code == 200
    assert "15.11.2025" in quarter.content.decode()


def _dashboard_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_data(fakes, org, users, as_user, django_assert_max_num_queries):
    client = as_user(users.leadership)
    one = _dashboard_queries(client, f"/steuerung/?ebene=team&id={org.team_b.pk}&jahr=2024")
    DistrictFactory(code="512", name="Neue Vahr Nord", team=org.team_b)
    DistrictFactory(code="513", name="Neue Vahr Süd", team=org.team_b)
    several = _dashboard_queries(client, f"/steuerung/?ebene=team&id={org.team_b.pk}&jahr=2024")
    assert one == several
    # Session (read + save), user, roles, the scope (resolve: 3), the selector (reach + districts: 2),
    # then one query per section and period: 6 subjects × 3 periods = 18 (29 measured).
    with django_assert_max_num_queries(29):
        client.get(f"/steuerung/?ebene=team&id={org.team_b.pk}&jahr=2024")


def test_formatting_of_figures_and_changes():
    with translation.override("de"):
        assert format_figure(1234, Kind.COUNT) == "1.234"
        assert format_figure(Decimal("12.5"), Kind.SHARE) == "12,5\xa0%"
        assert format_figure(Decimal("1234.5"), Kind.MONEY) == "1.234,50\xa0€"
        assert format_figure(Decimal("1.25"), Kind.NUMBER) == "1,25"
        assert format_figure(None) == "–" and format_figure("< 5") == "< 5"
        assert format_change(dash.change(Decimal("40.0"), Decimal("42.5"), Kind.SHARE), Kind.SHARE).startswith("-2,5")
        assert format_change(dash.change(9, 10)) == "-1 (-10,0\xa0%)"
        assert dash.change("< 5", 3) is None


def test_chart_svg_and_table():
    chart = Chart("k", "Neue Fälle", "bar", [dt.date(2026, 3, 1), dt.date(2026, 4, 1)],
                  [("2026", [1200, Decimal("2.5")]), ("2025", [None, "< 5"])])
    with translation.override("de"):
        svg = str(render_svg(chart, "t"))
        table = str(data_table(chart))
    assert svg.startswith("<svg") and 'role="img"' in svg and '<title id="t-title">Neue Fälle</title>' in svg
    assert "Mär 2026" in svg and ">1.500<" in svg  # German months and ticks
    assert "class=\"bar series-1\"" in svg and "series-2" in svg and "style=" not in svg
    assert svg.count("<rect class=\"bar") == 2  # None and "< 5" are not drawn
    assert '<th scope="row">Apr 2026</th><td class="num">2,5</td><td class="num">&lt; 5</td>' in table
    line = str(render_svg(Chart("l", "Verlauf", "line", ["Q1", "Q2"], [("a", [1, 3])])))
    assert "<polyline class=\"line series-1\"" in line
    assert axis_ticks(Decimal(0), Decimal(7)) == [0, 2, 4, 6, 8]
    assert re.search(r"<svg[^>]+viewBox", svg)


def test_chart_with_control_characters_in_names_is_valid_xml():
    """District and team names come from the admin; a control character must not break the SVG."""
    import xml.etree.ElementTree as ET

    control = "".join(chr(c) for c in range(0x01, 0x20))
    chart = Chart("k", f"Titel{control}", "bar", [f"Walle{control}", "Vahr"],
                  [(f"2026{control}", [1, 2]), ("2025", [3, 4])])
    root = ET.fromstring(str(render_svg(chart, "t")))
    assert "Walle" in "".join(root.itertext())
