"""§ 8a SGB VIII child-protection assessments in the Signs of Safety form, with the protection plan.

A report of possible endangerment opens an assessment whose urgency sets the time by which it
must be assessed. At least two professionals of the case's team assess together (four-eyes
principle) and record the result once; a new report opens a new assessment, so the safety
scale's values over the case's assessments are its trend. While an assessment runs the case
carries the § 8a mark (`Case.child_protection`).

Services (writes in one transaction, German messages), selectors, the permissions and the
worklist section of this part of the case file. Scopes are in cases/access.py (through the case).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import rules
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from juwe import worklist
from juwe.access import get_visible_or_404, is_caseworker, visible
from juwe.audit import Action, audit_log
from juwe.lib import changes as audit_changes
from juwe.models import User
from juwe.roles import Role

from .models import (
    Case,
    Classification,
    ProtectionAssessment,
    ProtectionMeasure,
    ProtectionResult,
    Urgency,
)
from .services import _bump, _locked_case, _require_open

MSG_RECEIVED_REQUIRED = _("Enter when the report was received.")
MSG_RECEIVED_IN_FUTURE = _("The report cannot have been received in the future.")
MSG_REPORTED_BY_REQUIRED = _("Say who made the report.")
MSG_REPORT_REQUIRED = _("Record what was reported.")
MSG_URGENCY_REQUIRED = _("Choose how urgent the assessment is.")
MSG_FOUR_EYES = _(
    "A § 8a assessment needs at least two different professionals who assessed together (four-eyes "
    "principle). Nothing was saved."
)
MSG_RECORDER_NOT_AMONG = _("Only a professional who took part can record the assessment: tick your own name too.")
MSG_NOT_TEAM_PROFESSIONAL = _("Only case managers and team leads of the case's team can assess: %(names)s.")
MSG_ALREADY_RECORDED = _(
    "The result of this assessment has already been recorded and cannot be changed. A new report opens a new "
    "assessment."
)
MSG_ASSESSED_AT_REQUIRED = _("Enter when the assessment took place.")
MSG_ASSESSED_IN_FUTURE = _("The assessment cannot lie in the future.")
MSG_ASSESSED_BEFORE_REPORT = _("The assessment cannot lie before the report was received (%(date)s).")
MSG_HOME_VISIT_ANSWER = _("Say whether there was a home visit.")
MSG_HOME_VISIT_DATE = _("Enter the date of the home visit.")
MSG_HOME_VISIT_DATE_WITHOUT_VISIT = _("A date of a home visit only goes with “home visit: yes”.")
MSG_HOME_VISIT_IN_FUTURE = _("The home visit cannot lie in the future; record it once it has taken place.")
MSG_HOME_VISIT_BEFORE_REPORT = _("The home visit cannot lie before the report was received (%(date)s).")
MSG_RESULT_REQUIRED = _("Choose the result of the assessment.")
MSG_SCALE_REQUIRED = _("Rate the child's safety on the scale from 0 to 10.")
MSG_PLAN_REQUIRED = _(
    "An endangerment needs a protection plan: at least one measure with who is responsible and by when."
)
MSG_MEASURE_INCOMPLETE = _("Each measure of the protection plan needs the measure, who is responsible and a date.")
MSG_CARE_NOTE_REQUIRED = _("Taking into care (§ 42 SGB VIII) needs a note: when, by whom, where the child is now.")
MSG_MEASURE_DONE_ALREADY = _("This measure is already marked as done.")
MSG_DONE_IN_FUTURE = _("A measure cannot be done in the future.")
MSG_DONE_BEFORE_REPORT = _("A measure cannot be done before the report was received (%(date)s).")

# Who may assess: the professionals of the case work.
ASSESSOR_ROLES = (Role.CASE_MANAGER, Role.TEAM_LEAD)
WORKLIST_LIMIT = 50
DUE_AFTER = {Urgency.IMMEDIATE: dt.timedelta(0), Urgency.HOURS_24: dt.timedelta(hours=24), Urgency.HOURS_72: dt.timedelta(hours=72)}


def due_at_for(received_at: dt.datetime, urgency: str) -> dt.datetime:
    """When the assessment is due: at once, 24 or 72 hours after the report.

    Hours are real elapsed hours: the offset is added to the UTC instant, so a report on the night
    of a clock change is due 24 hours later, not at the same wall-clock time (23 or 25 hours).
    """
    if timezone.is_naive(received_at):
        raise ValueError("received_at must be an aware datetime")
    return received_at.astimezone(dt.UTC) + DUE_AFTER[Urgency(urgency)]


def format_local(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%d.%m.%Y %H:%M}"


# --- The report ---------------------------------------------------------------------------------


def report_record(
    *, case: Case, user: User, received_at: dt.datetime | None, reported_by: str, report: str, urgency: str
) -> ProtectionAssessment:
    """Record a report of possible endangerment: opens an assessment due by its urgency and marks the case."""
    errors: dict[str, ValidationError] = {}
    if received_at is None:
        errors["received_at"] = ValidationError(MSG_RECEIVED_REQUIRED, code="received_at")
    elif received_at > timezone.now():
        errors["received_at"] = ValidationError(MSG_RECEIVED_IN_FUTURE, code="future")
    if not reported_by.strip():
        errors["reported_by"] = ValidationError(MSG_REPORTED_BY_REQUIRED, code="reported_by")
    if not report.strip():
        errors["report"] = ValidationError(MSG_REPORT_REQUIRED, code="report")
    if urgency not in Urgency.values:
        errors["urgency"] = ValidationError(MSG_URGENCY_REQUIRED, code="urgency")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked_case(case, None)
        _require_open(locked)
        assessment = ProtectionAssessment.objects.create(
            case=locked,
            received_at=received_at,
            reported_by=reported_by.strip(),
            report=report.strip(),
            urgency=urgency,
            due_at=due_at_for(received_at, urgency),
            created_by=user,
        )
        marked = not locked.child_protection
        if marked:
            locked.child_protection = True
            _bump(locked, ["child_protection"])
        audit_log(action=Action.CREATE, name="cases.protection.reported", user=user, obj=assessment,
                  data={"case": locked.pk, **audit_changes.created(
                      assessment, ["received_at", "reported_by", "report", "urgency", "due_at"]),
                        "changes": {"child_protection": [False, True]} if marked else {}})
    case.child_protection, case.version = locked.child_protection, locked.version
    return assessment


# --- The assessment -----------------------------------------------------------------------------


@dataclass
class MeasureInput:
    """One measure of the protection plan: what, who is responsible, by when."""

    measure: str
    owner: str
    due_on: dt.date | None


def _professional_errors(case: Case, user: User, professionals: list[User]) -> list[ValidationError]:
    errors = []
    distinct = {p.pk: p for p in professionals}
    outsiders = [str(p) for p in distinct.values() if p.team_id != case.team_id or not p.has_role(*ASSESSOR_ROLES)]
    if len(distinct) < 2:
        errors.append(ValidationError(MSG_FOUR_EYES, code="four_eyes"))
    if outsiders:
        errors.append(ValidationError(MSG_NOT_TEAM_PROFESSIONAL, code="outsider", params={"names": ", ".join(outsiders)}))
    if user.pk not in distinct:
        errors.append(ValidationError(MSG_RECORDER_NOT_AMONG, code="recorder"))
    return errors


def _assessment_errors(assessment: ProtectionAssessment, user: User, data: dict) -> dict[str, list[ValidationError]]:
    errors: dict[str, list[ValidationError]] = {}

    def add(field: str, message, code: str, **params) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code, params=params or None))

    for error in _professional_errors(assessment.case, user, data["professionals"]):
        errors.setdefault("professionals", []).append(error)
    now, received = timezone.now(), assessment.received_at
    received_day = timezone.localdate(received)
    assessed_at = data["assessed_at"]
    if assessed_at is None:
        add("assessed_at", MSG_ASSESSED_AT_REQUIRED, "assessed_at")
    elif assessed_at > now:
        add("assessed_at", MSG_ASSESSED_IN_FUTURE, "future")
    elif assessed_at < received:
        add("assessed_at", MSG_ASSESSED_BEFORE_REPORT, "before_report", date=format_local(received))
    visit_on = data["home_visit_on"]
    if data["home_visit"] is None:
        add("home_visit", MSG_HOME_VISIT_ANSWER, "home_visit")
    elif data["home_visit"] and visit_on is None:
        add("home_visit_on", MSG_HOME_VISIT_DATE, "home_visit_on")
    elif not data["home_visit"] and visit_on is not None:
        add("home_visit_on", MSG_HOME_VISIT_DATE_WITHOUT_VISIT, "home_visit_on")
    if visit_on and visit_on > timezone.localdate():
        add("home_visit_on", MSG_HOME_VISIT_IN_FUTURE, "future")
    elif visit_on and visit_on < received_day:
        add("home_visit_on", MSG_HOME_VISIT_BEFORE_REPORT, "before_report", date=f"{received_day:%d.%m.%Y}")
    if data["result"] not in ProtectionResult.values:
        add("result", MSG_RESULT_REQUIRED, "result")
    scale = data["safety_scale"]
    if scale is None or not 0 <= scale <= 10:
        add("safety_scale", MSG_SCALE_REQUIRED, "safety_scale")
    measures = data["measures"]
    if any(not (m.measure.strip() and m.owner.strip() and m.due_on) for m in measures):
        add("measures", MSG_MEASURE_INCOMPLETE, "measure")
    elif data["result"] == ProtectionResult.ENDANGERMENT and not measures:
        add("measures", MSG_PLAN_REQUIRED, "plan")
    if data["taken_into_care"] and not data["taken_into_care_note"].strip():
        add("taken_into_care_note", MSG_CARE_NOTE_REQUIRED, "care_note")
    return errors


def assessment_check(*, assessment: ProtectionAssessment, user: User, **values) -> ValidationError | None:
    """What `assessment_record` would refuse, without saving: pages show every problem at once."""
    data = {"professionals": [], "assessed_at": None, "home_visit": None, "home_visit_on": None, "result": "",
            "safety_scale": None, "measures": [], "taken_into_care": False, "taken_into_care_note": ""}
    data.update({k: v for k, v in values.items() if k in data})
    data["professionals"], data["measures"] = list(data["professionals"]), list(data["measures"])
    errors = _assessment_errors(assessment, user, data)
    return ValidationError(errors) if errors else None


def assessment_record(
    *,
    assessment: ProtectionAssessment,
    user: User,
    professionals: list[User],
    assessed_at: dt.datetime | None,
    home_visit: bool | None,
    home_visit_on: dt.date | None = None,
    result: str,
    safety_scale: int | None,
    harm: str = "",
    danger: str = "",
    complicating_factors: str = "",
    working_well: str = "",
    next_steps: str = "",
    family_court: str = "",
    taken_into_care: bool = False,
    taken_into_care_note: str = "",
    measures: list[MeasureInput] = (),
) -> ProtectionAssessment:
    """Record the result of an assessment, once: four-eyes, home visit, Signs of Safety, scale, plan.

    Refused as a whole (nothing saved) when fewer than two different professionals of the case's
    team assessed, the recording user is not among them, an endangerment has no protection plan,
    a home visit has no date, taking into care has no note, or the result or scale is missing.
    """
    error = assessment_check(
        assessment=assessment, user=user, professionals=professionals, assessed_at=assessed_at, home_visit=home_visit,
        home_visit_on=home_visit_on, result=result, safety_scale=safety_scale, measures=measures,
        taken_into_care=taken_into_care, taken_into_care_note=taken_into_care_note,
    )
    if error:
        raise error
    with transaction.atomic():
        # Lock the case first (as every case write does), then the assessment: two people
        # recording at once cannot both record a result.
        case = _locked_case(assessment.case, None)
        locked = ProtectionAssessment.objects.select_for_update().get(pk=assessment.pk)
        if not locked.is_open:
            raise ValidationError(MSG_ALREADY_RECORDED, code="final")
        # A closed case still gets its open assessment completed: a report must never stay
        # unassessed because the file was closed in the meantime.
        texts = {"harm": harm, "danger": danger, "complicating_factors": complicating_factors,
                 "working_well": working_well, "next_steps": next_steps, "family_court": family_court,
                 "taken_into_care_note": taken_into_care_note if taken_into_care else ""}
        for field, value in texts.items():
            setattr(locked, field, value.strip())
        locked.assessed_at, locked.home_visit, locked.home_visit_on = assessed_at, home_visit, home_visit_on
        locked.result, locked.safety_scale, locked.taken_into_care = result, safety_scale, taken_into_care
        locked.completed_by = user
        locked.save()
        locked.professionals.set(professionals)
        ProtectionMeasure.objects.bulk_create(
            [ProtectionMeasure(assessment=locked, measure=m.measure.strip(), owner=m.owner.strip(), due_on=m.due_on)
             for m in measures]
        )
        mark = case.child_protection
        _update_mark(case, locked)
        audit_log(action=Action.UPDATE, name="cases.protection.assessed", user=user, obj=locked, data={
            "case": case.pk,
            **audit_changes.created(locked, ["assessed_at", "home_visit", "home_visit_on", "result", "safety_scale",
                                             "taken_into_care", *texts]),
            "professionals": sorted(p.pk for p in professionals), "measures": len(measures),
            "changes": {"child_protection": [mark, case.child_protection]} if mark != case.child_protection else {},
        })
    return locked


def _update_mark(case: Case, assessment: ProtectionAssessment) -> None:
    """Clear the case's § 8a mark when this result ends the child-protection procedure.

    "No endangerment" and "need for help" both find that the child is not endangered (a need for
    help goes the regular way of §§ 27 ff.), so the mark goes – unless another report is still
    being assessed, or the case is classified Gefährdungsbereich, which keeps the procedure running
    by definition (and by the database's check constraint). An endangerment keeps the mark: the
    protection plan is now followed.
    """
    if assessment.result == ProtectionResult.ENDANGERMENT or not case.child_protection:
        return
    if case.classification == Classification.DANGER:
        return
    if case.protection_assessments.filter(result="").exclude(pk=assessment.pk).exists():
        return
    case.child_protection = False
    _bump(case, ["child_protection"])


def measure_done(*, measure: ProtectionMeasure, user: User, done_on: dt.date) -> ProtectionMeasure:
    """Mark a measure of the protection plan as done (once; the date stays as recorded)."""
    received_day = timezone.localdate(measure.assessment.received_at)
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": MSG_DONE_IN_FUTURE}, code="future")
    if done_on < received_day:
        raise ValidationError(
            {"done_on": ValidationError(MSG_DONE_BEFORE_REPORT, params={"date": f"{received_day:%d.%m.%Y}"})},
            code="before_report",
        )
    with transaction.atomic():
        locked = ProtectionMeasure.objects.select_for_update().get(pk=measure.pk)
        if locked.done_on:
            raise ValidationError(MSG_MEASURE_DONE_ALREADY, code="done")
        locked.done_on = done_on
        locked.save(update_fields=["done_on"])
        audit_log(action=Action.UPDATE, name="cases.protection_measure.done", user=user, obj=measure.assessment,
                  data={"measure": locked.pk, "changes": {"done_on": [None, done_on.isoformat()]}})
    return locked


# --- Selectors ----------------------------------------------------------------------------------


def case_assessments(user, case: Case) -> list[ProtectionAssessment]:
    """A case's assessments, oldest first (the trend's order), with the number of open measures."""
    return list(
        visible(user, ProtectionAssessment)
        .filter(case=case)
        .annotate(open_measures=Count("measures", filter=Q(measures__done_on__isnull=True)))
        .order_by("received_at", "id")
    )


def assessment_detail(user, pk: int) -> ProtectionAssessment:
    """One assessment with its case, people and plan, or 404 outside the user's scope."""
    return get_visible_or_404(
        user,
        ProtectionAssessment.objects.select_related("case__district", "case__team", "case__case_manager",
                                                    "created_by", "completed_by")
        .prefetch_related(
            Prefetch("professionals", queryset=User.objects.order_by("last_name", "first_name")),
            "measures",
            Prefetch("case__protection_assessments", to_attr="series",
                     queryset=ProtectionAssessment.objects.order_by("received_at", "id")
                     .only("id", "case_id", "received_at", "assessed_at", "result", "safety_scale")),
        ),
        pk=pk,
    )


