"""Bookings, reversals and the settlement: frozen after finalizing – in the services and in the database."""

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError

from budgets import services
from budgets.models import CostCategory, CostEntry, PotTransfer, Settlement
from tests.budgets.factories import CostEntryFactory, make_budget

pytestmark = pytest.mark.django_db
AFTER = date(2027, 1, 5)  # the 2026 budgets' settlements can be prepared from 1 January 2027


def book(user, budget, amount="1000.00", number="R-1", **kwargs):
    values = {"booking_date": date(budget.year, 5, 2), "category": CostCategory.PERSONNEL, "provider": budget.provider,
              "invoice_number": number, **kwargs}
    return services.cost_entry_create(user=user, budget=budget, amount=Decimal(amount), **values)


def finalize(budget, users):
    settlement = services.settlement_prepare(user=users.economic_aid, budget=budget, today=date(budget.year + 1, 1, 5))
    with time_machine.travel(datetime(budget.year + 1, 2, 1, 10)):
        return services.settlement_finalize(user=users.leadership, settlement=settlement)


def test_booking_and_duplicate_invoice_number_per_provider(budget, users, org):
    book(users.economic_aid, budget, number="2026-0001")
    with pytest.raises(ValidationError) as exc:
        book(users.economic_aid, budget, number="2026-0001")
    assert "2026-0001" in exc.value.message_dict["invoice_number"][0]
    book(users.economic_aid, budget, number="2026-0001", provider=org.provider_b)  # other provider: fine
    assert CostEntry.objects.count() == 2


