"""Leadership's home page: prepared settlements waiting to be finalized and requested transfers
from the equalisation pot – bounded rows with the number of all, one query per section."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgets import services, worklist
from budgets.models import Area
from juwe import worklist as juwe_worklist
from tests.budgets.factories import CostEntryFactory, make_budget

pytestmark = pytest.mark.django_db
HOME = reverse("home")


def prepare(budget, users):
    return services.settlement_prepare(user=users.economic_aid, budget=budget, today=date(budget.year + 1, 1, 5))


def many_budgets(org, users, start, stop):
    """Budgets of 1,000 EUR in Walle and Westend, both areas, from 2015 on: the `start`th to the `stop`th."""
    places = [(d, a, y) for y in range(2015, 2025) for d in (org.walle, org.westend) for a in Area.values]
    return [make_budget(users.leadership, d, year=y, area=a, amount="1000.00") for d, a, y in places[start:stop]]


def section(user, key):
    return next((s for s in juwe_worklist.sections_for(user) if s["section"].key == key), None)


def test_prepared_settlements_are_on_leaderships_home_page(org, users, as_user):
    walle = make_budget(users.leadership, org.walle, year=2025, amount="1000.00")
    vahr = make_budget(users.leadership, org.vahr, year=2025, amount="1000.00")
    CostEntryFactory(budget=walle, booking_date=date(2025, 3, 1), amount=Decimal("400.00"))
    prepare(walle, users)
    prepare(vahr, users)
    text = as_user(users.leadership).get(HOME).text
    assert "Abzuschließende Abrechnungen" in text
    assert reverse("budgets:settlement_detail", args=[walle.pk]) in text
    assert "Restbetrag 600,00\u00a0€. Das Jugendamt zahlt 580,00\u00a0€ nach." in text  # 400 + 180 − nothing paid
    # leadership of the other social centre sees only its own district's settlement
    rows = section(users.center_lead, "budgets-settlements-prepared")["rows"]
    assert [r["url"] for r in rows] == [reverse("budgets:settlement_detail", args=[vahr.pk])]
    # economic youth aid prepares, it does not finalize: no such section
    assert section(users.economic_aid, "budgets-settlements-prepared") is None
    # a final settlement leaves the list
    services.settlement_finalize(user=users.leadership, settlement=walle.settlement, today=date(2026, 1, 10))
    assert reverse("budgets:settlement_detail", args=[walle.pk]) not in as_user(users.leadership).get(HOME).text


def test_requested_pot_transfers_are_on_leaderships_home_page(org, users, as_user):
    surplus = make_budget(users.leadership, org.walle, year=2025, amount="100000.00")
    deficit = make_budget(users.leadership, org.westend, year=2025, amount="100000.00")
    CostEntryFactory(budget=surplus, amount=Decimal("50000.00"))
    CostEntryFactory(budget=deficit, amount=Decimal("110000.00"))
    for b in (surplus, deficit):
        services.settlement_finalize(user=users.leadership, settlement=prepare(b, users), today=date(2026, 1, 10))
    transfer = services.pot_transfer_request(user=users.economic_aid, settlement=deficit.settlement, year=2025,
                                             amount=Decimal("10000.00"), reason="Deckung Defizit Westend")
    text = as_user(users.leadership).get(HOME).text
    assert "Zu entscheidende Umbuchungen aus dem Ausgleichstopf" in text
    assert "10.000,00\u00a0€ aus dem Ausgleichstopf 2025 für Westend 2025" in text
    assert "Deckung Defizit Westend" in text and f"{reverse('budgets:pot')}?year=2025" in text
    assert section(users.center_lead, "budgets-pot-transfers")["rows"] == []  # Westend is not its scope
    services.pot_transfer_decide(user=users.leadership, transfer=transfer, approve=True)
    assert section(users.leadership, "budgets-pot-transfers")["rows"] == []


def test_sections_are_bounded_and_count_all(org, users, as_user):
    for b in many_budgets(org, users, 0, worklist.LIMIT + 5):
        prepare(b, users)
    rows = worklist.prepared_settlement_rows(users.leadership)
    assert len(rows) == worklist.LIMIT and rows.total == worklist.LIMIT + 5
    assert rows[0]["label"].startswith("Walle 2015")  # oldest year first
    text = as_user(users.leadership).get(HOME).text
    assert f'<span class="count">{worklist.LIMIT + 5}</span>' in text and "… und 5 weitere." in text


@pytest.mark.parametrize("n", [1, 12])
def test_home_page_query_count_does_not_grow_with_settlements_and_transfers(org, users, as_user, n,
                                                                          django_assert_max_num_queries):
    client = as_user(users.leadership)
    client.get(HOME)  # session set up
    with CaptureQueriesContext(connection) as empty:
        client.get(HOME)
    budgets = many_budgets(org, users, 0, n)
    surplus = make_budget(users.leadership, org.vahr, year=2024, amount="1000000.00")
    services.settlement_finalize(user=users.leadership, settlement=prepare(surplus, users), today=date(2025, 1, 10))
    for b in budgets:
        CostEntryFactory(budget=b, booking_date=date(b.year, 2, 1), amount=Decimal("2000.00"))  # deficits
        s = services.settlement_finalize(user=users.leadership, settlement=prepare(b, users),
                                         today=date(b.year + 1, 1, 10))
        services.pot_transfer_request(user=users.economic_aid, settlement=s, year=2024, amount=Decimal("500.00"),
                                      reason="Deckung")
    for b in many_budgets(org, users, n, 2 * n):  # and as many prepared ones waiting
        prepare(b, users)
    assert len(section(users.leadership, "budgets-pot-transfers")["rows"]) == n
    assert len(section(users.leadership, "budgets-settlements-prepared")["rows"]) == n
    with django_assert_max_num_queries(len(empty.captured_queries)):
        assert client.get(HOME).status_code == 200
