"""A signed contract is frozen: its PDF and page show what was signed, whatever changes in the case
afterwards (a new family member, a renamed provider, edited rows); a draft shows the case as it is."""

import datetime as dt
import io
import re
from decimal import Decimal
from importlib import import_module

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases import services
from cases.models import CaseRole, Contract, ContractGoal, ContractParticipant, ContractTask, Person
from cases.services import MemberInput
from tests.cases.contracts.factories import make_contract, sign

pytestmark = pytest.mark.django_db

NOON = dt.datetime.combine(timezone.localdate(), dt.time(12, 0), tzinfo=timezone.get_current_timezone())


def pdf_text(client, contract) -> str:
    response = client.get(reverse("cases:contract_pdf", args=[contract.pk]))
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    return " ".join(text.split())  # line breaks fall where the text's length puts them


def page_main(client, contract) -> str:
    """The page's main content without the form tokens (they change with every response) and
    without the progress notes below the contract (a working area that grows after signing)."""
    response = client.get(reverse("cases:contract_detail", args=[contract.pk]))
    assert response.status_code == 200
    main = response.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]
    main = main.split('<section id="progress-notes"', 1)[0]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main)


def change_everything(contract, case, user, org) -> None:
    """What can change after signing: the case's family, the provider, rows edited behind the service."""
    services.case_member_add(case=case, user=user, member=MemberInput(
        role=CaseRole.PARENT, first_name="Murat", last_name="Kaya", birth_date=dt.date(1984, 1, 2)))
    Person.objects.filter(last_name="Petersen").update(last_name="Petersson")
    org.provider_a.name = "Umbenannter Träger gGmbH"
    org.provider_a.save()
    ContractParticipant.objects.filter(contract=contract).update(name="Jemand Anderes", relation="geändert")
    ContractGoal.objects.filter(contract=contract).update(text="Ein nachträglich geänderter Satz.")
    ContractTask.objects.filter(contract=contract).update(what="Geänderte Aufgabe", who="Geänderte Person")
    Contract.objects.filter(pk=contract.pk).update(
        talk_place="Nachträglich geänderter Ort", monthly_cost=Decimal("9999.99"), provider_wish="Geänderter Wunsch",
        own_proposal="Geänderter Vorschlag",
    )


@time_machine.travel(NOON, tick=False)
def test_signed_contract_pdf_and_page_stay_as_signed_when_the_case_changes(case, users, as_user, org):
    contract = sign(make_contract(case, users.case_manager, provider=org.provider_a), users.case_manager)
    client = as_user(users.case_manager)
    pdf_before, page_before = pdf_text(client, contract), page_main(client, contract)
    assert "Petersen" in pdf_before and "Stadtteilhaus West e. V." in pdf_before

    change_everything(contract, case, users.case_manager, org)

    pdf_after, page_after = pdf_text(client, contract), page_main(client, contract)
    assert pdf_after == pdf_before
    assert page_after == page_before
    for changed in ("Kaya", "Petersson", "Umbenannter", "Jemand Anderes", "nachträglich", "Geänderte", "9.999,99"):
        assert changed not in pdf_after
        assert changed not in page_after


@time_machine.travel(NOON, tick=False)
def test_draft_pdf_and_page_show_the_case_as_it_is(case, users, as_user, org):
    contract = make_contract(case, users.case_manager, provider=org.provider_a)
    client = as_user(users.case_manager)
    assert "Petersen / Kaya" not in pdf_text(client, contract)

    change_everything(contract, case, users.case_manager, org)

    pdf, page = pdf_text(client, contract), page_main(client, contract)
    assert "Petersson / Kaya" in pdf and "Petersson / Kaya" in page
    assert "Umbenannter Träger gGmbH" in pdf and "Ein nachträglich geänderter Satz." in page
    assert "9.999,99" in page


def test_signing_stores_the_snapshot_with_amounts_as_decimal_strings(case, users, org):
    contract = sign(make_contract(case, users.case_manager, provider=org.provider_a), users.case_manager)
    contract.refresh_from_db()
    snap = contract.snapshot
    assert snap["family_names"] == "Petersen"
    assert snap["provider_name"] == "Stadtteilhaus West e. V."
    assert snap["monthly_cost"] == "1850.00" and snap["hours_per_week"] == "4.50"
    assert [p["name"] for p in snap["participants"]] == ["Sandra Petersen", "Lina Petersen", "Oma Erika", "Frau Fall"]
    assert snap["goals"][0]["text"] == "Lina geht wieder gern zur Schule."
    assert snap["signed_on"] == timezone.localdate().isoformat()


def test_a_draft_keeps_no_snapshot(case, users):
    contract = make_contract(case, users.case_manager)
    contract.refresh_from_db()
    assert contract.snapshot == {}


def test_migration_fills_the_snapshot_of_signed_contracts_from_todays_values(case, users, org):
    migration = import_module("cases.migrations.0010_frozen_snapshots")
    signed = sign(make_contract(case, users.case_manager, provider=org.provider_a), users.case_manager)
    Contract.objects.filter(pk=signed.pk).update(snapshot={})  # as signed before snapshots were kept
    draft = make_contract(case, users.case_manager, previous=None)

    migration.fill_snapshots(apps, None)

    signed.refresh_from_db()
    draft.refresh_from_db()
    assert signed.snapshot["family_names"] == "Petersen"
    assert signed.snapshot["monthly_cost"] == "1850.00"
    assert draft.snapshot == {}
