"""One amount parser and one formatter (juwe.lib.money): what a German or English reader means is
read, anything unclear is refused with a message saying why, and every formatted amount reads back."""

import io
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from juwe.lib.export import to_csv, to_xlsx
from juwe.lib.forms import MoneyField, NumberField
from juwe.lib.money import MESSAGES, AmountError, format_amount, format_eur, parse_amount, parse_decimal

LARGEST = Decimal("999999999999.99")  # max_digits 14, decimal_places 2: the models' MONEY fields
amounts = st.decimals(min_value=-LARGEST, max_value=LARGEST, places=2, allow_nan=False, allow_infinity=False)


# --- Round trip -----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("currency", [True, False])
@given(value=amounts)
def test_every_formatted_amount_reads_back_as_the_same_amount(language, currency, value):
    text = format_amount(value, language=language, currency=currency)
    assert parse_amount(text, language=language) == value


@given(value=amounts)
def test_csv_numbers_read_back_with_german_rules(value):
    text = format_amount(value, language="de", currency=False, grouping=False)
    assert "." not in text and parse_amount(text, language="de") == value


@given(value=amounts)
def test_the_active_language_decides_when_none_is_given(value):
    for language in ("de", "en"):
        with translation.override(language):
            assert format_amount(value) == format_amount(value, language=language)
            assert parse_amount(format_amount(value)) == value


# --- Reading: what is accepted --------------------------------------------------------------------


@pytest.mark.parametrize("typed,amount", [
    ("1.234,56", "1234.56"),
    ("1234,56", "1234.56"),
    ("1234", "1234.00"),
    ("12.500", "12500.00"),  # twelve thousand five hundred, as in the forms – and now in the CSV import
    ("1.234.567,89", "1234567.89"),
    ("12,5", "12.50"),
    ("0,99", "0.99"),
    (",50", "0.50"),
    ("12,-", "12.00"),
    ("1.234,56 €", "1234.56"),
    ("1.234,56\u00a0€", "1234.56"),
    ("€ 1.234,56", "1234.56"),
    ("EUR 1.234,56", "1234.56"),
    ("1234,56 eur", "1234.56"),
    ("  1 234,56  ", "1234.56"),
    ("12\u00a0500", "12500.00"),
    ("12\u202f500,00", "12500.00"),
    ("-1.234,56", "-1234.56"),
    ("- 50,00 €", "-50.00"),
    ("\u22123,20", "-3.20"),
    ("-0,00", "0.00"),
    ("999.999.999.999,99", "999999999999.99"),
])
def test_german_input_means_what_a_german_reader_means(typed, amount):
    assert parse_amount(typed, language="de") == Decimal(amount)


@pytest.mark.parametrize("typed,amount", [
    ("1,234.56", "1234.56"),
    ("1234.56", "1234.56"),
    ("12,500", "12500.00"),
    ("12.5", "12.50"),
    ("1,234,567.89", "1234567.89"),
    ("€1,234.56", "1234.56"),
    ("-€1,234.56", "-1234.56"),
    ("€-5", "-5.00"),
    ("1 234.56", "1234.56"),
])
def test_english_input_means_what_an_english_reader_means(typed, amount):
    assert parse_amount(typed, language="en") == Decimal(amount)


# --- Reading: what is refused, and why -----------------------------------------------------------


@pytest.mark.parametrize("typed,code", [
    ("", "required"),
    ("   ", "required"),
    ("zwölf", "invalid"),
    ("12a", "invalid"),
    ("NaN", "invalid"),
    ("inf", "invalid"),
    ("Infinity", "invalid"),
    ("1e3", "invalid"),
    ("--5", "invalid"),
    ("-", "invalid"),
    ("€", "invalid"),
    ("12 € 50", "invalid"),
    ("1,234", "decimal_places"),  # three decimals: never rounded silently
    ("1.234,567", "decimal_places"),
    ("12.50", "grouping"),  # the 12.50 € of the old CSV import: a dot is no decimal point in German
    ("12500.00", "grouping"),
    ("1.23", "grouping"),
    ("1.2345", "grouping"),
    ("0.500", "grouping"),
    ("1.234.56", "grouping"),
    ("12 50", "grouping"),
    ("1,234.56", "separators"),  # the English way round
    ("1,2,3", "too_many_decimal_separators"),
    ("1,23,45", "too_many_decimal_separators"),
    ("1.000.000.000.000", "max_digits"),
    ("1000000000000,00", "max_digits"),
])
def test_german_input_that_is_not_clear_is_refused(typed, code):
    with pytest.raises(AmountError) as refused:
        parse_amount(typed, language="de")
    assert refused.value.code == code
    assert isinstance(refused.value, ValueError)


