"""The life cycle through the services: every transition, who may make it, and refusals that change nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from microprojects import services
from microprojects.models import Category, MicroProject, Outcome, ProjectEvent, Status
from tests.microprojects.factories import make_project


def messages_of(exc: pytest.ExceptionInfo) -> list[str]:
    return exc.value.messages


def proposal_fields(org, **overrides):
    fields = {
        "title": "Elterncafé Walle",
        "category": Category.INSTITUTION,
        "provider": org.provider_a,
        "need_description": "Eltern in mehreren Fällen wussten nicht, wohin mit ihren Fragen.",
        "need_case_count": 5,
        "target_group": "Eltern von Grundschulkindern",
        "age_from": 6,
        "age_to": 10,
        "goals": "Eltern tauschen sich aus und finden früh Beratung.",
        "start_date": dt.date(2026, 3, 1),
        "end_date": dt.date(2026, 12, 31),
        "requested_amount": Decimal("12000.00"),
        "budget_district": org.walle,
    }
    return fields | overrides


@pytest.fixture(autouse=True)
def german():
    with translation.override("de"):
        yield


def test_case_manager_proposes_a_draft_with_history(org, users):
    project = services.microproject_create(actor=users.case_manager, districts=[org.walle], **proposal_fields(org))
    assert project.status == Status.DRAFT
    assert list(project.developed_by.all()) == [users.case_manager]
    event = project.events.get()
    assert (event.action, event.actor) == (ProjectEvent.Action.CREATED, users.case_manager)


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"end_date": dt.date(2026, 2, 1)}, "end_date", "Das Ende darf nicht vor dem Beginn liegen."),
        ({"requested_amount": Decimal("-1.00")}, "requested_amount", "Der Betrag darf nicht negativ sein."),
        ({"budget_district": None}, "budget_district", None),
    ],
)
def test_bad_proposals_are_refused_and_nothing_is_written(org, users, overrides, field, message):
    fields = proposal_fields(org, **overrides)
    if fields["budget_district"] is None:
        fields["budget_district"] = org.vahr  # not one of the project's districts
        message = "Der belastete Stadtteil muss einer der Stadtteile des Projekts sein."
    with pytest.raises(ValidationError) as exc:
        services.microproject_create(actor=users.case_manager, districts=[org.walle], **fields)
    assert exc.value.message_dict[field] == [message]
    assert not MicroProject.objects.exists()


def test_end_before_start_is_also_refused_by_the_database(org, users):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager,
                     start=dt.date(2026, 5, 1), end=dt.date(2026, 4, 1))


def test_submit_records_who_and_when(org, users):
    project = make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager)
    project = services.microproject_submit(actor=users.case_manager, project=project)
    assert project.status == Status.SUBMITTED
    assert project.submitted_by == users.case_manager and project.submitted_at is not None


def test_outsider_cannot_submit_someone_elses_draft(org, users):
    project = make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager)
    with pytest.raises(ValidationError) as exc:
        services.microproject_submit(actor=users.other_case_manager, project=project)
    assert exc.value.code == "not_editor"
    project.refresh_from_db()
    assert project.status == Status.DRAFT


def test_coordinator_approves_within_budget(org, users, submitted):
    project = services.microproject_approve(actor=users.coordinator, project=submitted, amount=Decimal("18000.00"))
    assert (project.status, project.approved_amount, project.budget_year) == (Status.APPROVED, Decimal("18000.00"), submitted.start_date.year)
    assert project.decided_by == users.coordinator and project.coordinator == users.coordinator
    assert project.events.filter(action=ProjectEvent.Action.APPROVED, actor=users.coordinator).exists()


def test_coordinator_cannot_approve_own_submission(org, users, budget):
    project = make_project(districts=[org.walle], provider=org.provider_a, created_by=users.coordinator,
                           status=Status.SUBMITTED, submitted_by=users.coordinator)
    with pytest.raises(ValidationError) as exc:
        services.microproject_approve(actor=users.coordinator, project=project, amount=Decimal("1000.00"))
    assert messages_of(exc) == ["Sie haben dieses Projekt selbst eingereicht und können es daher nicht bewilligen."]
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED and project.approved_amount is None


def test_coordinator_of_other_districts_cannot_decide(org, users, submitted):
    from tests.factories import UserFactory
    from juwe.roles import Role

    vahr_coordinator = UserFactory(roles=[Role.DISTRICT_COORDINATOR], district_set=[org.vahr])
    for call in (
        lambda: services.microproject_approve(actor=vahr_coordinator, project=submitted, amount=Decimal("1.00")),
        lambda: services.microproject_reject(actor=vahr_coordinator, project=submitted, reason="Nein"),
    ):
        with pytest.raises(ValidationError) as exc:
            call()
        assert messages_of(exc) == [
            "Nur eine Sozialraumkoordination eines der Stadtteile des Projekts darf es bewilligen oder ablehnen."
        ]
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_case_manager_cannot_approve(org, users, submitted):
    with pytest.raises(ValidationError) as exc:
        services.microproject_approve(actor=users.colleague, project=submitted, amount=Decimal("1.00"))
    assert exc.value.code == "not_coordinator"


def test_rejection_needs_a_reason_and_keeps_it(org, users, submitted):
    with pytest.raises(ValidationError) as exc:
        services.microproject_reject(actor=users.coordinator, project=submitted, reason="  ")
    assert exc.value.message_dict == {"reason": ["Geben Sie einen Grund für die Ablehnung an."]}
    project = services.microproject_reject(actor=users.coordinator, project=submitted, reason="Es gibt bereits ein Elterncafé.")
    assert project.status == Status.REJECTED and project.rejection_reason == "Es gibt bereits ein Elterncafé."
    assert project.events.filter(action=ProjectEvent.Action.REJECTED, note="Es gibt bereits ein Elterncafé.").exists()


def test_rejected_project_cannot_be_started(org, users, submitted):
    services.microproject_reject(actor=users.coordinator, project=submitted, reason="Doppelt")
    with pytest.raises(ValidationError) as exc:
        services.microproject_start(actor=users.coordinator, project=submitted)
    assert exc.value.code == "wrong_status"


def test_approved_project_starts_and_completes_as_continued(org, users, submitted):
    services.microproject_approve(actor=users.coordinator, project=submitted, amount=Decimal("20000.00"))
    project = services.microproject_start(actor=users.team_lead, project=submitted)
    assert project.status == Status.RUNNING and project.started_at
    project, copy = services.microproject_complete(actor=users.coordinator, project=project, outcome=Outcome.CONTINUED)
    assert (project.status, project.outcome, copy) == (Status.COMPLETED, Outcome.CONTINUED, None)
    steps = list(project.events.values_list("action", flat=True))
    assert steps == ["approved", "started", "completed"]  # the factory row had no "created" event


def test_extension_creates_a_linked_draft_for_the_new_district(org, users, submitted):
    services.microproject_approve(actor=users.coordinator, project=submitted, amount=Decimal("20000.00"))
    services.microproject_start(actor=users.coordinator, project=submitted)
    project, copy = services.microproject_complete(
        actor=users.coordinator, project=submitted, outcome=Outcome.EXTENDED, new_districts=[org.vahr]
    )
    assert project.outcome == Outcome.EXTENDED
    assert copy.extended_from == project and copy.status == Status.DRAFT
    assert list(copy.districts.all()) == [org.vahr] and copy.budget_district == org.vahr
    assert copy.requested_amount == Decimal("20000.00") and copy.title == project.title


def test_extension_needs_a_new_district(org, users, submitted):
    services.microproject_approve(actor=users.coordinator, project=submitted, amount=Decimal("20000.00"))
    services.microproject_start(actor=users.coordinator, project=submitted)
    with pytest.raises(ValidationError) as exc:
        services.microproject_complete(actor=users.coordinator, project=submitted, outcome=Outcome.EXTENDED, new_districts=[org.walle])
    assert exc.value.message_dict == {"new_districts": ["Das Projekt läuft bereits in Walle."]}
    submitted.refresh_from_db()
    assert submitted.status == Status.RUNNING and not MicroProject.objects.filter(extended_from=submitted).exists()


def test_provider_staff_cannot_start_a_project(org, users, submitted):
    services.microproject_approve(actor=users.coordinator, project=submitted, amount=Decimal("20000.00"))
    with pytest.raises(ValidationError) as exc:
        services.microproject_start(actor=users.provider_staff, project=submitted)
    assert exc.value.code == "not_runner"


def test_stale_edit_is_refused(org, users):
    project = make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager)
    fields = proposal_fields(org)
    services.microproject_update(actor=users.case_manager, project=project, version=1, districts=[org.walle],
                                 developed_by=[users.case_manager], **fields)
    with pytest.raises(ValidationError) as exc:
        services.microproject_update(actor=users.colleague, project=project, version=1, districts=[org.walle],
                                     developed_by=[], **(fields | {"title": "Überschrieben"}))
    assert exc.value.code == "stale"
    project.refresh_from_db()
    assert project.title == "Elterncafé Walle" and project.version == 2


def test_submitted_project_cannot_be_edited(org, users, submitted):
    with pytest.raises(ValidationError) as exc:
        services.microproject_update(actor=users.case_manager, project=submitted, version=submitted.version,
                                     districts=[org.walle], developed_by=[], **proposal_fields(org))
    assert exc.value.code == "wrong_status"
