"""A project's money: approval at most the request, supplementary approvals against the prevention
frame, payments out of it that never exceed the approved total, reversals."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from juwe.models import AuditEvent
from juwe.roles import Role
from microprojects import selectors, services
from microprojects.models import ProjectEvent, ProjectPayment, Status, Supplement
from tests.concurrency import race
from tests.factories import UserFactory
from tests.microprojects.factories import make_project

PAY_DAY = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def german():
    with translation.override("de"):
        yield


def _running(org, users, approved="10000.00", **kw):
    return make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager,
                        status=Status.RUNNING, requested=approved, **kw)


def _pay(users, project, amount, number="R-1", **kw):
    return services.payment_book(actor=users.economic_aid, project=project, paid_on=PAY_DAY, amount=Decimal(amount),
                                 invoice_number=number, **kw)


# --- Approval ---------------------------------------------------------------------------------------------


def test_approval_above_the_request_is_refused_and_nothing_changes(org, users, budget):
    project = make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager,
                           status=Status.SUBMITTED, requested="10000.00")
    with pytest.raises(ValidationError) as exc:
        services.microproject_approve(actor=users.coordinator, project=project, amount=Decimal("12000.00"))
    assert exc.value.message_dict == {"amount": [
        "Die Bewilligung darf den beantragten Betrag (10.000,00\u00a0€) nicht übersteigen. "
        "Eine höhere Summe braucht einen geänderten Antrag."
    ]}
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED and project.approved_amount is None and not project.events.exists()
    # leadership neither
    with pytest.raises(ValidationError):
        services.microproject_approve(actor=users.leadership, project=project, amount=Decimal("10000.01"), note="x")
    services.microproject_approve(actor=users.coordinator, project=project, amount=Decimal("10000.00"))


def test_approval_letter_shows_the_approved_amount_and_supplements(as_user, org, users, budget):
    project = make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager,
                           status=Status.SUBMITTED, requested="10000.00", title="Elterncafé Walle")
    services.microproject_approve(actor=users.coordinator, project=project, amount=Decimal("8000.00"))
    client = as_user(users.provider_staff)

    def letter():
        response = client.get(reverse("microprojects:approval_letter", args=[project.pk]))
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)

    text = letter()
    assert "8.000,00" in text and "10.000,00" in text  # approved, and what was requested
    supplement = services.supplement_request(actor=users.case_manager, project=project, amount=Decimal("1500.00"),
                                             reason="Zweite Gruppe")
    services.supplement_approve(actor=users.coordinator, supplement=supplement, amount=Decimal("1200.00"))
    text = letter()
    assert "Nachbewilligung" in text and "1.200,00" in text and "9.200,00" in text


def test_approval_through_the_page_above_the_request_keeps_the_input(as_user, org, users, submitted):
    response = as_user(users.coordinator).post(
        reverse("microprojects:decide", args=[submitted.pk]), {"decision": "approve", "amount": "20.000,01"}
    )
    assert response.status_code == 400
    assert "geänderten Antrag" in response.text and 'value="20.000,01"' in response.text


# --- Supplementary approval -------------------------------------------------------------------------------


def test_team_requests_a_supplement_and_the_coordinator_grants_it_against_the_frame(org, users, budget):
    project = _running(org, users, approved="30000.00")
    supplement = services.supplement_request(actor=users.case_manager, project=project, amount=Decimal("5000.00"),
                                             reason="Mehr Anmeldungen als geplant")
    assert supplement.status == Supplement.Status.REQUESTED
    assert selectors.prevention_budget_position(org.walle, budget.year).approved_sum == Decimal("30000.00")
    supplement = services.supplement_approve(actor=users.coordinator, supplement=supplement, amount=Decimal("4000.00"))
    assert (supplement.status, supplement.approved_amount, supplement.decided_by) == (
        Supplement.Status.APPROVED, Decimal("4000.00"), users.coordinator)
    assert services.approved_total(project) == Decimal("34000.00")
    position = selectors.prevention_budget_position(org.walle, budget.year)
    assert (position.approved_sum, position.remaining) == (Decimal("34000.00"), Decimal("16000.00"))
    steps = list(project.events.values_list("action", flat=True))
    assert steps == [ProjectEvent.Action.SUPPLEMENT_REQUESTED, ProjectEvent.Action.SUPPLEMENT_APPROVED]


def test_supplement_is_at_most_the_request_and_never_from_the_requester(org, users, budget):
    project = _running(org, users)
    supplement = services.supplement_request(actor=users.coordinator, project=project, amount=Decimal("1000.00"),
                                             reason="Material")
    with pytest.raises(ValidationError) as exc:
        services.supplement_approve(actor=users.coordinator, supplement=supplement, amount=Decimal("900.00"))
    assert exc.value.code == "self_approval"
    second = UserFactory(roles=[Role.DISTRICT_COORDINATOR], district_set=[org.walle])
    with pytest.raises(ValidationError) as exc:
        services.supplement_approve(actor=second, supplement=supplement, amount=Decimal("1000.01"))
    assert exc.value.message_dict["amount"] == [
        "Die Nachbewilligung darf den beantragten Betrag (1.000,00\u00a0€) nicht übersteigen. "
        "Eine höhere Summe braucht einen neuen Antrag."
    ]
    supplement.refresh_from_db()
    assert supplement.status == Supplement.Status.REQUESTED


def test_supplement_over_the_frame_only_leadership_with_a_note(org, users, budget):
    project = _running(org, users, approved="45000.00")
    supplement = services.supplement_request(actor=users.case_manager, project=project, amount=Decimal("8000.00"),
                                             reason="Modellphase verlängert")
    with pytest.raises(ValidationError) as exc:
        services.supplement_approve(actor=users.coordinator, supplement=supplement, amount=Decimal("8000.00"))
    assert exc.value.code == "over_budget" and "noch 5.000,00" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        services.supplement_approve(actor=users.leadership, supplement=supplement, amount=Decimal("8000.00"))
    assert list(exc.value.message_dict) == ["note"]
    supplement = services.supplement_approve(actor=users.leadership, supplement=supplement, amount=Decimal("8000.00"),
                                             note="Restmittel aus Westend")
    assert supplement.over_budget
    assert project.events.last().action == ProjectEvent.Action.SUPPLEMENT_APPROVED_OVER_BUDGET
    assert selectors.prevention_budget_position(org.walle, budget.year).remaining == Decimal("-3000.00")


def test_supplement_only_for_approved_or_running_projects_by_the_team_one_at_a_time(org, users, budget):
    draft = make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager)
    with pytest.raises(ValidationError) as exc:
        services.supplement_request(actor=users.case_manager, project=draft, amount=Decimal("100"), reason="x")
    assert exc.value.code == "wrong_status"
    project = _running(org, users)
    with pytest.raises(ValidationError) as exc:
        services.supplement_request(actor=users.economic_aid, project=project, amount=Decimal("100"), reason="x")
    assert exc.value.code == "not_team"
    with pytest.raises(ValidationError) as exc:
        services.supplement_request(actor=users.case_manager, project=project, amount=Decimal("0"), reason=" ")
    assert set(exc.value.message_dict) == {"amount", "reason"}
    services.supplement_request(actor=users.case_manager, project=project, amount=Decimal("100"), reason="x")
    with pytest.raises(ValidationError) as exc:
        services.supplement_request(actor=users.case_manager, project=project, amount=Decimal("100"), reason="y")
    assert exc.value.code == "pending"


def test_rejected_supplement_needs_a_reason_and_frees_the_way_for_a_new_request(org, users, budget):
    project = _running(org, users)
    supplement = services.supplement_request(actor=users.case_manager, project=project, amount=Decimal("700"), reason="x")
    with pytest.raises(ValidationError):
        services.supplement_reject(actor=users.coordinator, supplement=supplement, reason="")
    services.supplement_reject(actor=users.coordinator, supplement=supplement, reason="Aus dem Bewilligten zu decken")
    with pytest.raises(ValidationError) as exc:
        services.supplement_approve(actor=users.coordinator, supplement=supplement, amount=Decimal("700"))
    assert exc.value.code == "decided"
    assert services.approved_total(project) == Decimal("10000.00")
    services.supplement_request(actor=users.case_manager, project=project, amount=Decimal("300"), reason="kleiner")


@pytest.mark.django_db(transaction=True)
def test_a_supplement_and_an_approval_at_once_cannot_overspend_the_frame(org, users):
    from tests.microprojects.factories import set_budget

    budget = set_budget(org.walle, "50000.00")
    running = _running(org, users, approved="30000.00")
    supplement = services.supplement_request(actor=users.case_manager, project=running, amount=Decimal("15000.00"),
                                             reason="Zweite Gruppe")
    submitted = make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager,
                             status=Status.SUBMITTED, requested="15000.00", title="B")
    second = UserFactory(roles=[Role.DISTRICT_COORDINATOR], district_set=[org.walle])
    results, errors = race(
        lambda: services.supplement_approve(actor=users.coordinator, supplement=supplement, amount=Decimal("15000.00")),
        lambda: services.microproject_approve(actor=second, project=submitted, amount=Decimal("15000.00")),
    )
    assert len(results) == 1 and [e.code for e in errors] == ["over_budget"]
    assert selectors.prevention_budget_position(org.walle, budget.year).approved_sum == Decimal("45000.00")


# --- Payments -------------------------------------------------------------------------------------------


def test_payments_up_to_the_approved_total_then_refused_with_what_is_free(org, users):
    project = _running(org, users, approved="10000.00")
    _pay(users, project, "8750.00", "R-1")
    with pytest.raises(ValidationError) as exc:
        _pay(users, project, "1250.01", "R-2")
    assert exc.value.message_dict == {"amount": [
        "Die Zahlungen überstiegen die Bewilligung des Projekts von 10.000,00\u00a0€. Noch frei: 1.250,00\u00a0€."
    ]}
    payment = _pay(users, project, "1250.00", "R-2")
    assert payment.provider == org.provider_a and payment.created_by == users.economic_aid
    assert services.paid_total(project) == Decimal("10000.00")
    assert AuditEvent.objects.filter(name="microprojects.payment.booked", object_id=str(payment.pk)).exists()
    assert project.events.filter(action=ProjectEvent.Action.PAYMENT).count() == 2


def test_a_granted_supplement_raises_what_may_be_paid(org, users, budget):
    project = _running(org, users, approved="10000.00")
    _pay(users, project, "10000.00")
    supplement = services.supplement_request(actor=users.case_manager, project=project, amount=Decimal("2000"), reason="x")
    with pytest.raises(ValidationError):  # requested is not granted
        _pay(users, project, "1.00", "R-2")
    services.supplement_approve(actor=users.coordinator, supplement=supplement, amount=Decimal("1500.00"))
    _pay(users, project, "1500.00", "R-2")
    assert services.paid_total(project) == services.approved_total(project) == Decimal("11500.00")


def test_reversal_frees_the_money_once_and_cannot_be_reversed(org, users):
    project = _running(org, users, approved="1000.00")
    payment = _pay(users, project, "1000.00")
    reversal = services.payment_reverse(actor=users.economic_aid, payment=payment, paid_on=PAY_DAY, note="doppelt")
    assert (reversal.amount, reversal.reverses, reversal.invoice_number) == (Decimal("-1000.00"), payment, "R-1-ST")
    assert services.paid_total(project) == 0
    with pytest.raises(ValidationError) as exc:
        services.payment_reverse(actor=users.economic_aid, payment=payment, paid_on=PAY_DAY)
    assert exc.value.code == "reversed"
    with pytest.raises(ValidationError) as exc:
        services.payment_reverse(actor=users.economic_aid, payment=reversal, paid_on=PAY_DAY)
    assert exc.value.code == "reversal"
    _pay(users, project, "1000.00", "R-1-neu")


def test_payment_rules(org, users):
    project = _running(org, users)
    for actor in (users.coordinator, users.leadership, users.case_manager):
        with pytest.raises(ValidationError) as exc:
            services.payment_book(actor=actor, project=project, paid_on=PAY_DAY, amount=Decimal("1"), invoice_number="X")
        assert exc.value.code == "not_payer"
    with pytest.raises(ValidationError) as exc:
        _pay(users, project, "-5.00", " ")
    assert set(exc.value.message_dict) == {"amount", "invoice_number"}
    _pay(users, project, "5.00", "X-1")
    with pytest.raises(ValidationError) as exc:
        _pay(users, project, "5.00", "X-1")
    assert exc.value.message_dict["invoice_number"] == ["Die Belegnummer X-1 wurde für diesen Träger schon bezahlt."]
    _pay(users, project, "5.00", "X-1", provider=org.provider_b)  # another provider's number
    submitted = make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager,
                             status=Status.SUBMITTED)
    with pytest.raises(ValidationError) as exc:
        _pay(users, submitted, "5.00", "X-2")
    assert exc.value.code == "wrong_status"


@pytest.mark.django_db(transaction=True)
def test_two_payments_at_once_cannot_exceed_the_approval(org, users):
    project = _running(org, users, approved="1000.00")
    colleague = UserFactory(roles=[Role.ECONOMIC_AID])
    results, errors = race(
        lambda: services.payment_book(actor=users.economic_aid, project=project, paid_on=PAY_DAY,
                                      amount=Decimal("600.00"), invoice_number="A"),
        lambda: services.payment_book(actor=colleague, project=project, paid_on=PAY_DAY,
                                      amount=Decimal("600.00"), invoice_number="B"),
    )
    assert len(results) == 1 and [e.error_dict["amount"][0].code for e in errors] == ["over_approval"]
    assert services.paid_total(project) == Decimal("600.00")


def test_frame_position_shows_frame_approved_paid_and_free(org, users, budget):
    a = _running(org, users, approved="20000.00")
    b = _running(org, users, approved="5000.00", title="B")
    _pay(users, a, "7000.00", "A-1")
    _pay(users, b, "1000.00", "B-1")
    services.payment_reverse(actor=users.economic_aid, payment=ProjectPayment.objects.get(invoice_number="B-1"),
                             paid_on=PAY_DAY)
    position = selectors.prevention_budget_position(org.walle, budget.year)
    assert (position.budget, position.approved_sum, position.paid, position.free) == (
        Decimal("50000.00"), Decimal("25000.00"), Decimal("7000.00"), Decimal("25000.00"))
    assert selectors.prevention_budget_position(org.westend, budget.year).paid == 0

