"""Pages of the § 8a assessment: record a report, the assessment in the Signs of Safety form, the
protection plan, the printed record. Every read is audited; out of scope answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from juwe.access import get_visible_or_404, require_perm
from juwe.audit import Action, audit_log
from juwe.lib.pdf import pdf_response

from . import protection, selectors
from .forms import apply_service_errors
from .models import ProtectionAssessment, ProtectionMeasure
from .protection_forms import AssessmentForm, MeasureDoneForm, ReportForm, measure_formset


def _audit(request: HttpRequest, obj, part: str, status: int = 200) -> None:
    """One read event per page shown (a refused POST's page again included); a redirect shows nothing."""
    data = {"part": part, **({"status": status} if status != 200 else {})}
    audit_log(action=Action.VIEW, name="cases.protection.viewed", request=request, obj=obj, data=data)


def protection_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a report of possible endangerment: opens a § 8a assessment on the case."""
    case = selectors.case_detail(request.user, pk)
    require_perm(request.user, "cases.record_protection", case)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = protection.report_record(case=case, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The report was recorded. The assessment is due by %(due)s.")
                             % {"due": protection.format_local(assessment.due_at)})
            return redirect("cases:protection_detail", assessment.pk)
    status = 422 if form.errors else 200
    audit_log(action=Action.VIEW, name="cases.case.viewed", request=request, obj=case,
              data={"part": "protection_report", **({"status": status} if status != 200 else {})})
    return render(request, "cases/protection/report_form.html", {"case": case, "form": form}, status=status)


def _assessment_for(request: HttpRequest, pk: int) -> ProtectionAssessment:
    assessment = protection.assessment_detail(request.user, pk)
    require_perm(request.user, "cases.view_case", assessment.case)
    return assessment


def _detail_context(request, assessment, form=None, plan=None, plan_errors=(), done_form=None, done_for=None) -> dict:
    user = request.user
    can_record = assessment.is_open and user.has_perm("cases.record_protection", assessment.case)
    return {
        "case": assessment.case,
        "a": assessment,
        "late": protection.is_late(assessment),
        "series": assessment.case.series,
        "trend": protection.trend_svg(assessment.case.series, described_by="trend-table"),
        "form": form or (AssessmentForm(team_id=assessment.case.team_id, user=user) if can_record else None),
        "plan": plan or (measure_formset() if can_record else None),
        "plan_errors": plan_errors,
        "done_form": done_form or MeasureDoneForm(),
        "done_for": done_for,
        "scale_steps": range(11),
        "today": timezone.localdate(),
        "can_change": user.has_perm("cases.record_protection", assessment.case) and not assessment.case.is_closed,
    }


def protection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessment: report, Signs of Safety (worries | working well | next steps), scale and plan;
    while open, the form to record the result."""
    assessment = _assessment_for(request, pk)
    if request.method != "POST":
        _audit(request, assessment, "detail")
        return render(request, "cases/protection/detail.html", _detail_context(request, assessment))
    require_perm(request.user, "cases.record_protection", assessment.case)
    form = AssessmentForm(request.POST, team_id=assessment.case.team_id, user=request.user)
    plan = measure_formset(request.POST)
    plan_errors: list[str] = []
    if form.is_valid():
        measures = [m for m in (f.as_input() for f in plan if f.is_valid()) if m]
        values = {"assessment": assessment, "user": request.user, "measures": measures, **form.cleaned_data}
        try:
            if not plan.is_valid():
                # Incomplete rows are marked at the rows; name every other problem now, not after the next try.
                if error := protection.assessment_check(**values):
                    error.error_dict.pop("measures", None)
                    raise error
            else:
                protection.assessment_record(**values)
                messages.success(request, _("The result of the assessment was recorded."))
                return redirect("cases:protection_detail", assessment.pk)
        except ValidationError as error:
            plan_errors = [m for e in error.error_dict.pop("measures", []) for m in e.messages]
            apply_service_errors(form, error)
    messages.error(request, _("Nothing was saved. Please check the highlighted entries."))
    _audit(request, assessment, "detail", 422)
    context = _detail_context(request, assessment, form=form, plan=plan, plan_errors=plan_errors)
    return render(request, "cases/protection/detail.html", context, status=422)


@require_POST
def protection_measure_done(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    """Mark a measure of the protection plan as done."""
    measure = get_visible_or_404(request.user, ProtectionMeasure.objects.select_related("assessment"),
                                 pk=measure_pk, assessment_id=pk)
    assessment = _assessment_for(request, pk)
    require_perm(request.user, "cases.record_protection", assessment.case)
    form = MeasureDoneForm(request.POST)
    if form.is_valid():
        try:
            protection.measure_done(measure=measure, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The measure was marked as done."))
            return redirect("cases:protection_detail", pk)
    messages.error(request, _("Nothing was saved. Please check the highlighted entries."))
    _audit(request, assessment, "detail", 422)
    context = _detail_context(request, assessment, done_form=form, done_for=measure.pk)
    return render(request, "cases/protection/detail.html", context, status=422)


def protection_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessment as a printable record (audited print)."""
    assessment = _assessment_for(request, pk)
    context = {"case": assessment.case, "a": assessment, "series": assessment.case.series,
               "trend": protection.trend_svg(assessment.case.series, chart_id="pdf-trend")}
    filename = f"8a-{assessment.case.reference.replace('/', '-')}-{assessment.pk}.pdf"
    return pdf_response(request, template="documents/protection_assessment.html", context=context,
                        filename=filename, audit_name="cases.protection.printed", obj=assessment)


urlpatterns = [
    path("<int:pk>/8a/neu/", protection_report, name="protection_report"),
    path("8a/<int:pk>/", protection_detail, name="protection_detail"),
    path("8a/<int:pk>/massnahmen/<int:measure_pk>/erledigt/", protection_measure_done, name="protection_measure_done"),
    path("8a/<int:pk>/bericht.pdf", protection_pdf, name="protection_pdf"),
]
