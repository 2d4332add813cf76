"""Every write of the micro-project app: life cycle, approval and supplementary approval against
the prevention budget, payments out of it, participation counts, quality reviews, action-budget
grants and their proofs of use.

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
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from juwe.audit import Action, audit_log
from juwe.lib import changes as audit_changes
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
    SUPPLEMENT_STATUSES,
    AwardCriterion,
    PreventionBudget,
    ProjectEvent,
    ProjectPayment,
    QualityReview,
    Referral,
    Status,
    Supplement,
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
OVER_REQUESTED = _(
    "The approval must not exceed the requested amount (%(requested)s). A larger sum needs a changed request."
)
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
SUPPLEMENT_WRONG_STATUS = _("A supplementary approval can be requested for an approved or running project only.")
SUPPLEMENT_NOT_TEAM = _("Only the people who develop the project or its district coordinator may request a supplementary approval.")
SUPPLEMENT_PENDING = _("A supplementary approval is already awaiting a decision for this project.")
SUPPLEMENT_NOT_POSITIVE = _("The supplement must be greater than zero.")
SUPPLEMENT_REASON_REQUIRED = _("Give a reason for the supplementary approval.")
SUPPLEMENT_DECIDED = _("This supplementary approval has been decided already.")
SUPPLEMENT_SELF = _("You requested this supplement yourself and therefore cannot approve it.")
SUPPLEMENT_OVER_REQUESTED = _(
    "The supplement must not exceed the requested supplement (%(requested)s). A larger sum needs a new request."
)
NOT_PAYER = _("Only economic youth aid books payments for micro-projects.")
PAYMENT_WRONG_STATUS = _("Payments can be booked for approved, running or completed projects only.")
PAYMENT_NOT_POSITIVE = _("The amount of a payment must be greater than zero; corrections are reversals.")
PAYMENT_OVER_APPROVAL = _(
    "The payments would exceed the project's approved amount of %(approved)s. Still free: %(free)s."
)
PAYMENT_INVOICE_REQUIRED = _("Please enter the invoice number.")
PAYMENT_DUPLICATE_INVOICE = _("Invoice number %(number)s has already been paid to this provider.")
PAYMENT_ALREADY_REVERSED = _("This payment has already been reversed.")
PAYMENT_REVERSE_REVERSAL = _("A reversal cannot be reversed again; book a new payment instead.")
GRANT_NO_CRITERION = _("Tick at least one award criterion the activity meets.")
GRANT_PROOF_DUE_BEFORE = _("The proof of use cannot be due before the grant.")
GRANT_NOT_GRANTED = _("A proof of use is recorded for granted grants only.")
GRANT_PROOF_RECORDED = _("The proof of use has been recorded already.")
GRANT_PROOF_IN_FUTURE = _("The proof of use cannot be received in the future.")
PROOF_WEEKS = 8  # default time for the proof of use after the activity (or the grant)

PROJECT_FIELDS = (
    "title", "category", "provider", "need_description", "need_case_count", "target_group", "age_from", "age_to",
    "goals", "start_date", "end_date", "requested_amount", "budget_district", "coordinator", "lead",
)


def action_grant_limit() -> Decimal:
    return to_money(getattr(settings, "JUWE_ACTION_GRANT_LIMIT", Decimal("1500.00")))


# Payments write their own audit event (microprojects.payment.booked, in _create_payment).
_AUDITED_ELSEWHERE = frozenset({ProjectEvent.Action.PAYMENT, ProjectEvent.Action.PAYMENT_REVERSED})
_CREATING = frozenset({ProjectEvent.Action.CREATED, ProjectEvent.Action.EXTENDED_FROM})


def _event(project: MicroProject, action: str, actor, note: str = "", **audit) -> ProjectEvent:
    """The project's history entry and the audit event of the step: `audit` says what changed (the
    history's note may hold free text – reasons – which the audit trail names but does not copy)."""
    event = ProjectEvent.objects.create(project=project, action=action, actor=actor, note=note)
    if action not in _AUDITED_ELSEWHERE:
        audit_log(action=Action.CREATE if action in _CREATING else Action.UPDATE, name=f"microprojects.project.{action}",
                  user=actor, obj=project, data=audit)
    return event


