import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from juwe.lib.export import to_csv, to_xlsx
from juwe.lib.money import format_eur, to_money
from juwe.lib.pdf import render_pdf


@pytest.mark.parametrize(
    "value,expected",
    [("1234.5", "1.234,50\u00a0€"), ("0", "0,00\u00a0€"), ("-1234567.891", "-1.234.567,89\u00a0€"), (Decimal("999.995"), "1.000,00\u00a0€")],
)
def test_euro_format_is_german(value, expected):
    assert format_eur(value) == expected


def test_money_refuses_float():
    with pytest.raises(TypeError):
        to_money(0.1)
    assert to_money("2.675") == Decimal("2.68")  # ROUND_HALF_UP, not banker's rounding


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "zwölf"])
def test_money_refuses_what_is_no_amount(value):
    with pytest.raises(ValueError):
        to_money(value)


def test_csv_uses_semicolons_german_numbers_and_a_bom():
    data = to_csv(["Name", "Betrag"], [["Müller; Anna", Decimal("12.50")]]).decode("utf-8")
    assert data.startswith("\ufeffName;Betrag")
    assert '"Müller; Anna";12,50' in data


def test_xlsx_is_readable():
    wb = load_workbook(io.BytesIO(to_xlsx(["Name", "Anzahl"], [["Walle", 3]])))
    assert [c.value for c in wb.active[2]] == ["Walle", 3]


def test_pdf_renders_with_letterhead_and_page_numbers(settings):
    settings.JUWE_OFFICE_ADDRESS = "Testweg 1, 28195 Bremen – Ä"
    pdf = render_pdf("documents/base.html", {})
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Testweg 1, 28195 Bremen – Ä" in text
    assert settings.JUWE_OFFICE_NAME in text
    assert "Seite 1 von 1" in text
