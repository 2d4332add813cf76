"""Every write of the micro-project app: life cycle, approval against the prevention budget,
participation counts, quality reviews, action-budget grants.

Each service runs in one transaction and refuses bad input with a `ValidationError` whose
German message is one of the module constants below; nothing is written when it refuses.
Lock order where several rows are locked: project, then budget row.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from juwe.lib.money import format_eur, to_money
from juwe.models import District
from juwe.roles import Role
from microprojects.access import coordinated_district_ids, project_district_ids
from microprojects.models import (  # noqa: F401  (messages re-exported for tests and views)
    AGE_RANGE,
    COMMITTED_STATUSES,
    END_BEFORE_START,
    NEGATIVE_AMOUNT,
    ZERO,
    ActionBudget,
    ActionGrant,
    MicroProject,
    Outcome,
    ParticipationCount,
    PreventionBudget,
    ProjectEvent,
    QualityReview,
    Referral,
    Status,
)

NO_DISTRICT = _("Choose at least one district.")
BUDGET_DISTRICT_NOT_IN_PROJECT = _("The district charged must be one of the project's districts.")
STALE_VERSION = _("Someone else has changed the project in the meantime. Please reload and enter your changes again.")
WRONG_STATUS = _("This step is not possible in the project's current status (%(status)s).")
NOT_EDITOR = _("Only the people who develop the project or its district coordinator may change or submit it.")
NOT_COORDINATOR = _("Only a district coordinator of one of the project's districts may approve or reject it.")
SELF_APPROVAL = _("You submitted this project yourself and therefore cannot approve it.")
OVER_BUDGET = _(
    "The approval exceeds the remaining prevention budget of %(district)s for %(year)s (%(remaining)s left). "
    "Only leadership may approve it, with a note."
)
OVER_BUDGET_NOTE_REQUIRED = _("An approval over the prevention budget needs a note explaining it.")
REASON_REQUIRED = _("Give a reason for the rejection.")
NOT_RUNNER = _("Only the district coordinator, the team lead or the people who develop the project may start or complete it.")
EXTENSION_NEEDS_DISTRICTS = _("Choose the further districts the project is extended to.")
EXTENSION_SAME_DISTRICT = _("The project runs in %(district)s already.")
NOT_PARTICIPATION_RECORDER = _("Only the district coordinator, the team lead or the provider may record participation.")
PARTICIPATION_NOT_STARTED = _("Participation can be recorded once the project runs.")
QUARTER_OUTSIDE_PROJECT = _("The quarter lies outside the project's period.")
NOT_REVIEWER = _("Only the district coordinator or the team lead may record a quality review.")
REVIEW_IN_FUTURE = _("A review cannot be dated in the future.")
REVIEW_BEFORE_APPROVAL = _("Quality reviews are recorded for approved, running or completed projects.")
GRANT_OVER_LIMIT = _("An action grant may be at most %(limit)s.")
GRANT_NOT_POSITIVE = _("The amount must be greater than zero.")
GRANT_NOT_COORDINATOR = _("Only the district coordinator of %(district)s may decide on this grant.")
GRANT_ALREADY_DECIDED = _("This grant has been decided already.")
GRANT_OVER_BUDGET = _("The grant exceeds the action budget of %(district)s for %(year)s (%(remaining)s left).")
GRANT_REASON_REQUIRED = _("Give a reason for declining.")
CASE_NOT_VISIBLE = _("The case was not found or you may not refer it.")
NOT_REFERRER = _("Only case management refers cases to micro-projects.")
REFERRAL_PROJECT_NOT_RUNNING = _("Cases can be referred only to a running project.")
REFERRAL_DUPLICATE = _("This case has been referred to the project already.")
REFERRAL_DATE = _("The referral date must lie between the project's start and today.")
CASE_CLOSED = _("A closed case cannot be referred.")
BUDGET_NOT_LEADERSHIP = _("Only leadership sets prevention and action budgets.")

PROJECT_FIELDS = (
    "title", "category", "provider", "need_description", "need_case_count", "target_group", "age_from", "age_to",
    "goals", "start_date", "end_date", "requested_amount", "budget_district", "coordinator", "lead",
)


def action_grant_limit() -> Decimal:
    return to_money(getattr(settings, "JUWE_ACTION_GRANT_LIMIT", Decimal("1500.00")))


def _event(project: MicroProject, action: str, actor, note: str = "") -> ProjectEvent:
    return ProjectEvent.objects.create(project=project, action=action, actor=actor, note=note)


def _require_status(project: MicroProject, *allowed: str) -> None:
    if project.status not in allowed:
        raise ValidationError(WRONG_STATUS, code="wrong_status", params={"status": project.get_status_display()})


def _locked(project: MicroProject) -> MicroProject:
    """Re-read the project under a row lock: concurrent steps on it run one after the other."""
    return MicroProject.objects.select_for_update().get(pk=project.pk)


def _validate_project(fields: dict, districts: Iterable[District]) -> None:
    errors: dict[str, list] = {}
    district_ids = {d.pk for d in districts}
    if not district_ids:
        errors.setdefault("districts", []).append(ValidationError(NO_DISTRICT, code="no_district"))
    budget_district = fields.get("budget_district")
    if budget_district is not None and district_ids and budget_district.pk not in district_ids:
        errors.setdefault("budget_district", []).append(
            ValidationError(BUDGET_DISTRICT_NOT_IN_PROJECT, code="budget_district")
        )
    start, end = fields.get("start_date"), fields.get("end_date")
    if start and end and end < start:
        errors.setdefault("end_date", []).append(ValidationError(END_BEFORE_START, code="end_before_start"))
    amount = fields.get("requested_amount")
    if amount is not None and amount < 0:
        errors.setdefault("requested_amount", []).append(ValidationError(NEGATIVE_AMOUNT, code="negative_amount"))
    if fields.get("age_from") is not None and fields.get("age_to") is not None and fields["age_to"] < fields["age_from"]:
        errors.setdefault("age_to", []).append(ValidationError(AGE_RANGE, code="age_range"))
    if errors:
        raise ValidationError(errors)


def _may_edit(actor, project: MicroProject) -> bool:
    return actor.has_perm("microprojects.edit", project)


def microproject_create(*, actor, districts: Iterable[District], developed_by: Iterable = (), **fields) -> MicroProject:
    """A new proposal in status draft. `fields` are the model fields named in PROJECT_FIELDS."""
    districts = list(districts)
    _validate_project(fields, districts)
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown project fields: {sorted(unknown)}")
    fields["requested_amount"] = to_money(fields["requested_amount"])
    if fields.get("lead") is None:
        fields["lead"] = _team_lead_of(fields["budget_district"])
    with transaction.atomic():
        project = MicroProject.objects.create(created_by=actor, status=Status.DRAFT, **fields)
        project.districts.set(districts)
        project.developed_by.set(list(developed_by) or ([actor] if actor.has_role(Role.CASE_MANAGER, Role.TEAM_LEAD) else []))
        _event(project, ProjectEvent.Action.CREATED, actor)
    return project


def _team_lead_of(district: District):
    """The team lead of the district's team leads the project (Federführung) unless someone else is named."""
    from juwe.models import User

    return (
        User.objects.filter(team_id=district.team_id, groups__name=Role.TEAM_LEAD, is_active=True)
        .order_by("username")
        .first()
    )


