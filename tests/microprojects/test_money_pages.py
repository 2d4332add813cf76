"""The project page's money: approved (with supplements), paid, free; payments with reversal; the
forms for payments, reversals and supplements – German errors, input kept – and query counts."""

import datetime as dt
from decimal import Decimal

import datetime as _dt_mid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from microprojects import services
from microprojects.models import ProjectPayment, Status, Supplement
from tests.microprojects.factories import make_project

# Written for the middle of 2026 (the demo and the fixtures book into that year): frozen there, so
# the suite passes on any date – on 2 January the demo has booked nothing yet in the new year.
@pytest.fixture(autouse=True)
def _mid_2026():
    with time_machine.travel(_dt_mid.datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))):
        yield



def _running(org, users, approved="10000.00", **kw):
    return make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager,
                        status=Status.RUNNING, requested=approved, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31),
                        **kw)


def _pay(users, project, amount, number):
    return services.payment_book(actor=users.economic_aid, project=project, paid_on=dt.date(2026, 3, 2),
                                 amount=Decimal(amount), invoice_number=number)


def test_project_page_shows_approved_with_supplements_paid_and_free(as_user, org, users, budget):
    project = _running(org, users)
    supplement = services.supplement_request(actor=users.case_manager, project=project, amount=Decimal("2000.00"),
                                             reason="Zweite Gruppe")
    services.supplement_approve(actor=users.coordinator, supplement=supplement, amount=Decimal("1500.00"))
    payment = _pay(users, project, "4000.00", "R-1")
    _pay(users, project, "250.00", "R-2")
    services.payment_reverse(actor=users.economic_aid, payment=ProjectPayment.objects.get(invoice_number="R-2"),
                             paid_on=dt.date(2026, 3, 3))
    response = as_user(users.economic_aid).get(reverse("microprojects:detail", args=[project.pk]))
    money = response.context["money"]
    assert (money.approved_total, money.paid, money.remaining) == (Decimal("11500.00"), Decimal("4000.00"),
                                                                   Decimal("7500.00"))
    text = response.text
    assert "10.000,00\u00a0€ + 1.500,00\u00a0€ Nachbewilligungen = <strong>11.500,00\u00a0€</strong>" in text
    assert "Noch frei" in text and "7.500,00" in text and "Storno von R-2" in text
    reverse_url = reverse("microprojects:payment_reverse", args=[project.pk, payment.pk])
    assert reverse_url in text  # R-1 can be reversed; R-2 and its reversal not
    assert text.count("/storno/") == 1
    assert reverse("microprojects:payment_create", args=[project.pk]) in text
    # The coordinator sees the money, but books nothing.
    text = as_user(users.coordinator).get(reverse("microprojects:detail", args=[project.pk])).text
    assert "11.500,00" in text and "/storno/" not in text and "/zahlungen/neu/" not in text
    assert reverse("microprojects:supplement_request", args=[project.pk]) in text


def test_pending_supplement_shows_on_the_page_and_the_coordinators_worklist(as_user, org, users, budget):
    project = _running(org, users, title="Elterncafé")
    supplement = services.supplement_request(actor=users.case_manager, project=project, amount=Decimal("800.00"),
                                             reason="Mehr Familien")
    decide = reverse("microprojects:supplement_decide", args=[project.pk, supplement.pk])
    assert decide in as_user(users.coordinator).get(reverse("microprojects:detail", args=[project.pk])).text
    text = as_user(users.coordinator).get(reverse("home")).text
    assert "Nachbewilligungen zur Entscheidung" in text and decide in text and "800,00" in text
    # the request is pending: the team cannot ask again meanwhile
    text = as_user(users.case_manager).get(reverse("microprojects:detail", args=[project.pk])).text
    assert reverse("microprojects:supplement_request", args=[project.pk]) not in text
    assert decide not in text and "Mehr Familien" in text
    # leadership sees only supplements over the remaining frame
    assert decide not in as_user(users.leadership).get(reverse("home")).text


