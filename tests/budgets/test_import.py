"""CSV import of cost entries: good files go in completely, a single bad row keeps the whole file out."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from budgets import imports, services
from budgets.models import CostEntry, ImportUpload
from tests.budgets.factories import CostEntryFactory, approved_contract, make_budget, make_case, taking_into_care

pytestmark = pytest.mark.django_db
HEADER = ";".join(imports.COLUMNS)


def csv_text(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


@pytest.fixture
def good(org, budget):
    return csv_text(
        f"15.01.2026;RE-1001;{org.provider_a.name};{org.walle.code};JH;Personal;12.345,67;;Gehalt Januar",
        f"31.01.2026;RE-1002;{org.provider_b.name};{org.walle.code};JH;HÜTN;4.200,00;;Wohngruppe",
        f"02.02.2026;RE-1003;{org.provider_a.name};{org.walle.code};jh;sachkosten fall;50;;Fahrkarten",
    )


def test_good_file_is_checked_then_saved_completely(good, users, budget):
    result = imports.parse(good, user=users.economic_aid)
    assert result.ok and len(result.rows) == 3 and result.total == Decimal("16595.67")
    assert imports.save(result, user=users.economic_aid) == 3
    entry = CostEntry.objects.get(invoice_number="RE-1002")
    assert (entry.budget, entry.category, entry.amount) == (budget, "residential", Decimal("4200.00"))
    assert entry.created_by == users.economic_aid


def test_bad_rows_are_reported_by_line_in_german_and_nothing_is_saved(org, users, budget):
    CostEntryFactory(budget=budget, invoice_number="OLD-1", provider=org.provider_a)
    text = csv_text(
        f"15.01.2026;RE-1;{org.provider_a.name};{org.walle.code};JH;Personal;100,00;;ok",
        f"32.01.2026;RE-2;{org.provider_a.name};{org.walle.code};JH;Personal;100,00;;",
        f"15.01.2026;RE-3;Unbekannter Träger;{org.walle.code};JH;Reisekosten;zehn;;",
        f"15.01.2026;OLD-1;{org.provider_a.name};{org.walle.code};JH;Personal;1,00;;",
        f"15.01.2026;RE-1;{org.provider_a.name};{org.walle.code};JH;Personal;1,00;;",
        f"15.01.2030;RE-5;{org.provider_a.name};{org.walle.code};JH;Personal;1,00;;",
        f"15.01.2026;RE-6;{org.provider_a.name};{org.walle.code};JH;Personal;1,00;2026/999/1;",
    )
    from django.utils import translation

    with translation.override("de"):
        result = imports.parse(text, user=users.economic_aid)
        messages = "\n".join(result.errors)
    assert result.error_count == 6 and not result.ok
    assert "Zeile 3:" in messages and "kein Datum" in messages
    assert "Zeile 4:" in messages and "Unbekannter Träger" in messages and "Reisekosten" in messages and "zehn" in messages
    assert "Zeile 5:" in messages and "OLD-1" in messages
    assert "Zeile 6:" in messages and "zweimal" in messages
    assert "Zeile 7:" in messages and "2030" in messages
    assert "Zeile 8:" in messages and "2026/999/1" in messages
    with pytest.raises(Exception):
        imports.save(result, user=users.economic_aid)
    assert CostEntry.objects.count() == 1


def test_booking_into_a_final_settlement_is_refused_by_the_import(good, users, budget):
    import datetime

    import time_machine

    s = services.settlement_prepare(user=users.economic_aid, budget=budget, today=datetime.date(2027, 1, 5))
    with time_machine.travel(datetime.datetime(2027, 1, 5, 12)):
        services.settlement_finalize(user=users.leadership, settlement=s)
    result = imports.parse(good, user=users.economic_aid)
    assert result.error_count == 3 and "abgeschlossen" in result.errors[0]


def test_case_reference_links_the_entry_to_the_case(org, users, budget):
    case = make_case(org.walle, org.team_a, users.case_manager)
    # § 36a SGB VIII: the SPFH of another provider, approved for January, is the legal basis of the invoice.
    contract = approved_contract(case, users.team_lead, provider=org.provider_b, start=date(2026, 1, 1))
    result = imports.parse(csv_text(f"15.01.2026;RE-9;{org.provider_a.name};{org.walle.code};JH;Fremdrechnung;800,00;"
                                    f"{case.reference};SPFH Januar"), user=users.economic_aid)
    imports.save(result, user=users.economic_aid)
    assert CostEntry.objects.get().case == case
    assert CostEntry.objects.get().contract == contract


def test_windows_1252_file_with_bom_less_header_decodes():
    assert imports.decode("Träger".encode("cp1252")) == "Träger"
    assert imports.decode("\ufeffTräger".encode("utf-8")) == "Träger"


def test_web_import_preview_then_confirm(as_user, users, good):
    client = as_user(users.economic_aid)
    upload = SimpleUploadedFile("buchungen.csv", good.encode("utf-8"), content_type="text/csv")
    response = client.post(reverse("budgets:cost_entry_import"), {"file": upload})
    assert response.status_code == 200 and "RE-1002" in response.text
    assert CostEntry.objects.count() == 0  # preview only
    upload = ImportUpload.objects.get()  # the checked file waits server-side (tests/budgets/test_import_upload.py)
    response = client.post(reverse("budgets:cost_entry_import"), {"confirm": "1", "upload": str(upload.pk)})
    assert response.status_code == 302 and CostEntry.objects.count() == 3


def test_web_import_of_bad_file_shows_row_errors(as_user, users, org, budget):
    bad = csv_text(f"15.01.2026;RE-1;{org.provider_a.name};{org.walle.code};JH;Personal;abc;;")
    upload = SimpleUploadedFile("b.csv", bad.encode("utf-8"))
    response = as_user(users.economic_aid).post(reverse("budgets:cost_entry_import"), {"file": upload})
    assert "abc" in response.text and CostEntry.objects.count() == 0
    assert not ImportUpload.objects.exists()  # nothing to confirm: a confirm without a checked file is 404
    assert as_user(users.economic_aid).post(reverse("budgets:cost_entry_import"), {"confirm": "1"}).status_code == 404
    assert CostEntry.objects.count() == 0


def test_missing_columns_are_named(org, users):
    result = imports.parse("Datum;Betrag\n01.01.2026;5,00\n", user=users.economic_aid)
    assert result.error_count == 1 and "Belegnummer" in result.errors[0]


def test_management_command_imports_with_progress_and_refuses_bad_files(tmp_path, good, users, org):
    path = tmp_path / "export.csv"
    path.write_text(good, encoding="utf-8")
    call_command("import_cost_entries", str(path), user=users.economic_aid.username, verbosity=0)
    assert CostEntry.objects.count() == 3
    with pytest.raises(CommandError):  # the same invoices again: every row is a duplicate
        call_command("import_cost_entries", str(path), user=users.economic_aid.username, verbosity=0)
    with pytest.raises(CommandError):
        call_command("import_cost_entries", str(path), user=users.case_manager.username, verbosity=0)
    assert CostEntry.objects.count() == 3


def test_year_two_budgets(org, users):
    make_budget(users.leadership, org.walle, year=2025)
    result = imports.parse(csv_text(f"15.01.2025;RE-2025;{org.provider_a.name};{org.walle.code};JH;Overhead;10,00;;"),
                           user=users.economic_aid)
    assert result.ok and result.rows[0].budget.year == 2025


# --- Legal basis of rows on a case (§ 36a SGB VIII) ---------------------------------------------------


def row(org, line: str) -> str:
    """Fill in provider A and Walle: `line` is Buchungsdatum;Belegnummer;Kostenart;Betrag;Aktenzeichen;
    Leistungsdatum;Ausnahmegrund."""
    day, number, category, amount, ref, service, reason = line.split(";")
    return f"{day};{number};{org.provider_a.name};{org.walle.code};JH;{category};{amount};{ref};Text;{service};{reason}"


def test_rows_on_a_case_are_checked_for_their_legal_basis(org, users, budget):
    from django.utils import translation

    case = make_case(org.walle, org.team_a, users.case_manager, number=17)
    approved_contract(case, users.team_lead, help_type="31", provider=org.provider_a, start=date(2026, 4, 1),
                      until=date(2026, 9, 30))
    ref = case.reference
    text = csv_text(
        row(org, f"04.05.2026;OK-1;Sachkosten Fall;50,00;{ref};;"),
        row(org, f"03.02.2026;NO-1;Sachkosten Fall;50,00;{ref};;"),
        row(org, f"04.05.2026;NO-2;Personal;50,00;{ref};;"),
        row(org, f"04.05.2026;NO-3;Fremdrechnung;50,00;{ref};;"),
        row(org, f"04.05.2026;NO-4;Sachkosten Fall;50,00;{ref};31.02.2026;"),
        row(org, "04.05.2026;NO-5;Personal;50,00;;;Eilfall"),
        row(org, f"20.03.2026;OK-2;Sachkosten Fall;50,00;{ref};;Kontrakt nachträglich bewilligt"),
        row(org, f"05.10.2026;OK-3;Sachkosten Fall;50,00;{ref};30.09.2026;"),
    )
    with translation.override("de"):
        result = imports.parse(text, user=users.economic_aid)
        messages = "\n".join(result.errors)
    assert result.error_count == 5 and [r.invoice_number for r in result.rows] == ["OK-1", "OK-2", "OK-3"]
    assert ("Zeile 3: Für Fall 2026/334/17 gibt es am 03.02.2026 keinen bewilligten Kontrakt. "
            "Nächster Bewilligungszeitraum: 01.04.2026–30.09.2026.") in messages
    assert "Zeile 4: „Personalkosten“ wird nie auf einen Fall gebucht" in messages
    assert "Zeile 5: Die Kostenart passt nicht zur Hilfe, die für Fall 2026/334/17 am 04.05.2026" in messages
    assert "Zeile 6: Leistungsdatum „31.02.2026“ ist kein Datum (TT.MM.JJJJ)" in messages
    assert "Zeile 7: ein Ausnahmegrund gehört nur zu einer Zeile mit Aktenzeichen" in messages


def test_basis_service_date_and_exception_reason_are_saved(org, users, budget):
    case = make_case(org.walle, org.team_a, users.case_manager, number=17)
    contract = approved_contract(case, users.team_lead, start=date(2026, 4, 1), until=date(2026, 9, 30))
    care = taking_into_care(case, users.case_manager, received=date(2026, 2, 10))
    ref = case.reference
    result = imports.parse(csv_text(
        row(org, f"05.10.2026;C-1;Sachkosten Fall;50,00;{ref};30.09.2026;"),
        row(org, f"12.02.2026;C-2;Vorwegabzug;900,00;{ref};;vorsorglich"),
        row(org, f"20.01.2026;C-3;Sachkosten Fall;70,00;{ref};;Zuständigkeitswechsel"),
    ), user=users.economic_aid)
    assert result.ok, result.errors
    imports.save(result, user=users.economic_aid)
    saved = {e.invoice_number: e for e in CostEntry.objects.all()}
    assert (saved["C-1"].contract, saved["C-1"].service_date, saved["C-1"].exception_reason) == \
        (contract, date(2026, 9, 30), "")
    assert (saved["C-2"].protection, saved["C-2"].service_date, saved["C-2"].exception_reason) == (care, None, "")
    assert (saved["C-3"].contract, saved["C-3"].protection, saved["C-3"].exception_reason) == \
        (None, None, "Zuständigkeitswechsel")


def test_exception_rows_are_saved_only_for_economic_aid(org, users, budget):
    case = make_case(org.walle, org.team_a, users.case_manager, number=17)
    result = imports.parse(csv_text(row(org, f"20.01.2026;X-1;Sachkosten Fall;70,00;{case.reference};;Eilfall")),
                           user=users.economic_aid)
    assert result.ok
    with pytest.raises(ValidationError) as exc:
        imports.save(result, user=users.leadership)
    assert services.EXCEPTION_ONLY_ECONOMIC_AID in exc.value.messages
    assert not CostEntry.objects.exists()


def test_file_without_the_optional_columns_still_imports(org, users, budget):
    case = make_case(org.walle, org.team_a, users.case_manager, number=17)
    approved_contract(case, users.team_lead, start=date(2026, 1, 1))
    header = ";".join(imports.COLUMNS[:9])
    text = f"{header}\n15.01.2026;RE-1;{org.provider_a.name};{org.walle.code};JH;Sachkosten Fall;5,00;{case.reference};x\n"
    result = imports.parse(text, user=users.economic_aid)
    assert result.ok and result.rows[0].contract_id and result.rows[0].service_date is None


@pytest.mark.parametrize("n_cases", [1, 30])
def test_legal_basis_of_all_rows_is_read_with_a_constant_number_of_queries(org, users, budget, n_cases,
                                                                           django_assert_num_queries):
    lines = []
    for i in range(n_cases):
        case = make_case(org.walle, org.team_a, users.case_manager, number=i + 1)
        approved_contract(case, users.team_lead, start=date(2026, 1, 1), until=date(2026, 6, 30))
        approved_contract(case, users.team_lead, start=date(2026, 7, 1), until=date(2026, 12, 31))
        taking_into_care(case, users.case_manager, received=date(2025, 12, 1))
        for month in (1, 8):
            lines.append(row(org, f"10.{month:02d}.2026;R-{i}-{month};Sachkosten Fall;5,00;{case.reference};;"))
    # the user's roles (for the scope; loaded once per request anyway), budgets, final settlements,
    # providers, booked invoices, cases, districts, approved contracts, takings into care – however
    # many rows and cases (issue 13: every lookup is scoped by the importing user)
    with django_assert_num_queries(9):
        result = imports.parse(csv_text(*lines), user=users.economic_aid)
    assert result.ok and len(result.rows) == 2 * n_cases and all(r.contract_id for r in result.rows)