@pytest.mark.parametrize("typed,code", [
    ("1.234", "decimal_places"),
    ("12,50", "grouping"),
    ("1,23", "grouping"),
    ("1.234,56", "separators"),
    ("1.2.3", "too_many_decimal_separators"),
    ("abc", "invalid"),
])
def test_english_input_that_is_not_clear_is_refused(typed, code):
    with pytest.raises(AmountError) as refused:
        parse_amount(typed, language="en")
    assert refused.value.code == code


@pytest.mark.parametrize("typed,message", [
    ("", "Bitte geben Sie einen Betrag ein."),
    ("zwölf", "„zwölf“ ist kein Betrag. Schreiben Sie ihn so: 1.234,56."),
    ("1,234", "Ein Betrag hat höchstens zwei Nachkommastellen (Cent), z. B. 1.234,56."),
    ("12.50", "„12.50“ ist nicht eindeutig: „.“ trennt die Tausender, danach stehen immer genau drei Ziffern; "
              "die Cent stehen nach „,“, z. B. 1.234,56."),
    ("1,234.56", "„1,234.56“ vertauscht die Trennzeichen: „.“ trennt die Tausender, „,“ steht vor den Cent, "
                 "z. B. 1.234,56."),
    ("1,2,3", "„1,2,3“ enthält mehr als ein „,“; danach stehen nur die Cent, z. B. 1.234,56."),
    ("1.000.000.000.000", "Der Betrag ist zu groß (höchstens 999.999.999.999,99\u00a0€)."),
])
def test_refusals_say_in_german_what_is_wrong(typed, message):
    with translation.override("de"), pytest.raises(AmountError) as refused:
        parse_amount(typed)
    with translation.override("de"):
        assert str(refused.value) == message


def test_refusals_in_english_show_the_english_way():
    with translation.override("en"), pytest.raises(AmountError) as refused:
        parse_amount("12,50")
    with translation.override("en"):
        assert str(refused.value) == ("“12,50” is not clear: “,” groups thousands and is always followed by exactly "
                                      "three digits; the cents come after “.”, e.g. 1,234.56.")


def test_every_refusal_has_a_german_text():
    with translation.override("de"):
        for kind in MESSAGES.values():
            for message in kind.values():
                with translation.override("en"):
                    english = str(message)
                assert str(message) != english, english


def test_decimals_are_checked_like_text_and_floats_are_refused():
    assert parse_amount(Decimal("12.5")) == Decimal("12.50") and parse_amount(12) == Decimal("12.00")
    with pytest.raises(AmountError):
        parse_amount(Decimal("1.234"))
    with pytest.raises(AmountError):
        parse_amount(Decimal("NaN"))
    with pytest.raises(TypeError):
        parse_amount(0.1)


def test_numbers_that_are_no_amounts_share_the_rules():
    assert parse_decimal("30,5", language="de", max_digits=5) == Decimal("30.50")
    assert parse_decimal("4.5", language="en", max_digits=5) == Decimal("4.50")
    with pytest.raises(AmountError) as refused:
        parse_decimal("1.000", language="de", max_digits=5)
    assert refused.value.code == "max_digits"
    with pytest.raises(AmountError):
        parse_decimal("30 €", language="de")  # a currency sign only on amounts


# --- Writing --------------------------------------------------------------------------------------


@pytest.mark.parametrize("value,german,english", [
    ("1234.56", "1.234,56\u00a0€", "€1,234.56"),
    ("0", "0,00\u00a0€", "€0.00"),
    ("-0.00", "0,00\u00a0€", "€0.00"),
    ("-1234567.891", "-1.234.567,89\u00a0€", "-€1,234,567.89"),
    (Decimal("999.995"), "1.000,00\u00a0€", "€1,000.00"),
    (12500, "12.500,00\u00a0€", "€12,500.00"),
])
def test_amounts_are_written_the_german_and_the_english_way(value, german, english):
    assert format_amount(value, language="de") == german
    assert format_amount(value, language="en") == english
    with translation.override("en"):
        assert format_eur(value) == english
    with translation.override("de"):
        assert format_eur(value) == german


def test_without_currency_and_without_grouping():
    assert format_amount("1234.5", language="de", currency=False) == "1.234,50"
    assert format_amount("1234.5", language="en", currency=False) == "1,234.50"
    assert format_amount("-1234.5", language="de", currency=False, grouping=False) == "-1234,50"
    assert format_amount(None) == "" and format_amount("") == ""


