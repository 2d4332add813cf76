"""Thin views: parse, call one service or selector, render. 404 outside the scope, 403 for a missing role."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from juwe.audit import Action, audit_log
from juwe.access import get_visible_or_404, require_perm
from juwe.lib.export import export_response
from juwe.lib.pdf import pdf_response
from microprojects import selectors, services
from microprojects.access import coordinated_district_ids
from microprojects.filters import ProjectFilter
from microprojects.forms import (
    ApproveForm,
    BudgetForm,
    CompleteForm,
    GrantDecideForm,
    GrantProofForm,
    GrantRequestForm,
    ParticipationForm,
    PaymentForm,
    PaymentReverseForm,
    ProjectForm,
    ReferralForm,
    RejectForm,
    ReviewForm,
    SupplementApproveForm,
    SupplementRequestForm,
    YearForm,
)
from microprojects.models import (
    CATEGORY_SHORT,
    COMMITTED_STATUSES,
    ActionGrant,
    Category,
    MicroProject,
    ProjectPayment,
    Status,
    Supplement,
)

PAGE_SIZE = 50


def _project(request: HttpRequest, pk: int, perm: str | None = None) -> MicroProject:
    """The project if the user may see it (else 404) and has the role for `perm` (else 403)."""
    require_perm(request.user, "microprojects.view")
    project = selectors.project_detail(request.user, pk)
    if perm:
        require_perm(request.user, perm, project)
    return project


def apply_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: field errors on their fields, the rest on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


_REFUSED = object()


def _submit(request, form, call, success: str):
    """For a valid POSTed form run `call(cleaned_data)`; a service refusal goes onto the form.
    Returns the service's result, or _REFUSED when nothing was done."""
    if request.method != "POST" or not form.is_valid():
        return _REFUSED
    try:
        result = call(form.cleaned_data)
    except ValidationError as exc:
        apply_errors(form, exc)
        return _REFUSED
    messages.success(request, success)
    return result


def _flash_errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- Projects ------------------------------------------------------------------------------------------


def project_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "microprojects.view")
    filterset = ProjectFilter(request.GET, queryset=selectors.project_list(request.user), request=request)
    if request.GET.get("format"):
        require_perm(request.user, "microprojects.export")
        return export_response(
            request, fmt=request.GET["format"], header=EXPORT_HEADER(), rows=_export_rows(filterset.qs),
            filename="mikroprojekte", audit_name="microprojects.project.exported",
        )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "microprojects/project_list.html", {"filter": filterset, "page": page})


def EXPORT_HEADER():  # noqa: N802 – a constant, translated at call time
    return [
        _("Title"), _("Districts"), _("District charged"), _("Category"), _("Provider"), _("Status"), _("Outcome"),
        _("Start"), _("End"), _("Requested amount"), _("Approved amount"), _("Budget year"), _("Target group"), _("Age"),
    ]


def _export_rows(qs):
    for p in qs:
        yield [
            p.title, ", ".join(d.name for d in p.districts.all()), p.budget_district.name, p.get_category_display(),
            p.provider.name, p.get_status_display(), p.get_outcome_display(), p.start_date, p.end_date,
            p.requested_amount, p.approved_amount, p.budget_year, p.target_group, p.age_range,
        ]


def project_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "microprojects.propose")
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("districts", "developed_by", "version")}
        try:
            project = services.microproject_create(
                actor=request.user, districts=form.cleaned_data["districts"],
                developed_by=form.cleaned_data["developed_by"], **data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The proposal has been saved as a draft."))
            return redirect("microprojects:detail", pk=project.pk)
    return render(request, "microprojects/project_form.html", {"form": form})


def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, "microprojects.edit")
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("districts", "developed_by", "version")}
        try:
            services.microproject_update(
                actor=request.user, project=project, version=form.cleaned_data["version"] or 0,
                districts=form.cleaned_data["districts"], developed_by=form.cleaned_data["developed_by"], **data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("microprojects:detail", pk=project.pk)
    return render(request, "microprojects/project_form.html", {"form": form, "project": project})


def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _project(request, pk))


def _render_detail(request: HttpRequest, project: MicroProject, status: int = 200, **forms) -> HttpResponse:
    """The project page – also again with a refused form's errors."""
    context = _detail_context(request, project, **forms)
    shown = [case.reference for _day, case in context["referrals"].rows if case is not None]
    if shown:
        # Case references are social data: their display is logged like a read of the case list.
        audit_log(
            action=Action.VIEW, name="microprojects.referred_cases.viewed", request=request, obj=project,
            data={"cases": shown, **({"status": status} if status != 200 else {})},
        )
    return render(request, "microprojects/project_detail.html", context, status=status)


