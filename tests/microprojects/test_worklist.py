"""The coordinator's worklist: pending approvals and projects without a review in 12 months."""

import datetime as dt

import time_machine
from django.urls import reverse

from microprojects import selectors
from microprojects.models import Status
from tests.microprojects.factories import add_review, make_project, set_budget


def _home(as_user, user):
    return as_user(user).get(reverse("home")).text


def test_pending_approvals_of_own_districts_except_own_submissions(as_user, org, users):
    make_project(title="Elterncafé", districts=[org.walle], provider=org.provider_a, created_by=users.case_manager, status=Status.SUBMITTED)
    make_project(title="Eigener Antrag", districts=[org.walle], provider=org.provider_a, created_by=users.coordinator,
                 status=Status.SUBMITTED, submitted_by=users.coordinator)
    make_project(title="Vahrer Projekt", districts=[org.vahr], provider=org.provider_b, created_by=users.other_case_manager, status=Status.SUBMITTED)
    text = _home(as_user, users.coordinator)
    assert "Elterncafé" in text and "Eigener Antrag" not in text and "Vahrer Projekt" not in text


def test_leadership_sees_only_requests_over_the_remaining_budget(as_user, org, users):
    set_budget(org.walle, "10000.00")
    make_project(title="Klein", districts=[org.walle], provider=org.provider_a, created_by=users.case_manager,
                 status=Status.SUBMITTED, requested="5000.00")
    make_project(title="Groß", districts=[org.walle], provider=org.provider_a, created_by=users.case_manager,
                 status=Status.SUBMITTED, requested="15000.00")
    text = _home(as_user, users.leadership)
    assert "Groß" in text and "Klein" not in text


@time_machine.travel(dt.datetime(2026, 6, 1, 9, 0), tick=False)
def test_running_projects_without_review_in_12_months(org, users):
    due_never = make_project(title="Nie geprüft", districts=[org.walle], provider=org.provider_a, created_by=users.case_manager,
                             status=Status.RUNNING, start=dt.date(2025, 5, 1), end=dt.date(2027, 4, 30))
    due_old = make_project(title="Alt geprüft", districts=[org.walle], provider=org.provider_a, created_by=users.case_manager,
                           status=Status.RUNNING, start=dt.date(2024, 1, 1), end=dt.date(2027, 1, 1))
    add_review(due_old, users.coordinator, dt.date(2025, 5, 31))
    fresh = make_project(title="Frisch geprüft", districts=[org.walle], provider=org.provider_a, created_by=users.case_manager,
                         status=Status.RUNNING, start=dt.date(2024, 1, 1), end=dt.date(2027, 1, 1))
    add_review(fresh, users.coordinator, dt.date(2025, 6, 2))
    make_project(title="Neu", districts=[org.walle], provider=org.provider_a, created_by=users.case_manager,
                 status=Status.RUNNING, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    rows = selectors.projects_review_due(users.coordinator)
    # most overdue first: "Nie geprüft" was due on 1 May, "Alt geprüft" on 31 May
    assert [(p.title, last, due) for p, last, due in rows] == [
        ("Nie geprüft", None, dt.date(2026, 5, 1)), ("Alt geprüft", dt.date(2025, 5, 31), dt.date(2026, 5, 31))]


def test_worklist_sections_query_count_is_constant(org, users, django_assert_max_num_queries):
    from decimal import Decimal

    from microprojects import worklists
    from microprojects.models import ActionGrant, Supplement

    def rows():
        user = type(users.coordinator).objects.get(pk=users.coordinator.pk)  # fresh: nothing cached
        # roles, coordinated districts, pending approvals, pending supplements, review due, grants,
        # proofs due (the scopes are subqueries) – a fixed number whatever the number of projects
        with django_assert_max_num_queries(8):
            return [len(section.rows(user)) for section in worklists.SECTIONS]

    assert [s.key for s in worklists.SECTIONS] == [
        "microprojects_pending", "microprojects_supplements", "microprojects_review_due", "microprojects_grants",
        "microprojects_proofs",
    ]
    assert rows() == [0, 0, 0, 0, 0]
    for i in range(15):
        make_project(title=f"P{i}", districts=[org.walle], provider=org.provider_a, created_by=users.case_manager, status=Status.SUBMITTED)
        running = make_project(title=f"R{i}", districts=[org.walle], provider=org.provider_a, created_by=users.case_manager,
                               status=Status.RUNNING, start=dt.date(2020, 1, 1), end=dt.date(2030, 1, 1))
        Supplement.objects.create(project=running, requested_amount=Decimal("500.00"), reason="Mehr Teilnehmende",
                                  requested_by=users.case_manager)
        ActionGrant.objects.create(district=org.walle, year=2026, title=f"G{i}", applicant="Verein", purpose="Material",
                                   amount=Decimal("100.00"), requested_by=users.case_manager, status=ActionGrant.Status.GRANTED,
                                   proof_due=dt.date.today() - dt.timedelta(days=i))
    assert rows() == [15, 15, 15, 0, 15]