def is_late(assessment: ProtectionAssessment, now: dt.datetime | None = None) -> bool:
    return assessment.is_open and assessment.due_at < (now or timezone.now())


def open_assessment_worklist_rows(user) -> list[dict]:
    """Open assessments by due time: the team's for team leads, the own cases' for case managers."""
    qs = visible(user, ProtectionAssessment).filter(result="")
    if not user.has_role(Role.TEAM_LEAD):
        qs = qs.filter(case__case_manager=user)
    qs = qs.select_related("case__case_manager").order_by("due_at", "id").only(
        "id", "due_at", "urgency", "case__reference", "case__case_manager__first_name",
        "case__case_manager__last_name", "case__case_manager__username",
    )[:WORKLIST_LIMIT]
    now = timezone.now()
    return [
        {
            "label": a.case.reference,
            "url": reverse("cases:protection_detail", args=[a.pk]),
            "due_at": a.due_at,
            "urgency": a.get_urgency_display(),
            "case_manager": str(a.case.case_manager),
            "overdue": a.due_at < now,
        }
        for a in qs
    ]


# --- The safety scale's trend ------------------------------------------------------------------

CHART_W, CHART_H = 560, 200
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 40, 32, 14, 34


def trend_points(assessments) -> list[ProtectionAssessment]:
    """The assessments with a recorded scale, oldest first: the points of the trend."""
    return sorted((a for a in assessments if a.safety_scale is not None), key=lambda a: (a.received_at, a.pk))


