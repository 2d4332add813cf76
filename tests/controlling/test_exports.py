"""Exports of the dashboard: table CSV/XLSX equal the page, the key-figure CSV, the committee PDF."""

import io
import re

import pytest
from openpyxl import load_workbook

from juwe.models import AuditEvent
from tests.controlling import shell_fakes

Q = "ebene=amt&jahr=2024"


@pytest.fixture
def lead(monkeypatch, users, as_user):
    shell_fakes.install(monkeypatch)
    return as_user(users.leadership)


def _csv_rows(response):
    return [line.split(";") for line in response.content.decode("utf-8-sig").splitlines()]


def _page_table(page: str, key: str) -> list[list[str]]:
    table = re.search(rf'<table class="data breakdown" id="tabelle-{key}">(.*?)</table>', page, re.S)[1]
    body = re.sub(r"<thead>.*?</thead>", "", table, flags=re.S)
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_table_csv_equals_the_page(lead):
    page = lead.get(f"/steuerung/?{Q}").content.decode()
    rows = _csv_rows(lead.get(f"/steuerung/tabelle/faelle_nach_grund.csv?{Q}"))
    assert rows[0] == ["Beendet nach Grund", "Fälle"]
    assert rows[1:] == [["Beratung", "3"], ["Hilfe", "10"], ["Umzug", "7"], ["Gesamt", "20"]]
    assert _page_table(page, "faelle_nach_grund") == rows[1:]


def test_published_csv_is_suppressed_with_secondary_suppression(lead):
    rows = _csv_rows(lead.get(f"/steuerung/tabelle/faelle_nach_grund.csv?{Q}&veroeffentlichung=1"))
    assert rows[1:] == [["Beratung", "< 5"], ["Hilfe", "10"], ["Umzug", "x"], ["Gesamt", "20"]]


def test_xlsx_of_key_figures_and_iko(lead):
    response = lead.get(f"/steuerung/tabelle/kennzahlen.xlsx?{Q}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["Neue Fälle"] == (3, 3, 3)  # 2024 and both comparisons in 2023: the fakes' 3
    assert values["Gebuchte Kosten"][0] == pytest.approx(1234.5)
    iko = _csv_rows(lead.get(f"/steuerung/tabelle/iko.csv?{Q}"))
    assert [r[0] for r in iko[1:]] == ["HzE-Dichte", "Kosten je Fall"] and iko[1][1] == "1,25"


@pytest.mark.parametrize("url", ["/steuerung/tabelle/gibtsnicht.csv", "/steuerung/tabelle/kennzahlen.pdf"])
def test_unknown_table_or_format_is_404(lead, url):
    assert lead.get(f"{url}?{Q}").status_code == 404


def test_exports_are_audited(lead):
    lead.get(f"/steuerung/tabelle/kennzahlen.csv?{Q}")
    lead.get("/steuerung/kennzahlen.csv?von=2024-01-01&bis=2024-06-30")
    lead.get(f"/steuerung/bericht.pdf?{Q}")
    names = set(AuditEvent.objects.values_list("name", flat=True))
    assert {"controlling.table.exported", "controlling.key_figures.exported", "controlling.report.printed"} <= names


def test_key_figure_csv_format(lead):
    response = lead.get("/steuerung/kennzahlen.csv?ebene=amt&von=2024-01-01&bis=2024-06-30")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.decode().splitlines() == [
        "kennzahl;wert",
        "faelle_neu;3", "faelle_offen;2", "anteil_ohne_hilfe;12.5", "bezirke;3", "dauer_median;",
        "hze_dichte;1.25", "anteil_stationaer;37.5",
        "kosten_gebucht;1234.50", "kosten_je_fall;617.25",
        "mikroprojekte;6",
    ]
    published = lead.get("/steuerung/kennzahlen.csv?von=2024-01-01&bis=2024-06-30&veroeffentlichung=1")
    assert "faelle_offen;< 5" in published.content.decode().splitlines()


@pytest.mark.parametrize("query", ["", "von=2024-01-01", "von=2024-1-1&bis=2024-06-30", "von=2024-02-30&bis=2024-03-01",
                                   "von=2024-06-30&bis=2024-01-01", "von=x&bis=y",
                                   "ebene=galaxie&von=2024-01-01&bis=2024-06-30"])
def test_key_figure_csv_bad_dates_are_400_plain_text(lead, query):
    response = lead.get(f"/steuerung/kennzahlen.csv?{query}")
    assert response.status_code == 400 and response["Content-Type"].startswith("text/plain")


def test_key_figure_csv_scope_errors(monkeypatch, org, users, as_user):
    shell_fakes.install(monkeypatch)
    url = "/steuerung/kennzahlen.csv?von=2024-01-01&bis=2024-06-30"
    assert as_user(users.team_lead).get(f"{url}&ebene=team&id={org.team_b.pk}").status_code == 404
    assert as_user(users.team_lead).get(f"{url}&ebene=team&id=abc").status_code == 404
    assert as_user(users.case_manager).get(url).status_code == 403


def test_report_is_a_real_pdf_with_the_scope_and_suppression(monkeypatch, org, users, as_user):
    from pypdf import PdfReader

    shell_fakes.install(monkeypatch)
    response = as_user(users.center_lead).get(f"/steuerung/bericht.pdf?ebene=sozialzentrum&id={org.center_b.pk}&jahr=2024")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Sozialzentrum Ost" in text and "< 5" in text and "Amt für Soziale Dienste" in text
    assert "Beratung" in text and " 3 " not in text.split("Beratung", 1)[1][:6]


def test_report_with_bad_parameters_is_400(lead):
    assert lead.get("/steuerung/bericht.pdf?jahr=abc").status_code == 400