def _detail_context(request, project: MicroProject, **forms) -> dict:
    user = request.user
    rows = selectors.participation_rows(project)
    year = project.budget_year or project.start_date.year
    can_decide = project.status == Status.SUBMITTED and user.has_perm("microprojects.decide", project)
    supplements = selectors.project_supplements(project)
    payments = selectors.project_payments(project)
    committed = project.status in COMMITTED_STATUSES
    context = {
        "project": project,
        "history": selectors.project_history(project),
        "participation": rows,
        "cm_share": selectors.cm_share_of(rows),
        "reviews": project.reviews.select_related("recorded_by"),
        "review_due": selectors.review_due_date(project, max((r.date for r in project.reviews.all()), default=None))
        if project.status == Status.RUNNING else None,
        "position": selectors.prevention_budget_position(project.budget_district_id, year),
        "referrals": selectors.referrals_for_project(user, project),
        "supplements": supplements,
        "payments": payments,
        "money": selectors.project_money(project, supplements, payments),
        "can": {
            "edit": user.has_perm("microprojects.edit", project),
            "submit": user.has_perm("microprojects.submit", project),
            "decide": can_decide,
            "run": project.status in (Status.APPROVED, Status.RUNNING) and user.has_perm("microprojects.run", project),
            "participation": project.status in (Status.RUNNING, Status.COMPLETED)
            and user.has_perm("microprojects.record_participation", project),
            "review": committed and user.has_perm("microprojects.review", project),
            "refer": project.status == Status.RUNNING and user.has_perm("microprojects.refer", project),
            "letter": committed and user.has_perm("microprojects.print_letter", project),
            "request_supplement": user.has_perm("microprojects.request_supplement", project)
            and not any(s.status == Supplement.Status.REQUESTED for s in supplements),
            "decide_supplement": any(s.status == Supplement.Status.REQUESTED for s in supplements)
            and user.has_perm("microprojects.decide", project),
            "pay": committed and user.has_perm("microprojects.book_payments", project),
        },
    }
    if can_decide:
        context["approve_form"] = forms.get("approve_form") or ApproveForm(initial={"amount": project.requested_amount})
        context["reject_form"] = forms.get("reject_form") or RejectForm()
    if context["can"]["participation"]:
        context["participation_form"] = forms.get("participation_form") or ParticipationForm()
    return context


def _transition(request: HttpRequest, pk: int, perm: str, service, success: str) -> HttpResponse:
    project = _project(request, pk, perm)
    try:
        service(actor=request.user, project=project)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, success)
    return redirect("microprojects:detail", pk=pk)


@require_POST
def project_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, "microprojects.submit", services.microproject_submit, _("The project has been submitted for approval."))


@require_POST
def project_start(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, "microprojects.run", services.microproject_start, _("The project is running."))


@require_POST
def project_decide(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, "microprojects.decide")
    approving = request.POST.get("decision") == "approve"
    form = (ApproveForm if approving else RejectForm)(request.POST)
    service = services.microproject_approve if approving else services.microproject_reject
    success = _("The project has been approved.") if approving else _("The project has been rejected.")
    call = lambda data: service(actor=request.user, project=project, **data)  # noqa: E731
    if _submit(request, form, call, success) is not _REFUSED:
        return redirect("microprojects:detail", pk=pk)
    key = "approve_form" if approving else "reject_form"
    return _render_detail(request, project, 400, **{key: form})


def project_complete(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, "microprojects.run")
    form = CompleteForm(request.POST or None, user=request.user)
    call = lambda data: services.microproject_complete(actor=request.user, project=project, **data)  # noqa: E731
    result = _submit(request, form, call, _("The project has been completed."))
    if result is not _REFUSED:
        _completed, extension = result
        if extension is not None:
            messages.info(request, _("A linked copy for the further districts has been created as a draft."))
            return redirect("microprojects:detail", pk=extension.pk)
        return redirect("microprojects:detail", pk=pk)
    return render(request, "microprojects/project_complete.html", {"project": project, "form": form})


@require_POST
def participation_record(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, "microprojects.record_participation")
    form = ParticipationForm(request.POST)
    call = lambda data: services.participation_record(actor=request.user, project=project, **data)  # noqa: E731
    if _submit(request, form, call, _("The participant counts have been saved.")) is not _REFUSED:
        return redirect("microprojects:detail", pk=pk)
    return _render_detail(request, project, 400, participation_form=form)


