"""Amounts in the budgets: the forms and the CSV import read them with the one parser (juwe.lib.money),
zero and negative bookings are refused on the amount field with a German message (a negative amount
only as the reversal of an entry), and no constraint's name ever reaches a user."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from budgets import imports, services
from budgets.forms import PotTransferForm
from budgets.models import Budget, CostCategory, CostEntry, Settlement
from tests.budgets.factories import CostEntryFactory

pytestmark = pytest.mark.django_db
CONSTRAINT_NAME = re.compile(r"[a-z]+(?:_[a-z0-9]+){2,}")  # e.g. cost_amount_not_zero


def book(client, budget, **values):
    data = {"booking_date": "2026-03-02", "category": CostCategory.OVERHEAD, "amount": "1.234,56",
            "provider": budget.provider_id, "invoice_number": "OH-1", "note": "Miete"} | values
    return client.post(reverse("budgets:cost_entry_create", args=[budget.pk]), data)


def field_html(text: str, name: str, next_name: str) -> str:
    """The form's HTML from the field's input to the next field's: where its errors are shown."""
    return text[text.index(f'name="{name}"'):text.index(f'name="{next_name}"')]


def no_constraint_name(text: str) -> bool:
    names = {c.name for model in (Budget, CostEntry, Settlement) for c in model._meta.constraints}
    return not any(name in text for name in names) and "Bedingung" not in text and "Constraint" not in text


# --- The booking form -----------------------------------------------------------------------------


@pytest.mark.parametrize("typed,amount", [("1.234,56", "1234.56"), ("1234,56", "1234.56"), ("12.500", "12500.00"),
                                          ("12,5", "12.50"), ("1.234,56 €", "1234.56")])
def test_booking_form_reads_german_amounts(as_user, users, budget, typed, amount):
    response = book(as_user(users.economic_aid), budget, amount=typed)
    assert response.status_code == 302
    assert CostEntry.objects.get().amount == Decimal(amount)


@pytest.mark.parametrize("typed,message", [
    ("0", "Der Betrag darf nicht 0 sein."),
    ("0,00", "Der Betrag darf nicht 0 sein."),
    ("-50,00", "Ein negativer Betrag wird nur als Storno einer bestehenden Buchung gebucht: Wählen Sie in der "
               "Liste der Ist-Kosten bei dieser Buchung „Stornieren“."),
    ("12.50", "„12.50“ ist nicht eindeutig"),
    ("1,234", "höchstens zwei Nachkommastellen"),
    ("1,234.56", "vertauscht die Trennzeichen"),
    ("zwölf", "„zwölf“ ist kein Betrag"),
])
def test_booking_form_refuses_unclear_zero_and_negative_amounts_on_the_field(as_user, users, budget, typed, message):
    response = book(as_user(users.economic_aid), budget, amount=typed)
    assert response.status_code == 200 and not CostEntry.objects.exists()
    assert message in field_html(response.text, "amount", "provider")
    assert f'value="{typed}"' in response.text  # the input is kept as typed
    assert no_constraint_name(response.text)


def test_booking_form_refuses_a_booked_invoice_on_its_field(as_user, users, budget):
    CostEntryFactory(budget=budget, invoice_number="OH-1")
    response = book(as_user(users.economic_aid), budget)
    assert response.status_code == 200 and CostEntry.objects.count() == 1
    field = field_html(response.text, "invoice_number", "case_reference")
    assert "Die Belegnummer OH-1 wurde für diesen Träger bereits gebucht." in field
    assert no_constraint_name(response.text)


def test_booking_form_in_english_reads_and_shows_the_english_way(client, users, budget):
    client.force_login(users.economic_aid)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = book(client, budget, amount="1,234.56")
    assert response.status_code == 302 and CostEntry.objects.get().amount == Decimal("1234.56")
    response = book(client, budget, amount="1.234,56", invoice_number="OH-2")
    assert response.status_code == 200
    assert "“1.234,56” mixes up the separators" in field_html(response.text, "amount", "provider")
    text = client.get(reverse("budgets:budget_detail", args=[budget.pk])).text
    assert "€1,200,000.00" in text and "€1,234.56" in text and "1.234,56" not in text


# --- The service ----------------------------------------------------------------------------------