def test_database_refuses_duplicate_invoice_number(budget):
    CostEntryFactory(budget=budget, invoice_number="X-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        CostEntryFactory(budget=budget, invoice_number="X-1")


@pytest.mark.parametrize(
    "kwargs,field",
    [({"amount": "0"}, "amount"), ({"booking_date": date(2025, 12, 31)}, "booking_date"), ({"number": " "}, "invoice_number")],
)
def test_bad_booking_is_refused(budget, users, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        book(users.economic_aid, budget, **kwargs)
    assert field in exc.value.message_dict
    assert not CostEntry.objects.exists()


def test_reversal_books_the_negative_amount_and_keeps_the_original(budget, users):
    entry = book(users.economic_aid, budget, amount="2500.00", number="R-9")
    reversal = services.cost_entry_reverse(user=users.economic_aid, entry=entry, booking_date=date(2026, 6, 1))
    assert reversal.amount == Decimal("-2500.00") and reversal.reverses == entry
    assert reversal.invoice_number == "R-9-ST"
    entry.refresh_from_db()
    assert entry.amount == Decimal("2500.00")
    with pytest.raises(ValidationError):
        services.cost_entry_reverse(user=users.economic_aid, entry=entry, booking_date=date(2026, 6, 2))
    with pytest.raises(ValidationError):
        services.cost_entry_reverse(user=users.economic_aid, entry=reversal, booking_date=date(2026, 6, 2))


def test_settlement_is_prepared_from_the_bookings(budget, users):
    book(users.economic_aid, budget, amount="700000.00", number="P-1")
    book(users.economic_aid, budget, amount="300000.01", number="H-1", category=CostCategory.RESIDENTIAL)
    s = services.settlement_prepare(user=users.economic_aid, budget=budget, today=AFTER)
    assert s.status == Settlement.Status.PREPARED
    assert s.total_costs == Decimal("1000000.01")
    assert s.remainder == Decimal("199999.99")
    assert (s.provider_share, s.county_share) == (Decimal("60000.00"), Decimal("139999.99"))
    assert s.costs[CostCategory.RESIDENTIAL] == "300000.01"
    assert s.costs[CostCategory.OVERHEAD] == "0.00"


def test_settlement_cannot_be_finalized_before_the_year_ends(budget, users):
    s = services.settlement_prepare(user=users.economic_aid, budget=budget, today=AFTER)
    with time_machine.travel(datetime(2026, 12, 30, 10)), pytest.raises(ValidationError) as exc:
        services.settlement_finalize(user=users.leadership, settlement=s)
    assert services.SETTLEMENT_TOO_EARLY in exc.value.messages


def test_settlement_prepared_on_old_bookings_must_be_prepared_again(budget, users):
    s = services.settlement_prepare(user=users.economic_aid, budget=budget, today=AFTER)
    book(users.economic_aid, budget, number="LATE-1")
    with time_machine.travel(datetime(2027, 1, 20, 10)), pytest.raises(ValidationError) as exc:
        services.settlement_finalize(user=users.leadership, settlement=s)
    assert services.SETTLEMENT_STALE in exc.value.messages


def test_final_settlement_freezes_figures_and_refuses_new_bookings(budget, users):
    entry = book(users.economic_aid, budget, amount="1300000.00", number="BIG-1")
    s = finalize(budget, users)
    assert s.is_final and s.finalized_by == users.leadership
    assert (s.remainder, s.provider_share, s.county_share) == (Decimal("-100000.00"), Decimal("0.00"), Decimal("-100000.00"))
    with pytest.raises(ValidationError) as exc:
        book(users.economic_aid, budget, number="AFTER-1")
    assert services.BOOKING_FINAL in exc.value.messages
    with pytest.raises(ValidationError):
        services.budget_update(user=users.leadership, budget=budget, amount=Decimal("1"), provider_rate=Decimal("30"),
                               county_rate=Decimal("70"))
    with pytest.raises(ValidationError) as exc:
        services.settlement_prepare(user=users.economic_aid, budget=budget, today=AFTER)
    assert services.SETTLEMENT_FINAL in exc.value.messages
    # A correction goes into the open budget of the next year, the final figures stay.
    make_budget(users.leadership, budget.district, year=2027)
    reversal = services.cost_entry_reverse(user=users.economic_aid, entry=entry, booking_date=date(2027, 1, 15))
    assert reversal.budget.year == 2027
    s.refresh_from_db()
    assert s.total_costs == Decimal("1300000.00")


def test_database_refuses_any_change_to_entries_of_a_final_settlement(budget, users):
    entry = book(users.economic_aid, budget, number="DB-1")
    finalize(budget, users)
    statements = [
        ("UPDATE budgets_costentry SET amount = 1 WHERE id = %s", [entry.pk]),
        ("DELETE FROM budgets_costentry WHERE id = %s", [entry.pk]),
        ("INSERT INTO budgets_costentry (budget_id, booking_date, category, amount, provider_id, invoice_number, note, "
         "created_at) VALUES (%s, '2026-03-01', 'overhead', 5, %s, 'SQL-1', '', now())", [budget.pk, budget.provider_id]),
        ("UPDATE budgets_settlement SET remainder = 0, provider_share = 0, county_share = 0", []),
        ("DELETE FROM budgets_settlement", []),
    ]
    for sql, params in statements:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    entry.refresh_from_db()
    assert entry.amount == Decimal("1000.00")


def test_pot_collects_county_shares_and_covers_a_deficit_after_approval(org, users):
    surplus = make_budget(users.leadership, org.walle, year=2025, amount="1000000.00")
    deficit = make_budget(users.leadership, org.vahr, year=2025, amount="500000.00")
    CostEntryFactory(budget=surplus, amount=Decimal("900000.00"))
    CostEntryFactory(budget=deficit, amount=Decimal("520000.00"))
    finalize(surplus, users)
    deficit_settlement = finalize(deficit, users)
    assert services.pot_balance(2025)["balance"] == Decimal("70000.00")
    with pytest.raises(ValidationError) as exc:
        services.pot_transfer_request(user=users.economic_aid, settlement=deficit_settlement, year=2025,
                                      amount=Decimal("20000.01"), reason="Deckung Defizit")
    assert "amount" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.pot_transfer_request(user=users.economic_aid, settlement=deficit_settlement, year=2025,
                                      amount=Decimal("100"), reason=" ")
    transfer = services.pot_transfer_request(user=users.economic_aid, settlement=deficit_settlement, year=2025,
                                             amount=Decimal("20000.00"), reason="Deckung des Defizits Vahr")
    assert services.pot_balance(2025)["balance"] == Decimal("70000.00")  # only approved transfers leave the pot
    services.pot_transfer_decide(user=users.leadership, transfer=transfer, approve=True)
    assert services.pot_balance(2025) == {"inflow": Decimal("70000.00"), "transferred": Decimal("20000.00"),
                                          "balance": Decimal("50000.00")}
    with pytest.raises(ValidationError):
        services.pot_transfer_decide(user=users.leadership, transfer=transfer, approve=False)
    assert PotTransfer.objects.get().status == PotTransfer.Status.APPROVED


def test_transfer_only_covers_a_final_deficit(budget, users):
    CostEntryFactory(budget=budget, amount=Decimal("1000.00"))
    s = services.settlement_prepare(user=users.economic_aid, budget=budget, today=AFTER)
    with pytest.raises(ValidationError) as exc:
        services.pot_transfer_request(user=users.economic_aid, settlement=s, year=2026, amount=Decimal("1"), reason="x")
    assert services.TRANSFER_NOT_DEFICIT in exc.value.messages


def test_micro_project_costs_are_refused_here_they_are_paid_from_the_prevention_frame(budget, users, org):
    from microprojects.models import Status
    from tests.microprojects.factories import make_project

    project = make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager,
                           status=Status.APPROVED, start=date(2026, 2, 1))
    with pytest.raises(ValidationError) as exc:
        book(users.economic_aid, budget, number="MP-1", category=CostCategory.CASE_INDEPENDENT, microproject=project)
    assert exc.value.message_dict["microproject"] == [services.MICROPROJECT_NOT_HERE]
    assert not CostEntry.objects.exists()
    # A booking from before keeps its link, and so does its reversal (a correction of that booking).
    legacy = CostEntryFactory(budget=budget, category=CostCategory.CASE_INDEPENDENT, microproject=project)
    reversal = services.cost_entry_reverse(user=users.economic_aid, entry=legacy, booking_date=date(2026, 6, 1))
    assert reversal.microproject == project and reversal.amount == -legacy.amount


def test_monthly_totals_follow_inserts_updates_deletes_and_copy(budget, users, org):
    from django.db.models import Sum

    from budgets.models import CostMonthTotal

    def totals():
        return {(m, c): t for m, c, t in CostMonthTotal.objects.filter(budget=budget, entries__gt=0)
                .values_list("month", "category", "total")}

    def raw():
        from django.db.models.functions import ExtractMonth

        return {(m, c): t for m, c, t in CostEntry.objects.filter(budget=budget).annotate(m=ExtractMonth("booking_date"))
                .values_list("m", "category").annotate(t=Sum("amount")).values_list("m", "category", "t")}

    e1 = CostEntryFactory(budget=budget, booking_date=date(2026, 1, 5), amount=Decimal("100.10"))
    CostEntryFactory.create_batch(3, budget=budget, booking_date=date(2026, 2, 5), category=CostCategory.OVERHEAD)
    assert totals() == raw() and totals()[(1, CostCategory.PERSONNEL)] == Decimal("100.10")
    CostEntry.objects.filter(pk=e1.pk).update(booking_date=date(2026, 3, 1), amount=Decimal("7.00"))
    assert totals() == raw() and (1, CostCategory.PERSONNEL) not in totals()
    CostEntry.objects.filter(category=CostCategory.OVERHEAD).delete()
    assert totals() == raw() == {(3, CostCategory.PERSONNEL): Decimal("7.00")}
