"""The case's history is one timeline: states, classifications, conference decisions, contracts, § 8a."""

from django.urls import reverse

from cases import selectors
from tests.cases.contracts.factories import active_contract, conference_case
from tests.cases.protection.factories import make_report, plan, record


def test_history_lists_contract_and_child_protection_events(as_user, users, org):
    case = conference_case(users.case_manager, org.walle)
    active_contract(case, users.case_manager, users.team_lead)
    assessment = make_report(case, users.case_manager, urgency="24h")
    record(assessment, users.case_manager, users.colleague, result="endangerment", measures=plan())

    texts = [entry.text for entry in selectors.case_history(case)]
    assert any(t.startswith("Kontrakt unterschrieben") for t in texts)
    assert any(t.startswith("Kontrakt freigegeben") for t in texts)
    assert any(t.startswith("§ 8a-Meldung eingegangen") for t in texts)
    assert any(t.startswith("§ 8a-Ergebnis: Gefährdung") for t in texts)
    # Newest first: the assessment's result comes before the report it answers.
    assert texts.index(next(t for t in texts if t.startswith("§ 8a-Ergebnis"))) < texts.index(
        next(t for t in texts if t.startswith("§ 8a-Meldung"))
    )
    page = as_user(users.case_manager).get(reverse("cases:detail", args=[case.pk])).text
    assert "Kontrakt freigegeben" in page and "§ 8a-Ergebnis: Gefährdung" in page
