"""Review scheduling: four weeks before a contract's approval ends it appears on the worklist."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Review
from cases.reviews import review_worklist_rows, reviews_due
from tests.cases.reviews.factories import case_in_help, make_contract


def _ends_in(case, days, **kwargs):
    return make_contract(case, approved_until=timezone.localdate() + dt.timedelta(days=days), **kwargs)


def test_listed_from_28_days_before_the_end(users, help_case):
    not_yet = _ends_in(help_case, 29)
    due = _ends_in(help_case, 28)
    today = _ends_in(help_case, 0)
    past = _ends_in(help_case, -3)
    rows = {row["url"]: row for row in review_worklist_rows(users.case_manager)}
    assert reverse("cases:review_record", args=[not_yet.pk]) not in rows
    assert not rows[reverse("cases:review_record", args=[due.pk])]["overdue"]
    assert "28" in rows[reverse("cases:review_record", args=[due.pk])]["note"]
    assert not rows[reverse("cases:review_record", args=[today.pk])]["overdue"]
    overdue = rows[reverse("cases:review_record", args=[past.pk])]
    assert overdue["overdue"] and "3" in overdue["note"]
    # The earliest end first.
    assert list(reviews_due(users.case_manager)) == [past, today, due]


def test_reviewed_contract_leaves_the_worklist(users, help_case):
    contract = _ends_in(help_case, 10)
    assert list(reviews_due(users.case_manager)) == [contract]
    Review.objects.create(contract=contract, held_on=timezone.localdate(), decision="continue", created_by=users.case_manager)
    assert list(reviews_due(users.case_manager)) == []


@pytest.mark.parametrize("state", ["draft", "signed", "ended"])
def test_only_active_contracts(users, help_case, state):
    _ends_in(help_case, 5, state=state)
    assert list(reviews_due(users.case_manager)) == []


def test_case_manager_sees_own_cases_team_lead_the_team(users, org, help_case):
    colleague_case = case_in_help(users.colleague, org.westend)
    other_team = case_in_help(users.other_case_manager, org.vahr)
    own, colleagues, others = _ends_in(help_case, 5), _ends_in(colleague_case, 6), _ends_in(other_team, 7)
    assert list(reviews_due(users.case_manager)) == [own]
    assert list(reviews_due(users.colleague)) == [colleagues]
    assert list(reviews_due(users.team_lead)) == [own, colleagues]
    assert list(reviews_due(users.other_case_manager)) == [others]
    assert reviews_due(users.provider_staff).count() == 0


def test_home_shows_overdue_rows_red(as_user, users, help_case):
    contract = _ends_in(help_case, -1)
    response = as_user(users.case_manager).get(reverse("home"))
    assert reverse("cases:review_record", args=[contract.pk]) in response.text
    assert '<li class="overdue">' in response.text


def test_worklist_query_count_does_not_grow(users, org, help_case, django_assert_num_queries):
    for days in range(-5, 25, 3):
        _ends_in(help_case, days)
    for user in (users.case_manager, users.team_lead):
        user.has_role("any")  # the roles are loaded once per request (they are in the home page's base count)
    # One query: contracts joined with their case, filtered by scope, manager and due date.
    with django_assert_num_queries(1):
        assert len(review_worklist_rows(users.case_manager)) == 10
    with django_assert_num_queries(1):
        assert len(review_worklist_rows(users.team_lead)) == 10


def test_the_worklist_follows_the_case_when_it_is_reassigned(users, help_case):
    # Contracts carry a copy of their case's case manager (database triggers); reassigning the case
    # moves its due review to the new case manager's worklist at once.
    from cases import services

    contract = _ends_in(help_case, 5)
    assert list(reviews_due(users.case_manager)) == [contract] and list(reviews_due(users.colleague)) == []
    help_case.refresh_from_db()
    services.case_assign(case=help_case, user=users.team_lead, case_manager=users.colleague, version=help_case.version)
    assert list(reviews_due(users.case_manager)) == [] and list(reviews_due(users.colleague)) == [contract]
    assert list(reviews_due(users.team_lead)) == [contract]
