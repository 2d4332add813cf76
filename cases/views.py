"""Case file pages. Thin: parse, call a selector or service, render. Every case read is audited."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from juwe.access import get_visible_or_404, require_perm
from juwe.audit import Action, audit_log
from juwe.lib.export import export_response
from networks.models import OfferTopic
from networks.selectors import offers_search

from . import selectors, services
from .ecomap import render_ecomap
from .filters import CaseFilter
from .forms import (
    AssignForm,
    CaseEditForm,
    ClassificationForm,
    ContactForm,
    IntakeForm,
    MemberForm,
    NetworkPersonForm,
    ResourceForm,
    TransitionForm,
    apply_service_errors,
    member_formset,
)
from .models import Case, CaseState, NetworkPerson, Person, ResourceArea, ResourceEntry
from .services import MemberInput, allowed_next_states

PAGE_SIZE = 50
OFFER_LIMIT = 50
EXPORT_LIMIT = 20000  # an export is for a team's list, not for copying the whole office


def _audit_view(request: HttpRequest, case: Case, part: str = "", name: str = "cases.case.viewed", **data) -> None:
    """One read event per response that shows the case (a refused POST's page again included)."""
    audit_log(action=Action.VIEW, name=name, request=request, obj=case, data={"part": part, **data} if part else data)


def _case_for_view(request: HttpRequest, pk: int) -> Case:
    # Scope first: roles without case contents get 404, like any file outside their scope.
    case = selectors.case_detail(request.user, pk)
    require_perm(request.user, "cases.view_case", case)
    return case


def _case_for_change(request: HttpRequest, pk: int) -> Case:
    case = selectors.case_detail(request.user, pk)
    require_perm(request.user, "cases.change_case", case)
    return case


# --- List ---------------------------------------------------------------------------------------


def case_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "cases.view_case")
    filterset = CaseFilter(request.GET, queryset=selectors.case_list(request.user), user=request.user)
    if request.GET.get("format") in ("csv", "xlsx"):
        require_perm(request.user, "cases.export_cases")
        return _export(request, filterset)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    # The list names families and the search looks for a name: one read event per page shown.
    audit_log(action=Action.VIEW, name="cases.case.listed", request=request, data={
        "page": page.number, "filters": {k: v for k, v in request.GET.lists() if k != "page"},
        "cases": [c.pk for c in page.object_list],
    })
    return render(request, "cases/case_list.html", {"filter": filterset, "page": page})


def _export(request: HttpRequest, filterset: CaseFilter) -> HttpResponse:
    qs = filterset.qs.select_related(None).select_related("district", "team", "case_manager")[:EXPORT_LIMIT]
    header = [_("Reference"), _("State"), _("Classification"), _("District"), _("Team"), _("Case manager"),
              _("Opened on"), _("Closed on"), _("Contacts"), _("Persons")]
    rows = (
        [c.reference, c.get_state_display(), c.get_classification_display(), c.district.name, c.team.name,
         str(c.case_manager), c.opened_on, c.closed_on, c.contact_count,
         ", ".join(m.person.full_name for m in c.members.all())]
        for c in qs
    )
    return export_response(request, fmt=request.GET["format"], header=header, rows=rows, filename="faelle",
                           audit_name="cases.case.exported")


# --- Intake -------------------------------------------------------------------------------------


def case_open(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "cases.open_case")
    form = IntakeForm(request.POST or None, user=request.user)
    members = member_formset(request.POST or None)
    duplicates = []
    if request.method == "POST" and form.is_valid() and members.is_valid():
        rows = [m.cleaned_data for m in members if m.cleaned_data]  # empty extra rows are skipped
        duplicates = [
            (m.prefix, check)
            for m in members
            if m.cleaned_data and not m.cleaned_data.get("existing")
            and (check := selectors.possible_duplicates(request.user, first_name=m.cleaned_data["first_name"],
                                                        last_name=m.cleaned_data["last_name"],
                                                        birth_date=m.cleaned_data["birth_date"]))
            and check.found
        ]
        if duplicates and not form.cleaned_data["confirm_new"]:
            # Shown before saving: the user picks the existing record or confirms new persons.
            form.add_error(None, _("Possible duplicates found. Check them below: use the existing record or confirm that these are different persons."))
            # Those records are social data of other files: their display is a read.
            audit_log(action=Action.VIEW, name="cases.person.duplicates_viewed", request=request,
                      data={"persons": [p.pk for _prefix, check in duplicates for p in check.visible],
                            "elsewhere": sum(check.elsewhere for _prefix, check in duplicates)})
        else:
            try:
                case = services.case_open(user=request.user, members=[_member_input(request.user, r) for r in rows],
                                          **{k: form.cleaned_data[k] for k in ("district", "opened_on", "first_contact_source", "concern", "street", "postcode", "city")})
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Case %(ref)s opened.") % {"ref": case.reference})
                return redirect("cases:detail", case.pk)
    return render(request, "cases/case_open.html", {"form": form, "members": members, "duplicates": duplicates})


