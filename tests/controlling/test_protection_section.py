"""The child-protection section against a small hand-built set of § 8a reports, answers written here.

Scope: team A (Walle + Westend); Gartenstadt Vahr (team B) holds a report that must not count.
Period: the year 2025, reference date 31 Dec 2025; times are local (Europe/Berlin).
"""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from decimal import Decimal

import pytest
import time_machine

from cases.models import Case, CaseState, ProtectionAssessment
from juwe.controlling.figures import Context
from juwe.controlling.period import Period
from juwe.controlling.scope import Scope
from juwe.controlling.sections import compute
from tests.factories import UserFactory

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
H24, H72 = dt.timedelta(hours=24), dt.timedelta(hours=72)
_numbers = itertools.count(10_001)  # apart from the help tests' case numbers


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BERLIN)


@pytest.fixture
def manager(org):
    return UserFactory(username="cm-8a", team=org.team_a)


def report(district, manager, received_at, due_after=H24, *, assessed_at=None, result="", taken=False):
    n = next(_numbers)
    case = Case.objects.create(
        reference=f"2025/{district.code}/8a{n}", year=2025, number=n, district=district, team=district.team,
        case_manager=manager, state=CaseState.COUNSELLING, opened_on=dt.date(2024, 1, 2),
    )
    return ProtectionAssessment.objects.create(
        case=case, received_at=received_at, reported_by="Schule", report="Meldung", urgency="24h",
        due_at=received_at + due_after, assessed_at=assessed_at, result=result,
        safety_scale=5 if result else None, taken_into_care=taken,
    )


def team_a(org) -> Scope:
    return Scope("team", org.team_a, tuple(sorted((org.walle.pk, org.westend.pk))))


def section(scope, period=Period.year(2025), user=None):
    return compute("protection", Context(scope=scope, period=period, user=user))


def values(sec) -> dict:
    return {f.key: f.value for f in sec.figures}


@pytest.fixture
def reports(org, manager):
    w, we = org.walle, org.westend
    at_due = local(2025, 3, 10, 9)
    report(w, manager, at_due, assessed_at=at_due + H24, result="none")  # assessed exactly at due_at: in time
    late = local(2025, 5, 5, 10)
    report(w, manager, late, H72, assessed_at=late + H72 + dt.timedelta(minutes=1), result="need_help")
    report(we, manager, local(2025, 12, 31, 23, 30))  # 22:30 UTC: still 2025; due 1 Jan 2026, not past due
    report(w, manager, local(2025, 12, 20, 8), dt.timedelta(0))  # immediate, open: past due
    care = local(2025, 8, 1, 12)
    report(we, manager, care, assessed_at=care + dt.timedelta(hours=3), result="endangerment", taken=True)
    report(w, manager, local(2024, 12, 31, 23, 30))  # belongs to 2024; open, past due at the reference date
    # Assessed only after the reference date: open and past due on 31 Dec 2025.
    report(we, manager, local(2025, 11, 1, 10), H72, assessed_at=local(2026, 1, 5, 9), result="none")
    report(w, manager, local(2026, 1, 1, 0, 30))  # 2026
    report(org.vahr, manager, local(2025, 6, 1, 10))  # other team


def test_every_figure_of_the_protection_section(org, reports):
    assert values(section(team_a(org))) == {
        "kinderschutz_meldungen": 6,
        "kinderschutz_fristgerecht": Decimal("33.3"),  # 2 of 6
        "kinderschutz_offen_ueberfaellig": 3,
        "inobhutnahmen": 1,
    }


def test_results_table(org, reports):
    table = section(team_a(org)).tables[0]
    assert table.key == "kinderschutz_ergebnisse" and table.total_row
    assert [cells[0].value for _label, cells in table.rows] == [2, 1, 1, 2, 6]  # none, need, endangerment, open, total


def test_report_at_half_past_eleven_on_new_years_eve_belongs_to_the_old_year(org, reports):
    january = section(team_a(org), Period.months((2026, 1), (2026, 1)))
    assert january.figure("kinderschutz_meldungen").value == 1
    assert section(team_a(org), Period.year(2024)).figure("kinderschutz_meldungen").value == 1


def test_past_due_at_another_reference_date(org, reports):
    # At the end of 2 Jan 2026 the new-year's-eve report and the one of 1 Jan are past due too, the
    # one assessed on 5 Jan is still open: 3 + 2.
    sec = section(team_a(org), Period.days(dt.date(2025, 1, 1), dt.date(2026, 1, 2)))
    assert sec.figure("kinderschutz_offen_ueberfaellig").value == 5
    # At the end of 2026 the one assessed on 5 Jan is done: the four without a result remain.
    assert section(team_a(org), Period.year(2026)).figure("kinderschutz_offen_ueberfaellig").value == 4


def test_scope_counts_only_its_districts(org, reports):
    assert values(section(Scope("stadtteil", org.vahr, (org.vahr.pk,)))) == {
        "kinderschutz_meldungen": 1,
        "kinderschutz_fristgerecht": Decimal("0.0"),
        "kinderschutz_offen_ueberfaellig": 1,
        "inobhutnahmen": 0,
    }


def test_no_reports_no_share(org):
    got = values(section(team_a(org)))
    assert got["kinderschutz_meldungen"] == 0 and got["kinderschutz_fristgerecht"] is None
    assert all(f.help for f in section(team_a(org)).figures)


def test_link_to_the_worklist_only_for_caseworkers(org, reports, users):
    with time_machine.travel(dt.datetime(2025, 6, 15, 10, tzinfo=dt.UTC)):
        lead = section(team_a(org), user=users.team_lead)
        assert lead.figure("kinderschutz_offen_ueberfaellig").link == "/#wl-cases-protection-open"
        assert all(f.link is None for f in section(team_a(org), user=users.leadership).figures)


def test_query_count_does_not_grow_with_the_data(org, manager, django_assert_max_num_queries):
    report(org.walle, manager, local(2025, 4, 1, 9))
    # Two queries: the reports of the period (all counts at once) and the open ones past due.
    with django_assert_max_num_queries(2):
        assert section(team_a(org)).figure("kinderschutz_meldungen").value == 1
    for day in range(1, 8):
        report(org.westend, manager, local(2025, 4, day, 9), assessed_at=local(2025, 4, day, 10), result="none")
    with django_assert_max_num_queries(2):
        assert section(team_a(org)).figure("kinderschutz_meldungen").value == 8
