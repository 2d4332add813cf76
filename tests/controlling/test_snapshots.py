"""The summary table of controlling: a fresh section is read back instead of aggregated again, a change
of the records empties it, an old one is computed afresh, and what is read back equals what was computed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from juwe.controlling.figures import Context
from juwe.controlling.period import Period
from juwe.controlling.scope import resolve_scope
from juwe.controlling.sections import compute, compute_fresh
from juwe.controlling.snapshots import decode, encode
from juwe.models import FigureSnapshot
from tests.controlling.helpers import make_case

NOW = dt.datetime(2025, 6, 10, 10, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def store(settings):
    settings.JUWE_CONTROLLING_MAX_AGE = 900


@pytest.fixture
def walle_cases(org, users):
    for day in (dt.date(2025, 2, 1), dt.date(2025, 3, 1)):
        make_case(org.walle, users.case_manager, opened_on=day)
    return org


def _ctx(users):
    return Context(resolve_scope(users.leadership), Period.year(2025), users.leadership)


def _values(section):
    return {f.key: f.value for f in section.figures}


def test_stored_section_equals_the_computed_one(walle_cases, users, store):
    with time_machine.travel(NOW, tick=False):
        for subject in ("cases", "help", "money", "prevention", "protection", "staffing"):
            fresh = compute_fresh(subject, _ctx(users))
            again = decode(encode(fresh))
            assert _values(again) == _values(fresh)
            assert [(t.key, t.columns, [(label, [c.value for c in cells]) for label, cells in t.rows]) for t in again.tables] == [
                (t.key, [str(c) for c in t.columns], [(str(label), [c.value for c in cells]) for label, cells in t.rows])
                for t in fresh.tables]
            assert [(c.key, c.categories, c.series) for c in again.charts] == [
                (c.key, list(c.categories), [(str(n), list(v)) for n, v in c.series]) for c in fresh.charts]


def test_second_view_reads_the_table_and_a_change_empties_it(walle_cases, users, store, django_assert_num_queries):
    with time_machine.travel(NOW, tick=False):
        first = compute("cases", _ctx(users))
        assert first.figure("faelle_neu").value == 2 and FigureSnapshot.objects.count() == 1
        ctx = _ctx(users)
        ctx.user.roles  # noqa: B018  (the roles are read once per request anyway)
        with django_assert_num_queries(1):
            again = compute("cases", ctx)
        assert again.figure("faelle_neu").value == 2 and again.data_as_of == first.data_as_of
        make_case(walle_cases.walle, users.case_manager, opened_on=dt.date(2025, 4, 1))  # a new case: table emptied
        assert FigureSnapshot.objects.count() == 0
        assert compute("cases", _ctx(users)).figure("faelle_neu").value == 3


def test_an_old_section_is_computed_afresh(walle_cases, users, store, settings):
    with time_machine.travel(NOW, tick=False):
        compute("cases", _ctx(users))
    FigureSnapshot.objects.update(payload={"subject": "cases", "title": "x", "note": "", "figures": [],
                                           "tables": [], "charts": []})
    with time_machine.travel(NOW + dt.timedelta(seconds=settings.JUWE_CONTROLLING_MAX_AGE + 1), tick=False):
        assert compute("cases", _ctx(users)).figure("faelle_neu").value == 2


def test_page_shows_the_age_of_its_figures(walle_cases, users, store, as_user):
    with time_machine.travel(NOW, tick=False):
        response = as_user(users.leadership).get(reverse("controlling:dashboard"), {"jahr": 2025})
    assert response.status_code == 200
    assert "10.06.2025 12:00" in response.text  # Europe/Berlin


def test_refresh_command_fills_the_table_for_every_scope(walle_cases, users, store):
    from django.core.management import call_command

    with time_machine.travel(NOW, tick=False):
        call_command("refresh_controlling", "--clear")
        # leadership: office, 2 social centres, 2 teams, 3 districts; team lead: team A and its 2 districts
        # – each view 6 sections × 3 periods (office-wide roles) and the same keys once per user's roles.
        stored = FigureSnapshot.objects.count()
        assert stored == 132  # (8 leadership views + 3 team-lead views) × 6 sections × 2 periods (a whole year
        # compares with last year once); the social-centre head shares the leadership keys of centre B
        call_command("refresh_controlling")
        assert FigureSnapshot.objects.count() == stored  # a second run replaces, it does not pile up
