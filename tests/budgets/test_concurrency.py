"""Booking and finalizing the same budget at the same moment: the budget row lock serialises them,
so a booking never slips into a final settlement and the frozen figures match the bookings."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum

from budgets import services
from budgets.models import CostCategory, CostEntry, Settlement
from tests.budgets.factories import make_budget


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_booking_and_finalizing_at_once(org, users, round_):
    budget = make_budget(users.leadership, org.walle, year=2025)
    settlement = services.settlement_prepare(user=users.economic_aid, budget=budget)
    start = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def run(name, func):
        start.wait()
        try:
            outcome[name] = func()
        except ValidationError as exc:
            outcome[name] = exc
        finally:
            connection.close()

    book = threading.Thread(target=run, args=("book", lambda: services.cost_entry_create(
        user=users.economic_aid, budget=budget, booking_date=date(2025, 12, 30), category=CostCategory.OVERHEAD,
        amount=Decimal("99.99"), provider=budget.provider, invoice_number=f"RACE-{round_}")))
    final = threading.Thread(target=run, args=("final", lambda: services.settlement_finalize(
        user=users.leadership, settlement=settlement, today=date(2026, 1, 15))))
    for t in (book, final):
        t.start()
    for t in (book, final):
        t.join()
    booked = not isinstance(outcome["book"], ValidationError)
    finalized = not isinstance(outcome["final"], ValidationError)
    assert booked != finalized  # exactly one wins: a booking makes the prepared figures stale
    settlement = Settlement.objects.get(pk=settlement.pk)
    total = CostEntry.objects.filter(budget=budget).aggregate(s=Sum("amount"))["s"] or Decimal("0.00")
    if finalized:
        assert settlement.is_final and settlement.total_costs == total == 0
    else:
        assert not settlement.is_final and total == Decimal("99.99")