def microproject_update(
    *, actor, project: MicroProject, version: int, districts: Iterable[District], developed_by: Iterable, **fields
) -> MicroProject:
    """Change a draft. `version` is the one the editor loaded: a stale edit is refused, not merged."""
    districts = list(districts)
    _validate_project(fields, districts)
    with transaction.atomic():
        project = _locked(project)
        if project.version != version:
            raise ValidationError(STALE_VERSION, code="stale")
        _require_status(project, Status.DRAFT)
        if not _may_edit(actor, project):
            raise ValidationError(NOT_EDITOR, code="not_editor")
        for name, value in fields.items():
            if name not in PROJECT_FIELDS:
                raise TypeError(f"Unknown project field: {name}")
            setattr(project, name, value)
        project.requested_amount = to_money(project.requested_amount)
        project.version += 1
        project.save()
        project.districts.set(districts)
        project.developed_by.set(list(developed_by))
        _event(project, ProjectEvent.Action.UPDATED, actor)
    return project


def microproject_submit(*, actor, project: MicroProject) -> MicroProject:
    """Send the proposal to the district coordination for a decision."""
    with transaction.atomic():
        project = _locked(project)
        _require_status(project, Status.DRAFT)
        if not _may_edit(actor, project):
            raise ValidationError(NOT_EDITOR, code="not_editor")
        project.status = Status.SUBMITTED
        project.submitted_by, project.submitted_at = actor, timezone.now()
        project.rejection_reason = ""
        project.version += 1
        project.save()
        _event(project, ProjectEvent.Action.SUBMITTED, actor)
    return project


