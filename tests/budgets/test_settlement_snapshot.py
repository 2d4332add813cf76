"""A final settlement is a frozen record: its statement (PDF) and page show district, provider,
area, figures and the year's chart as finalized, whatever is renamed or changed afterwards; a
prepared settlement is live."""

import io
import re
from datetime import date, datetime
from decimal import Decimal
from importlib import import_module
from zoneinfo import ZoneInfo

import pgtrigger
import pytest
import time_machine
from django.apps import apps
from django.db import IntegrityError
from django.urls import reverse
from pypdf import PdfReader

from budgets import services
from budgets.models import Budget, CostEntry, Settlement
from tests.budgets.factories import CostEntryFactory

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
FINALIZED = datetime(2027, 2, 1, 10, tzinfo=BERLIN)
PRINTED = datetime(2027, 3, 1, 10, tzinfo=BERLIN)


def pdf_text(client, budget) -> str:
    response = client.get(reverse("budgets:settlement_pdf", args=[budget.pk]))
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    return " ".join(text.split())


def page_main(client, budget) -> str:
    """The page from its heading on (the breadcrumb above links the budget as it is now)."""
    response = client.get(reverse("budgets:settlement_detail", args=[budget.pk]))
    assert response.status_code == 200
    main = response.content.decode().split("<h1", 1)[1].split("</main>", 1)[0]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main)


def book(budget):
    CostEntryFactory(budget=budget, amount=Decimal("700000.00"), note="Personalkosten Stadtteilhaus")
    CostEntryFactory(budget=budget, amount=Decimal("250000.50"), note="Honorare Elterncafé")


def prepare(budget, users):
    return services.settlement_prepare(user=users.economic_aid, budget=budget, today=date(2027, 1, 5))


def finalize(settlement, users):
    with time_machine.travel(FINALIZED, tick=False):
        return services.settlement_finalize(user=users.leadership, settlement=settlement)


def change_everything(budget, org):
    """Renames and edits around the frozen figures; the bookings only behind the database's guard."""
    org.walle.name, org.walle.code = "Umbenannter Stadtteil", "777"
    org.walle.save()
    org.provider_a.name = "Umbenannter Träger gGmbH"
    org.provider_a.save()
    Budget.objects.filter(pk=budget.pk).update(amount=Decimal("5555555.00"), provider_rate=Decimal("10"), county_rate=Decimal("90"))
    with pgtrigger.ignore("budgets.CostEntry:cost_entry_frozen_update"):
        CostEntry.objects.filter(budget=budget).update(note="Nachträglich geänderter Buchungstext",
                                                       amount=Decimal("1.00"))


def test_final_statement_and_page_stay_as_finalized(budget, users, as_user, org):
    book(budget)
    finalize(prepare(budget, users), users)
    with time_machine.travel(PRINTED, tick=False):
        client = as_user(users.leadership)  # logged in on the day of printing: the session is fresh
        pdf_before, page_before = pdf_text(client, budget), page_main(client, budget)
    assert "Walle (334)" in pdf_before and "Stadtteilhaus West e. V." in pdf_before
    assert "950.000,50" in pdf_before and "1.200.000,00" in pdf_before

    change_everything(budget, org)

    with time_machine.travel(PRINTED, tick=False):
        pdf_after, page_after = pdf_text(client, budget), page_main(client, budget)
    assert pdf_after == pdf_before
    assert page_after == page_before
    for changed in ("Umbenannt", "(777)", "5.555.555", "Nachträglich"):
        assert changed not in pdf_after and changed not in page_after


def test_prepared_statement_and_page_are_live(budget, users, as_user, org):
    book(budget)
    prepare(budget, users)
    org.walle.name = "Umbenannter Stadtteil"
    org.walle.save()
    org.provider_a.name = "Umbenannter Träger gGmbH"
    org.provider_a.save()
    with time_machine.travel(PRINTED, tick=False):
        client = as_user(users.leadership)
        pdf, page = pdf_text(client, budget), page_main(client, budget)
    assert "Umbenannter Stadtteil (334)" in pdf and "Umbenannter Träger gGmbH" in pdf
    assert "Umbenannter Stadtteil" in page and "Umbenannter Träger gGmbH" in page


def test_the_cost_entries_of_a_final_settlement_stay_guarded(budget, users):
    book(budget)
    finalize(prepare(budget, users), users)
    with pytest.raises(IntegrityError):
        CostEntry.objects.filter(budget=budget).update(note="geändert")


def test_finalizing_stores_the_statement_with_amounts_as_decimal_strings(budget, users):
    book(budget)
    settlement = finalize(prepare(budget, users), users)
    settlement.refresh_from_db()
    snap = settlement.snapshot
    assert (snap["district_name"], snap["district_code"], snap["provider_name"]) == (
        "Walle", "334", "Stadtteilhaus West e. V.")
    assert snap["figures"]["total_costs"] == "950000.50" and snap["figures"]["amount"] == "1200000.00"
    assert snap["provider_rate"] == str(settlement.provider_rate)
    assert snap["chart"]["booked"] == "950000.50" and len(snap["chart"]["months"]) == 12
    assert all(isinstance(r["amount"], str) for r in snap["rows"])


def test_a_prepared_settlement_keeps_no_snapshot(budget, users):
    book(budget)
    assert prepare(budget, users).snapshot == {}


def test_migration_fills_final_settlements_from_todays_values(budget, users):
    migration = import_module("budgets.migrations.0008_settlement_snapshot")
    book(budget)
    settlement = finalize(prepare(budget, users), users)
    with pgtrigger.ignore("budgets.Settlement:settlement_final_frozen"):
        Settlement.objects.filter(pk=settlement.pk).update(snapshot={})  # as finalized before snapshots

    migration.fill_snapshots(apps, None)

    settlement.refresh_from_db()
    assert settlement.snapshot["district_name"] == "Walle"
    assert settlement.snapshot["figures"]["remainder"] == "249999.50"
