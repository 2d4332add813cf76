"""Views of cases.contracts; their URL patterns are included by cases/urls.py.

Contracts are scoped through `cases.access.contract_scope` (404 outside), actions through rules
permissions (403). Every read of a contract and every print is audited.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from juwe.access import require_perm
from juwe.audit import Action, audit_log
from juwe.lib.forms import TEXT_MAX_LENGTH, DateField
from juwe.lib.pdf import pdf_response

from . import contracts, selectors
from .contracts_forms import ContractForm, contract_formsets
from .forms import DateInput, apply_service_errors
from .models import Contract, ContractParticipant, ContractState, TaskParty

SECTIONS = ("participants", "goals", "tasks")


class SignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    signed_on = DateField(label=gettext_lazy("Signed on"), widget=DateInput())
    signers = forms.TypedMultipleChoiceField(label=gettext_lazy("Who signed"), coerce=int, required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, contract: Contract, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signers"].choices = [(p.pk, f"{p.name} ({p.get_party_display()})") for p in participants]
        if not self.is_bound:
            self.initial.update(version=contract.version, signed_on=timezone.localdate(),
                                signers=[p.pk for p in participants if p.signs])


class EndForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    ended_on = DateField(label=gettext_lazy("Ended on"), widget=DateInput())
    note = forms.CharField(label=gettext_lazy("Reason for ending"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_MAX_LENGTH)


def _audit(request: HttpRequest, contract: Contract, status: int = 200, **data) -> None:
    """One read event per page of a contract shown (a refused POST's page again included)."""
    if status != 200:
        data["status"] = status
    audit_log(action=Action.VIEW, name="cases.contract.viewed", request=request, obj=contract, data=data or None)


def _contract(request: HttpRequest, pk: int, perm: str = "cases.view_contract") -> Contract:
    contract = contracts.contract_detail(request.user, pk)  # scope first: 404 outside
    require_perm(request.user, perm, contract)
    return contract


# --- Create and edit (one form: contract fields + participants, goals, tasks) ----------------------


def _rows(formset, fields) -> list[tuple[int, dict]]:
    return [(i, f.cleaned_data) for i, f in enumerate(formset.forms, start=1)
            if f.has_changed() and getattr(f, "cleaned_data", None)]


def _parse(form, sets) -> tuple[dict, list, list, list] | None:
    """The service's inputs from valid forms; goals numbered as kept, tasks point to the kept goals."""
    if not (form.is_valid() and all(fs.is_valid() for fs in sets.values())):
        return None
    participants = [row for _i, row in _rows(sets["participants"], ())]
    kept = _rows(sets["goals"], ())
    renumber = {row_no: n for n, (row_no, _r) in enumerate(kept, start=1)}
    goals = [row for _i, row in kept]
    tasks = [{**row, "goal": renumber.get(row["goal"])} for _i, row in _rows(sets["tasks"], ())]
    data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    return data, participants, goals, tasks


def _section_errors(form, error: ValidationError) -> dict:
    """Service errors on participants/goals/tasks go to their section; the rest to the form."""
    sections = {}
    if hasattr(error, "error_dict"):
        for key in SECTIONS:
            if key in error.error_dict:
                sections[key] = [m for e in error.error_dict.pop(key) for m in e.messages]
        if not error.error_dict:
            return sections
    apply_service_errors(form, error)
    return sections


def _summary(form, sets, sections) -> list[tuple[str, str]]:
    """The error summary at the top of the page: (anchor, message)."""
    items = [(f"id_{name}" if name != "__all__" else "contract-form", m)
             for name, errs in form.errors.items() for m in errs]
    for key, fs in sets.items():
        for m in sections.get(key, []):
            items.append((f"section-{key}", m))
        for i, f in enumerate(fs.forms):
            for name, errs in f.errors.items():
                for m in errs:
                    items.append((f"id_{fs.prefix}-{i}-{name}" if name != "__all__" else f"section-{key}", m))
    return items


def _form_page(request, *, case, contract, form, sets, sections=None, status=200):
    sections = sections or {}
    if contract is not None:
        _audit(request, contract, status, part="form")
    else:  # a new contract: the form shows the case's family
        audit_log(action=Action.VIEW, name="cases.case.viewed", request=request, obj=case,
                  data={"part": "contract_new", **({"status": status} if status != 200 else {})})
    context = {"case": case, "contract": contract, "form": form, **sets, "sections": sections,
               "errors": _summary(form, sets, sections) if request.method == "POST" else []}
    return render(request, "cases/contracts/contract_form.html", context, status=status)


def _save_form(request, *, case, contract, form, sets, save):
    """Shared POST handling of create and edit: "add a row" re-renders, bad input keeps every entry."""
    if request.POST.get("add"):
        return _form_page(request, case=case, contract=contract, form=form, sets=sets)
    sections = {}
    parsed = _parse(form, sets)
    if parsed is not None:
        data, participants, goals, tasks = parsed
        try:
            saved = save(data=data, participants=participants, goals=goals, tasks=tasks)
        except ValidationError as error:
            sections = _section_errors(form, error)
        else:
            messages.success(request, _("The contract was saved as a draft."))
            return redirect("cases:contract_detail", saved.pk)
    messages.error(request, _("Nothing was saved. Please check the highlighted entries."))
    return _form_page(request, case=case, contract=contract, form=form, sets=sets, sections=sections, status=422)


def _initial_participants(case, user) -> list[dict]:
    family = [{"name": m.person.full_name, "party": ContractParticipant.Party.FAMILY,
               "relation": m.get_role_display() if not m.note else m.note, "signs": True}
              for m in case.members.select_related("person").order_by("id")]
    office = {"name": user.get_full_name() or user.get_username(), "party": ContractParticipant.Party.OFFICE,
              "relation": _("case manager"), "signs": True}
    return [*family, office]


def contract_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_detail(request.user, pk)
    require_perm(request.user, "cases.change_contract")
    data = request.POST if request.method == "POST" else None
    form = ContractForm(data, case=case)
    tasks = [{"party": TaskParty.FAMILY}, {"party": TaskParty.OFFICE}, {"party": TaskParty.PROVIDER}]
    sets = contract_formsets(data, participants=_initial_participants(case, request.user) if data is None else (),
                             tasks=tasks if data is None else (), add=request.POST.get("add"))
    if data is None:
        return _form_page(request, case=case, contract=None, form=form, sets=sets)
    return _save_form(request, case=case, contract=None, form=form, sets=sets,
                      save=lambda **kw: contracts.contract_create(case=case, user=request.user, **kw))


def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk, "cases.change_contract")
    if contract.state != ContractState.DRAFT:
        messages.error(request, contracts.MSG_NOT_DRAFT)
        return redirect("cases:contract_detail", contract.pk)
    case = contract.case
    data = request.POST if request.method == "POST" else None
    if data is None:
        parts = contracts.contract_parts(contract)
        numbers = {g.pk: i for i, g in enumerate(parts["goals"], start=1)}
        form = ContractForm(initial=ContractForm.initial_for(contract), case=case)
        sets = contract_formsets(
            participants=[{f: getattr(p, f) for f in ("name", "party", "relation", "signs")} for p in parts["participants"]],
            goals=[{"text": g.text, "indicator": g.indicator} for g in parts["goals"]],
            tasks=[{**{f: getattr(t, f) for f in ("party", "who", "what", "due", "due_on")}, "goal": numbers.get(t.goal_id)}
                   for t in parts["tasks"]],
        )
        return _form_page(request, case=case, contract=contract, form=form, sets=sets)
    form = ContractForm(data, case=case)
    sets = contract_formsets(data, add=request.POST.get("add"))
    return _save_form(request, case=case, contract=contract, form=form, sets=sets,
                      save=lambda **kw: contracts.contract_update(contract=contract, user=request.user,
                                                                  version=form.cleaned_data.get("version"), **kw))