def _check_decider(actor, project: MicroProject) -> None:
    is_coordinator = bool(coordinated_district_ids(actor) & project_district_ids(project))
    if not (is_coordinator or actor.has_role(Role.LEADERSHIP)):
        raise ValidationError(NOT_COORDINATOR, code="not_coordinator")


def committed_sum(district_id: int, year: int, *, exclude_pk: int | None = None) -> Decimal:
    """Approved amounts charged to a district's prevention budget of a year."""
    qs = MicroProject.objects.filter(budget_district_id=district_id, budget_year=year, status__in=COMMITTED_STATUSES)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.aggregate(s=Sum("approved_amount"))["s"] or ZERO


def microproject_approve(*, actor, project: MicroProject, amount: Decimal, note: str = "") -> MicroProject:
    """Approve against the prevention budget of the district charged, for the year the project starts.

    The budget row is locked for the check and the write, so two approvals in the same district
    cannot both pass on the same remaining sum. Over the remaining budget only leadership may
    approve, and must say why.
    """
    amount = to_money(amount)
    if amount < 0:
        raise ValidationError({"amount": ValidationError(NEGATIVE_AMOUNT, code="negative_amount")})
    with transaction.atomic():
        project = _locked(project)
        _require_status(project, Status.SUBMITTED)
        _check_decider(actor, project)
        if project.submitted_by_id == actor.pk:
            raise ValidationError(SELF_APPROVAL, code="self_approval")
        year = project.start_date.year
        budget, _created = PreventionBudget.objects.get_or_create(
            district_id=project.budget_district_id, year=year, defaults={"amount": ZERO}
        )
        budget = PreventionBudget.objects.select_for_update().get(pk=budget.pk)
        remaining = budget.amount - committed_sum(project.budget_district_id, year)
        over = amount > remaining
        if over:
            if not actor.has_role(Role.LEADERSHIP):
                raise ValidationError(
                    OVER_BUDGET,
                    code="over_budget",
                    params={"district": budget.district.name, "year": year, "remaining": format_eur(remaining)},
                )
            if not note.strip():
                raise ValidationError({"note": ValidationError(OVER_BUDGET_NOTE_REQUIRED, code="note_required")})
        project.status = Status.APPROVED
        project.approved_amount, project.budget_year = amount, year
        project.over_budget, project.approval_note = over, note.strip()
        project.decided_by, project.decided_at = actor, timezone.now()
        if project.coordinator_id is None and actor.has_role(Role.DISTRICT_COORDINATOR):
            project.coordinator = actor
        project.version += 1
        project.save()
        action = ProjectEvent.Action.APPROVED_OVER_BUDGET if over else ProjectEvent.Action.APPROVED
        _event(project, action, actor, note=f"{format_eur(amount)}" + (f" – {note.strip()}" if note.strip() else ""))
    return project


def microproject_reject(*, actor, project: MicroProject, reason: str) -> MicroProject:
    if not reason.strip():
        raise ValidationError({"reason": ValidationError(REASON_REQUIRED, code="reason_required")})
    with transaction.atomic():
        project = _locked(project)
        _require_status(project, Status.SUBMITTED)
        _check_decider(actor, project)
        project.status = Status.REJECTED
        project.rejection_reason = reason.strip()
        project.decided_by, project.decided_at = actor, timezone.now()
        project.version += 1
        project.save()
        _event(project, ProjectEvent.Action.REJECTED, actor, note=reason.strip())
    return project


def _check_runner(actor, project: MicroProject) -> None:
    if not actor.has_perm("microprojects.run", project):
        raise ValidationError(NOT_RUNNER, code="not_runner")


def microproject_start(*, actor, project: MicroProject) -> MicroProject:
    with transaction.atomic():
        project = _locked(project)
        _require_status(project, Status.APPROVED)
        _check_runner(actor, project)
        project.status, project.started_at = Status.RUNNING, timezone.now()
        project.version += 1
        project.save()
        _event(project, ProjectEvent.Action.STARTED, actor)
    return project


