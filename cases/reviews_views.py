"""Views of cases.reviews: the contract list, the provider's contract page, progress notes, the review.

Every page that shows a contract's contents is audited; objects outside the user's scope answer 404,
actions the role lacks 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from juwe.access import get_visible_or_404, require_perm
from juwe.audit import Action, audit_log
from juwe.lib.http import next_path

from . import reviews
from .forms import apply_service_errors
from .models import Contract, ContractState, ContractTask, ReviewDecision
from .reviews_forms import ContractFilter, ReviewForm, TaskNoteForm

PAGE_SIZE = 50


def _audit(request: HttpRequest, contract: Contract, part: str, status: int = 200) -> None:
    """One read event per page (or htmx fragment) of a contract shown; a redirect shows nothing."""
    data = {"part": part, **({"status": status} if status != 200 else {})}
    audit_log(action=Action.VIEW, name="cases.contract.viewed", request=request, obj=contract, data=data)


# --- Contract list and the provider's contract page ------------------------------------------------


def provider_contract_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "cases.view_contract")
    filterset = ContractFilter(request.GET, queryset=reviews.contract_list(request.user).order_by("-approved_from", "-id"),
                               user=request.user)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_log(action=Action.VIEW, name="cases.contract.listed", request=request, data={"page": page.number})
    return render(request, "cases/reviews/contract_list.html", {"filter": filterset, "page": page})


def _detail_context(request: HttpRequest, contract: Contract, failed: TaskNoteForm | None = None,
                    failed_task: int | None = None) -> dict:
    tasks = reviews.tasks_with_notes(contract)
    may_write = contract.state in (ContractState.SIGNED, ContractState.ACTIVE) and request.user.has_perm(
        "cases.add_task_note", contract)
    for task in tasks:
        task.note_form = (failed if task.pk == failed_task else TaskNoteForm(task_id=task.pk)) if may_write else None
    return {
        "contract": contract,
        "family": reviews.family_of(contract),
        "goals": list(contract.goals.all()),
        "participants": list(contract.participants.all()),
        "tasks": tasks,
        "review": reviews.review_of(contract),
    }


def provider_contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """What the provider works with: the family, the contract's goals and tasks, progress notes."""
    require_perm(request.user, "cases.view_contract")
    contract = reviews.provider_contract(request.user, pk)
    _audit(request, contract, "provider")
    return render(request, "cases/reviews/provider_contract.html", _detail_context(request, contract))


@require_POST
def task_note_add(request: HttpRequest, pk: int, task_pk: int) -> HttpResponse:
    """A progress note on a task: inline with htmx, or a normal form post that returns to the page."""
    task = get_visible_or_404(request.user, ContractTask.objects.select_related("contract__case"), pk=task_pk,
                              contract_id=pk)
    require_perm(request.user, "cases.add_task_note", task.contract)
    form = TaskNoteForm(request.POST, task_id=task.pk)
    if form.is_valid():
        try:
            reviews.task_note_add(task=task, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if not request.htmx:
                messages.success(request, _("The progress note was saved."))
                return redirect(_back(request, pk))
            form = TaskNoteForm(task_id=task.pk)
    if not request.htmx:
        contract = reviews.provider_contract(request.user, pk)
        _audit(request, contract, "provider", 422)
        messages.error(request, _("Nothing was saved. Please check the highlighted entries."))
        return render(request, "cases/reviews/provider_contract.html",
                      _detail_context(request, contract, failed=form, failed_task=task.pk), status=422)
    task = reviews.tasks_with_notes(task.contract, only=task.pk)[0]
    task.note_form = form
    status = 422 if form.errors else 200
    _audit(request, task.contract, "task", status)  # the fragment shows the task's notes
    return render(request, "cases/reviews/_task.html", {"task": task, "contract": task.contract,
                                                        "next": request.POST.get("next", "")}, status=status)


def _back(request: HttpRequest, pk: int) -> str:
    """Back to the page the note was written on (the contract page or the provider's page)."""
    return next_path(request, reverse("cases:provider_contract_detail", args=[pk]))


# --- Review ---------------------------------------------------------------------------------------


def review_record(request: HttpRequest, pk: int) -> HttpResponse:
    """The review of a contract: goal achievement 0–10 and the decision. Once recorded, shown read-only."""
    require_perm(request.user, "cases.record_review")
    contract = get_visible_or_404(request.user, Contract.objects.select_related("case", "provider"), pk=pk)
    require_perm(request.user, "cases.record_review", contract)
    review = reviews.review_of(contract)
    if review is None and contract.state != ContractState.ACTIVE:
        messages.error(request, reviews.MSG_REVIEW_NOT_ACTIVE)
        return redirect("cases:contract_detail", contract.pk)
    goals = list(contract.goals.all())
    form = ReviewForm(request.POST or None, goals=goals) if review is None else None
    if form is not None and request.method == "POST":
        if form.is_valid():
            try:
                result = reviews.review_record(contract=contract, user=request.user, **form.service_args())
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                if form.cleaned_data["decision"] == ReviewDecision.END:
                    messages.success(request, _("The review was recorded and the help has ended."))
                    return redirect("cases:contract_detail", result.pk)
                messages.success(request, _("The review was recorded. Check the prefilled follow-up contract and "
                                            "change what the family wants changed."))
                return redirect("cases:contract_edit", result.pk)
    context = {
        "contract": contract,
        "review": review,
        "form": form,
        "rows": form.goal_rows(reviews.earlier_scores(contract)) if form else [],
        "overdue": review is None and reviews.is_overdue(contract),
    }
    status = 422 if form is not None and form.errors else 200
    _audit(request, contract, "review", status)
    return render(request, "cases/reviews/review.html", context, status=status)


urlpatterns = [
    path("kontrakte/", provider_contract_list, name="provider_contract_list"),
    path("kontrakte/<int:pk>/traeger/", provider_contract_detail, name="provider_contract_detail"),
    path("kontrakte/<int:pk>/aufgaben/<int:task_pk>/notiz/", task_note_add, name="task_note_add"),
    path("kontrakte/<int:pk>/ueberpruefung/", review_record, name="review_record"),
]
