"""In the browser: contacts and map entries are added inline (htmx) without reloading the page."""

import datetime as dt
import os

from django.utils import timezone

from cases.models import Contact, NetworkPerson
from tests.cases.factories import add_maps, make_case


def open_case(login, users, org, live_server):
    case = make_case(users.case_manager, org.walle)
    add_maps(case, users.case_manager)
    page = login(users.case_manager)
    page.goto(f"{live_server.url}/faelle/{case.pk}/")
    # A marker on window survives only as long as the page is not reloaded.
    page.evaluate("window.__noReload = 'still here'")
    return case, page


def test_contact_added_without_reload_and_error_keeps_input(login, users, org, live_server):
    case, page = open_case(login, users, org, live_server)
    form = page.locator("form.contact-form")
    future = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    form.get_by_label("Datum und Uhrzeit").fill(future)
    form.get_by_label("Art").select_option("home_visit")
    form.get_by_label("Dauer (Minuten)").fill("50")
    form.get_by_label("Teilnehmende").fill("Frau Petersen und Lina")
    form.get_by_label("Vermerk").fill("Lina zeigt stolz ihr Zimmer.")
    form.get_by_role("button", name="Kontakt hinzufügen").click()
    error = page.locator("#contacts .error")
    error.wait_for()
    assert "Das Datum liegt in der Zukunft" in error.inner_text()
    form = page.locator("form.contact-form")
    assert form.get_by_label("Teilnehmende").input_value() == "Frau Petersen und Lina"
    assert form.get_by_label("Vermerk").input_value() == "Lina zeigt stolz ihr Zimmer."
    assert Contact.objects.count() == 0

    past = (timezone.localtime() - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    form.get_by_label("Datum und Uhrzeit").fill(past)
    form.get_by_role("button", name="Kontakt hinzufügen").click()
    page.locator("#contacts td", has_text="Lina zeigt stolz ihr Zimmer.").wait_for()
    assert page.evaluate("window.__noReload") == "still here"
    assert page.locator("[data-contact-count]").inner_text() == "1"
    assert page.locator("form.contact-form").get_by_label("Vermerk").input_value() == ""  # fresh form for the next one
    if os.environ.get("JUWE_SCREENSHOTS"):
        page.screenshot(path="/tmp/case_detail.png", full_page=True)


def test_network_person_added_inline_redraws_the_svg(login, users, org, live_server):
    case, page = open_case(login, users, org, live_server)
    before = page.locator("svg.ecomap g.person").count()
    form = page.locator("form.network-form")
    form.get_by_label("Name").fill("Herr Yıldız")
    form.get_by_label("Beziehung", exact=True).fill("Fußballtrainer")
    form.get_by_label("Sektor").select_option("friends")
    form.get_by_label("Nähe").select_option("2")
    form.get_by_label("Beziehungsqualität").select_option("supportive")
    form.get_by_role("button", name="Hinzufügen").click()
    page.locator("svg.ecomap g.person title", has_text="Herr Yıldız").wait_for(state="attached")
    assert page.locator("svg.ecomap g.person").count() == before + 1
    assert page.evaluate("window.__noReload") == "still here"
    assert NetworkPerson.objects.filter(case=case, name="Herr Yıldız").exists()


def test_case_list_search_and_filter_by_keyboard(login, users, org, live_server):
    case = make_case(users.case_manager, org.walle)
    make_case(users.case_manager, org.westend, child=("Jonas", "Kowalski", dt.date(2012, 1, 1)), parent=None)
    page = login(users.case_manager)
    page.goto(f"{live_server.url}/faelle/")
    page.get_by_label("Aktenzeichen oder Name").fill("Petersn")
    page.get_by_label("Aktenzeichen oder Name").press("Enter")
    page.wait_for_url("**q=Petersn**")
    rows = page.locator("table.case-list tbody tr")
    assert rows.count() == 1 and case.reference in rows.first.inner_text()
    if os.environ.get("JUWE_SCREENSHOTS"):
        page.screenshot(path="/tmp/case_list.png", full_page=True)
