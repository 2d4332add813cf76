"""/steuerung/kennzahlen.csv end to end: the issue's ten keys against a hand-built office, answers written here.

Period 01.04.2025–30.06.2025 (reference date = bis). District Walle (team A) holds the counted rows,
Gartenstadt Vahr (team B) rows that only the office scope sees. Every edge of the definitions has a row:
a case closed on the reference date, a contract ending on it, a booking on the first and last day, a
reversal, a report half an hour before and after midnight at the end of the period.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import zoneinfo
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from budgets.models import Area
from cases.models import Case, CaseState, Contract, ContractState, ProtectionAssessment, StateChange
from tests.budgets.factories import CostEntryFactory, make_budget
from tests.factories import DistrictIndicatorFactory

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
D = dt.date
_numbers = itertools.count(50_001)
PERIOD = {"von": "2025-04-01", "bis": "2025-06-30"}


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BERLIN)


def case(district, manager, opened_on, *, closed_on=None, reason="", state=CaseState.COUNSELLING) -> Case:
    n = next(_numbers)
    return Case.objects.create(
        reference=f"{opened_on.year}/{district.code}/k{n}", year=opened_on.year, number=n, district=district,
        team=district.team, case_manager=manager, opened_on=opened_on, first_contact_source="self",
        state=CaseState.CLOSED if closed_on else state, closed_on=closed_on, close_reason=reason,
    )


def contract(district, manager, help_type, start, *, ended=None, approved=True) -> Contract:
    state = (ContractState.ENDED if ended else ContractState.ACTIVE) if approved else ContractState.SIGNED
    return Contract.objects.create(
        case=case(district, manager, D(2023, 1, 2), state=CaseState.HELP), state=state, talk_on=start,
        talk_place="Küche", help_type=help_type, approved_from=start, approved_until=start + dt.timedelta(days=181),
        monthly_cost=Decimal("1000.00"), signed_on=start, approved_by=manager if approved else None,
        approved_at=timezone.now() if approved else None, ended_on=ended,
    )


def report(on_case, received_at, *, assessed_at=None) -> ProtectionAssessment:
    return ProtectionAssessment.objects.create(
        case=on_case, received_at=received_at, reported_by="Schule", report="Meldung", urgency="24h",
        due_at=received_at + dt.timedelta(hours=24), assessed_at=assessed_at,
        result="need_help" if assessed_at else "", safety_scale=5 if assessed_at else None,
    )


@pytest.fixture
def office(org, users):
    cm, other = users.case_manager, users.other_case_manager
    w, v = org.walle, org.vahr
    DistrictIndicatorFactory(district=w, year=2025, youth_population=1000)
    DistrictIndicatorFactory(district=v, year=2025, youth_population=3000)
    # Cases of the period in Walle
    c1 = case(w, cm, D(2025, 4, 10))  # new, open
    case(w, cm, D(2025, 6, 30))  # new on the reference date: open
    case(w, cm, D(2025, 1, 5), closed_on=D(2025, 6, 30), reason="self_help")  # closed on the reference date
    helped = case(w, cm, D(2024, 11, 1), closed_on=D(2025, 5, 15), reason="other")
    StateChange.objects.create(case=helped, from_state="counselling", to_state="help")
    case(w, cm, D(2025, 7, 1))  # after the period: nowhere
    case(w, cm, D(2025, 2, 1), closed_on=D(2025, 7, 1), reason="moved")  # closed after bis: still open
    # Helps in Walle (each on its own open case opened in 2023, state help)
    contract(w, cm, "31", D(2025, 1, 1))  # running
    contract(w, cm, "34", D(2025, 2, 1), ended=D(2025, 6, 30))  # ended on the reference date: not running
    contract(w, cm, "33", D(2025, 3, 1), ended=D(2025, 7, 1))  # ends the day after: running, residential
    contract(w, cm, "31", D(2025, 3, 1), approved=False)  # not approved
    contract(w, cm, "district", D(2025, 3, 1))  # help in the district: counted apart
    contract(w, cm, "31", D(2025, 7, 1))  # starts after the reference date
    # Vahr: one new case with a running § 34 help (office scope only)
    case(v, other, D(2025, 5, 1))
    contract(v, other, "34", D(2025, 1, 1))
    # Costs
    walle = make_budget(users.leadership, w, year=2025, amount="100000.00")
    vahr = make_budget(users.leadership, v, year=2025, amount="50000.00")
    CostEntryFactory(budget=walle, booking_date=D(2025, 4, 1), amount=Decimal("1000.00"))
    CostEntryFactory(budget=walle, booking_date=D(2025, 6, 30), amount=Decimal("250.50"))
    CostEntryFactory(budget=walle, booking_date=D(2025, 3, 31), amount=Decimal("777.00"))
    CostEntryFactory(budget=walle, booking_date=D(2025, 7, 1), amount=Decimal("999.00"))
    wrong = CostEntryFactory(budget=walle, booking_date=D(2025, 5, 10), amount=Decimal("300.00"))
    CostEntryFactory(budget=walle, booking_date=D(2025, 6, 1), amount=Decimal("-300.00"), reverses=wrong)
    CostEntryFactory(budget=make_budget(users.leadership, w, year=2025, area=Area.INTEGRATION_HELP, amount="1.00"),
                     booking_date=D(2025, 5, 5), amount=Decimal("400.00"))  # SGB IX: not youth help
    CostEntryFactory(budget=vahr, booking_date=D(2025, 5, 5), amount=Decimal("5000.00"))
    # § 8a reports on c1
    report(c1, local(2025, 4, 2, 10), assessed_at=local(2025, 4, 3, 10))  # assessed exactly at its due time
    report(c1, local(2025, 5, 1, 9), assessed_at=local(2025, 5, 3, 9))  # late
    report(c1, local(2025, 6, 30, 23, 30))  # open, received on the last day (local time)
    report(c1, local(2025, 7, 1, 0, 30))  # 22:30 UTC on 30 June, but 1 July in Berlin: not in the period
    return org


def key_figures(client, **params) -> dict[str, str]:
    response = client.get(reverse("controlling:key_figures_csv"), {**PERIOD, **params})
    assert response.status_code == 200, response.content
    rows = list(csv.reader(io.StringIO(response.content.decode()), delimiter=";"))
    assert rows[0] == ["kennzahl", "wert"]
    return dict(rows[1:])


WALLE = {
    "faelle_neu": "2",
    "faelle_offen": "9",  # 2 new + the one closed after bis + the 6 open cases of the Walle contracts
    "faelle_beendet": "2",
    "anteil_ohne_hilfe": "50.0",
    "hilfen_laufend": "2",
    "hze_dichte": "0.20",
    "anteil_stationaer": "50.0",
    "kosten_gebucht": "1250.50",
    "kinderschutz_meldungen": "3",
    "kinderschutz_fristgerecht": "33.3",
}


def test_district_figures_as_the_team_lead_reads_them(office, as_user, users):
    got = key_figures(as_user(users.team_lead), ebene="stadtteil", id=office.walle.pk)
    assert {key: got[key] for key in WALLE} == WALLE


def test_office_figures_add_vahr(office, as_user, users):
    got = key_figures(as_user(users.leadership), ebene="amt")
    assert got["faelle_neu"] == "3"
    assert got["faelle_offen"] == "11"  # + Vahr's new case and its help case
    assert got["hilfen_laufend"] == "3"
    assert got["hze_dichte"] == "0.08"  # 3 per 4,000 inhabitants under 21 × 100 = 0.075 → 0.08
    assert got["anteil_stationaer"] == "66.7"
    assert got["kosten_gebucht"] == "6250.50"
    assert got["kinderschutz_meldungen"] == "3"


def test_published_csv_suppresses_small_counts(office, as_user, users):
    got = key_figures(as_user(users.team_lead), ebene="stadtteil", id=office.walle.pk, veroeffentlichung="1")
    assert got["faelle_neu"] == "< 5" and got["hilfen_laufend"] == "< 5"
    assert got["kosten_gebucht"] == "1250.50"  # money is not a count of cases


def test_coordinator_gets_prevention_keys_only(office, as_user, users):
    got = key_figures(as_user(users.coordinator), ebene="stadtteil", id=office.walle.pk)
    assert "faelle_neu" not in got and "kosten_gebucht" not in got
    assert "mikroprojekte" in got