def _status_change(before: str, project: MicroProject, **more) -> dict:
    return {"changes": {"status": [before, project.status], **more}}


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
        _event(project, ProjectEvent.Action.CREATED, actor, **audit_changes.created(project, PROJECT_FIELDS),
               districts=sorted(d.pk for d in districts), developed_by=sorted(project.developed_by.values_list("pk", flat=True)))
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
        before = audit_changes.snapshot(project, PROJECT_FIELDS)
        districts_before = sorted(project.districts.values_list("pk", flat=True))
        for name, value in fields.items():
            if name not in PROJECT_FIELDS:
                raise TypeError(f"Unknown project field: {name}")
            setattr(project, name, value)
        project.requested_amount = to_money(project.requested_amount)
        project.version += 1
        project.save()
        project.districts.set(districts)
        project.developed_by.set(list(developed_by))
        changed = audit_changes.changes(project, before)
        if sorted(d.pk for d in districts) != districts_before:
            changed["fields"].append("districts")
            changed["changes"]["districts"] = [districts_before, sorted(d.pk for d in districts)]
        _event(project, ProjectEvent.Action.UPDATED, actor, **changed, version=project.version)
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
        _event(project, ProjectEvent.Action.SUBMITTED, actor, **_status_change(Status.DRAFT, project))
    return project


def _check_decider(actor, project: MicroProject) -> None:
    is_coordinator = bool(coordinated_district_ids(actor) & project_district_ids(project))
    if not (is_coordinator or actor.has_role(Role.LEADERSHIP)):
        raise ValidationError(NOT_COORDINATOR, code="not_coordinator")


def committed_sum(district_id: int, year: int) -> Decimal:
    """Approved amounts charged to a district's prevention budget of a year, granted supplements included."""
    projects = MicroProject.objects.filter(budget_district_id=district_id, budget_year=year, status__in=COMMITTED_STATUSES)
    approved = projects.aggregate(s=Sum("approved_amount"))["s"] or ZERO
    supplements = Supplement.objects.filter(project__in=projects, status=Supplement.Status.APPROVED)
    return approved + (supplements.aggregate(s=Sum("approved_amount"))["s"] or ZERO)


def _charge_frame(*, actor, district_id: int, year: int, amount: Decimal, note: str) -> bool:
    """Check `amount` against the district's prevention frame of `year` under a lock on the frame's
    row, so two decisions in the same district cannot both pass on the same remaining sum. Over the
    remaining frame only leadership may decide, with a note. Returns whether it goes over."""
    budget, _created = PreventionBudget.objects.get_or_create(district_id=district_id, year=year, defaults={"amount": ZERO})
    budget = PreventionBudget.objects.select_for_update().select_related("district").get(pk=budget.pk)
    remaining = budget.amount - committed_sum(district_id, year)
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
    return over