def trend_svg(assessments, chart_id: str = "safety-trend", described_by: str = "") -> SafeString:
    """The safety scale over the case's assessments as a small SVG line chart (empty under two points).

    Server-side, presentation attributes only (the CSP forbids inline styles; WeasyPrint reads the
    same markup). The page shows the same values as a table, referenced by `described_by`.
    """
    points = trend_points(assessments)
    if len(points) < 2:
        return mark_safe("")
    plot_w, plot_h = CHART_W - CHART_LEFT - CHART_RIGHT, CHART_H - CHART_TOP - CHART_BOTTOM
    step = plot_w / (len(points) - 1)

    def y(value: int) -> float:
        return CHART_TOP + plot_h - value * plot_h / 10

    def n(value: float) -> str:  # format_html escapes its arguments into strings: format numbers first
        return f"{value:.1f}"

    coords = [(CHART_LEFT + i * step, y(a.safety_scale)) for i, a in enumerate(points)]
    grid = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#c9d1d9" stroke-width="1"/>'
        '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#505a64">{}</text>',
        ((CHART_LEFT, n(y(v)), CHART_W - CHART_RIGHT, n(y(v)), CHART_LEFT - 6, n(y(v) + 4), v) for v in (0, 5, 10)),
    )
    # Dates under the points; with many assessments only every n-th, so labels do not overlap.
    every = max(1, -(-len(points) * 70 // plot_w))
    labels = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="#505a64">{}</text>',
        ((n(x), CHART_H - CHART_BOTTOM + 18, f"{timezone.localtime(a.received_at):%d.%m.%y}")
         for i, ((x, _y), a) in enumerate(zip(coords, points, strict=True)) if i % every == 0 or i == len(points) - 1),
    )
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="5" fill="{}" stroke="#fff" stroke-width="1.5"/>'
        '<text x="{}" y="{}" font-size="12" font-weight="bold" text-anchor="middle" fill="#1b1f24">{}</text>',
        ((n(x), n(yy), "#a4161a" if a.result == ProtectionResult.ENDANGERMENT else "#0b4f8a", n(x), n(max(yy - 9, 11)),
          a.safety_scale)
         for (x, yy), a in zip(coords, points, strict=True)),
    )
    first, last = points[0], points[-1]
    description = gettext("Safety scale from %(first)s (%(first_date)s) to %(last)s (%(last_date)s) over %(n)s assessments.") % {
        "first": first.safety_scale, "first_date": f"{timezone.localtime(first.received_at):%d.%m.%Y}",
        "last": last.safety_scale, "last_date": f"{timezone.localtime(last.received_at):%d.%m.%Y}", "n": len(points),
    }
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc"{described} class="safety-trend">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{grid}{labels}'
        '<polyline points="{line}" fill="none" stroke="#0b4f8a" stroke-width="2.5"/>{dots}</svg>',
        w=CHART_W, h=CHART_H, id=chart_id, title=gettext("Safety scale (0–10) over the § 8a assessments"), desc=description,
        described=format_html(' aria-describedby="{}"', described_by) if described_by else "",
        grid=grid, labels=labels, line=" ".join(f"{n(x)},{n(yy)}" for x, yy in coords), dots=dots,
    )


# --- Permissions and registration ---------------------------------------------------------------

rules.add_perm("cases.record_protection", is_caseworker)
rules.add_perm("cases.view_protection_worklist", is_caseworker)


def register() -> None:
    """Open § 8a assessments head the worklists of case managers and team leads."""
    worklist.register(
        worklist.Section(
            key="cases-protection-open",
            title=_("Open § 8a assessments (by due time)"),
            perm="cases.view_protection_worklist",
            rows=open_assessment_worklist_rows,
            template="cases/protection/_worklist.html",
            order=5,
        )
    )