@pytest.mark.parametrize("language,expected", [("de", "1.234,56\u00a0€ | 1.234,56"), ("en", "€1,234.56 | 1,234.56")])
def test_the_money_filter_and_its_old_name(language, expected):
    template = Template('{% load juwe_tags %}{{ x|money }} | {{ x|money:"plain" }}|{{ x|eur }}|{{ y|money }}')
    with translation.override(language):
        text = template.render(Context({"x": Decimal("1234.56"), "y": None}))
    assert text == f"{expected}|{expected.split(' | ')[0]}|"


def test_csv_exports_write_german_numbers_without_sign_and_xlsx_keeps_numbers():
    rows = [["Walle", Decimal("1234.56"), Decimal("-12500.00"), Decimal("0.125")]]
    with translation.override("en"):  # the file is for German Excel whatever the interface language
        data = to_csv(["Stadtteil", "Betrag", "Storno", "Index"], rows).decode("utf-8")
    assert "Walle;1234,56;-12500,00;0,125" in data and "€" not in data
    sheet = load_workbook(io.BytesIO(to_xlsx(["Stadtteil", "Betrag", "Storno", "Index"], rows))).active
    assert sheet["B2"].value == pytest.approx(1234.56) and sheet["C2"].value == pytest.approx(-12500)
    assert sheet["B2"].number_format == "#,##0.00" and sheet["C2"].number_format == "#,##0.00"
    assert sheet["D2"].value == pytest.approx(0.125)


# --- The form field -------------------------------------------------------------------------------


class AmountForm(forms.Form):
    amount = MoneyField(label="Betrag", allow_zero=False)
    optional = MoneyField(label="Optional", required=False, min_value=Decimal("10"), max_value=Decimal("1000"))
    refund = MoneyField(label="Erstattung", required=False, allow_negative=True)
    hours = NumberField(label="Stunden", required=False, max_digits=5, example=Decimal("4.5"))


@pytest.mark.parametrize("language,typed", [("de", "1.234,56"), ("de", "1234,56 €"), ("en", "1,234.56"),
                                            ("en", "€1234.56")])
def test_field_reads_the_active_language(language, typed):
    with translation.override(language):
        form = AmountForm({"amount": typed})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal("1234.56")


@pytest.mark.parametrize("data,field,message", [
    ({"amount": "0"}, "amount", "Der Betrag darf nicht 0 sein."),
    ({"amount": "0,00"}, "amount", "Der Betrag darf nicht 0 sein."),
    ({"amount": "-5"}, "amount", "Der Betrag darf nicht negativ sein."),
    ({"amount": "12.50"}, "amount", "„12.50“ ist nicht eindeutig"),
    ({"amount": ""}, "amount", "Dieses Feld ist zwingend erforderlich."),
    ({"amount": "1", "optional": "9,99"}, "optional", "Der Betrag muss mindestens 10,00\u00a0€ sein."),
    ({"amount": "1", "optional": "1.000,01"}, "optional", "Der Betrag darf höchstens 1.000,00\u00a0€ sein."),
    ({"amount": "1", "hours": "4.5"}, "hours", "„4.5“ ist nicht eindeutig"),
    ({"amount": "1", "hours": "-1"}, "hours", "Der Wert darf nicht negativ sein."),
])
def test_field_errors_are_german_and_on_the_field(data, field, message):
    with translation.override("de"):
        form = AmountForm(data)
        assert not form.is_valid()
        assert any(message in e for e in form.errors[field]), form.errors


def test_negative_amounts_only_where_the_field_allows_them():
    with translation.override("de"):
        form = AmountForm({"amount": "1", "refund": "-12,50", "hours": "4,5"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["refund"] == Decimal("-12.50") and form.cleaned_data["hours"] == Decimal("4.50")


@pytest.mark.parametrize("language,shown,hours", [("de", 'value="12.500,00"', 'value="4,5"'),
                                                  ("en", 'value="12,500.00"', 'value="4.5"')])
def test_field_shows_a_stored_value_formatted_without_sign(language, shown, hours):
    with translation.override(language):
        html = str(AmountForm(initial={"amount": Decimal("12500"), "hours": Decimal("4.50")}))
    assert shown in html and hours in html and "€" not in html
    assert 'inputmode="decimal"' in html and 'type="text"' in html


def test_field_keeps_what_was_typed_when_the_form_comes_back():
    with translation.override("de"):
        html = str(AmountForm({"amount": "12.50"})["amount"])
    assert 'value="12.50"' in html