def test_payment_form_refuses_more_than_is_free_in_german_and_keeps_the_input(as_user, org, users):
    project = _running(org, users)
    _pay(users, project, "8750.00", "R-1")
    client = as_user(users.economic_aid)
    url = reverse("microprojects:payment_create", args=[project.pk])
    data = {"paid_on": "2026-04-01", "amount": "1.250,01", "provider": org.provider_a.pk, "invoice_number": "R-2",
            "note": "Honorar April"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Noch frei: 1.250,00\u00a0€" in response.text
    assert 'value="1.250,01"' in response.text and 'value="Honorar April"' in response.text
    response = client.post(url, {**data, "amount": "", "invoice_number": ""})
    assert response.text.count("Dieses Feld ist zwingend erforderlich.") == 2
    response = client.post(url, {**data, "amount": "1.250,00"})
    assert response.status_code == 302
    assert services.paid_total(project) == Decimal("10000.00")


def test_reversal_page_needs_a_reason(as_user, org, users):
    project = _running(org, users)
    payment = _pay(users, project, "500.00", "R-1")
    client = as_user(users.economic_aid)
    url = reverse("microprojects:payment_reverse", args=[project.pk, payment.pk])
    response = client.post(url, {"paid_on": "2026-03-04", "note": ""})
    assert response.status_code == 200 and "Dieses Feld ist zwingend erforderlich." in response.text
    assert 'value="2026-03-04"' in response.text
    assert client.post(url, {"paid_on": "2026-03-04", "note": "falscher Träger"}).status_code == 302
    reversal = ProjectPayment.objects.get(reverses=payment)
    assert reversal.amount == Decimal("-500.00") and reversal.note == "falscher Träger"
    response = client.post(url, {"paid_on": "2026-03-04", "note": "nochmal"})
    assert "schon storniert" in response.text


def test_supplement_request_and_decision_pages(as_user, org, users, budget):
    project = _running(org, users)
    client = as_user(users.case_manager)
    url = reverse("microprojects:supplement_request", args=[project.pk])
    response = client.post(url, {"amount": "2.000,00", "reason": ""})
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.text and 'value="2.000,00"' in response.text
    assert client.post(url, {"amount": "2.000,00", "reason": "Zweite Gruppe"}).status_code == 302
    supplement = Supplement.objects.get()
    client = as_user(users.coordinator)
    decide = reverse("microprojects:supplement_decide", args=[project.pk, supplement.pk])
    response = client.get(decide)
    assert "Zweite Gruppe" in response.text and "Präventionsbudget Walle 2026" in response.text
    response = client.post(decide, {"decision": "approve", "amount": "2.500,00", "note": ""})
    assert response.status_code == 400
    assert "Eine höhere Summe braucht einen neuen Antrag." in response.text and 'value="2.500,00"' in response.text
    assert client.post(decide, {"decision": "approve", "amount": "1.800,00"}).status_code == 302
    supplement.refresh_from_db()
    assert supplement.approved_amount == Decimal("1800.00")
    text = client.get(reverse("microprojects:detail", args=[project.pk])).text
    assert "Nachbewilligung bewilligt" in text and "1.800,00" in text  # history and the list


def test_detail_query_count_does_not_grow_with_payments_and_supplements(as_user, org, users, budget,
                                                                         django_assert_max_num_queries):
    project = _running(org, users, approved="40000.00")
    client = as_user(users.economic_aid)

    def load():
        # session, user, roles, scope + project, districts/developers/extensions prefetch, events,
        # participation, reviews (2), budget position (1), referrals, supplements (1), payments with
        # what they reverse and their reversal (1), permission checks, session refresh (3)
        with django_assert_max_num_queries(20):
            assert client.get(reverse("microprojects:detail", args=[project.pk])).status_code == 200

    load()
    for i in range(20):
        _pay(users, project, "100.00", f"R-{i}")
    services.payment_reverse(actor=users.economic_aid, payment=ProjectPayment.objects.get(invoice_number="R-3"),
                             paid_on=dt.date(2026, 3, 5))
    for amount in ("100.00", "200.00", "300.00"):
        s = services.supplement_request(actor=users.case_manager, project=project, amount=Decimal(amount), reason="x")
        services.supplement_approve(actor=users.coordinator, supplement=s, amount=Decimal(amount))
    load()


@pytest.mark.parametrize("role", ["economic_aid", "coordinator"])
def test_money_form_pages_query_count_is_constant(as_user, org, users, budget, role, django_assert_max_num_queries):
    project = _running(org, users)
    for i in range(10):
        _pay(users, project, "10.00", f"R-{i}")
    supplement = services.supplement_request(actor=users.case_manager, project=project, amount=Decimal("100"), reason="x")
    client = as_user(getattr(users, role))
    url = (reverse("microprojects:payment_create", args=[project.pk]) if role == "economic_aid"
           else reverse("microprojects:supplement_decide", args=[project.pk, supplement.pk]))
    # session, user, roles, project (scope, prefetches), supplements, payments, then the provider
    # choices (payment) or coordinated districts and the frame position (decision), session
    # refresh (3) – not one per payment
    with django_assert_max_num_queries(13 if role == "economic_aid" else 15):
        assert client.get(url).status_code == 200
