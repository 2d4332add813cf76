"""Case management refers cases to running projects; coordinators and providers see dates and counts, never who."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from microprojects import selectors, services
from juwe.models import AuditEvent
from microprojects.models import Referral, Status
from tests.microprojects.factories import make_case, make_project, refer

pytestmark = pytest.mark.usefixtures("german")


@pytest.fixture
def german():
    with translation.override("de"):
        yield


@pytest.fixture
def running(org, users):
    return make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager,
                        status=Status.RUNNING, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), title="Kidstime")


@time_machine.travel(dt.datetime(2026, 5, 20, 10, 0), tick=False)
def test_case_manager_refers_a_case_of_her_team(org, users, running):
    case = make_case(org.walle, users.case_manager)
    referral = services.referral_create(actor=users.case_manager, project=running, case_reference=case.reference)
    assert (referral.case, referral.referred_on, referral.referred_by) == (case, dt.date(2026, 5, 20), users.case_manager)
    # the project history records the step without naming the case
    assert running.events.get().note == "20.05.2026"


@time_machine.travel(dt.datetime(2026, 5, 20, 10, 0), tick=False)
def test_referral_of_a_case_the_user_cannot_see_is_refused(org, users, running):
    foreign = make_case(org.vahr, users.other_case_manager)
    with pytest.raises(ValidationError) as exc:
        services.referral_create(actor=users.case_manager, project=running, case_reference=foreign.reference)
    assert exc.value.message_dict == {"case": ["Der Fall wurde nicht gefunden oder Sie dürfen ihn nicht zuweisen."]}
    assert not Referral.objects.exists()


@time_machine.travel(dt.datetime(2026, 5, 20, 10, 0), tick=False)
def test_referral_through_the_page_of_a_foreign_case_shows_the_german_message(as_user, org, users, running):
    foreign = make_case(org.vahr, users.other_case_manager)
    response = as_user(users.case_manager).post(
        reverse("microprojects:referral_create", args=[running.pk]), {"case": foreign.reference, "referred_on": "2026-05-20"}
    )
    assert response.status_code == 200 and "Sie dürfen ihn nicht zuweisen" in response.text
    assert not Referral.objects.exists()


@time_machine.travel(dt.datetime(2026, 5, 20, 10, 0), tick=False)
def test_coordinator_cannot_refer(org, users, running):
    case = make_case(org.walle, users.case_manager)
    with pytest.raises(ValidationError) as exc:
        services.referral_create(actor=users.coordinator, project=running, case_reference=case.reference)
    assert exc.value.code == "not_referrer"


@time_machine.travel(dt.datetime(2026, 5, 20, 10, 0), tick=False)
@pytest.mark.parametrize("status", [Status.APPROVED, Status.COMPLETED])
def test_only_running_projects_take_referrals(org, users, status):
    project = make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager, status=status)
    case = make_case(org.walle, users.case_manager)
    with pytest.raises(ValidationError) as exc:
        services.referral_create(actor=users.case_manager, project=project, case_reference=case.reference)
    assert exc.value.code == "wrong_status"


@time_machine.travel(dt.datetime(2026, 5, 20, 10, 0), tick=False)
def test_a_case_is_referred_once_and_closed_cases_not_at_all(org, users, running):
    case = make_case(org.walle, users.case_manager)
    services.referral_create(actor=users.case_manager, project=running, case_reference=case.reference)
    with pytest.raises(ValidationError) as exc:
        services.referral_create(actor=users.colleague, project=running, case_reference=case.reference)
    assert exc.value.message_dict == {"case": ["Dieser Fall wurde dem Projekt bereits zugewiesen."]}
    closed = make_case(org.walle, users.case_manager, state="closed")
    with pytest.raises(ValidationError) as exc:
        services.referral_create(actor=users.case_manager, project=running, case_reference=closed.reference)
    assert exc.value.message_dict == {"case": ["Ein abgeschlossener Fall kann nicht zugewiesen werden."]}


@pytest.mark.parametrize("role,sees_reference", [
    ("case_manager", True), ("team_lead", True), ("coordinator", False), ("provider_staff", False), ("leadership", False),
])
def test_project_page_shows_referral_dates_to_all_but_cases_only_to_case_work(as_user, org, users, running, role, sees_reference):
    case = make_case(org.walle, users.case_manager)
    refer(running, case, users.case_manager, dt.date(2026, 4, 2))
    text = as_user(getattr(users, role)).get(reverse("microprojects:detail", args=[running.pk])).text
    assert "02.04.2026" in text and "2026/Q2: 1" in text
    assert (case.reference in text) == sees_reference
    assert "Lina" not in text and "Petersen" not in text


def test_referral_counts_by_quarter(org, users, running):
    for i, day in enumerate([dt.date(2026, 1, 5), dt.date(2026, 2, 5), dt.date(2026, 4, 5)]):
        refer(running, make_case(org.walle, users.case_manager), users.case_manager, day)
    info = selectors.referrals_for_project(users.coordinator, running)
    assert info.count == 3 and info.by_quarter == [(2026, 1, 2), (2026, 2, 1)]
    assert all(case is None for _day, case in info.rows)


def test_case_file_tag_lists_the_cases_referrals(org, users, running):
    case = make_case(org.walle, users.case_manager)
    refer(running, case, users.case_manager, dt.date(2026, 3, 9))
    request = RequestFactory().get("/")
    request.user = users.colleague
    html = Template("{% load microprojects_tags %}{% case_referrals case %}").render(Context({"case": case, "request": request}))
    assert "Kidstime" in html and "09.03.2026" in html
    request.user = users.other_case_manager
    html = Template("{% load microprojects_tags %}{% case_referrals case %}").render(Context({"case": case, "request": request}))
    assert "Kidstime" not in html


def test_case_file_tag_offers_running_projects_of_the_district_with_the_reference_filled_in(as_user, org, users, running):
    case = make_case(org.walle, users.case_manager)
    request = RequestFactory().get("/")
    request.user = users.case_manager
    html = Template("{% load microprojects_tags %}{% case_referrals case %}").render(Context({"case": case, "request": request}))
    url = reverse("microprojects:referral_create", args=[running.pk])
    assert f"{url}?case={case.reference}" in html
    response = as_user(users.case_manager).get(url, {"case": case.reference})
    assert f'value="{case.reference}"' in response.text


def test_showing_referred_cases_on_the_project_page_is_audited(as_user, org, users, running):
    case = make_case(org.walle, users.case_manager)
    refer(running, case, users.case_manager, dt.date(2026, 4, 2))
    as_user(users.case_manager).get(reverse("microprojects:detail", args=[running.pk]))
    event = AuditEvent.objects.get(name="microprojects.referred_cases.viewed")
    assert event.user == users.case_manager and event.data == {"cases": [case.reference]}
    # Coordinators see dates only: nothing about a case was shown, so nothing is logged.
    as_user(users.coordinator).get(reverse("microprojects:detail", args=[running.pk]))
    assert AuditEvent.objects.filter(name="microprojects.referred_cases.viewed").count() == 1
