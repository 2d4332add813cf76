"""Leadership opens the controlling, narrows it to a district and prints the committee report."""

import pytest
from django.utils import timezone

from tests.controlling.helpers import make_case


@pytest.fixture
def cases(org, users):
    today = timezone.localdate()
    for _ in range(6):
        make_case(org.walle, users.case_manager, opened_on=today.replace(day=1))
    make_case(org.vahr, users.other_case_manager, opened_on=today.replace(day=1))


def test_leadership_reads_the_office_narrows_to_a_district_and_prints(login, users, org, cases, live_server):
    page = login(users.leadership)
    page.get_by_role("link", name="Steuerung", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Steuerung: Gesamtes Jugendamt"
    new_cases = page.locator("#bereich-cases tr", has_text="Neue Fälle").first
    assert "7" in new_cases.inner_text()
    page.get_by_label("Bereich", exact=True).select_option(label="Walle")
    page.get_by_role("button", name="Anzeigen").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Steuerung: Stadtteil Walle"
    assert "6" in page.locator("#bereich-cases tr", has_text="Neue Fälle").first.inner_text()
    href = page.get_by_role("link", name="Bericht für den Jugendhilfeausschuss (PDF)").get_attribute("href")
    response = page.request.get(f"{live_server.url}/steuerung/{href}" if not href.startswith("/") else
                                f"{live_server.url}{href}")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
