"""The help section against a small hand-built office: every key figure with its answer written here.

Scope: team A (Walle + Westend); Gartenstadt Vahr (team B) holds rows that must not count.
Period: the year 2025, reference date 31 Dec 2025.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from cases.models import Case, CaseState, Contract, ContractGoal, ContractState, GoalRating, Review
from juwe.controlling.figures import Context
from juwe.controlling.period import Period
from juwe.controlling.scope import Scope
from juwe.controlling.sections import compute
from tests.factories import DistrictIndicatorFactory, UserFactory

D = dt.date
YEAR_2025 = Period.year(2025)
_numbers = itertools.count(1)


@pytest.fixture
def manager(org):
    return UserFactory(username="cm-ctl", team=org.team_a)


def _case(district, manager) -> Case:
    n = next(_numbers)
    return Case.objects.create(
        reference=f"2025/{district.code}/{n}", year=2025, number=n, district=district, team=district.team,
        case_manager=manager, state=CaseState.HELP, opened_on=D(2023, 1, 2),
    )


def contract(district, manager, help_type, start, *, ended=None, approved=True) -> Contract:
    """A contract as the records hold it: approved (active or ended) or only signed."""
    state = (ContractState.ENDED if ended else ContractState.ACTIVE) if approved else ContractState.SIGNED
    return Contract.objects.create(
        case=_case(district, manager), state=state, talk_on=start, talk_place="Küche", help_type=help_type,
        approved_from=start, approved_until=start + dt.timedelta(days=181), monthly_cost=Decimal("1000.00"),
        signed_on=start, approved_by=manager if approved else None,
        approved_at=timezone.now() if approved else None, ended_on=ended,
    )


def review(contract_, held_on, decision, scores=()) -> Review:
    r = Review.objects.create(
        contract=contract_, held_on=held_on, decision=decision, end_state="closed" if decision == "end" else "",
    )
    for i, score in enumerate(scores, start=1):
        goal = ContractGoal.objects.create(contract=contract_, position=i, text=f"Ziel {i}")
        GoalRating.objects.create(review=r, goal=goal, score=score)
    return r


def team_a(org) -> Scope:
    return Scope("team", org.team_a, tuple(sorted((org.walle.pk, org.westend.pk))))


def section(scope, period=YEAR_2025, user=None):
    return compute("help", Context(scope=scope, period=period, user=user))


def values(sec) -> dict:
    return {f.key: f.value for f in sec.figures}


@pytest.fixture
def office(org, manager):
    w, we, v = org.walle, org.westend, org.vahr
    # Inhabitants under 21: Walle 2025 (not 2024, not the later 2026), Westend's latest earlier 2023.
    DistrictIndicatorFactory(district=w, year=2024, youth_population=1000)
    DistrictIndicatorFactory(district=w, year=2025, youth_population=1200)
    DistrictIndicatorFactory(district=w, year=2026, youth_population=9999)
    DistrictIndicatorFactory(district=we, year=2023, youth_population=800)
    DistrictIndicatorFactory(district=v, year=2025, youth_population=5000)

    c = {}
    c["spfh"] = contract(w, manager, "31", D(2025, 3, 1))
    c["ends_on_ref"] = contract(w, manager, "31", D(2024, 6, 1), ended=D(2025, 12, 31))  # not running at ref
    c["ends_after"] = contract(w, manager, "30", D(2025, 1, 15), ended=D(2026, 1, 1))  # still running at ref
    c["foster_old"] = contract(we, manager, "33", D(2023, 5, 1))
    c["foster"] = contract(w, manager, "33", D(2025, 2, 1))
    c["residential"] = contract(we, manager, "34", D(2025, 7, 1))
    c["not_approved"] = contract(w, manager, "28", D(2025, 1, 1), approved=False)
    c["district"] = contract(w, manager, "district", D(2025, 4, 1))
    c["starts_later"] = contract(w, manager, "27_2", D(2026, 1, 10))
    c["sgb9"] = contract(w, manager, "sgb9_112", D(2025, 1, 1))
    c["group"] = contract(we, manager, "29", D(2025, 1, 1), ended=D(2025, 3, 1))
    c["vahr"] = contract(v, manager, "31", D(2025, 1, 1))
    c["vahr_ended"] = contract(v, manager, "41", D(2025, 1, 1), ended=D(2025, 6, 1))

    review(c["ends_on_ref"], D(2025, 12, 15), "end", scores=(8, 5))
    review(c["group"], D(2025, 2, 20), "continue", scores=(6,))
    review(c["spfh"], D(2025, 9, 1), "change")
    review(c["foster_old"], D(2024, 11, 1), "continue", scores=(10,))  # before the period
    review(c["vahr"], D(2025, 6, 1), "end", scores=(0,))  # other team
    return c


def test_every_figure_of_the_help_section(org, office):
    assert values(section(team_a(org))) == {
        "hilfen_laufend": 5,  # 31, 30 (ends the day after), 33, 33, 34
        "hilfen_ambulant": 2,
        "hilfen_stationaer": 3,
        "hilfen_sozialraum": 1,
        "einwohner_u21": 2000,  # Walle 2025: 1200 + Westend 2023: 800
        "hze_dichte": Decimal("0.25"),
        "dichte_ambulant": Decimal("0.10"),
        "dichte_stationaer": Decimal("0.15"),
        "anteil_ambulant": Decimal("40.0"),
        "anteil_stationaer": Decimal("60.0"),
        "anteil_vollzeitpflege": Decimal("66.7"),
        "hilfedauer_mittel": Decimal("318.5"),  # (578 + 59) / 2
        "ueberpruefungen_fortgesetzt": 2,
        "ueberpruefungen_beendet": 1,
        "zielerreichung_mittel": Decimal("6.3"),  # (8 + 5 + 6) / 3
    }


def test_reference_date_edges(org, office):
    # On 1 Jan 2026 the contract ending that day stops, the one starting 10 Jan has not begun.
    sec = section(team_a(org), Period.days(D(2025, 1, 1), D(2026, 1, 1)))
    assert sec.figure("hilfen_laufend").value == 4
    assert sec.figure("hilfen_ambulant").value == 1
    # The day before the end: the contract ending 31 Dec 2025 still runs.
    sec = section(team_a(org), Period.days(D(2025, 1, 1), D(2025, 12, 30)))
    assert sec.figure("hilfen_laufend").value == 6


def test_inhabitants_from_the_indicator_of_the_reference_year(org, office):
    sec = section(team_a(org), Period.year(2024))
    # Walle 2024: 1000 + Westend 2023: 800; running at 31 Dec 2024: 31 (from June 2024) and 33 (2023).
    assert sec.figure("einwohner_u21").value == 1800
    assert sec.figure("hilfen_laufend").value == 2
    assert sec.figure("hze_dichte").value == Decimal("0.11")
    # In 2026 Walle's 2026 indicator counts.
    assert section(team_a(org), Period.year(2026)).figure("einwohner_u21").value == 9999 + 800


def test_scope_counts_only_its_districts(org, office):
    vahr = section(Scope("stadtteil", org.vahr, (org.vahr.pk,)))
    got = values(vahr)
    assert (got["hilfen_laufend"], got["einwohner_u21"], got["hze_dichte"]) == (1, 5000, Decimal("0.02"))
    assert (got["hilfedauer_mittel"], got["ueberpruefungen_beendet"], got["zielerreichung_mittel"]) == (
        Decimal("151.0"), 1, Decimal("0.0"))


def test_empty_scope_has_no_ratios(org):
    got = values(section(team_a(org)))
    assert got["hilfen_laufend"] == 0 and got["einwohner_u21"] == 0
    assert got["hze_dichte"] is None and got["anteil_ambulant"] is None and got["anteil_vollzeitpflege"] is None
    assert got["hilfedauer_mittel"] is None and got["zielerreichung_mittel"] is None


def test_table_by_type_totals_youth_help_only(org, office):
    table = section(team_a(org)).tables[0]
    assert table.key == "hilfearten" and table.total_row
    counts = {cells[0].key: cells[0].value for _label, cells in table.rows}
    assert counts["hilfen_31"] == 1 and counts["hilfen_30"] == 1 and counts["hilfen_33"] == 2
    assert counts["hilfen_34"] == 1 and counts["hilfen_28"] == 0 and counts["hilfen_district"] == 1
    assert len(table.rows) == 11 + 1 + 1  # youth-help types, help in the district, total
    assert table.rows[-1][1][0].value == 5  # the youth-help total, without help in the district
    chart = section(team_a(org)).charts[0]
    assert chart.key == "hilfen_arten" and chart.kind == "bar"
    assert chart.series[0][1] == [0, 0, 0, 1, 1, 0, 2, 1, 0, 0, 0, 1]


def test_every_figure_has_a_definition(org):
    assert all(f.help for f in section(team_a(org)).figures)


def test_links_only_for_caseworkers_and_current_reference(org, office, users):
    with time_machine.travel(dt.datetime(2025, 6, 15, 10, tzinfo=dt.UTC)):
        lead = section(team_a(org), user=users.team_lead)
        assert lead.figure("hilfen_laufend").link == "/faelle/kontrakte/?state=active"
        assert lead.figure("hilfen_sozialraum").link == "/faelle/kontrakte/?state=active&help_type=district"
        for user in (users.leadership, users.coordinator):
            assert all(f.link is None for f in section(team_a(org), user=user).figures)
    # A reference date in the past: the list shows today's contracts, so no link.
    with time_machine.travel(dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC)):
        assert section(team_a(org), user=users.team_lead).figure("hilfen_laufend").link is None


def test_query_count_does_not_grow_with_the_data(org, manager, django_assert_max_num_queries):
    scope = team_a(org)
    DistrictIndicatorFactory(district=org.walle, year=2025, youth_population=1200)
    first = contract(org.walle, manager, "31", D(2025, 1, 1), ended=D(2025, 6, 1))
    review(first, D(2025, 5, 1), "end", scores=(4,))
    # Five queries: running by type, inhabitants, durations, reviews by decision, goal ratings.
    with django_assert_max_num_queries(5):
        assert section(scope).figure("hilfedauer_mittel").value == Decimal("151.0")
    DistrictIndicatorFactory(district=org.westend, year=2024, youth_population=700)
    for i in range(6):
        c = contract(org.westend, manager, ["33", "34", "29"][i % 3], D(2025, 1, 1 + i), ended=D(2025, 7, 1))
        review(c, D(2025, 6, 1), "continue", scores=(5, 7))
    with django_assert_max_num_queries(5):
        assert section(scope).figure("ueberpruefungen_fortgesetzt").value == 6