def microproject_approve(*, actor, project: MicroProject, amount: Decimal, note: str = "") -> MicroProject:
    """Approve at most the requested amount against the prevention budget of the district charged,
    for the year the project starts (over the remaining budget only leadership, with a note)."""
    amount = to_money(amount)
    if amount < 0:
        raise ValidationError({"amount": ValidationError(NEGATIVE_AMOUNT, code="negative_amount")})
    with transaction.atomic():
        project = _locked(project)
        _require_status(project, Status.SUBMITTED)
        _check_decider(actor, project)
        if project.submitted_by_id == actor.pk:
            raise ValidationError(SELF_APPROVAL, code="self_approval")
        if amount > project.requested_amount:
            raise ValidationError({"amount": ValidationError(
                OVER_REQUESTED, code="over_requested", params={"requested": format_eur(project.requested_amount)}
            )})
        year = project.start_date.year
        over = _charge_frame(actor=actor, district_id=project.budget_district_id, year=year, amount=amount, note=note)
        project.status = Status.APPROVED
        project.approved_amount, project.budget_year = amount, year
        project.over_budget, project.approval_note = over, note.strip()
        project.decided_by, project.decided_at = actor, timezone.now()
        if project.coordinator_id is None and actor.has_role(Role.DISTRICT_COORDINATOR):
            project.coordinator = actor
        project.version += 1
        project.save()
        action = ProjectEvent.Action.APPROVED_OVER_BUDGET if over else ProjectEvent.Action.APPROVED
        _event(project, action, actor, note=f"{format_eur(amount)}" + (f" – {note.strip()}" if note.strip() else ""),
               **_status_change(Status.SUBMITTED, project, approved_amount=[None, str(amount)]),
               budget_year=year, over_budget=over, fields=["approval_note"] if note.strip() else [])
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
        _event(project, ProjectEvent.Action.REJECTED, actor, note=reason.strip(),
               **_status_change(Status.SUBMITTED, project), fields=["rejection_reason"])
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
        _event(project, ProjectEvent.Action.STARTED, actor, **_status_change(Status.APPROVED, project))
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
        if outcome == Outcome.EXTENDED:
            extension = _extension_copy(actor, project, new_districts)
        _event(project, ProjectEvent.Action.COMPLETED, actor, note=" – ".join(filter(None, [str(outcome.label), note.strip()])),
               **_status_change(Status.RUNNING, project, outcome=["", outcome.value]),
               extension=extension.pk if extension else None)
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
        requested_amount=approved_total(project) if project.approved_amount is not None else project.requested_amount,
        lead=project.lead,
        extended_from=project,
        created_by=actor,
    )
    copy.districts.set(districts)
    copy.developed_by.set(project.developed_by.all())
    _event(copy, ProjectEvent.Action.EXTENDED_FROM, actor, note=project.title, extended_from=project.pk,
           districts=[d.pk for d in districts])
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
        old = ParticipationCount.objects.filter(project=project, year=year, quarter=quarter).first()
        row, _created = ParticipationCount.objects.update_or_create(
            project=project,
            year=year,
            quarter=quarter,
            defaults={"referred_by_cm": referred_by_cm, "low_threshold": low_threshold, "recorded_by": actor},
        )
        _event(project, ProjectEvent.Action.PARTICIPATION, actor, note=f"{year}/Q{quarter}: {referred_by_cm} + {low_threshold}",
               year=year, quarter=quarter, changes={
                   "referred_by_cm": [old.referred_by_cm if old else None, referred_by_cm],
                   "low_threshold": [old.low_threshold if old else None, low_threshold]})
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
        _event(project, ProjectEvent.Action.REVIEWED, actor, note=f"{review.get_kind_display()}, {review.date:%d.%m.%Y}",
               review=review.pk, **audit_changes.created(review, fields))
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
        # The audit trail does: it is read by the data-protection side, not by the project's readers.
        _event(project, ProjectEvent.Action.REFERRAL, actor, note=f"{referred_on:%d.%m.%Y}", referral=referral.pk,
               case=case.pk, referred_on=referred_on.isoformat())
    return referral


# --- Supplementary approvals and payments ------------------------------------------------------------


def approved_total(project: MicroProject) -> Decimal:
    """The approved amount with the granted supplements (zero before the approval)."""
    supplements = project.supplements.filter(status=Supplement.Status.APPROVED).aggregate(s=Sum("approved_amount"))["s"]
    return (project.approved_amount or ZERO) + (supplements or ZERO)


def paid_total(project: MicroProject) -> Decimal:
    return project.payments.aggregate(s=Sum("amount"))["s"] or ZERO


def supplement_request(*, actor, project: MicroProject, amount: Decimal, reason: str) -> Supplement:
    """The project's team asks for more money for an approved or running project, with a reason."""
    amount = to_money(amount)
    errors = {}
    if amount <= 0:
        errors["amount"] = ValidationError(SUPPLEMENT_NOT_POSITIVE, code="not_positive")
    if not reason.strip():
        errors["reason"] = ValidationError(SUPPLEMENT_REASON_REQUIRED, code="reason_required")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        project = _locked(project)
        if project.status not in SUPPLEMENT_STATUSES:
            raise ValidationError(SUPPLEMENT_WRONG_STATUS, code="wrong_status")
        if not actor.has_perm("microprojects.request_supplement", project):
            raise ValidationError(SUPPLEMENT_NOT_TEAM, code="not_team")
        if project.supplements.filter(status=Supplement.Status.REQUESTED).exists():
            raise ValidationError(SUPPLEMENT_PENDING, code="pending")
        supplement = Supplement.objects.create(project=project, requested_amount=amount, reason=reason.strip(), requested_by=actor)
        _event(project, ProjectEvent.Action.SUPPLEMENT_REQUESTED, actor, note=f"{format_eur(amount)} – {reason.strip()}",
               supplement=supplement.pk, requested_amount=str(amount), fields=["requested_amount", "reason"])
    return supplement