def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, "microprojects.review")
    form = ReviewForm(request.POST or None, initial={"date": timezone.localdate()})
    call = lambda data: services.review_create(actor=request.user, project=project, **data)  # noqa: E731
    if _submit(request, form, call, _("The quality review has been recorded.")) is not _REFUSED:
        return redirect("microprojects:detail", pk=pk)
    return render(request, "microprojects/review_form.html", {"project": project, "form": form})


def referral_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, "microprojects.refer")
    form = ReferralForm(request.POST or None, initial={"case": request.GET.get("case", "")})
    call = lambda data: services.referral_create(  # noqa: E731
        actor=request.user, project=project, case_reference=data["case"], referred_on=data["referred_on"]
    )
    if _submit(request, form, call, _("The case has been referred to the project.")) is not _REFUSED:
        return redirect("microprojects:detail", pk=pk)
    return render(request, "microprojects/referral_form.html", {"project": project, "form": form})


def approval_letter(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, "microprojects.print_letter")
    if project.status not in COMMITTED_STATUSES:
        messages.error(request, _("An approval letter exists only for approved projects."))
        return redirect("microprojects:detail", pk=pk)
    supplements = [s for s in selectors.project_supplements(project) if s.status == Supplement.Status.APPROVED]
    return pdf_response(
        request, template="microprojects/approval_letter.html",
        context={"project": project, "supplements": supplements,
                 "money": selectors.project_money(project, supplements, [])},
        filename=f"bewilligung-mikroprojekt-{project.pk}.pdf", audit_name="microprojects.approval_letter.printed", obj=project,
    )


# --- Supplementary approvals and payments ---------------------------------------------------------------


def supplement_request(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, "microprojects.request_supplement")
    form = SupplementRequestForm(request.POST or None)
    call = lambda data: services.supplement_request(actor=request.user, project=project, **data)  # noqa: E731
    if _submit(request, form, call, _("The supplementary approval has been requested.")) is not _REFUSED:
        return redirect("microprojects:detail", pk=pk)
    return render(request, "microprojects/supplement_request.html", {"project": project, "form": form})


def supplement_decide(request: HttpRequest, pk: int, supplement_pk: int) -> HttpResponse:
    project = _project(request, pk, "microprojects.decide")
    # The project's supplements are visible with the project (their scope is the project's).
    supplements = selectors.project_supplements(project)
    supplement = next((s for s in supplements if s.pk == supplement_pk), None)
    if supplement is None:
        raise Http404
    approving = request.POST.get("decision") == "approve"
    approve_form = SupplementApproveForm(request.POST if approving else None,
                                         initial={"amount": supplement.requested_amount})
    reject_form = RejectForm(request.POST if request.method == "POST" and not approving else None)
    if request.method == "POST":
        if approving:
            call = lambda data: services.supplement_approve(actor=request.user, supplement=supplement, **data)  # noqa: E731
            done = _submit(request, approve_form, call, _("The supplementary approval has been granted."))
        else:
            call = lambda data: services.supplement_reject(actor=request.user, supplement=supplement, **data)  # noqa: E731
            done = _submit(request, reject_form, call, _("The supplementary approval has been rejected."))
        if done is not _REFUSED:
            return redirect("microprojects:detail", pk=pk)
    context = {
        "project": project, "supplement": supplement, "approve_form": approve_form, "reject_form": reject_form,
        "position": selectors.prevention_budget_position(project.budget_district_id, project.budget_year),
        "money": selectors.project_money(project, supplements, selectors.project_payments(project)),
    }
    return render(request, "microprojects/supplement_decide.html", context, status=400 if request.method == "POST" else 200)


def payment_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, "microprojects.book_payments")
    form = PaymentForm(request.POST or None, user=request.user, project=project)
    call = lambda data: services.payment_book(actor=request.user, project=project, **data)  # noqa: E731
    if _submit(request, form, call, _("The payment has been booked.")) is not _REFUSED:
        return redirect("microprojects:detail", pk=pk)
    money = selectors.project_money(project, selectors.project_supplements(project), selectors.project_payments(project))
    return render(request, "microprojects/payment_form.html", {"project": project, "form": form, "money": money})


def payment_reverse(request: HttpRequest, pk: int, payment_pk: int) -> HttpResponse:
    project = _project(request, pk, "microprojects.book_payments")
    payment = get_visible_or_404(request.user, ProjectPayment.objects.filter(project=project).select_related("provider"),
                                 pk=payment_pk)
    form = PaymentReverseForm(request.POST or None)
    call = lambda data: services.payment_reverse(actor=request.user, payment=payment, **data)  # noqa: E731
    if _submit(request, form, call, _("The payment has been reversed.")) is not _REFUSED:
        return redirect("microprojects:detail", pk=pk)
    return render(request, "microprojects/payment_reverse.html", {"project": project, "form": form, "payment": payment})


