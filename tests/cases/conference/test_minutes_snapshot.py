"""A case decided by consensus is a frozen record: the minutes and the item's page show it as
decided, whatever changes afterwards (participants, proposal texts, the case's members, its case
manager, a provider's name); before the decision they are live."""

import datetime as dt
import io
import re
from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse
from pypdf import PdfReader

from cases import conference as svc
from cases import services
from cases.models import Case, CaseRole, Conference, ConferenceItem, HelpProposal
from cases.services import MemberInput
from tests.cases.conference.factories import all_agree

pytestmark = pytest.mark.django_db


def minutes_text(client, conf) -> str:
    response = client.get(reverse("cases:conference_minutes_pdf", args=[conf.pk]))
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())  # line breaks fall where the text's length puts them
    return re.sub(r"\d\d\.\d\d\.\d{4} \d\d:\d\d Seite", "Seite", text)  # the print time in the footer, if any


def item_page(client, item) -> str:
    response = client.get(reverse("cases:conference_item", args=[item.pk]))
    assert response.status_code == 200
    main = response.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main)


def change_everything(conf, item, users, org) -> None:
    svc.participant_add(conference=conf, user=users.team_lead, name="Nachzüglerin Sommer", function="provider")
    HelpProposal.objects.filter(item=item).update(description="Nachträglich geänderter Vorschlag")
    ConferenceItem.objects.filter(pk=item.pk).update(presentation="Nachträglich geänderte Vorstellung")
    case = Case.objects.get(pk=item.case_id)
    services.case_member_add(case=case, user=users.case_manager, member=MemberInput(
        role=CaseRole.PARENT, first_name="Murat", last_name="Kaya", birth_date=dt.date(1984, 1, 2)))
    case.refresh_from_db()
    services.case_assign(case=case, user=users.team_lead, case_manager=users.colleague, version=case.version)
    Case.objects.filter(pk=case.pk).update(concern="Nachträglich geändertes Anliegen")
    org.provider_a.name = "Umbenannter Träger gGmbH"
    org.provider_a.save()
    org.walle.name = "Umbenannter Stadtteil"
    org.walle.save()
    Conference.objects.filter(pk=conf.pk).update(place="Nachträglich geänderter Raum")


CHANGED = ("Nachzüglerin", "Nachträglich", "Kaya", "Umbenannt")


def test_decided_minutes_and_item_page_stay_as_decided(as_user, users, conf, item, org):
    svc.votes_record(item=item, user=users.case_manager, votes=all_agree(item), decision_note="Familienhilfe")
    client = as_user(users.case_manager)
    minutes_before, page_before = minutes_text(client, conf), item_page(client, item)
    assert "Frau Okafor" in minutes_before and "Vorschlag 1: Familienhilfe" in minutes_before
    assert "Stadtteilhaus West e. V." in minutes_before

    change_everything(conf, item, users, org)

    minutes_after, page_after = minutes_text(client, conf), item_page(client, item)
    assert minutes_after == minutes_before
    assert page_after == page_before
    assert str(users.colleague) not in minutes_before  # the new case manager
    for changed in (*CHANGED, str(users.colleague)):
        assert changed not in minutes_after
        assert changed not in page_after


def test_open_item_minutes_and_page_are_live(as_user, users, conf, item, org):
    client = as_user(users.case_manager)
    change_everything(conf, item, users, org)

    minutes, page = minutes_text(client, conf), item_page(client, item)
    assert "Nachzüglerin Sommer" in minutes and "Nachträglich geänderter Vorschlag" in minutes
    assert "Nachträglich geänderter Raum" in minutes and "Umbenannter Träger gGmbH" in minutes
    assert "Nachträglich geänderter Vorschlag" in page and "Nachträglich geändertes Anliegen" in page
    assert "Umbenannter Stadtteil" in page


def test_a_new_undecided_case_makes_the_head_live_again(as_user, users, conf, item, org):
    from tests.cases.conference.factories import make_item

    svc.votes_record(item=item, user=users.case_manager, votes=all_agree(item))
    Conference.objects.filter(pk=conf.pk).update(place="Neuer Raum 3.01")
    client = as_user(users.case_manager)
    assert "Neuer Raum 3.01" not in minutes_text(client, conf)
    make_item(conf, users.case_manager, org.walle, parent=None)
    assert "Neuer Raum 3.01" in minutes_text(client, conf)


def test_deciding_stores_the_record_and_the_head(users, conf, item):
    svc.votes_record(item=item, user=users.case_manager, votes=all_agree(item))
    item.refresh_from_db()
    conf.refresh_from_db()
    assert [p["description"] for p in item.snapshot["proposals"]] == [
        "Vorschlag 1: Familienhilfe und Elterncafé", "Vorschlag 2: Familienhilfe und Elterncafé"]
    assert item.snapshot["reference"] == item.case.reference
    assert {p["name"] for p in conf.minutes_snapshot["participants"]} >= {"Frau Okafor"}


def test_a_veto_freezes_nothing(users, conf, item):
    votes = [svc.VoteInput(p, "veto" if i == 0 else "agree", "Zu früh" if i == 0 else "")
             for i, p in enumerate(conf.participants.all())]
    svc.votes_record(item=item, user=users.case_manager, votes=votes)
    item.refresh_from_db()
    assert item.snapshot == {}


def test_migration_fills_decided_items_and_their_minutes_head(users, conf, item):
    migration = import_module("cases.migrations.0010_frozen_snapshots")
    svc.votes_record(item=item, user=users.case_manager, votes=all_agree(item))
    ConferenceItem.objects.filter(pk=item.pk).update(snapshot={})
    Conference.objects.filter(pk=conf.pk).update(minutes_snapshot={})

    migration.fill_snapshots(apps, None)

    item.refresh_from_db()
    conf.refresh_from_db()
    assert item.snapshot["proposals"][0]["description"] == "Vorschlag 1: Familienhilfe und Elterncafé"
    assert conf.minutes_snapshot["place"] == "Sozialzentrum West, Raum 2.14"