def _member_input(user, row: dict) -> MemberInput:
    person = get_visible_or_404(user, Person, pk=row["existing"]) if row.get("existing") else None
    fields = {k: row[k] for k in ("first_name", "last_name", "birth_date", "gender", "phone", "note")}
    return MemberInput(role=row["role"], person=person, **fields)


# --- Detail -------------------------------------------------------------------------------------


def _detail_context(request: HttpRequest, case: Case, **forms) -> dict:
    return {
        "case": case,
        "contacts": selectors.case_contacts(case),
        "contact_form": forms.get("contact_form") or ContactForm(),
        "history": selectors.case_history(case),
        "member_form": forms.get("member_form") or MemberForm(prefix="member", initial={"role": "child"}),
        "edit_form": forms.get("edit_form") or CaseEditForm.for_case(case),
        "transition_form": forms.get("transition_form")
        or TransitionForm(initial={"version": case.version}, allowed=allowed_next_states(case.state)),
        "classification_form": forms.get("classification_form")
        or ClassificationForm(initial={"version": case.version, "classification": case.classification or None}),
        "assign_form": AssignForm(initial={"version": case.version, "case_manager": case.case_manager_id}, team_id=case.team_id)
        if request.user.has_perm("cases.assign_case") else None,
        "allowed": allowed_next_states(case.state),
        "children_ages": selectors.children_ages(case),
        **_resource_context(request.user, case),
        **_network_context(request.user, case),
    }


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_view(request, pk)
    _audit_view(request, case)
    return render(request, "cases/case_detail.html", _detail_context(request, case))


def _rerender_detail(request: HttpRequest, case: Case, **forms) -> HttpResponse:
    """A refused change: the detail page again, the form with its errors and what was typed."""
    messages.error(request, _("Nothing was saved. Please check the highlighted entries."))
    _audit_view(request, case, "refused", form=next(iter(forms), ""))
    return render(request, "cases/case_detail.html", _detail_context(request, case, **forms), status=422)


