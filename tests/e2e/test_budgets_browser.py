"""Economic youth aid books a cost on the budget page and sees the position change; the chart has
its table alternative."""

from datetime import date

import pytest

from tests.budgets.factories import make_budget


@pytest.fixture
def budget(org, users):
    return make_budget(users.leadership, org.walle, year=date.today().year, amount="1200000.00")


def test_economic_aid_books_a_cost_and_sees_it_in_the_position(login, users, budget, live_server):
    page = login(users.economic_aid)
    page.get_by_role("link", name="Budgets", exact=True).click()
    page.get_by_role("link", name="Walle").first.click()
    assert page.locator("svg.budget-chart title").text_content().startswith("Gebuchte")
    page.get_by_role("link", name="Kosten buchen").click()
    page.get_by_label("Kostenart").select_option("overhead")
    page.get_by_label("Betrag (EUR)").fill("1234,56")
    page.get_by_label("Belegnummer").fill("OH-2026-1")
    page.get_by_role("button", name="Buchen").click()
    assert "Die Kosten wurden gebucht." in page.locator(".messages").inner_text()
    assert "1.234,56" in page.locator("dl.figures").inner_text()
    page.get_by_text("Werte der Grafik als Tabelle").click()
    assert page.get_by_role("table", name="Kumulierte Kosten je Monat").is_visible()