# --- District overview ------------------------------------------------------------------------------


def district_overview(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "microprojects.view_overview")
    year_form = YearForm(request.GET or None, initial={"year": timezone.localdate().year})
    year = year_form.year_or_current()
    rows = selectors.district_overview(request.user, year)
    categories = [(value, label, CATEGORY_SHORT[value]) for value, label in Category.choices]
    return render(
        request, "microprojects/district_overview.html",
        {"rows": rows, "year": year, "year_form": year_form, "categories": categories, "totals": _totals(rows)},
    )


def budget_edit(request: HttpRequest) -> HttpResponse:
    """Leadership sets the districts' prevention and action budgets of a year."""
    require_perm(request.user, "microprojects.set_budget")
    year = YearForm(request.GET or None).year_or_current()
    districts, prevention, action = selectors.budgets_for_edit(request.user, year)
    form = BudgetForm(request.POST or None, districts=districts, prevention=prevention, action=action)
    if request.method == "POST" and form.is_valid():
        setters = {"prevention": services.prevention_budget_set, "action": services.action_budget_set}
        with transaction.atomic():
            changed = [setters[kind](actor=request.user, district=d, year=year, amount=amount)
                       for d, kind, amount in form.changes(prevention, action)]
        messages.success(request, _("%(n)s budgets saved.") % {"n": len(changed)})
        return redirect(f"{request.path}?year={year}")
    return render(request, "microprojects/budget_form.html", {"form": form, "year": year, "total": sum(prevention.values())})


def _totals(rows) -> dict:
    cm = sum(r.referred_by_cm for r in rows)
    low = sum(r.low_threshold for r in rows)
    return {
        "budget": sum((r.position.budget for r in rows), start=0),
        "approved": sum((r.position.approved_sum for r in rows), start=0),
        "paid": sum((r.position.paid for r in rows), start=0),
        "remaining": sum((r.position.remaining for r in rows), start=0),
        "cm_share": selectors.share(cm, cm + low),
    }


# --- Action budget ----------------------------------------------------------------------------------------


def grant_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "microprojects.view_grants")
    year = YearForm(request.GET or None).year_or_current()
    grants = selectors.grants_visible_to(request.user).filter(year=year)
    status = request.GET.get("status")
    if status in ActionGrant.Status.values:
        grants = grants.filter(status=status)
    page = Paginator(grants, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "microprojects/grant_list.html",
        {
            "page": page, "year": year, "statuses": ActionGrant.Status.choices, "status": status,
            "positions": selectors.action_budget_positions(request.user, year), "limit": services.action_grant_limit(),
            "coordinated": coordinated_district_ids(request.user), "today": timezone.localdate(),
        },
    )


def grant_request(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "microprojects.request_grant")
    form = GrantRequestForm(request.POST or None, user=request.user)
    call = lambda data: services.action_grant_request(actor=request.user, **data)  # noqa: E731
    if _submit(request, form, call, _("The request has been sent to the district coordinator.")) is not _REFUSED:
        return redirect("microprojects:grant_list")
    return render(request, "microprojects/grant_form.html", {"form": form, "limit": services.action_grant_limit()})


def _grant(request: HttpRequest, pk: int, perm: str) -> ActionGrant:
    require_perm(request.user, "microprojects.view_grants")
    grant = get_visible_or_404(request.user, selectors.grants_visible_to(request.user), pk=pk)
    require_perm(request.user, perm, grant)
    return grant


def grant_decide(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk, "microprojects.decide_grant")
    form = GrantDecideForm(request.POST or None, grant=grant)
    call = lambda data: services.action_grant_decide(  # noqa: E731
        actor=request.user, grant=grant, grant_it=data["decision"] == "grant", reason=data["reason"],
        criteria=data["criteria"], proof_due=data["proof_due"],
    )
    if _submit(request, form, call, _("The decision has been saved.")) is not _REFUSED:
        return redirect("microprojects:grant_list")
    return render(request, "microprojects/grant_decide.html", {"grant": grant, "form": form})


def grant_proof(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk, "microprojects.record_proof")
    form = GrantProofForm(request.POST or None)
    call = lambda data: services.action_grant_record_proof(actor=request.user, grant=grant, **data)  # noqa: E731
    if _submit(request, form, call, _("The receipt of the proof of use has been recorded.")) is not _REFUSED:
        return redirect("microprojects:grant_list")
    return render(request, "microprojects/grant_proof.html", {"grant": grant, "form": form})
