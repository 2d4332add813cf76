"""The settlement statement's payment: actual costs + provider share − instalments paid; a settlement
is prepared only after the year end (a preview before), and changed instalments make it stale."""

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from budgets import services
from budgets.models import CostCategory, Settlement
from budgets.settlement import compute, payment_sentence
from tests.budgets.factories import CostEntryFactory

BERLIN = ZoneInfo("Europe/Berlin")
AFTER = date(2027, 1, 5)
NBSP = "\u00a0"

# --- The arithmetic (pure) --------------------------------------------------------------------------

cents = st.integers(min_value=0, max_value=10**11).map(lambda c: Decimal(c) / 100)
rates = st.integers(min_value=0, max_value=10000).map(lambda r: Decimal(r) / 100)


@given(amount=cents, costs=cents, paid=cents, rate=rates)
def test_payment_is_costs_plus_provider_share_minus_instalments_paid(amount, costs, paid, rate):
    result = compute(amount, {CostCategory.PERSONNEL: costs}, rate, paid)
    assert result.instalments_paid == paid
    assert result.payment == result.total_costs + result.provider_share - paid
    # what the county keeps and what the provider is paid on top add up to the unpaid budget
    assert result.payment + result.county_share == amount - paid


def test_surplus_with_every_instalment_paid_the_provider_refunds_the_county_share():
    result = compute(Decimal("1000000.00"), {CostCategory.PERSONNEL: Decimal("900000.00")}, Decimal("30"),
                     Decimal("1000000.00"))
    assert (result.remainder, result.provider_share, result.county_share) == (
        Decimal("100000.00"), Decimal("30000.00"), Decimal("70000.00"))
    assert result.payment == Decimal("-70000.00")  # 900,000 + 30,000 − 1,000,000


def test_surplus_with_the_december_instalment_open_the_office_pays_on_top():
    # instalment plan of 1,000,000: 4 × 83,333.34 + 8 × 83,333.33; 11 paid = 916,666.67
    result = compute(Decimal("1000000.00"), {CostCategory.PERSONNEL: Decimal("899999.99")}, Decimal("30"),
                     Decimal("916666.67"))
    assert result.provider_share == Decimal("30000.00")  # 30 % of 100,000.01, rounded half up
    assert result.payment == Decimal("13333.32")  # 899,999.99 + 30,000.00 − 916,666.67


def test_deficit_the_provider_still_gets_its_costs_and_the_county_carries_the_deficit():
    result = compute(Decimal("500000.00"), {CostCategory.EXTERNAL_INVOICES: Decimal("512345.67")}, Decimal("30"),
                     Decimal("500000.00"))
    assert (result.provider_share, result.county_share) == (Decimal("0.00"), Decimal("-12345.67"))
    assert result.payment == Decimal("12345.67")  # costs − instalments paid


def test_without_instalments_paid_the_whole_cost_and_share_is_paid():
    result = compute(Decimal("1000.00"), {CostCategory.OVERHEAD: Decimal("600.00")}, Decimal("25"))
    assert (result.instalments_paid, result.provider_share, result.payment) == (
        Decimal("0.00"), Decimal("100.00"), Decimal("700.00"))


@pytest.mark.parametrize("payment,sentence", [
    ("-1234.56", f"Der Träger erstattet 1.234,56{NBSP}€."),
    ("1234.56", f"Das Jugendamt zahlt 1.234,56{NBSP}€ nach."),
    ("0.00", "Es ist keine Zahlung offen."),
    (None, ""),
])
def test_payment_sentence(payment, sentence):
    with translation.override("de"):
        assert payment_sentence(Decimal(payment) if payment else None) == sentence


# --- Preparing and finalizing ----------------------------------------------------------------------


def pay(budget, users, months):
    for m in months:
        services.instalment_mark_paid(user=users.economic_aid, instalment=budget.instalments.get(month=m),
                                      paid_on=date(budget.year, m, 1))


@pytest.mark.django_db
def test_prepare_stores_instalments_paid_and_the_payment(budget, users):
    """1,200,000 in 12 instalments of 100,000; 11 paid; costs 1,000,000 → surplus 200,000, provider 60,000."""
    CostEntryFactory(budget=budget, amount=Decimal("1000000.00"))
    pay(budget, users, range(1, 12))
    s = services.settlement_prepare(user=users.economic_aid, budget=budget, today=AFTER)
    assert (s.instalments_paid, s.provider_share, s.payment) == (
        Decimal("1100000.00"), Decimal("60000.00"), Decimal("-40000.00"))
    s.refresh_from_db()
    assert s.payment == Decimal("-40000.00")