def _locked_supplement(supplement: Supplement) -> tuple[MicroProject, Supplement]:
    """Lock the project, then the supplement (the lock order of this module: project first)."""
    project = _locked(supplement.project)
    supplement = Supplement.objects.select_for_update().get(pk=supplement.pk)
    if supplement.status != Supplement.Status.REQUESTED:
        raise ValidationError(SUPPLEMENT_DECIDED, code="decided")
    return project, supplement


def supplement_approve(*, actor, supplement: Supplement, amount: Decimal, note: str = "") -> Supplement:
    """Grant at most the requested supplement, like an approval: the district coordinator against the
    prevention frame of the project's budget year (row-locked), over it only leadership with a note."""
    amount = to_money(amount)
    if amount <= 0:
        raise ValidationError({"amount": ValidationError(SUPPLEMENT_NOT_POSITIVE, code="not_positive")})
    with transaction.atomic():
        project, supplement = _locked_supplement(supplement)
        _check_decider(actor, project)
        if supplement.requested_by_id == actor.pk:
            raise ValidationError(SUPPLEMENT_SELF, code="self_approval")
        if amount > supplement.requested_amount:
            raise ValidationError({"amount": ValidationError(
                SUPPLEMENT_OVER_REQUESTED, code="over_requested",
                params={"requested": format_eur(supplement.requested_amount)},
            )})
        over = _charge_frame(actor=actor, district_id=project.budget_district_id, year=project.budget_year,
                             amount=amount, note=note)
        supplement.status, supplement.approved_amount, supplement.over_budget = Supplement.Status.APPROVED, amount, over
        supplement.decision_note = note.strip()
        supplement.decided_by, supplement.decided_at = actor, timezone.now()
        supplement.save()
        project.version += 1
        project.save(update_fields=["version"])
        action = ProjectEvent.Action.SUPPLEMENT_APPROVED_OVER_BUDGET if over else ProjectEvent.Action.SUPPLEMENT_APPROVED
        _event(project, action, actor, note=format_eur(amount) + (f" – {note.strip()}" if note.strip() else ""),
               supplement=supplement.pk, over_budget=over,
               changes={"status": [Supplement.Status.REQUESTED, supplement.status], "approved_amount": [None, str(amount)]})
    return supplement


def supplement_reject(*, actor, supplement: Supplement, reason: str) -> Supplement:
    if not reason.strip():
        raise ValidationError({"reason": ValidationError(REASON_REQUIRED, code="reason_required")})
    with transaction.atomic():
        project, supplement = _locked_supplement(supplement)
        _check_decider(actor, project)
        supplement.status, supplement.decision_note = Supplement.Status.REJECTED, reason.strip()
        supplement.decided_by, supplement.decided_at = actor, timezone.now()
        supplement.save()
        _event(project, ProjectEvent.Action.SUPPLEMENT_REJECTED, actor, note=reason.strip(), supplement=supplement.pk,
               changes={"status": [Supplement.Status.REQUESTED, supplement.status]}, fields=["decision_note"])
    return supplement


def payment_book(
    *, actor, project: MicroProject, paid_on: datetime.date, amount: Decimal, invoice_number: str,
    provider=None, note: str = "",
) -> ProjectPayment:
    """Economic youth aid pays an invoice of the project out of the prevention frame. The project's
    payments never exceed its approved total (supplements included); the project row is locked, so
    two payments at the same moment cannot both pass on the same free sum."""
    amount = to_money(amount)
    invoice_number = invoice_number.strip()
    errors = {}
    if amount <= 0:
        errors["amount"] = ValidationError(PAYMENT_NOT_POSITIVE, code="not_positive")
    if not invoice_number:
        errors["invoice_number"] = ValidationError(PAYMENT_INVOICE_REQUIRED, code="invoice_required")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        project = _locked(project)
        if not actor.has_perm("microprojects.book_payments", project):
            raise ValidationError(NOT_PAYER, code="not_payer")
        if project.status not in COMMITTED_STATUSES:
            raise ValidationError(PAYMENT_WRONG_STATUS, code="wrong_status")
        approved = approved_total(project)
        free = approved - paid_total(project)
        if amount > free:
            raise ValidationError({"amount": ValidationError(
                PAYMENT_OVER_APPROVAL, code="over_approval",
                params={"approved": format_eur(approved), "free": format_eur(max(free, ZERO))},
            )})
        payment = _create_payment(actor, project, paid_on=paid_on, amount=amount, invoice_number=invoice_number,
                                  provider=provider or project.provider, note=note.strip())
        _event(project, ProjectEvent.Action.PAYMENT, actor, note=f"{format_eur(amount)}, {invoice_number}")
    return payment