@require_POST
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = CaseEditForm(request.POST)
    if form.is_valid():
        try:
            services.case_update(case=case, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("cases:detail", case.pk)
    return _rerender_detail(request, case, edit_form=form)


@require_POST
def case_transition(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            services.case_transition(case=case, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The case's state was changed."))
            return redirect("cases:detail", case.pk)
    return _rerender_detail(request, case, transition_form=_with_labels(form, case))


def _with_labels(form: TransitionForm, case: Case) -> TransitionForm:
    form.fields["to_state"].choices = [(s, CaseState(s).label) for s in allowed_next_states(case.state)]
    return form


@require_POST
def case_classify(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = ClassificationForm(request.POST)
    if form.is_valid():
        try:
            services.case_classify(case=case, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Classification saved."))
            return redirect("cases:detail", case.pk)
    return _rerender_detail(request, case, classification_form=form)


@require_POST
def case_assign(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    require_perm(request.user, "cases.assign_case", case)
    form = AssignForm(request.POST, team_id=case.team_id)
    if form.is_valid():
        try:
            services.case_assign(case=case, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The case was handed over."))
            return redirect("cases:detail", case.pk)
    messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
    return redirect("cases:detail", case.pk)


@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a person to the case (the intake's person fields, one row)."""
    case = _case_for_change(request, pk)
    form = MemberForm(request.POST, prefix="member")
    if form.is_valid():
        try:
            services.case_member_add(case=case, user=request.user, member=_member_input(request.user, form.cleaned_data))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The person was added to the case."))
            return redirect("cases:detail", case.pk)
    return _rerender_detail(request, case, member_form=form)


# --- Contacts (inline with htmx) ----------------------------------------------------------------


@require_POST
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for_change(request, pk)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.contact_add(case=case, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if not request.htmx:
                return redirect("cases:detail", case.pk)
            form = ContactForm()
    if not request.htmx and form.errors:
        return _rerender_detail(request, case, contact_form=form)
    case.refresh_from_db(fields=["contact_count", "last_contact_at"])
    _audit_view(request, case, "contacts")
    context = {"case": case, "contacts": selectors.case_contacts(case), "contact_form": form}
    return render(request, "cases/_contacts.html", context, status=422 if form.errors else 200)


# --- Resource map and network map (inline with htmx) --------------------------------------------


def _offer_choices(user, case: Case):
    return offers_search(user, district=case.district_id)


def _resource_form(user, case: Case, *args, **kwargs) -> ResourceForm:
    return ResourceForm(*args, offers=_offer_choices(user, case), **kwargs)


def _resource_context(user, case: Case, form: ResourceForm | None = None, editing: int | None = None) -> dict:
    entries = list(case.resources.select_related("offer"))
    areas = [(area, [e for e in entries if e.area == area]) for area in ResourceArea]
    return {"resource_areas": areas, "resource_form": form or _resource_form(user, case), "resource_editing": editing}


def _network_context(user, case: Case, form: NetworkPersonForm | None = None, editing: int | None = None) -> dict:
    people = list(case.network.all())
    family = next((m.person.last_name for m in case.members.all()), "")
    return {"network": people, "ecomap": render_ecomap(people, family), "network_form": form or NetworkPersonForm(),
            "network_editing": editing}


def _entry_view(request, pk, entry_pk, *, model: type[Model], make_form, save, delete, context, template, audit_name):
    """Shared inline editing for map entries: GET edit form, POST save, POST delete=1 removes.

    Every page it renders shows the whole map: one read event (`audit_name`) each; a redirect shows nothing."""
    case = _case_for_change(request, pk)
    user = request.user
    entry = get_visible_or_404(user, model, pk=entry_pk, case=case) if entry_pk else None
    if request.method == "GET":
        _audit_view(request, case, name=audit_name, entry=entry_pk)
        return render(request, template, {"case": case, **context(user, case, make_form(user, case, instance=entry), entry_pk)})
    form = make_form(user, case, request.POST, instance=entry)
    try:
        if entry and request.POST.get("delete"):
            delete(entry=entry, user=user)
        elif form.is_valid():
            save(case=case, user=user, entry=entry, **form.cleaned_data)
            form, entry_pk = make_form(user, case), None
    except ValidationError as error:
        apply_service_errors(form, error)
    if not request.htmx and not form.errors:
        return redirect("cases:detail", case.pk)
    status = 422 if form.errors else 200
    _audit_view(request, case, name=audit_name, entry=entry_pk, status=status)
    return render(request, template, {"case": case, **context(user, case, form, entry_pk if form.errors else None)}, status=status)


def resource_entry(request: HttpRequest, pk: int, entry_pk: int | None = None) -> HttpResponse:
    return _entry_view(request, pk, entry_pk, model=ResourceEntry, make_form=_resource_form, save=services.resource_save,
                       delete=services.resource_delete, context=_resource_context, template="cases/_resource_map.html",
                       audit_name="cases.resource_map.viewed")


def network_entry(request: HttpRequest, pk: int, entry_pk: int | None = None) -> HttpResponse:
    return _entry_view(request, pk, entry_pk, model=NetworkPerson, make_form=lambda user, case, *a, **kw: NetworkPersonForm(*a, **kw),
                       save=services.network_person_save, delete=services.network_person_delete,
                       context=_network_context, template="cases/_network_map.html", audit_name="cases.network_map.viewed")


def case_offers(request: HttpRequest, pk: int) -> HttpResponse:
    """Find offers for a case: the case's district and the children's ages, narrowed by topic or text."""
    case = _case_for_view(request, pk)
    _audit_view(request, case, "offers")
    ages = selectors.children_ages(case)
    topic, text = request.GET.get("topic") or None, request.GET.get("text") or None
    offers = list(offers_search(request.user, district=case.district_id, age=ages or None, topic=topic, text=text)[:OFFER_LIMIT])
    return render(request, "cases/case_offers.html", {"case": case, "ages": ages, "offers": offers, "topics": OfferTopic.choices,
                                                       "topic": topic or "", "text": text or "", "limit": OFFER_LIMIT})


def network_svg(request: HttpRequest, pk: int) -> HttpResponse:
    """The eco-map alone (for printing and for documents)."""
    case = _case_for_view(request, pk)
    _audit_view(request, case, "network_map")
    return HttpResponse(_network_context(request.user, case)["ecomap"], content_type="image/svg+xml; charset=utf-8")