@pytest.mark.django_db
@pytest.mark.parametrize("today", [date(2026, 12, 2), date(2026, 12, 31)])
def test_prepare_is_refused_before_the_year_is_over(budget, users, today):
    with translation.override("de"), pytest.raises(ValidationError) as exc:
        services.settlement_prepare(user=users.economic_aid, budget=budget, today=today)
    assert "erst nach Ende des Budgetjahres vorbereitet werden, ab dem 1. Januar 2027" in exc.value.messages[0]
    assert not Settlement.objects.exists()
    assert services.settlement_prepare(user=users.economic_aid, budget=budget, today=date(2027, 1, 1))


@pytest.mark.django_db
def test_prepare_takes_today_from_the_clock(budget, users):
    with time_machine.travel(datetime(2026, 12, 31, 23, 30, tzinfo=BERLIN)), pytest.raises(ValidationError):
        services.settlement_prepare(user=users.economic_aid, budget=budget)
    with time_machine.travel(datetime(2027, 1, 1, 0, 30, tzinfo=BERLIN)):
        assert services.settlement_prepare(user=users.economic_aid, budget=budget).pk


@pytest.mark.django_db
def test_an_instalment_paid_after_preparing_makes_the_settlement_stale(budget, users):
    pay(budget, users, range(1, 12))
    s = services.settlement_prepare(user=users.economic_aid, budget=budget, today=AFTER)
    pay(budget, users, [12])
    with pytest.raises(ValidationError) as exc:
        services.settlement_finalize(user=users.leadership, settlement=s, today=AFTER)
    assert services.SETTLEMENT_STALE in exc.value.messages
    s = services.settlement_prepare(user=users.economic_aid, budget=budget, today=AFTER)
    assert s.instalments_paid == Decimal("1200000.00") and s.payment == Decimal("-840000.00")  # 0 + 360,000 − 1,200,000
    assert services.settlement_finalize(user=users.leadership, settlement=s, today=AFTER).is_final


@pytest.mark.django_db
def test_a_settlement_prepared_before_instalments_were_kept_must_be_prepared_again(budget, users):
    s = services.settlement_prepare(user=users.economic_aid, budget=budget, today=AFTER)
    Settlement.objects.filter(pk=s.pk).update(instalments_paid=None, payment=None)
    s.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.settlement_finalize(user=users.leadership, settlement=s, today=AFTER)
    assert services.SETTLEMENT_STALE in exc.value.messages


# --- The page and the PDF --------------------------------------------------------------------------


@pytest.mark.django_db
def test_page_during_the_year_shows_a_preview_and_no_prepare_button(budget, users, as_user):
    CostEntryFactory(budget=budget, amount=Decimal("1000000.00"))
    pay(budget, users, range(1, 12))
    with time_machine.travel(datetime(2026, 12, 2, 9, tzinfo=BERLIN)):
        text = as_user(users.economic_aid).get(reverse("budgets:settlement_detail", args=[budget.pk])).text
    assert "Vorschau" in text and "Das Jahr 2026 läuft noch" in text and "Stand 02.12.2026" in text
    assert "Die Abrechnung kann ab dem 1. Januar 2027 vorbereitet werden." in text
    assert reverse("budgets:settlement_prepare", args=[budget.pk]) not in text
    # 1,000,000 + 60,000 − 1,100,000
    assert f"Der Träger erstattet 40.000,00{NBSP}€." in text and f"1.100.000,00{NBSP}€" in text


@pytest.mark.django_db
def test_page_after_the_year_offers_preparing_and_shows_the_frozen_payment(budget, users, as_user):
    CostEntryFactory(budget=budget, amount=Decimal("1250000.00"), category=CostCategory.RESIDENTIAL)
    pay(budget, users, range(1, 13))
    url = reverse("budgets:settlement_detail", args=[budget.pk])
    with time_machine.travel(datetime(2027, 1, 5, 9, tzinfo=BERLIN)):
        client = as_user(users.economic_aid)
        text = client.get(url).text
        assert "Vorschau" not in text and reverse("budgets:settlement_prepare", args=[budget.pk]) in text
        client.post(reverse("budgets:settlement_prepare", args=[budget.pk]))
        text = client.get(url).text
    # deficit: provider share 0, the provider gets its costs: 1,250,000 − 1,200,000
    assert f"Das Jugendamt zahlt 50.000,00{NBSP}€ nach." in text
    assert Settlement.objects.get().payment == Decimal("50000.00")


@pytest.mark.django_db
def test_statement_pdf_shows_instalments_and_payment(budget, users, as_user):
    CostEntryFactory(budget=budget, amount=Decimal("1000000.00"))
    pay(budget, users, range(1, 13))
    services.settlement_prepare(user=users.economic_aid, budget=budget, today=AFTER)
    response = as_user(users.provider_staff).get(reverse("budgets:settlement_pdf", args=[budget.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "gezahlte Abschläge" in text and "1.200.000,00" in text
    assert "Der Träger erstattet 140.000,00" in text  # 1,000,000 + 60,000 − 1,200,000