def _create_payment(actor, project, *, provider, invoice_number: str, **fields) -> ProjectPayment:
    duplicate = ValidationError({"invoice_number": ValidationError(
        PAYMENT_DUPLICATE_INVOICE, code="duplicate", params={"number": invoice_number}
    )})
    if ProjectPayment.objects.filter(provider=provider, invoice_number=invoice_number).exists():
        raise duplicate
    try:
        with transaction.atomic():
            payment = ProjectPayment.objects.create(project=project, provider=provider, invoice_number=invoice_number,
                                                    created_by=actor, **fields)
    except IntegrityError:  # the same invoice paid on another project at the same moment
        raise duplicate from None
    audit_log(action=Action.CREATE, name="microprojects.payment.booked", user=actor, obj=payment,
              data={"project": project.pk, "amount": str(payment.amount), "reverses": payment.reverses_id})
    return payment


def payment_reverse(*, actor, payment: ProjectPayment, paid_on: datetime.date, note: str = "") -> ProjectPayment:
    """Correct a payment by a reversal (Storno): the same amount negative, linked to it; the
    original stays as it was and the money is free again."""
    with transaction.atomic():
        project = _locked(payment.project)
        payment = ProjectPayment.objects.select_for_update().get(pk=payment.pk)
        if not actor.has_perm("microprojects.book_payments", project):
            raise ValidationError(NOT_PAYER, code="not_payer")
        if payment.reverses_id:
            raise ValidationError(PAYMENT_REVERSE_REVERSAL, code="reversal")
        if ProjectPayment.objects.filter(reverses=payment).exists():
            raise ValidationError(PAYMENT_ALREADY_REVERSED, code="reversed")
        reversal = _create_payment(
            actor, project, paid_on=paid_on, amount=-payment.amount, provider=payment.provider,
            invoice_number=f"{payment.invoice_number}-ST", reverses=payment,
            note=note.strip() or _("Reversal of %(number)s") % {"number": payment.invoice_number},
        )
        _event(project, ProjectEvent.Action.PAYMENT_REVERSED, actor, note=f"{format_eur(reversal.amount)}, {payment.invoice_number}")
    return reversal


# --- Budgets ---------------------------------------------------------------------------------------


def _budget_set(model, *, actor, district: District, year: int, amount: Decimal, **defaults):
    if not actor.has_role(Role.LEADERSHIP):
        raise ValidationError(BUDGET_NOT_LEADERSHIP, code="not_leadership")
    amount = to_money(amount)
    if amount < 0:
        raise ValidationError({"amount": ValidationError(NEGATIVE_AMOUNT, code="negative_amount")})
    with transaction.atomic():
        old = model.objects.select_for_update().filter(district=district, year=year).values_list("amount", flat=True).first()
        budget, _created = model.objects.select_for_update().update_or_create(
            district=district, year=year, defaults={"amount": amount, **defaults}
        )
        audit_log(action=Action.UPDATE if old is not None else Action.CREATE,
                  name=f"microprojects.{model._meta.model_name}.set", user=actor, obj=budget,
                  data={"district": district.pk, "year": year,
                        "changes": {"amount": [str(old) if old is not None else None, str(budget.amount)]}})
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
    with transaction.atomic():
        grant = ActionGrant.objects.create(district=district, year=year, amount=amount, requested_by=actor, **fields)
        audit_log(action=Action.CREATE, name="microprojects.action_grant.requested", user=actor, obj=grant,
                  data=audit_changes.created(grant, ["district", "year", "amount", *fields]))
    return grant