def entry(user, budget, amount, number="R-1", **kwargs):
    return services.cost_entry_create(user=user, budget=budget, booking_date=budget_date(budget),
                                      category=CostCategory.PERSONNEL, amount=Decimal(amount),
                                      provider=budget.provider, invoice_number=number, **kwargs)


def budget_date(budget):
    from datetime import date

    return date(budget.year, 4, 1)


def test_service_refuses_a_negative_amount_that_reverses_nothing(users, budget):
    with translation.override("de"), pytest.raises(ValidationError) as refused:
        entry(users.economic_aid, budget, "-100.00")
    with translation.override("de"):
        assert "„Stornieren“" in " ".join(refused.value.message_dict["amount"])
    assert not CostEntry.objects.exists()


def test_service_books_a_negative_amount_as_the_reversal_of_the_entry(users, budget):
    original = entry(users.economic_aid, budget, "100.00")
    reversal = services.cost_entry_reverse(user=users.economic_aid, entry=original, booking_date=budget_date(budget))
    assert reversal.amount == Decimal("-100.00") and reversal.reverses == original


def test_a_reversal_books_exactly_the_negative_amount(users, budget):
    original = entry(users.economic_aid, budget, "100.00")
    with translation.override("de"), pytest.raises(ValidationError) as refused:
        entry(users.economic_aid, budget, "-90.00", number="R-1-ST", reverses=original)
    with translation.override("de"):
        assert "(-100,00\u00a0€)" in " ".join(refused.value.message_dict["amount"])


def test_service_refuses_zero_on_the_amount(users, budget):
    with translation.override("de"), pytest.raises(ValidationError) as refused:
        entry(users.economic_aid, budget, "0")
    with translation.override("de"):
        assert refused.value.message_dict["amount"] == ["Der Betrag darf nicht 0 sein."]


def test_model_validation_names_no_constraint(users, budget):
    """The last line: Django's model validation (what a ModelForm runs) says German words, no names."""
    with translation.override("de"):
        for bad, field in ((CostEntry(budget=budget, booking_date=budget_date(budget), category="personnel",
                                      amount=Decimal("0"), provider=budget.provider, invoice_number="X"), "Betrag"),):
            with pytest.raises(ValidationError) as refused:
                bad.full_clean()
            assert "Der Betrag darf nicht 0 sein." in str(refused.value) and no_constraint_name(str(refused.value))


# --- Budgets and the pot --------------------------------------------------------------------------


def test_budget_form_reads_twelve_thousand_five_hundred_and_german_rates(as_user, users, org):
    response = as_user(users.leadership).post(reverse("budgets:budget_create"), {
        "district": org.walle.pk, "year": 2027, "area": "youth_help", "amount": "12.500", "provider_rate": "30,5",
        "county_rate": "69,5"})
    assert response.status_code == 302
    budget = Budget.objects.get(year=2027)
    assert (budget.amount, budget.provider_rate, budget.county_rate) == (Decimal("12500.00"), Decimal("30.50"),
                                                                          Decimal("69.50"))


def test_budget_form_refuses_an_unclear_amount_on_the_field(as_user, users, org):
    response = as_user(users.leadership).post(reverse("budgets:budget_create"), {
        "district": org.walle.pk, "year": 2027, "area": "youth_help", "amount": "12.50", "provider_rate": "30",
        "county_rate": "70"})
    assert response.status_code == 200 and not Budget.objects.filter(year=2027).exists()
    assert "„12.50“ ist nicht eindeutig" in field_html(response.text, "amount", "provider_rate")


def test_budget_change_form_shows_the_amount_german_and_checks_shares_on_their_field(as_user, users, budget):
    client = as_user(users.leadership)
    url = reverse("budgets:budget_update", args=[budget.pk])
    assert 'value="1.200.000,00"' in client.get(url).text
    response = client.post(url, {"amount": "1.300.000,00", "provider_rate": "150", "county_rate": "-50"})
    assert response.status_code == 200 and no_constraint_name(response.text)
    assert "Ein Anteil muss zwischen 0 und 100 % liegen." in response.text
    response = client.post(url, {"amount": "1.300.000,00", "provider_rate": "30", "county_rate": "60"})
    assert "Trägeranteil und Kreisanteil müssen zusammen 100 % ergeben." in response.text
    assert no_constraint_name(response.text)
    response = client.post(url, {"amount": "-1", "provider_rate": "30", "county_rate": "70"})
    assert "Der Budgetbetrag darf nicht negativ sein." in field_html(response.text, "amount", "provider_rate")
    response = client.post(url, {"amount": "1.300.000,00", "provider_rate": "30", "county_rate": "70"})
    assert response.status_code == 302
    budget.refresh_from_db()
    assert budget.amount == Decimal("1300000.00")


