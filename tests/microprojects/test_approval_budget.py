"""Approval against the district's yearly prevention budget, including two approvals at the same moment."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from juwe.roles import Role
from microprojects import selectors, services
from microprojects.models import MicroProject, ProjectEvent, Status
from tests.concurrency import race
from tests.factories import UserFactory
from tests.microprojects.factories import make_project, set_budget


@pytest.fixture(autouse=True)
def german():
    with translation.override("de"):
        yield


def _submitted(org, users, amount, title="Projekt"):
    return make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager,
                        status=Status.SUBMITTED, requested=amount, title=title)


def test_approval_is_charged_to_the_districts_budget(org, users, budget):
    first = _submitted(org, users, "30000.00")
    services.microproject_approve(actor=users.coordinator, project=first, amount=Decimal("30000.00"))
    position = selectors.prevention_budget_position(org.walle, budget.year)
    assert (position.budget, position.approved_sum, position.remaining) == (
        Decimal("50000.00"), Decimal("30000.00"), Decimal("20000.00"))


def test_coordinator_may_use_the_budget_to_the_cent(org, users, budget):
    _submitted(org, users, "30000.00", "A")
    services.microproject_approve(actor=users.coordinator, project=MicroProject.objects.get(title="A"), amount=Decimal("30000.00"))
    last = _submitted(org, users, "20000.00", "B")
    project = services.microproject_approve(actor=users.coordinator, project=last, amount=Decimal("20000.00"))
    assert project.status == Status.APPROVED and not project.over_budget


def test_coordinator_is_refused_over_the_remaining_budget_and_nothing_changes(org, users, budget):
    _submitted(org, users, "45000.00", "A")
    services.microproject_approve(actor=users.coordinator, project=MicroProject.objects.get(title="A"), amount=Decimal("45000.00"))
    over = _submitted(org, users, "5000.01", "B")
    with pytest.raises(ValidationError) as exc:
        services.microproject_approve(actor=users.coordinator, project=over, amount=Decimal("5000.01"))
    assert exc.value.messages == [
        "Die Bewilligung übersteigt das verbleibende Präventionsbudget von Walle für "
        f"{budget.year} (noch 5.000,00\u00a0€). Nur die Leitung darf sie bewilligen, mit einem Vermerk."
    ]
    over.refresh_from_db()
    assert over.status == Status.SUBMITTED and over.approved_amount is None
    assert not over.events.exists()


def test_district_without_a_budget_has_nothing_to_approve(org, users):
    project = _submitted(org, users, "100.00")
    with pytest.raises(ValidationError) as exc:
        services.microproject_approve(actor=users.coordinator, project=project, amount=Decimal("100.00"))
    assert exc.value.code == "over_budget"


def test_leadership_approves_over_budget_only_with_a_note(org, users, budget):
    project = _submitted(org, users, "60000.00")
    with pytest.raises(ValidationError) as exc:
        services.microproject_approve(actor=users.leadership, project=project, amount=Decimal("60000.00"))
    assert exc.value.message_dict == {"note": ["Eine Bewilligung über das Präventionsbudget hinaus braucht einen begründenden Vermerk."]}
    project = services.microproject_approve(
        actor=users.leadership, project=project, amount=Decimal("60000.00"), note="Modellprojekt, Restmittel aus Mitte."
    )
    assert project.over_budget and project.approval_note == "Modellprojekt, Restmittel aus Mitte."
    assert project.events.get().action == ProjectEvent.Action.APPROVED_OVER_BUDGET
    assert selectors.prevention_budget_position(org.walle, budget.year).remaining == Decimal("-10000.00")


def test_negative_approval_amount_is_refused(org, users, submitted):
    with pytest.raises(ValidationError) as exc:
        services.microproject_approve(actor=users.coordinator, project=submitted, amount=Decimal("-5.00"))
    assert exc.value.message_dict == {"amount": ["Der Betrag darf nicht negativ sein."]}


def test_only_committed_projects_of_the_district_charged_count_against_its_frame(org, users, budget):
    make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager, status=Status.RUNNING, requested="1000.00")
    make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager, status=Status.SUBMITTED)
    make_project(districts=[org.westend, org.walle], provider=org.provider_a, created_by=users.case_manager, status=Status.APPROVED)
    budget_, approved, remaining = selectors.prevention_budget_position(org.walle, budget.year)
    assert (budget_, approved, remaining) == (Decimal("50000.00"), Decimal("1000.00"), Decimal("49000.00"))



@pytest.mark.django_db(transaction=True)
def test_two_coordinators_approving_the_same_project_at_once_only_one_succeeds(org, users):
    set_budget(org.walle, "50000.00")
    second = UserFactory(roles=[Role.DISTRICT_COORDINATOR], district_set=[org.walle])
    project = _submitted(org, users, "20000.00")
    results, errors = race(
        lambda: services.microproject_approve(actor=users.coordinator, project=project, amount=Decimal("20000.00")),
        lambda: services.microproject_approve(actor=second, project=project, amount=Decimal("20000.00")),
    )
    assert len(results) == 1 and len(errors) == 1 and errors[0].code == "wrong_status"
    assert project.events.filter(action=ProjectEvent.Action.APPROVED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_in_one_district_cannot_overspend_the_budget(org, users):
    budget = set_budget(org.walle, "50000.00")
    second = UserFactory(roles=[Role.DISTRICT_COORDINATOR], district_set=[org.walle])
    a, b = _submitted(org, users, "30000.00", "A"), _submitted(org, users, "30000.00", "B")
    results, errors = race(
        lambda: services.microproject_approve(actor=users.coordinator, project=a, amount=Decimal("30000.00")),
        lambda: services.microproject_approve(actor=second, project=b, amount=Decimal("30000.00")),
    )
    assert len(results) == 1 and [e.code for e in errors] == ["over_budget"]
    assert selectors.prevention_budget_position(org.walle, budget.year).approved_sum == Decimal("30000.00")