def _check_grant_amount(amount: Decimal) -> None:
    if amount <= 0:
        raise ValidationError({"amount": ValidationError(GRANT_NOT_POSITIVE, code="not_positive")})
    limit = action_grant_limit()
    if amount > limit:
        raise ValidationError({"amount": ValidationError(GRANT_OVER_LIMIT, code="over_limit", params={"limit": format_eur(limit)})})


def default_proof_due(grant: ActionGrant, granted_on: datetime.date) -> datetime.date:
    """Eight weeks after the activity, or after the grant when the activity has no date or is earlier."""
    return max(filter(None, [grant.activity_date, granted_on])) + datetime.timedelta(weeks=PROOF_WEEKS)


def action_grant_decide(
    *, actor, grant: ActionGrant, grant_it: bool, reason: str = "", criteria: Iterable[str] = (),
    proof_due: datetime.date | None = None,
) -> ActionGrant:
    """The district coordinator alone grants or declines. A grant meets at least one award criterion,
    must fit the year's action budget and asks for a proof of use by `proof_due` (default: eight
    weeks after the activity or the grant)."""
    criteria = [AwardCriterion(c).value for c in dict.fromkeys(criteria)]
    with transaction.atomic():
        grant = ActionGrant.objects.select_for_update().select_related("district").get(pk=grant.pk)
        if grant.district_id not in coordinated_district_ids(actor):
            raise ValidationError(GRANT_NOT_COORDINATOR, code="not_coordinator", params={"district": grant.district.name})
        if grant.status != ActionGrant.Status.REQUESTED:
            raise ValidationError(GRANT_ALREADY_DECIDED, code="decided")
        today = timezone.localdate()
        if grant_it:
            _check_grant_amount(grant.amount)
            if not criteria:
                raise ValidationError({"criteria": ValidationError(GRANT_NO_CRITERION, code="no_criterion")})
            if proof_due is not None and proof_due < today:
                raise ValidationError({"proof_due": ValidationError(GRANT_PROOF_DUE_BEFORE, code="proof_due")})
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
            grant.status, grant.criteria = ActionGrant.Status.GRANTED, criteria
            grant.proof_due = proof_due or default_proof_due(grant, today)
        else:
            if not reason.strip():
                raise ValidationError({"reason": ValidationError(GRANT_REASON_REQUIRED, code="reason_required")})
            grant.status, grant.decline_reason = ActionGrant.Status.DECLINED, reason.strip()
        grant.decided_by, grant.decided_at = actor, timezone.now()
        grant.save()
        audit_log(action=Action.UPDATE, name=f"microprojects.action_grant.{grant.status}", user=actor, obj=grant,
                  data={"changes": {"status": [ActionGrant.Status.REQUESTED, grant.status]}, "criteria": criteria,
                        "proof_due": audit_changes.audit_value(grant.proof_due),
                        "fields": ["decline_reason"] if grant.decline_reason else []})
    return grant


def action_grant_record_proof(*, actor, grant: ActionGrant, received_on: datetime.date, note: str = "") -> ActionGrant:
    """The coordinator records that the proof of use of a granted grant has come in."""
    with transaction.atomic():
        grant = ActionGrant.objects.select_for_update().select_related("district").get(pk=grant.pk)
        if grant.district_id not in coordinated_district_ids(actor):
            raise ValidationError(GRANT_NOT_COORDINATOR, code="not_coordinator", params={"district": grant.district.name})
        if grant.status != ActionGrant.Status.GRANTED:
            raise ValidationError(GRANT_NOT_GRANTED, code="not_granted")
        if grant.proof_received_on is not None:
            raise ValidationError(GRANT_PROOF_RECORDED, code="recorded")
        if received_on > timezone.localdate():
            raise ValidationError({"received_on": ValidationError(GRANT_PROOF_IN_FUTURE, code="future")})
        grant.proof_received_on, grant.proof_note, grant.proof_recorded_by = received_on, note.strip(), actor
        grant.save(update_fields=["proof_received_on", "proof_note", "proof_recorded_by"])
        audit_log(action=Action.UPDATE, name="microprojects.action_grant.proof_recorded", user=actor, obj=grant,
                  data={"changes": {"proof_received_on": [None, received_on.isoformat()]},
                        "fields": ["proof_received_on", *(["proof_note"] if grant.proof_note else [])]})
    return grant