@pytest.mark.parametrize("typed,message", [("0", "Der Betrag muss größer als null sein."),
                                           ("-5", "Der Betrag muss größer als null sein."),
                                           ("1.2", "„1.2“ ist nicht eindeutig")])
def test_pot_transfer_amount_is_checked_on_the_field(typed, message):
    with translation.override("de"):
        form = PotTransferForm({"amount": typed, "reason": "Defizit"}, settlements=Settlement.objects.none())
        assert not form.is_valid()
        assert any(message in e for e in form.errors["amount"])


def test_pot_transfer_choices_show_the_deficit_formatted(users, org):
    from datetime import date

    import time_machine

    deficit = services.budget_create(user=users.leadership, district=org.vahr, year=2025, area="youth_help",
                                     amount=Decimal("100000.00"))
    CostEntryFactory(budget=deficit, amount=Decimal("110000.00"))
    settlement = services.settlement_prepare(user=users.economic_aid, budget=deficit)
    with time_machine.travel(date(2026, 1, 20)):
        services.settlement_finalize(user=users.leadership, settlement=settlement)
    with translation.override("de"):
        field = PotTransferForm(settlements=Settlement.objects.all()).fields["settlement"]
        choices = [label for _value, label in field.choices]
    assert any(re.search(r"\(-\d{1,3}(\.\d{3})*,\d\d\u00a0€\)$", str(label)) for label in choices), choices


# --- The CSV import: German whatever the interface language -------------------------------------


def row(org, amount, number="RE-1"):
    return f"15.01.2026;{number};{org.provider_a.name};{org.walle.code};JH;Personal;{amount};;Text"


def csv(*rows):
    return "\n".join([";".join(imports.COLUMNS[:9]), *rows]) + "\n"


@pytest.mark.parametrize("language", ["de", "en"])
def test_import_reads_amounts_as_german_in_any_language(org, users, budget, language):
    text = csv(row(org, "12.500", "RE-1"), row(org, "1.234,56", "RE-2"), row(org, "12,5", "RE-3"),
               row(org, "99", "RE-4"), row(org, "1.000.000,00 €", "RE-5"))
    with translation.override(language):
        result = imports.parse(text, user=users.economic_aid)
    assert result.ok, result.errors
    assert [r.amount for r in result.rows] == [Decimal("12500.00"), Decimal("1234.56"), Decimal("12.50"),
                                               Decimal("99.00"), Decimal("1000000.00")]


@pytest.mark.parametrize("amount,message", [
    ("12.50", "Betrag: „12.50“ ist nicht eindeutig"),
    ("1,234", "Betrag: Ein Betrag hat höchstens zwei Nachkommastellen"),
    ("1,234.56", "Betrag: „1,234.56“ vertauscht die Trennzeichen"),
    ("", "der Betrag fehlt"),
    ("0,00", "der Betrag darf nicht 0 sein"),
    ("-50,00", "der Betrag -50,00\u00a0€ ist negativ: Die Datei bucht nur Kosten. Eine Korrektur wird in JuWe als "
               "Storno der Buchung gebucht, die sie korrigiert („Stornieren“ in der Liste der Ist-Kosten)"),
])
def test_import_refuses_unclear_zero_and_negative_amounts_by_line(org, users, budget, amount, message):
    with translation.override("de"):
        result = imports.parse(csv(row(org, "100,00", "RE-1"), row(org, amount, "RE-2")), user=users.economic_aid)
        assert not result.ok and result.error_count == 1
        assert result.errors[0].startswith("Zeile 3: ") and message in result.errors[0], result.errors


def test_import_command_reads_german_amounts_and_prints_a_german_total(tmp_path, org, users, budget, capsys):
    path = tmp_path / "buchungen.csv"
    path.write_text(csv(row(org, "12.500", "RE-1"), row(org, "0,50", "RE-2")), encoding="utf-8")
    call_command("import_cost_entries", str(path), "--user", users.economic_aid.username, "--check-only",
                 verbosity=0)
    assert "Summe 12.500,50\u00a0€" in capsys.readouterr().out
    assert not CostEntry.objects.exists()