def microproject_complete(
    *, actor, project: MicroProject, outcome: str, new_districts: Iterable[District] = (), note: str = ""
) -> tuple[MicroProject, MicroProject | None]:
    """Complete a running project with its outcome. Extending it creates a linked copy (a new
    draft for the further districts, which goes through approval there); returns (project, copy)."""
    outcome = Outcome(outcome)
    new_districts = list(new_districts)
    with transaction.atomic():
        project = _locked(project)
        _require_status(project, Status.RUNNING)
        _check_runner(actor, project)
        extension = None
        if outcome == Outcome.EXTENDED:
            if not new_districts:
                raise ValidationError({"new_districts": ValidationError(EXTENSION_NEEDS_DISTRICTS, code="no_district")})
            already = [d for d in new_districts if d.pk in project_district_ids(project)]
            if already:
                raise ValidationError(
                    {"new_districts": ValidationError(EXTENSION_SAME_DISTRICT, code="same_district", params={"district": already[0].name})}
                )
        project.status, project.outcome = Status.COMPLETED, outcome
        project.completed_at = timezone.now()
        project.version += 1
        project.save()
        _event(project, ProjectEvent.Action.COMPLETED, actor, note=" – ".join(filter(None, [str(outcome.label), note.strip()])))
        if outcome == Outcome.EXTENDED:
            extension = _extension_copy(actor, project, new_districts)
    return project, extension


def _extension_copy(actor, project: MicroProject, districts: list[District]) -> MicroProject:
    today = timezone.localdate()
    duration = project.end_date - project.start_date
    copy = MicroProject.objects.create(
        title=project.title,
        budget_district=districts[0],
        category=project.category,
        provider=project.provider,
        need_description=project.need_description,
        need_case_count=None,
        target_group=project.target_group,
        age_from=project.age_from,
        age_to=project.age_to,
        goals=project.goals,
        start_date=today,
        end_date=today + duration,
        requested_amount=project.approved_amount if project.approved_amount is not None else project.requested_amount,
        lead=project.lead,
        extended_from=project,
        created_by=actor,
    )
    copy.districts.set(districts)
    copy.developed_by.set(project.developed_by.all())
    _event(copy, ProjectEvent.Action.EXTENDED_FROM, actor, note=project.title)
    return copy


def participation_record(
    *, actor, project: MicroProject, year: int, quarter: int, referred_by_cm: int, low_threshold: int
) -> ParticipationCount:
    """Set the participant counts of one quarter (a correction overwrites the quarter's figures)."""
    with transaction.atomic():
        project = _locked(project)
        if not actor.has_perm("microprojects.record_participation", project):
            raise ValidationError(NOT_PARTICIPATION_RECORDER, code="not_recorder")
        _require_status(project, Status.RUNNING, Status.COMPLETED)
        first = datetime.date(year, 3 * quarter - 2, 1)
        last = (datetime.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)) - datetime.timedelta(days=1)
        if last < project.start_date or first > project.end_date:
            raise ValidationError({"quarter": ValidationError(QUARTER_OUTSIDE_PROJECT, code="quarter_outside")})
        row, _created = ParticipationCount.objects.update_or_create(
            project=project,
            year=year,
            quarter=quarter,
            defaults={"referred_by_cm": referred_by_cm, "low_threshold": low_threshold, "recorded_by": actor},
        )
        _event(project, ProjectEvent.Action.PARTICIPATION, actor, note=f"{year}/Q{quarter}: {referred_by_cm} + {low_threshold}")
    return row


def review_create(*, actor, project: MicroProject, **fields) -> QualityReview:
    """Record a quality circle or a joint evaluation with the provider."""
    with transaction.atomic():
        project = _locked(project)
        if not actor.has_perm("microprojects.review", project):
            raise ValidationError(NOT_REVIEWER, code="not_reviewer")
        if project.status not in COMMITTED_STATUSES:
            raise ValidationError(REVIEW_BEFORE_APPROVAL, code="wrong_status")
        if fields["date"] > timezone.localdate():
            raise ValidationError({"date": ValidationError(REVIEW_IN_FUTURE, code="future")})
        review = QualityReview.objects.create(project=project, recorded_by=actor, **fields)
        _event(project, ProjectEvent.Action.REVIEWED, actor, note=f"{review.get_kind_display()}, {review.date:%d.%m.%Y}")
    return review


def referral_create(*, actor, project: MicroProject, case_reference: str, referred_on: datetime.date | None = None) -> Referral:
    """Refer a case the actor may see to a running project. The case is looked up through the
    case scope, so a case outside it is refused exactly like one that does not exist."""
    from cases.models import Case, CaseState
    from juwe.access import visible

    referred_on = referred_on or timezone.localdate()
    with transaction.atomic():
        project = _locked(project)
        if not actor.has_perm("microprojects.refer", project):
            raise ValidationError(NOT_REFERRER, code="not_referrer")
        case = visible(actor, Case).filter(reference=case_reference.strip()).first()
        if case is None:
            raise ValidationError({"case": ValidationError(CASE_NOT_VISIBLE, code="case_not_visible")})
        if case.state == CaseState.CLOSED:
            raise ValidationError({"case": ValidationError(CASE_CLOSED, code="case_closed")})
        if project.status != Status.RUNNING:
            raise ValidationError(REFERRAL_PROJECT_NOT_RUNNING, code="wrong_status")
        if not project.start_date <= referred_on <= timezone.localdate():
            raise ValidationError({"referred_on": ValidationError(REFERRAL_DATE, code="referral_date")})
        if Referral.objects.filter(project=project, case=case).exists():
            raise ValidationError({"case": ValidationError(REFERRAL_DUPLICATE, code="duplicate")})
        referral = Referral.objects.create(project=project, case=case, referred_on=referred_on, referred_by=actor)
        # The project history names no case: coordinators and providers read it too.
        _event(project, ProjectEvent.Action.REFERRAL, actor, note=f"{referred_on:%d.%m.%Y}")
    return referral


