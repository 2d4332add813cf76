"""Contract pages: create and edit with formsets, bad input keeps what was typed, sign/approve/end,
the approval rule over HTTP, audited reads, pinned query counts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Contract, ContractState
from juwe.models import AuditEvent
from juwe.roles import Role
from tests.cases.contracts.factories import active_contract, make_contract, sign
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _post_data(**overrides) -> dict:
    data = {
        "talk_on": (TODAY - dt.timedelta(days=2)).isoformat(), "talk_place": "Im Familienzentrum",
        "proposal": "", "own_proposal": "Eine Familienhelferin, zweimal pro Woche", "help_type": "31", "provider": "",
        "provider_wish": "", "approved_from": "", "approved_until": "", "hours_per_week": "4,5",
        "monthly_cost": "1.850,00", "internal_note": "",
        "p-TOTAL_FORMS": "3", "p-INITIAL_FORMS": "0",
        "p-0-name": "Sandra Petersen", "p-0-party": "family", "p-0-relation": "Mutter", "p-0-signs": "on",
        "p-1-name": "Frau Fall", "p-1-party": "office", "p-1-relation": "Fallmanagerin", "p-1-signs": "on",
        "p-2-name": "", "p-2-party": "family", "p-2-relation": "",
        "g-TOTAL_FORMS": "3", "g-INITIAL_FORMS": "0",
        "g-0-text": "", "g-0-indicator": "",  # an empty first row is skipped, numbering follows what is kept
        "g-1-text": "Lina schläft wieder in ihrem eigenen Bett.", "g-1-indicator": "Fünf Nächte pro Woche",
        "g-2-text": "Wir essen abends zusammen.", "g-2-indicator": "",
        "t-TOTAL_FORMS": "3", "t-INITIAL_FORMS": "0",
        "t-0-party": "family", "t-0-who": "Frau Petersen", "t-0-what": "Bringt Lina um 20 Uhr ins Bett", "t-0-due": "jeden Abend", "t-0-due_on": "", "t-0-goal": "2",
        "t-1-party": "office", "t-1-who": "Frau Fall", "t-1-what": "Klärt die Kostenübernahme", "t-1-due": "", "t-1-due_on": TODAY.isoformat(), "t-1-goal": "",
        "t-2-party": "provider", "t-2-who": "", "t-2-what": "", "t-2-due": "", "t-2-due_on": "", "t-2-goal": "",
    }
    return data | overrides


def test_create_page_prefills_family_and_case_manager(case, users, as_user):
    response = as_user(users.case_manager).get(reverse("cases:contract_create", args=[case.pk]))
    assert response.status_code == 200
    assert 'value="Lina Petersen"' in response.text and 'value="Sandra Petersen"' in response.text


def test_create_saves_draft_with_renumbered_goals(case, users, as_user):
    response = as_user(users.case_manager).post(reverse("cases:contract_create", args=[case.pk]), _post_data())
    contract = Contract.objects.get(case=case)
    assert response.status_code == 302 and response.url == reverse("cases:contract_detail", args=[contract.pk])
    assert list(contract.goals.values_list("position", "text")) == [
        (1, "Lina schläft wieder in ihrem eigenen Bett."), (2, "Wir essen abends zusammen.")]
    family_task = contract.tasks.get(party="family")
    assert family_task.goal.text == "Lina schläft wieder in ihrem eigenen Bett."  # row 2 as the user saw it
    assert str(contract.monthly_cost) == "1850.00" and contract.participants.count() == 2


@pytest.mark.parametrize("overrides,message", [
    ({"g-1-text": "", "g-1-indicator": "", "g-2-text": "", "t-0-goal": ""}, "mindestens ein Ziel"),
    ({"t-0-party": "other"}, "Aufgabe für die Familie"),
    ({"monthly_cost": "viel"}, "Betrag in Euro"),
    ({"monthly_cost": "-5,00"}, "können nicht negativ sein"),
    ({"approved_from": TODAY.isoformat(), "approved_until": (TODAY - dt.timedelta(days=1)).isoformat()}, "vor ihrem Beginn"),
])
def test_bad_input_is_refused_and_keeps_what_was_typed(case, users, as_user, overrides, message):
    client = as_user(users.case_manager)
    response = client.post(reverse("cases:contract_create", args=[case.pk]), _post_data(**overrides), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert not Contract.objects.exists()
    assert message in response.text or message in response.content.decode()
    assert "Im Familienzentrum" in response.text and "Klärt die Kostenübernahme" in response.text
    assert 'class="form-errors error-summary"' in response.text


def test_add_row_button_adds_a_row_without_saving(case, users, as_user):
    response = as_user(users.case_manager).post(reverse("cases:contract_create", args=[case.pk]), _post_data(add="g"))
    assert response.status_code == 200 and not Contract.objects.exists()
    assert 'name="g-3-text"' in response.text and "Wir essen abends zusammen." in response.text


def test_edit_draft_and_frozen_after_signing(case, users, as_user):
    contract = make_contract(case, users.case_manager)
    client = as_user(users.case_manager)
    url = reverse("cases:contract_edit", args=[contract.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Lina geht wieder gern zur Schule." in page.text
    response = client.post(url, _post_data(version=str(contract.version)))
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.talk_place == "Im Familienzentrum" and contract.goals.count() == 2
    sign(contract, users.case_manager)
    assert client.get(url).status_code == 302  # signed: back to the contract with a message
    assert client.post(url, _post_data(version=str(contract.version + 1))).status_code == 302
    assert Contract.objects.get(pk=contract.pk).talk_place == "Im Familienzentrum"


def test_sign_approve_end_through_the_pages(case, users, as_user):
    contract = make_contract(case, users.case_manager)
    cm = as_user(users.case_manager)
    signers = list(contract.participants.filter(party="family").values_list("id", flat=True))
    r = cm.post(reverse("cases:contract_sign", args=[contract.pk]),
                {"version": contract.version, "signed_on": TODAY.isoformat(), "signers": signers})
    assert r.status_code == 302
    contract.refresh_from_db()
    assert contract.state == ContractState.SIGNED
    # the case manager may not approve (403), nor see an approve button
    assert "cases/kontrakte/%s/bewilligung/" % contract.pk not in cm.get(reverse("cases:contract_detail", args=[contract.pk])).text
    assert cm.post(reverse("cases:contract_approve", args=[contract.pk]), {"version": contract.version}).status_code == 403
    lead_b = UserFactory(username="tl-b", roles=[Role.TEAM_LEAD], team=case.district.team.__class__.objects.exclude(pk=case.team_id).first())
    assert as_user(lead_b).post(reverse("cases:contract_approve", args=[contract.pk])).status_code == 404
    tl = as_user(users.team_lead)
    assert tl.post(reverse("cases:contract_approve", args=[contract.pk]), {"version": contract.version}).status_code == 302
    contract.refresh_from_db()
    assert contract.state == ContractState.ACTIVE and contract.approved_by == users.team_lead
    r = tl.post(reverse("cases:contract_end", args=[contract.pk]),
                {"version": contract.version, "ended_on": (contract.approved_from - dt.timedelta(days=5)).isoformat()})
    assert r.status_code == 422  # before the start: refused, the form again
    r = tl.post(reverse("cases:contract_end", args=[contract.pk]),
                {"version": contract.version, "ended_on": TODAY.isoformat(), "note": "Ziele erreicht"})
    assert r.status_code == 302 and Contract.objects.get(pk=contract.pk).state == ContractState.ENDED


def test_sign_with_future_date_keeps_form(case, users, as_user):
    contract = make_contract(case, users.case_manager)
    r = as_user(users.case_manager).post(reverse("cases:contract_sign", args=[contract.pk]),
                                         {"version": contract.version, "signed_on": (TODAY + dt.timedelta(days=3)).isoformat()})
    assert r.status_code == 422 and Contract.objects.get(pk=contract.pk).state == ContractState.DRAFT


@pytest.mark.parametrize("who,status", [
    ("case_manager", 200), ("colleague", 200), ("team_lead", 200), ("other_case_manager", 404), ("coordinator", 403),
    ("economic_aid", 403), ("leadership", 403), ("admin", 403), ("provider_staff", 200),
])
def test_detail_access_matrix(case, users, as_user, org, who, status):
    contract = sign(make_contract(case, users.case_manager, provider=org.provider_a), users.case_manager)
    response = as_user(getattr(users, who)).get(reverse("cases:contract_detail", args=[contract.pk]))
    # Roles without contracts in their scope never learn that one exists: the scope comes first.
    assert response.status_code == (404 if status == 403 else status)
    if who == "provider_staff":
        assert "GEHEIM-INTERN" not in response.text and "Lina geht wieder gern zur Schule." in response.text
    if status == 200 and who != "provider_staff":
        assert "GEHEIM-INTERN" in response.text


def test_provider_staff_cannot_change(case, users, as_user, org):
    contract = sign(make_contract(case, users.case_manager, provider=org.provider_a), users.case_manager)
    client = as_user(users.provider_staff)
    assert client.get(reverse("cases:contract_edit", args=[contract.pk])).status_code == 403
    assert client.post(reverse("cases:contract_approve", args=[contract.pk])).status_code == 403


def test_detail_is_audited(case, users, as_user):
    contract = make_contract(case, users.case_manager)
    as_user(users.colleague).get(reverse("cases:contract_detail", args=[contract.pk]))
    event = AuditEvent.objects.get(name="cases.contract.viewed")
    assert (event.user, event.object_id) == (users.colleague, str(contract.pk))


# Request overhead (session, user, roles, session refresh in a savepoint) = 6; then contract with
# case/provider/people, audit insert, participants, goals, tasks, family names = 6 – the same for
# 2 goals or 12. The reviews part's extras (progress notes, review) add their own, pinned there.
DETAIL_QUERIES = 6 + 6
REVIEWS_EXTRAS = 3


def test_detail_query_count_is_constant(case, users, as_user, django_assert_max_num_queries):
    small = active_contract(case, users.case_manager, users.team_lead)
    client = as_user(users.case_manager)
    with django_assert_max_num_queries(DETAIL_QUERIES + REVIEWS_EXTRAS) as q_small:
        client.get(reverse("cases:contract_detail", args=[small.pk]))
    large = active_contract(case, users.case_manager, users.team_lead, n_goals=12, n_tasks=30)
    with django_assert_max_num_queries(DETAIL_QUERIES + REVIEWS_EXTRAS) as q_large:
        client.get(reverse("cases:contract_detail", args=[large.pk]))
    assert len(q_large.captured_queries) == len(q_small.captured_queries)


def test_case_panel_lists_contracts_with_constant_queries(case, users, as_user, django_assert_max_num_queries):
    client = as_user(users.case_manager)
    url = reverse("cases:detail", args=[case.pk])
    make_contract(case, users.case_manager)
    with django_assert_max_num_queries(60) as one:
        first = client.get(url)
    assert "Record a contract talk" in first.text or reverse("cases:contract_create", args=[case.pk]) in first.text
    for _ in range(4):
        make_contract(case, users.case_manager)
    with django_assert_max_num_queries(60) as five:
        page = client.get(url)
    assert page.text.count(reverse("cases:contract_pdf", args=[Contract.objects.last().pk])) == 1
    assert len(five.captured_queries) == len(one.captured_queries)


def test_team_lead_worklist_shows_signed_contracts(case, users, as_user, django_assert_max_num_queries):
    contract = sign(make_contract(case, users.case_manager), users.case_manager)
    client = as_user(users.team_lead)
    with django_assert_max_num_queries(40) as one:
        page = client.get(reverse("home"))
    assert reverse("cases:contract_detail", args=[contract.pk]) in page.text
    for _ in range(3):
        sign(make_contract(case, users.case_manager), users.case_manager)
    with django_assert_max_num_queries(40) as four:
        page = client.get(reverse("home"))
    assert len(four.captured_queries) == len(one.captured_queries)
    assert reverse("cases:contract_detail", args=[contract.pk]) not in as_user(users.case_manager).get(reverse("home")).text


@pytest.mark.parametrize("overrides", [
    {"approved_from": "9999-06-01"},  # the default end, six months later, lies beyond year 9999
    {"approved_from": "2026-01-01", "approved_until": "9999-12-31"},
    {"talk_on": "0001-01-01"},
    {"t-1-due_on": "9999-12-31"},
])
def test_contract_dates_outside_1900_to_2100_are_a_form_error_not_a_server_error(case, users, as_user, overrides):
    response = as_user(users.case_manager).post(reverse("cases:contract_create", args=[case.pk]), _post_data(**overrides))
    assert response.status_code == 422
    assert "Bitte ein Datum zwischen 1900 und 2100 angeben." in response.text
    assert not Contract.objects.filter(case=case).exists()
