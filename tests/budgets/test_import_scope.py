"""Issue 13, item 1 and item 10 (b): the cost-entry import and the booking form look budgets, districts
and cases up through the access policy. An economic youth aid user bound to social centre A books
nothing into centre B, and learns nothing about it: an out-of-scope district, budget or case reads
exactly like one that does not exist."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from budgets import imports
from budgets.models import CostCategory, CostEntry
from tests.budgets.factories import approved_contract, make_case

pytestmark = pytest.mark.django_db
HEADER = ";".join(imports.COLUMNS)


def csv_text(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


@pytest.fixture
def vahr_case(org, users):
    """A case of social centre B with an approved contract: bookable for the office-wide economic youth aid."""
    case = make_case(org.vahr, org.team_b, users.other_case_manager, number=5)
    approved_contract(case, users.team_lead, start=date(2026, 1, 1), until=date(2026, 12, 31))
    return case


def errors_of(text: str, user) -> list[str]:
    with translation.override("de"):
        return imports.parse(text, user=user).errors


def vahr_row(org, number="RE-1", district=None) -> str:
    return f"15.01.2026;{number};{org.provider_b.name};{district or org.vahr.code};JH;Personal;100,00;;"


def test_scoped_economic_aid_cannot_import_into_a_budget_of_another_social_centre(
        org, users, scoped_economic_aid, budget, vahr_budget):
    refused = errors_of(csv_text(vahr_row(org)), scoped_economic_aid)
    unknown = errors_of(csv_text(vahr_row(org, district="999")), scoped_economic_aid)
    assert refused == ["Zeile 2: unbekannter Stadtteil-Code „511“"]
    assert refused == [e.replace("999", org.vahr.code) for e in unknown]  # reads like a code that does not exist
    # The same row is fine for the office-wide economic youth aid: the scope refuses it, not the data.
    assert imports.parse(csv_text(vahr_row(org)), user=users.economic_aid).ok


def test_scoped_economic_aid_cannot_book_an_import_row_on_a_case_of_another_social_centre(
        org, users, scoped_economic_aid, budget, vahr_case):
    def line(ref):
        return f"15.01.2026;RE-1;{org.provider_a.name};{org.walle.code};JH;Sachkosten Fall;50,00;{ref};;;Eilfall"

    refused = errors_of(csv_text(line(vahr_case.reference)), scoped_economic_aid)
    unknown = errors_of(csv_text(line("2026/511/999")), scoped_economic_aid)
    assert refused == [f"Zeile 2: unbekanntes Aktenzeichen „{vahr_case.reference}“"]
    assert refused == [e.replace("2026/511/999", vahr_case.reference) for e in unknown]
    # Without the scope the case is known (and refused for its district, which that user may know).
    assert "anderen Stadtteil" in errors_of(csv_text(line(vahr_case.reference)), users.economic_aid)[0]


def test_scoped_economic_aid_imports_into_its_own_social_centre(org, scoped_economic_aid, budget):
    text = csv_text(f"15.01.2026;RE-1;{org.provider_a.name};{org.walle.code};JH;Personal;100,00;;")
    result = imports.parse(text, user=scoped_economic_aid)
    assert result.ok
    assert imports.save(result, user=scoped_economic_aid) == 1


def test_web_import_of_a_scoped_user_refuses_the_other_social_centre(as_user, org, scoped_economic_aid, vahr_budget):
    upload = SimpleUploadedFile("b.csv", csv_text(vahr_row(org)).encode("utf-8"), content_type="text/csv")
    response = as_user(scoped_economic_aid).post(reverse("budgets:cost_entry_import"), {"file": upload})
    assert response.status_code == 200
    assert "Zeile 2: unbekannter Stadtteil-Code „511“" in response.text
    assert "Die Datei ist korrekt" not in response.text
    assert not CostEntry.objects.exists()


def test_management_command_books_with_the_scope_of_the_given_user(tmp_path, org, users, scoped_economic_aid,
                                                                   vahr_budget):
    path = tmp_path / "export.csv"
    path.write_text(csv_text(vahr_row(org)), encoding="utf-8")
    err = io.StringIO()
    with translation.override("de"), pytest.raises(CommandError):
        call_command("import_cost_entries", str(path), user=scoped_economic_aid.username, verbosity=0, stderr=err)
    assert "Zeile 2: unbekannter Stadtteil-Code „511“" in err.getvalue()
    assert not CostEntry.objects.exists()
    call_command("import_cost_entries", str(path), user=users.economic_aid.username, verbosity=0)
    assert CostEntry.objects.count() == 1


def test_management_command_requires_the_acting_user(tmp_path, org, vahr_budget):
    path = tmp_path / "export.csv"
    path.write_text(csv_text(vahr_row(org)), encoding="utf-8")
    with pytest.raises(CommandError, match="--user"):
        call_command("import_cost_entries", str(path), verbosity=0)
    assert not CostEntry.objects.exists()


# --- The booking form (item 10 b) ---------------------------------------------------------------------


def book(client, budget, reference):
    return client.post(reverse("budgets:cost_entry_create", args=[budget.pk]), {
        "booking_date": "2026-05-04", "category": CostCategory.CASE_MATERIAL, "amount": "250,00",
        "provider": budget.provider_id, "invoice_number": "SK-1", "case_reference": reference,
        "exception_reason": "Eilfall",
    })


def case_field(response) -> str:
    text = response.text
    return text[text.index('name="case_reference"'):text.index('name="service_date"')]


def test_booking_form_says_the_same_for_an_out_of_scope_case_as_for_an_unknown_one(
        as_user, org, scoped_economic_aid, budget, vahr_case):
    client = as_user(scoped_economic_aid)
    out_of_scope = book(client, budget, vahr_case.reference)
    unknown = book(client, budget, "2026/511/999")
    assert out_of_scope.status_code == unknown.status_code == 200
    assert "Es gibt keinen Fall mit diesem Aktenzeichen." in case_field(out_of_scope)
    assert case_field(out_of_scope).replace(vahr_case.reference, "2026/511/999") == case_field(unknown)
    assert "anderen Stadtteil" not in out_of_scope.text
    assert not CostEntry.objects.exists()


def test_booking_form_of_a_scoped_user_finds_cases_of_its_own_social_centre(as_user, org, users,
                                                                              scoped_economic_aid, budget):
    case = make_case(org.walle, org.team_a, users.case_manager, number=17)
    response = book(as_user(scoped_economic_aid), budget, case.reference)
    assert response.status_code == 302
    assert CostEntry.objects.get().case == case
