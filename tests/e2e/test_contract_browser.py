"""The contract in the browser: draft (a row added without losing input), signatures, the team
lead's approval, and what the provider's staff then see."""

import re

from playwright.sync_api import expect

from cases.models import Contract, ContractState
from tests.cases.contracts.factories import conference_case

GOAL = "Lina geht wieder jeden Morgen gern zur Schule."


def _logout(page):
    page.get_by_role("button", name="Abmelden").click()


def test_contract_is_drafted_signed_approved_and_seen_by_the_provider(login, users, org, live_server, page):
    case = conference_case(users.case_manager, org.walle)

    login(users.case_manager)
    page.goto(f"{live_server.url}/faelle/{case.pk}/kontrakte/neu/")
    page.fill("[name=talk_place]", "Küche der Familie")
    page.fill("[name=own_proposal]", "Familienhilfe, die morgens vor der Schule kommt.")
    page.select_option("[name=help_type]", "31")
    page.select_option("[name=provider]", label=org.provider_a.name)
    page.fill("[name=monthly_cost]", "1850")
    page.fill("[name=internal_note]", "NUR-INTERN: Kostenzusage folgt.")
    page.fill("[name=g-0-text]", GOAL)
    page.fill("[name=g-0-indicator]", "Höchstens ein Fehltag im Monat.")
    # Adding a row sends the form back with one more row: nothing typed is lost.
    rows_before = page.locator("textarea[name$='-text'][name^='g-']").count()
    page.get_by_role("button", name="Zeile für ein Ziel hinzufügen").click()
    expect(page.locator("textarea[name$='-text'][name^='g-']")).to_have_count(rows_before + 1)
    expect(page.locator("[name=g-0-text]")).to_have_value(GOAL)
    expect(page.locator("[name=talk_place]")).to_have_value("Küche der Familie")
    page.select_option("[name=t-0-party]", "family")
    page.fill("[name=t-0-who]", "Sandra Petersen")
    page.fill("[name=t-0-what]", "weckt Lina um 6:45 Uhr")
    page.select_option("[name=t-1-party]", "provider")
    page.fill("[name=t-1-who]", "Familienhilfe")
    page.fill("[name=t-1-what]", "übt zweimal pro Woche die Morgenroutine")
    page.get_by_role("button", name="Entwurf speichern").click()
    page.wait_for_url(re.compile(r"/faelle/kontrakte/\d+/$"))
    contract = Contract.objects.get(case=case)
    expect(page.get_by_text(GOAL)).to_be_visible()
    page.get_by_role("button", name="Unterschriften erfassen").click()
    expect(page.get_by_text("Unterschrieben; wartet auf die Freigabe durch die Referatsleitung.")).to_be_visible()
    contract.refresh_from_db()
    assert contract.state == ContractState.SIGNED
    _logout(page)

    login(users.team_lead)
    page.goto(f"{live_server.url}/faelle/kontrakte/{contract.pk}/")
    page.locator("#approve-title ~ form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/faelle/kontrakte/{contract.pk}/$"))
    contract.refresh_from_db()
    assert contract.state == ContractState.ACTIVE and contract.approved_by == users.team_lead
    _logout(page)

    login(users.provider_staff)
    page.goto(f"{live_server.url}/faelle/kontrakte/")
    page.get_by_role("link", name=case.reference).first.click()
    expect(page.get_by_text(GOAL)).to_be_visible()
    expect(page.get_by_text("weckt Lina um 6:45 Uhr")).to_be_visible()
    assert "NUR-INTERN" not in page.content()