# --- Budgets ---------------------------------------------------------------------------------------


def _budget_set(model, *, actor, district: District, year: int, amount: Decimal, **defaults):
    if not actor.has_role(Role.LEADERSHIP):
        raise ValidationError(BUDGET_NOT_LEADERSHIP, code="not_leadership")
    amount = to_money(amount)
    if amount < 0:
        raise ValidationError({"amount": ValidationError(NEGATIVE_AMOUNT, code="negative_amount")})
    with transaction.atomic():
        budget, _created = model.objects.select_for_update().update_or_create(
            district=district, year=year, defaults={"amount": amount, **defaults}
        )
    return budget


def prevention_budget_set(*, actor, district: District, year: int, amount: Decimal, note: str = "") -> PreventionBudget:
    """Leadership sets a district's prevention budget of a year."""
    return _budget_set(PreventionBudget, actor=actor, district=district, year=year, amount=amount, note=note)


def action_budget_set(*, actor, district: District, year: int, amount: Decimal) -> ActionBudget:
    """Leadership sets a district's action budget of a year."""
    return _budget_set(ActionBudget, actor=actor, district=district, year=year, amount=amount)


def action_grant_request(*, actor, district: District, **fields) -> ActionGrant:
    """Anyone may ask for a small grant with the short form; the coordinator decides."""
    amount = to_money(fields.pop("amount"))
    _check_grant_amount(amount)
    year = (fields.get("activity_date") or timezone.localdate()).year
    return ActionGrant.objects.create(district=district, year=year, amount=amount, requested_by=actor, **fields)


def _check_grant_amount(amount: Decimal) -> None:
    if amount <= 0:
        raise ValidationError({"amount": ValidationError(GRANT_NOT_POSITIVE, code="not_positive")})
    limit = action_grant_limit()
    if amount > limit:
        raise ValidationError({"amount": ValidationError(GRANT_OVER_LIMIT, code="over_limit", params={"limit": format_eur(limit)})})


def action_grant_decide(*, actor, grant: ActionGrant, grant_it: bool, reason: str = "") -> ActionGrant:
    """The district coordinator alone grants or declines; a grant must fit the year's action budget."""
    with transaction.atomic():
        grant = ActionGrant.objects.select_for_update().select_related("district").get(pk=grant.pk)
        if grant.district_id not in coordinated_district_ids(actor):
            raise ValidationError(GRANT_NOT_COORDINATOR, code="not_coordinator", params={"district": grant.district.name})
        if grant.status != ActionGrant.Status.REQUESTED:
            raise ValidationError(GRANT_ALREADY_DECIDED, code="decided")
        if grant_it:
            _check_grant_amount(grant.amount)
            budget, _created = ActionBudget.objects.get_or_create(
                district_id=grant.district_id, year=grant.year, defaults={"amount": ZERO}
            )
            budget = ActionBudget.objects.select_for_update().get(pk=budget.pk)
            granted = ActionGrant.objects.filter(
                district_id=grant.district_id, year=grant.year, status=ActionGrant.Status.GRANTED
            ).aggregate(s=Sum("amount"))["s"] or ZERO
            remaining = budget.amount - granted
            if grant.amount > remaining:
                raise ValidationError(
                    GRANT_OVER_BUDGET,
                    code="over_budget",
                    params={"district": grant.district.name, "year": grant.year, "remaining": format_eur(remaining)},
                )
            grant.status = ActionGrant.Status.GRANTED
        else:
            if not reason.strip():
                raise ValidationError({"reason": ValidationError(GRANT_REASON_REQUIRED, code="reason_required")})
            grant.status, grant.decline_reason = ActionGrant.Status.DECLINED, reason.strip()
        grant.decided_by, grant.decided_at = actor, timezone.now()
        grant.save()
    return grant
