"""Dresden's action budget: small grants, a configurable limit, decided by the district coordinator alone."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from microprojects import services
from microprojects.models import ActionBudget, ActionGrant, AwardCriterion

CRITERIA = [AwardCriterion.CONCRETE_ACTIVITY, AwardCriterion.RESIDENTS_TAKE_PART]


@pytest.fixture(autouse=True)
def german():
    with translation.override("de"):
        yield


@pytest.fixture
def action_budget(org):
    return ActionBudget.objects.create(district=org.walle, year=2026, amount=Decimal("3000.00"))


def _request(org, user, amount="800.00", district=None):
    return services.action_grant_request(
        actor=user, district=district or org.walle, title="Nachbarschaftsfest am Waller Park", applicant="Bürgerverein Walle",
        purpose="Spielmobil und Getränke", activity_date=dt.date(2026, 6, 13), amount=Decimal(amount),
    )


def test_anyone_requests_and_the_coordinator_grants(org, users, action_budget):
    grant = _request(org, users.provider_staff)
    grant = services.action_grant_decide(actor=users.coordinator, grant=grant, grant_it=True, criteria=CRITERIA)
    assert grant.status == ActionGrant.Status.GRANTED and grant.decided_by == users.coordinator


def test_amount_over_the_default_limit_of_1500_is_refused(org, users):
    with pytest.raises(ValidationError) as exc:
        _request(org, users.case_manager, amount="1500.01")
    assert exc.value.message_dict == {"amount": ["Ein Zuschuss aus dem Aktionsbudget darf höchstens 1.500,00\u00a0€ betragen."]}
    _request(org, users.case_manager, amount="1500.00")


def test_limit_is_configurable(org, users, settings):
    settings.JUWE_ACTION_GRANT_LIMIT = Decimal("500.00")
    with pytest.raises(ValidationError):
        _request(org, users.case_manager, amount="600.00")


def test_grants_cannot_exceed_the_yearly_action_budget(org, users, action_budget):
    for _ in range(2):
        services.action_grant_decide(actor=users.coordinator, grant=_request(org, users.case_manager, "1400.00"), grant_it=True, criteria=CRITERIA)
    last = _request(org, users.case_manager, "200.01")
    with pytest.raises(ValidationError) as exc:
        services.action_grant_decide(actor=users.coordinator, grant=last, grant_it=True, criteria=CRITERIA)
    assert exc.value.code == "over_budget"
    last.refresh_from_db()
    assert last.status == ActionGrant.Status.REQUESTED


def test_only_the_districts_coordinator_decides(org, users, action_budget):
    grant = _request(org, users.case_manager)
    for actor in (users.team_lead, users.leadership):
        with pytest.raises(ValidationError) as exc:
            services.action_grant_decide(actor=actor, grant=grant, grant_it=True, criteria=CRITERIA)
        assert exc.value.code == "not_coordinator"


def test_declining_needs_a_reason_and_a_decision_is_final(org, users, action_budget):
    grant = _request(org, users.case_manager)
    with pytest.raises(ValidationError):
        services.action_grant_decide(actor=users.coordinator, grant=grant, grant_it=False)
    services.action_grant_decide(actor=users.coordinator, grant=grant, grant_it=False, reason="Regelfinanzierung möglich")
    with pytest.raises(ValidationError) as exc:
        services.action_grant_decide(actor=users.coordinator, grant=grant, grant_it=True, criteria=CRITERIA)
    assert exc.value.code == "decided"


def test_grant_pages_request_and_decide(as_user, org, users, action_budget):
    client = as_user(users.case_manager)
    response = client.post(reverse("microprojects:grant_request"), {
        "district": org.walle.pk, "title": "Laternenumzug", "applicant": "Kita Vegesacker Straße", "purpose": "Laternen",
        "activity_date": "2026-11-11", "amount": "250,00",
    })
    assert response.status_code == 302
    grant = ActionGrant.objects.get()
    assert grant.amount == Decimal("250.00")
    client = as_user(users.coordinator)
    assert "Laternenumzug" in client.get(reverse("home")).text  # on the coordinator's worklist
    response = client.post(reverse("microprojects:grant_decide", args=[grant.pk]), {"decision": "grant", "criteria": CRITERIA})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.status == ActionGrant.Status.GRANTED
    text = client.get(reverse("microprojects:grant_list"), {"year": 2026}).text
    assert "2.750,00" in text  # remaining of the 3,000 EUR action budget


def test_requests_waiting_more_than_a_week_are_overdue_on_the_worklist(org, users, action_budget):
    import time_machine

    from microprojects.worklists import grant_rows

    with time_machine.travel(dt.datetime(2026, 6, 1, 10, 0), tick=False):
        _request(org, users.case_manager)
    with time_machine.travel(dt.datetime(2026, 6, 5, 10, 0), tick=False):
        assert [r["overdue"] for r in grant_rows(users.coordinator)] == [False]
    with time_machine.travel(dt.datetime(2026, 6, 9, 10, 0), tick=False):
        row = grant_rows(users.coordinator)[0]
        assert row["overdue"] and row["note"] == "Walle, 800,00\u00a0€, beantragt am 01.06.2026"
