"""Who sees which controlling: URL × role × own/other scope (403 without controlling, 404 out of reach)."""

import pytest

from tests.controlling import shell_fakes

URLS = {
    "dashboard": "/steuerung/",
    "report_pdf": "/steuerung/bericht.pdf",
    "table_export": "/steuerung/tabelle/kennzahlen.csv",
    "key_figures_csv": "/steuerung/kennzahlen.csv",
}
PERIOD = {"dashboard": "jahr=2024", "report_pdf": "jahr=2024", "table_export": "jahr=2024",
          "key_figures_csv": "von=2024-01-01&bis=2024-12-31"}

# role -> [(scope, expected status)]; scope is (level, org attribute or None)
MATRIX = {
    "leadership": [(("amt", None), 200), (("team", "team_b"), 200), (("stadtteil", "vahr"), 200)],
    "center_lead": [(("sozialzentrum", "center_b"), 200), (("stadtteil", "vahr"), 200),
                    (("team", "team_a"), 404), (("stadtteil", "walle"), 404), (("sozialzentrum", "center_a"), 404),
                    (("amt", None), 404)],
    "team_lead": [(("team", "team_a"), 200), (("stadtteil", "walle"), 200), (("team", "team_b"), 404),
                  (("stadtteil", "vahr"), 404)],
    "coordinator": [(("stadtteil", "walle"), 200), (("stadtteil", "westend"), 200), (("stadtteil", "vahr"), 404),
                    (("team", "team_a"), 404)],
    "economic_aid": [(("amt", None), 200), (("stadtteil", "walle"), 200)],
    **{role: [(("stadtteil", "walle"), 403)]
       for role in ("case_manager", "other_case_manager", "provider_staff", "admin", "nobody")},
}
CASES = [(url, role, scope, status) for url in URLS for role, scopes in MATRIX.items() for scope, status in scopes]


@pytest.mark.parametrize(("url", "role", "scope", "status"), CASES)
def test_access_matrix(monkeypatch, org, users, as_user, url, role, scope, status):
    shell_fakes.install(monkeypatch)
    level, attr = scope
    query = f"ebene={level}" + (f"&id={getattr(org, attr).pk}" if attr else "") + "&" + PERIOD[url]
    response = as_user(getattr(users, role)).get(f"{URLS[url]}?{query}")
    assert response.status_code == status


def test_anonymous_is_sent_to_login(client, org):
    assert client.get("/steuerung/").status_code == 302


def test_coordinator_sees_prevention_only(monkeypatch, org, users, as_user):
    shell_fakes.install(monkeypatch)
    page = as_user(users.coordinator).get("/steuerung/?jahr=2024").content.decode()
    assert "Prävention" in page and "Mikroprojekte" in page
    assert "Neue Fälle" not in page and "Gebuchte Kosten" not in page and "HzE-Dichte" not in page


def test_economic_aid_sees_money_only(monkeypatch, org, users, as_user):
    shell_fakes.install(monkeypatch)
    body = as_user(users.economic_aid).get("/steuerung/kennzahlen.csv?von=2024-01-01&bis=2024-12-31").content.decode()
    assert body.splitlines() == ["kennzahl;wert", "kosten_gebucht;1234.50", "kosten_je_fall;617.25"]


def test_default_scope_is_the_widest_level(monkeypatch, org, users, as_user):
    shell_fakes.install(monkeypatch)
    assert "Sozialzentrum Ost" in as_user(users.center_lead).get("/steuerung/?jahr=2024").content.decode()
    assert "Stadtteilteam Walle" in as_user(users.team_lead).get("/steuerung/?jahr=2024").content.decode()


@pytest.mark.parametrize(("role", "shown"), [("leadership", True), ("team_lead", True), ("case_manager", False),
                                             ("provider_staff", False)])
def test_menu_and_home_link(org, users, as_user, role, shown):
    page = as_user(getattr(users, role)).get("/").content.decode()
    assert ('href="/steuerung/"' in page) is shown