# --- Detail and state changes ---------------------------------------------------------------------


def _detail(request, contract: Contract, *, sign_form=None, end_form=None, status=200) -> HttpResponse:
    _audit(request, contract, status)
    user = request.user
    # `doc`: what was agreed – as signed once signed, live while a draft (the page shows only this).
    context = {"contract": contract, "case": contract.case, "doc": contracts.contract_view(contract)}
    if user.has_perm("cases.change_contract", contract):
        if contract.state == ContractState.DRAFT:
            context["sign_form"] = sign_form or SignForm(contract=contract, participants=contract.participants.all())
        if contract.state == ContractState.ACTIVE:
            context["end_form"] = end_form or EndForm(initial={"version": contract.version,
                                                               "ended_on": timezone.localdate()})
    context["may_approve"] = contract.state == ContractState.SIGNED and user.has_perm("cases.approve_contract", contract)
    return render(request, "cases/contracts/contract_detail.html", context, status=status)


def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _contract(request, pk))


def _refused(request, contract, **forms_) -> HttpResponse:
    messages.error(request, _("Nothing was saved. Please check the highlighted entries."))
    return _detail(request, contract, status=422, **forms_)


@require_POST
def contract_sign(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk, "cases.change_contract")
    form = SignForm(request.POST, contract=contract, participants=contract.participants.all())
    if form.is_valid():
        try:
            contracts.contract_sign(contract=contract, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The signatures were recorded. The contract now waits for the team lead's approval."))
            return redirect("cases:contract_detail", contract.pk)
    return _refused(request, contract, sign_form=form)


@require_POST
def contract_approve(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk, "cases.approve_contract")
    try:
        contracts.contract_approve(contract=contract, user=request.user, version=_int(request.POST.get("version")))
    except ValidationError as error:
        for m in error.messages:
            messages.error(request, m)
    else:
        messages.success(request, _("The contract was approved and is now active."))
    return redirect("cases:contract_detail", contract.pk)


@require_POST
def contract_end(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk, "cases.change_contract")
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            contracts.contract_end(contract=contract, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The contract was ended."))
            return redirect("cases:contract_detail", contract.pk)
    return _refused(request, contract, end_form=form)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def contract_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The contract as the family signs it (audited print); never with the internal note."""
    contract = _contract(request, pk)
    context = contracts.contract_document(contract)
    return pdf_response(request, template="documents/contract.html", context=context,
                        filename=f"kontrakt-{contract.case.reference.replace('/', '-')}-{contract.pk}.pdf",
                        audit_name="cases.contract.printed", obj=contract)


urlpatterns = [
    path("<int:pk>/kontrakte/neu/", contract_create, name="contract_create"),
    path("kontrakte/<int:pk>/", contract_detail, name="contract_detail"),
    path("kontrakte/<int:pk>/bearbeiten/", contract_edit, name="contract_edit"),
    path("kontrakte/<int:pk>/unterschrift/", contract_sign, name="contract_sign"),
    path("kontrakte/<int:pk>/bewilligung/", contract_approve, name="contract_approve"),
    path("kontrakte/<int:pk>/beenden/", contract_end, name="contract_end"),
    path("kontrakte/<int:pk>/kontrakt.pdf", contract_pdf, name="contract_pdf"),
]
