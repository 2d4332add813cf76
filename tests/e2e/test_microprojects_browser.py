"""A proposal's way through the browser: the case manager proposes and submits, the coordinator
finds it on her worklist and approves it with a German amount, the provider records participants."""

import datetime as dt
import os

from microprojects.models import MicroProject, Status
from tests.microprojects.factories import set_budget

SHOTS = os.environ.get("JUWE_SCREENSHOTS")  # set to a folder to keep screenshots for review


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"microprojects-{name}.png"), full_page=True)


def test_proposal_is_submitted_approved_and_started(login, users, org, live_server, page):
    year = dt.date.today().year
    set_budget(org.walle, "50000.00", year)
    page = login(users.case_manager)
    page.get_by_role("link", name="Mikroprojekte").first.click()
    page.get_by_role("link", name="Projekt vorschlagen").click()
    page.get_by_label("Titel").fill("Elterncafé im Waller Park")
    page.get_by_label("Kategorie").select_option(label="Semiprofessionell mit fachlicher Begleitung")
    page.locator("#id_districts").select_option(label="Walle")
    page.get_by_label("Belasteter Stadtteil").select_option(label="Walle")
    page.get_by_label("Träger").select_option(label="Stadtteilhaus West e. V.")
    page.get_by_label("In Fällen erkannter Bedarf").fill("Eltern in fünf Beratungsfällen kannten niemanden im Stadtteil.")
    page.get_by_label("Zielgruppe").fill("Eltern von Grundschulkindern")
    page.get_by_label("Alter von").fill("6")
    page.get_by_label("Alter bis").fill("10")
    page.get_by_label("Ziele").fill("Eltern treffen sich wöchentlich und finden früh Beratung.")
    page.get_by_label("Beginn").fill(f"{year}-09-01")
    page.get_by_label("Ende").fill(f"{year}-08-31".replace(str(year), str(year + 1), 1))
    page.get_by_label("Beantragter Betrag").fill("12.500,00")
    _shot(page, "form")
    page.get_by_role("button", name="Entwurf speichern").click()
    page.get_by_role("button", name="Zur Bewilligung einreichen").click()
    assert "zur Bewilligung eingereicht" in page.content()

    page.context.clear_cookies()
    page = login(users.coordinator)
    _shot(page, "worklist")
    page.get_by_role("link", name="Elterncafé im Waller Park").click()
    page.get_by_label("bewilligter Betrag (EUR)").fill("12000,00")
    _shot(page, "decision")
    page.get_by_role("button", name="Bewilligen").click()
    assert "Das Projekt wurde bewilligt." in page.content()
    page.get_by_role("button", name="Projekt starten").click()
    project = MicroProject.objects.get()
    assert project.status == Status.RUNNING and str(project.approved_amount) == "12000.00"
    _shot(page, "detail")


def test_district_overview_renders_for_leadership(login, users, org, live_server):
    set_budget(org.walle, "50000.00")
    page = login(users.leadership)
    page.goto(f"{live_server.url}/mikroprojekte/stadtteile/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Mikroprojekte nach Stadtteilen")
    assert "50.000,00" in page.content()
    _shot(page, "overview")
