"""Who reaches the § 8a pages: the case's team only (404 for everybody else, never 403 that reveals the file)."""

import pytest
from django.urls import reverse

from tests.cases.protection.factories import make_report, plan, record

STATUS = {
    "case_manager": 200,
    "colleague": 200,
    "team_lead": 200,
    "other_case_manager": 404,
    "coordinator": 404,
    "economic_aid": 404,
    "leadership": 404,
    "provider_staff": 404,
    "admin": 404,
    "nobody": 404,
}


@pytest.fixture
def assessment(case, users):
    a = make_report(case, users.case_manager)
    return record(a, users.case_manager, users.colleague, result="endangerment", measures=plan())


def _urls(case, a):
    return [
        reverse("cases:protection_report", args=[case.pk]),
        reverse("cases:protection_detail", args=[a.pk]),
        reverse("cases:protection_pdf", args=[a.pk]),
    ]


@pytest.mark.parametrize("role,status", STATUS.items())
def test_pages_by_role(as_user, users, case, assessment, role, status):
    client = as_user(getattr(users, role))
    for url in _urls(case, assessment):
        assert client.get(url).status_code == status, url


@pytest.mark.parametrize("role", [r for r, s in STATUS.items() if s == 404])
def test_writes_outside_the_scope_answer_404_and_change_nothing(as_user, users, case, assessment, role):
    client = as_user(getattr(users, role))
    open_one = make_report(case, users.case_manager)
    measure = assessment.measures.get()
    assert client.post(reverse("cases:protection_report", args=[case.pk]), {"reported_by": "x"}).status_code == 404
    assert client.post(reverse("cases:protection_detail", args=[open_one.pk]), {}).status_code == 404
    assert client.post(reverse("cases:protection_measure_done", args=[assessment.pk, measure.pk]), {"done_on": "2026-01-01"}).status_code == 404
    open_one.refresh_from_db()
    measure.refresh_from_db()
    assert open_one.is_open and measure.done_on is None


def test_measure_of_another_assessment_is_404(as_user, users, case, assessment):
    other = record(make_report(case, users.case_manager), users.case_manager, users.colleague, result="endangerment", measures=plan())
    url = reverse("cases:protection_measure_done", args=[assessment.pk, other.measures.get().pk])
    assert as_user(users.case_manager).post(url, {"done_on": "2026-01-01"}).status_code == 404


def test_provider_staff_never_reach_the_case_page_with_its_panel(as_user, users, case, assessment):
    # Provider staff never see the case page (404), so the § 8a panel never reaches them.
    assert as_user(users.provider_staff).get(reverse("cases:detail", args=[case.pk])).status_code == 404
