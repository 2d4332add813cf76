"""The booking form: service date and the exception field (economic youth aid), refusals of the legal
basis on their field with the input kept."""

from datetime import date

import pytest
from django.urls import reverse

from budgets.models import CostCategory, CostEntry
from tests.budgets.factories import approved_contract, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(org, users):
    return make_case(org.walle, org.team_a, users.case_manager, number=17)


def post(client, budget, **values):
    data = {"booking_date": "2026-05-04", "category": CostCategory.CASE_MATERIAL, "amount": "250,00",
            "provider": budget.provider_id, "invoice_number": "SK-1", "case_reference": "2026/334/17"} | values
    return client.post(reverse("budgets:cost_entry_create", args=[budget.pk]), data)


def test_form_shows_service_date_and_the_exception_with_its_explanation(as_user, users, budget):
    text = as_user(users.economic_aid).get(reverse("budgets:cost_entry_create", args=[budget.pk])).text
    assert 'name="service_date"' in text and 'type="date"' in text and "Leistungsdatum" in text
    assert 'name="exception_reason"' in text and "Ausnahme: Grund für die Buchung ohne Kontrakt" in text
    assert "nachträglich" in text and "§ 36a SGB VIII" in text
    assert "<fieldset" in text and "<legend>Fall und Rechtsgrundlage (§ 36a SGB VIII)</legend>" in text


def test_refusal_appears_on_the_service_date_and_keeps_the_input(as_user, users, budget, case):
    approved_contract(case, users.team_lead, start=date(2026, 6, 1), until=date(2026, 11, 30))
    response = post(as_user(users.economic_aid), budget, service_date="2026-05-02", note="Fahrtkosten Mai")
    assert response.status_code == 200 and not CostEntry.objects.exists()
    text = response.text
    message = ("Für Fall 2026/334/17 gibt es am 02.05.2026 keinen bewilligten Kontrakt. "
               "Nächster Bewilligungszeitraum: 01.06.2026–30.11.2026.")
    # on the field: after the service date's input, before the next field
    field = text[text.index('name="service_date"'):text.index('name="exception_reason"')]
    assert message in field
    assert 'value="2026/334/17"' in text and 'value="2026-05-02"' in text and 'value="Fahrtkosten Mai"' in text


def test_category_refusal_appears_on_the_category(as_user, users, budget, case):
    approved_contract(case, users.team_lead, start=date(2026, 4, 1), until=date(2026, 9, 30))
    response = post(as_user(users.economic_aid), budget, category=CostCategory.PERSONNEL)
    text = response.text
    field = text[text.index('name="category"'):text.index('name="amount"')]
    assert "wird nie auf einen Fall gebucht" in field


def test_booking_on_the_contract_is_saved_with_its_basis(as_user, users, budget, case):
    contract = approved_contract(case, users.team_lead, start=date(2026, 4, 1), until=date(2026, 9, 30))
    response = post(as_user(users.economic_aid), budget, booking_date="2026-10-05", service_date="2026-09-30")
    assert response.status_code == 302
    entry = CostEntry.objects.get()
    assert (entry.case, entry.contract, entry.service_date) == (case, contract, date(2026, 9, 30))


def test_exception_with_a_reason_is_booked(as_user, users, budget, case):
    response = post(as_user(users.economic_aid), budget,
                    exception_reason="Eilfall, Kontrakt wird nachträglich bewilligt (Teamleitung informiert).")
    assert response.status_code == 302
    entry = CostEntry.objects.get()
    assert entry.contract is None and entry.exception_reason.startswith("Eilfall")


def test_unknown_case_reference_stays_on_its_field(as_user, users, budget):
    response = post(as_user(users.economic_aid), budget, case_reference="2026/334/999")
    text = response.text
    field = text[text.index('name="case_reference"'):text.index('name="service_date"')]
    assert 'value="2026/334/999"' in field and "Es gibt keinen Fall mit diesem Aktenzeichen." in field
