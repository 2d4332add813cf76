"""Issue 13, item 10 (c): budget pages read settlements through the access policy. Case managers and
team leads see their districts' budget position, not its settlement (budgets.access: settlements
are for economic youth aid, leadership and the lead provider)."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from budgets import services
from tests.budgets.factories import make_budget

pytestmark = pytest.mark.django_db


@pytest.fixture
def final_budget(org, users):
    budget = make_budget(users.leadership, org.walle, year=2025)
    settlement = services.settlement_prepare(user=users.economic_aid, budget=budget, today=datetime.date(2026, 1, 5))
    with time_machine.travel(datetime.datetime(2026, 1, 5, 12)):
        services.settlement_finalize(user=users.leadership, settlement=settlement)
    return budget


def settlement_cell(text: str) -> str:
    """The detail page's settlement fact (empty when the page has none)."""
    if "<dt>Abrechnung</dt>" not in text:
        return ""
    start = text.index("<dt>Abrechnung</dt>")
    return text[start:text.index("</dd>", start)]


@pytest.mark.parametrize("who", ["case_manager", "team_lead"])
def test_caseworkers_do_not_see_the_settlement_of_their_districts_budget(as_user, users, final_budget, who):
    client = as_user(getattr(users, who))
    detail = client.get(reverse("budgets:budget_detail", args=[final_budget.pk]))
    assert detail.status_code == 200
    assert "abgeschlossen" not in settlement_cell(detail.text)
    assert detail.context["settlement"] is None
    listing = client.get(reverse("budgets:budget_list"))
    assert listing.status_code == 200 and "abgeschlossen" not in listing.text


@pytest.mark.parametrize("who", ["economic_aid", "leadership", "provider_staff"])
def test_settlement_readers_see_its_status_on_the_budget_pages(as_user, users, final_budget, who):
    client = as_user(getattr(users, who))
    detail = client.get(reverse("budgets:budget_detail", args=[final_budget.pk]))
    assert "abgeschlossen" in settlement_cell(detail.text)
    listing = client.get(reverse("budgets:budget_list"))
    assert "abgeschlossen" in listing.text


def test_a_scoped_settlement_reader_sees_only_settlements_in_scope(as_user, users, org):
    vahr = make_budget(users.leadership, org.vahr, year=2025)
    services.settlement_prepare(user=users.economic_aid, budget=vahr, today=datetime.date(2026, 1, 5))
    client = as_user(users.center_lead)  # leadership of social centre B
    assert "vorbereitet" in client.get(reverse("budgets:budget_list")).text
    client = as_user(users.provider_staff)  # provider A does not hold Vahr's budget
    assert client.get(reverse("budgets:budget_detail", args=[vahr.pk])).status_code == 404
