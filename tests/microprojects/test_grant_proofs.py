"""Action grants: the award criteria a grant meets (at least one) and the proof of use by a due date."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from microprojects import services
from microprojects.models import ActionBudget, ActionGrant, AwardCriterion
from microprojects.worklists import proof_rows

TODAY = dt.datetime(2026, 6, 1, 10, 0)


@pytest.fixture(autouse=True)
def german():
    with translation.override("de"), time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def grant(org, users):
    ActionBudget.objects.create(district=org.walle, year=2026, amount=Decimal("3000.00"))
    return services.action_grant_request(
        actor=users.case_manager, district=org.walle, title="Nachbarschaftsfest", applicant="Bürgerverein Walle",
        purpose="Spielmobil", activity_date=dt.date(2026, 6, 20), amount=Decimal("400.00"),
    )


def test_granting_needs_a_criterion_and_sets_the_proof_due_eight_weeks_after_the_activity(org, users, grant):
    with pytest.raises(ValidationError) as exc:
        services.action_grant_decide(actor=users.coordinator, grant=grant, grant_it=True)
    assert exc.value.message_dict == {"criteria": ["Kreuzen Sie mindestens ein Vergabekriterium an, das die Aktion erfüllt."]}
    grant.refresh_from_db()
    assert grant.status == ActionGrant.Status.REQUESTED
    grant = services.action_grant_decide(
        actor=users.coordinator, grant=grant, grant_it=True,
        criteria=[AwardCriterion.RESIDENTS_TAKE_PART, AwardCriterion.CONCRETE_ACTIVITY, AwardCriterion.CONCRETE_ACTIVITY],
    )
    assert grant.criteria == ["residents_take_part", "concrete_activity"]
    assert grant.criteria_labels == ["Bewohnerinnen und Bewohner wirken mit", "konkrete Aktion im Stadtteil"]
    assert grant.proof_due == dt.date(2026, 8, 15)  # 20 June + 8 weeks
    assert grant.proof_open


def test_without_activity_date_the_proof_is_due_eight_weeks_after_the_grant_or_on_the_date_set(org, users, grant):
    grant.activity_date = None
    grant.save()
    grant = services.action_grant_decide(actor=users.coordinator, grant=grant, grant_it=True,
                                         criteria=[AwardCriterion.QUICK_AND_SMALL])
    assert grant.proof_due == dt.date(2026, 7, 27)
    other = services.action_grant_request(actor=users.case_manager, district=org.walle, title="Laternen", applicant="Kita",
                                          purpose="Laternen", amount=Decimal("100.00"))
    with pytest.raises(ValidationError) as exc:
        services.action_grant_decide(actor=users.coordinator, grant=other, grant_it=True,
                                     criteria=[AwardCriterion.OPEN_TO_EVERYONE], proof_due=dt.date(2026, 5, 31))
    assert list(exc.value.message_dict) == ["proof_due"]
    other = services.action_grant_decide(actor=users.coordinator, grant=other, grant_it=True,
                                         criteria=[AwardCriterion.OPEN_TO_EVERYONE], proof_due=dt.date(2026, 9, 30))
    assert other.proof_due == dt.date(2026, 9, 30)


def test_declining_needs_no_criterion_and_sets_no_proof(org, users, grant):
    grant = services.action_grant_decide(actor=users.coordinator, grant=grant, grant_it=False, reason="Regelfinanzierung")
    assert grant.criteria == [] and grant.proof_due is None
    with pytest.raises(ValidationError) as exc:
        services.action_grant_record_proof(actor=users.coordinator, grant=grant, received_on=dt.date(2026, 6, 1))
    assert exc.value.code == "not_granted"


def test_coordinator_records_the_proof_once_and_not_in_the_future(org, users, grant):
    grant = services.action_grant_decide(actor=users.coordinator, grant=grant, grant_it=True,
                                         criteria=[AwardCriterion.CONCRETE_ACTIVITY])
    with pytest.raises(ValidationError) as exc:
        services.action_grant_record_proof(actor=users.team_lead, grant=grant, received_on=dt.date(2026, 6, 1))
    assert exc.value.code == "not_coordinator"
    with pytest.raises(ValidationError) as exc:
        services.action_grant_record_proof(actor=users.coordinator, grant=grant, received_on=dt.date(2026, 6, 2))
    assert list(exc.value.message_dict) == ["received_on"]
    grant = services.action_grant_record_proof(actor=users.coordinator, grant=grant, received_on=dt.date(2026, 6, 1),
                                               note="Quittungen gesehen")
    assert (grant.proof_received_on, grant.proof_recorded_by, grant.proof_open) == (dt.date(2026, 6, 1), users.coordinator, False)
    with pytest.raises(ValidationError) as exc:
        services.action_grant_record_proof(actor=users.coordinator, grant=grant, received_on=dt.date(2026, 6, 1))
    assert exc.value.code == "recorded"


def _granted(org, users, title, due, district=None, received=None):
    return ActionGrant.objects.create(
        district=district or org.walle, year=2026, title=title, applicant="Verein", purpose="Material",
        amount=Decimal("100.00"), requested_by=users.case_manager, status=ActionGrant.Status.GRANTED,
        criteria=[AwardCriterion.CONCRETE_ACTIVITY], proof_due=due, proof_received_on=received,
    )


def test_due_and_overdue_proofs_are_on_the_coordinators_worklist(org, users):
    _granted(org, users, "Überfällig", dt.date(2026, 5, 20))
    _granted(org, users, "Bald fällig", dt.date(2026, 6, 10))
    _granted(org, users, "Später", dt.date(2026, 7, 30))
    _granted(org, users, "Eingegangen", dt.date(2026, 5, 1), received=dt.date(2026, 4, 28))
    _granted(org, users, "Anderer Stadtteil", dt.date(2026, 5, 1), district=org.vahr)
    rows = proof_rows(users.coordinator)
    assert [(r["label"], r["overdue"]) for r in rows] == [("Überfällig", True), ("Bald fällig", False)]
    assert rows[0]["note"] == "Walle, 100,00\u00a0€, Verwendungsnachweis fällig am 20.05.2026"
    assert rows[0]["url"].endswith("/verwendungsnachweis/")
    assert proof_rows(users.leadership) == []


def test_proof_worklist_is_one_bounded_query(org, users, django_assert_num_queries):
    for i in range(60):
        _granted(org, users, f"G{i}", dt.date(2026, 5, 1) + dt.timedelta(days=i % 40))
    from microprojects.access import coordinated_district_ids

    user = type(users.coordinator).objects.get(pk=users.coordinator.pk)
    coordinated_district_ids(user)  # cached per request user, like the other worklist sections do
    with django_assert_num_queries(1):  # the grants with their district, oldest due first, at most 50
        rows = proof_rows(user)
    assert len(rows) == 50 and rows[0]["overdue"]


def test_decide_page_keeps_input_and_shows_german_errors(as_user, org, users, grant):
    client = as_user(users.coordinator)
    url = reverse("microprojects:grant_decide", args=[grant.pk])
    response = client.get(url)
    assert 'value="2026-08-15"' in response.text  # the default due date, prefilled
    response = client.post(url, {"decision": "grant", "proof_due": "2026-09-01"})
    assert response.status_code == 200
    assert "mindestens ein Vergabekriterium" in response.text and 'value="2026-09-01"' in response.text
    response = client.post(url, {"decision": "grant", "proof_due": "2026-09-01",
                                 "criteria": [AwardCriterion.CONCRETE_ACTIVITY, AwardCriterion.NO_REGULAR_FUNDING]})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.proof_due == dt.date(2026, 9, 1) and grant.criteria == ["concrete_activity", "no_regular_funding"]
    text = client.get(reverse("microprojects:grant_list"), {"year": 2026}).text
    assert "keine Regelfinanzierung möglich" in text and "fällig am 01.09.2026" in text


def test_proof_page_records_the_receipt_with_german_errors(as_user, org, users, grant):
    services.action_grant_decide(actor=users.coordinator, grant=grant, grant_it=True,
                                 criteria=[AwardCriterion.CONCRETE_ACTIVITY])
    client = as_user(users.coordinator)
    url = reverse("microprojects:grant_proof", args=[grant.pk])
    response = client.post(url, {"received_on": "2026-06-05", "note": "Fotos"})
    assert response.status_code == 200
    assert "nicht in der Zukunft" in response.text and "Fotos" in response.text
    response = client.post(url, {"received_on": "01.06.2026", "note": "Fotos"})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.proof_received_on == dt.date(2026, 6, 1)
    assert "eingegangen am 01.06.2026" in client.get(reverse("microprojects:grant_list"), {"year": 2026}).text
