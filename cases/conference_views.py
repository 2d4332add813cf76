"""Case conference pages: list, agenda, guided record per case, consensus, agenda and minutes as PDF.

Thin: parse, call a selector or service of `cases.conference`, render. The conference's team is
the scope (404 outside it); the role decides the actions (403). Pages showing case contents are
audited, prints through `pdf_response`.
"""

from __future__ import annotations

from copy import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from juwe.access import get_visible_or_404, require_perm
from juwe.audit import Action, audit_log
from juwe.lib.paging import CappedPaginator
from juwe.lib.pdf import pdf_response

from . import conference as conf_svc
from .conference_forms import (
    ConferenceForm,
    IdeaForm,
    ItemAddForm,
    ParticipantForm,
    PerspectivesForm,
    PresentationForm,
    ProposalForm,
    VoteForm,
)
from .forms import apply_service_errors
from .models import Conference, ConferenceIdea, ConferenceItem, ConferenceParticipant, HelpProposal, ItemStatus

PAGE_SIZE = 25


def _not_saved(request: HttpRequest) -> None:
    messages.error(request, _("Nothing was saved. Please check the highlighted entries."))


def _conference(request: HttpRequest, pk: int, perm: str = "cases.view_conference") -> Conference:
    # Scope first: roles without case contents and other teams get 404.
    conf = conf_svc.conference_detail(request.user, pk)
    require_perm(request.user, perm, conf)
    return conf


def _item(request: HttpRequest, item_pk: int, perm: str = "cases.view_conference") -> ConferenceItem:
    item = conf_svc.item_detail(request.user, item_pk)
    require_perm(request.user, perm, item.conference)
    return item


# --- Conferences --------------------------------------------------------------------------------


def conference_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "cases.view_conference")
    page = CappedPaginator(conf_svc.conferences_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/conference/list.html", {
        "page": page, "now": timezone.now(), "can_change": request.user.has_perm("cases.change_conference"),
    })


def _submit(request: HttpRequest, form, save, *, success, done, rerender) -> HttpResponse:
    """Validate, call the service, redirect – or show the page again with the errors and what was typed.

    `success` and `done` may be callables of the service's result (message, URL)."""
    if form.is_valid():
        try:
            result = save(form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(done(result) if callable(done) else done)
    _not_saved(request)
    return rerender(form)


def _detail_url(conf: Conference, anchor: str) -> str:
    return reverse("cases:conference_detail", args=[conf.pk]) + anchor


def _form_page(request: HttpRequest, form, save, *, title: str, success: str, back: str,
               conf: Conference | None = None) -> HttpResponse:
    def page(form):
        return render(request, "cases/conference/form.html", {"form": form, "title": title, "back": back,
                                                              "conference": conf}, status=422 if form.errors else 200)

    if request.method != "POST":
        return page(form)
    return _submit(request, form, save, success=success, rerender=page,
                   done=lambda c: reverse("cases:conference_detail", args=[c.pk]))


def conference_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "cases.change_conference")
    if not request.user.team_id:
        messages.error(request, conf_svc.MSG_NO_TEAM)
        return redirect("cases:conference_list")
    return _form_page(
        request, ConferenceForm(request.POST or None, team=request.user.team),
        lambda data: conf_svc.conference_create(user=request.user, **data), title=_("Plan a case conference"),
        success=_("The case conference was planned. Now add participants and cases."),
        back=reverse("cases:conference_list"),
    )


def conference_edit(request: HttpRequest, pk: int) -> HttpResponse:
    conf = _conference(request, pk, "cases.change_conference")
    return _form_page(
        request, ConferenceForm.for_conference(conf, request.POST or None),
        lambda data: conf_svc.conference_update(conference=conf, user=request.user, **data),
        title=_("Edit case conference"), success=_("Saved."), back=_detail_url(conf, ""), conf=conf,
    )


def _detail_response(request: HttpRequest, conf: Conference, status: int = 200, **forms) -> HttpResponse:
    # The agenda names the cases: every page of it shown (a refused POST's too) is one read event.
    audit_log(action=Action.VIEW, name="cases.conference.viewed", request=request, obj=conf,
              data={"status": status} if status != 200 else None)
    can_change = request.user.has_perm("cases.change_conference", conf)
    context = {
        "conference": conf,
        "participants": conf_svc.conference_participants(conf),
        "items": conf_svc.conference_items(conf),
        "can_change": can_change,
    }
    if can_change:
        context["participant_form"] = forms.get("participant_form") or ParticipantForm(conf=conf)
        context["item_form"] = forms.get("item_form") or ItemAddForm(user=request.user, conf=conf)
    return render(request, "cases/conference/detail.html", context, status=status)


def conference_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_response(request, _conference(request, pk))


@require_POST
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    conf = _conference(request, pk, "cases.change_conference")
    return _submit(
        request, ParticipantForm(request.POST, conf=conf),
        lambda data: conf_svc.participant_add(conference=conf, user=request.user, **data),
        success=lambda p: _("%(name)s takes part.") % {"name": p.name}, done=_detail_url(conf, "#participants"),
        rerender=lambda form: _detail_response(request, conf, 422, participant_form=form),
    )


@require_POST
def participant_remove(request: HttpRequest, participant_pk: int) -> HttpResponse:
    participant = get_visible_or_404(request.user, ConferenceParticipant, pk=participant_pk)
    conf = _conference(request, participant.conference_id, "cases.change_conference")
    _run(request, conf_svc.participant_remove, _("%(name)s was removed.") % {"name": participant.name},
         participant=participant)
    return redirect(_detail_url(conf, "#participants"))


@require_POST
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    conf = _conference(request, pk, "cases.change_conference")
    return _submit(
        request, ItemAddForm(request.POST, user=request.user, conf=conf),
        lambda data: conf_svc.item_add(conference=conf, user=request.user, **data),
        success=lambda item: _("Case %(ref)s is on the agenda.") % {"ref": item.case.reference},
        done=_detail_url(conf, "#agenda"), rerender=lambda form: _detail_response(request, conf, 422, item_form=form),
    )


@require_POST
def item_remove(request: HttpRequest, item_pk: int) -> HttpResponse:
    item = _item(request, item_pk, "cases.change_conference")
    _run(request, conf_svc.item_remove, _("Case %(ref)s was taken off the agenda.") % {"ref": item.case.reference},
         item=item)
    return redirect(_detail_url(item.conference, "#agenda"))


def _run(request: HttpRequest, service, success: str, **kwargs) -> bool:
    """A button without a form: run the service, say what happened or why it was refused."""
    try:
        service(user=request.user, **kwargs)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    messages.success(request, success)
    return True


# --- One case on the agenda: the guided record --------------------------------------------------


def _item_response(request: HttpRequest, item: ConferenceItem, status: int = 200, editing: HelpProposal | None = None,
                   **forms) -> HttpResponse:
    # The guided record is the case's: each page shown – the proposal forms and refused POSTs included –
    # is one read event of the case.
    audit_log(action=Action.VIEW, name="cases.case.viewed", request=request, obj=item.case,
              data={"part": "conference", "item": item.pk, **({"proposal": editing.pk} if editing else {}),
                    **({"status": status} if status != 200 else {})})
    conf = item.conference
    ideas = conf_svc.item_ideas(item)
    proposals = conf_svc.item_proposals(item)
    participants = conf_svc.conference_participants(conf)
    votes = conf_svc.item_votes(item)
    can_change = request.user.has_perm("cases.change_conference", conf) and item.status == ItemStatus.OPEN
    record = conf_svc.item_view(item, ideas=ideas, proposals=proposals, votes=votes)  # as decided once decided
    context = {
        "item": item, "conference": conf, "case": item.case, "ideas": ideas, "proposals": proposals,
        "participants": participants, "rounds": conf_svc.votes_by_round(votes), "record": record,
        "can_change": can_change,
        "can_start_round": item.status == ItemStatus.RETURNED and request.user.has_perm("cases.change_conference", conf),
        "min_proposals": conf_svc.MIN_PROPOSALS,
        "steps": [
            (1, _("Case presentation and information questions"), bool(record["presentation"])),
            (2, _("Change of perspective and ideas"), bool(record["perspectives"] or record["ideas"])),
            (3, _("Help proposals"), len(record["proposals"]) >= conf_svc.MIN_PROPOSALS),
            (4, _("Consensus"), item.status == ItemStatus.DECIDED),
        ],
        "editing": editing,
    }
    if can_change:
        context |= {
            "presentation_form": forms.get("presentation_form") or PresentationForm(instance=item, team=conf.team),
            "perspectives_form": forms.get("perspectives_form") or PerspectivesForm(instance=item),
            "idea_form": forms.get("idea_form") or IdeaForm(resources=conf_svc.case_resources(item)),
            "proposal_form": forms.get("proposal_form") or ProposalForm(instance=editing),
            "vote_form": forms.get("vote_form") or VoteForm(participants=participants),
        }
    return render(request, "cases/conference/item.html", context, status=status)


def item_detail(request: HttpRequest, item_pk: int) -> HttpResponse:
    return _item_response(request, _item(request, item_pk))


def _item_url(item: ConferenceItem, step: int) -> str:
    return reverse("cases:conference_item", args=[item.pk]) + f"#step-{step}"


def _form_step(request: HttpRequest, item: ConferenceItem, form, form_name: str, save, step: int,
               success: str, **extra) -> HttpResponse:
    return _submit(request, form, save, success=success, done=_item_url(item, step),
                   rerender=lambda form: _item_response(request, item, 422, **extra, **{form_name: form}))


@require_POST
def item_presentation(request: HttpRequest, item_pk: int) -> HttpResponse:
    item = _item(request, item_pk, "cases.change_conference")
    form = PresentationForm(request.POST, instance=copy(item), team=item.conference.team)
    return _form_step(request, item, form, "presentation_form",
                      lambda data: conf_svc.item_record(item=item, user=request.user, **data), 2, _("Saved."))


@require_POST
def item_perspectives(request: HttpRequest, item_pk: int) -> HttpResponse:
    item = _item(request, item_pk, "cases.change_conference")
    form = PerspectivesForm(request.POST, instance=copy(item))
    return _form_step(request, item, form, "perspectives_form",
                      lambda data: conf_svc.item_record(item=item, user=request.user, **data), 2, _("Saved."))


@require_POST
def idea_add(request: HttpRequest, item_pk: int) -> HttpResponse:
    item = _item(request, item_pk, "cases.change_conference")
    form = IdeaForm(request.POST, resources=conf_svc.case_resources(item))
    return _form_step(request, item, form, "idea_form",
                      lambda data: conf_svc.idea_add(item=item, user=request.user, **data), 2, _("The idea was added."))


def _remove_part(request: HttpRequest, model, pk: int, service, success: str, step: int) -> HttpResponse:
    """Remove an idea or a proposal of an open item (refused with a message once decided or vetoed)."""
    part = get_visible_or_404(request.user, model.objects.select_related("item"), pk=pk)
    item = _item(request, part.item_id, "cases.change_conference")
    _run(request, lambda user: service(part, user=user), success)
    return redirect(_item_url(item, step))


@require_POST
def idea_remove(request: HttpRequest, idea_pk: int) -> HttpResponse:
    return _remove_part(request, ConferenceIdea, idea_pk, lambda idea, user: conf_svc.idea_remove(idea=idea, user=user),
                        _("The idea was removed."), 2)


def proposal_save(request: HttpRequest, item_pk: int, proposal_pk: int | None = None) -> HttpResponse:
    """POST adds (or, with proposal_pk, changes) a proposal; GET with proposal_pk shows it for editing."""
    item = _item(request, item_pk, "cases.change_conference")
    proposal = get_visible_or_404(request.user, HelpProposal, pk=proposal_pk, item=item) if proposal_pk else None
    if request.method != "POST":
        return _item_response(request, item, editing=proposal)
    return _form_step(request, item, ProposalForm(request.POST, instance=proposal), "proposal_form",
                      lambda data: conf_svc.proposal_save(item=item, user=request.user, proposal=proposal, **data), 3,
                      _("The proposal was saved."), editing=proposal)


@require_POST
def proposal_remove(request: HttpRequest, proposal_pk: int) -> HttpResponse:
    return _remove_part(request, HelpProposal, proposal_pk,
                        lambda proposal, user: conf_svc.proposal_remove(proposal=proposal, user=user),
                        _("The proposal was removed."), 3)


@require_POST
def item_vote(request: HttpRequest, item_pk: int) -> HttpResponse:
    item = _item(request, item_pk, "cases.change_conference")
    form = VoteForm(request.POST, participants=conf_svc.conference_participants(item.conference))
    if form.is_valid():
        try:
            item = conf_svc.votes_record(item=item, user=request.user, votes=form.vote_inputs(),
                                         decision_note=form.cleaned_data["decision_note"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if item.status == ItemStatus.DECIDED:
                messages.success(request, _("All participants agree: the case is decided by consensus."))
            else:
                messages.warning(request, _("Veto: there is no decision. The case goes back for another round."))
            return redirect(_item_url(item, 4))
    _not_saved(request)
    return _item_response(request, item, 422, vote_form=form)


@require_POST
def item_new_round(request: HttpRequest, item_pk: int) -> HttpResponse:
    item = _item(request, item_pk, "cases.change_conference")
    _run(request, conf_svc.item_new_round, _("Another round has started; the proposals may be changed."), item=item)
    return redirect(_item_url(item, 1))


# --- Documents ----------------------------------------------------------------------------------


def _pdf(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    conf = _conference(request, pk)
    context = {"conference": conf}
    if kind == "agenda":
        context |= {"doc_title": _("Agenda of the case conference"), "items": conf_svc.conference_items(conf),
                    "head": conf_svc.agenda_head(conf)}
    else:
        # Decided cases as decided, the head as at the latest decision (cases.conference.minutes_view).
        context |= {"doc_title": _("Minutes of the case conference"), **conf_svc.minutes_view(conf)}
    name = "tagesordnung" if kind == "agenda" else "protokoll"
    return pdf_response(request, template=f"documents/conference_{kind}.html", context=context,
                        filename=f"fallbesprechung-{name}-{timezone.localtime(conf.starts_at):%Y-%m-%d}.pdf",
                        audit_name=f"cases.conference.{kind}_printed", obj=conf)


def agenda_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf(request, pk, "agenda")


def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf(request, pk, "minutes")


P = "fallbesprechungen/"
urlpatterns: list = [
    path(P, conference_list, name="conference_list"),
    path(f"{P}neu/", conference_create, name="conference_create"),
    path(f"{P}<int:pk>/", conference_detail, name="conference_detail"),
    path(f"{P}<int:pk>/bearbeiten/", conference_edit, name="conference_edit"),
    path(f"{P}<int:pk>/teilnehmende/", participant_add, name="conference_participant_add"),
    path(f"{P}teilnehmende/<int:participant_pk>/entfernen/", participant_remove, name="conference_participant_remove"),
    path(f"{P}<int:pk>/punkte/", item_add, name="conference_item_add"),
    path(f"{P}<int:pk>/tagesordnung.pdf", agenda_pdf, name="conference_agenda_pdf"),
    path(f"{P}<int:pk>/protokoll.pdf", minutes_pdf, name="conference_minutes_pdf"),
    path(f"{P}punkte/<int:item_pk>/", item_detail, name="conference_item"),
    path(f"{P}punkte/<int:item_pk>/entfernen/", item_remove, name="conference_item_remove"),
    path(f"{P}punkte/<int:item_pk>/vorstellung/", item_presentation, name="conference_item_presentation"),
    path(f"{P}punkte/<int:item_pk>/perspektiven/", item_perspectives, name="conference_item_perspectives"),
    path(f"{P}punkte/<int:item_pk>/ideen/", idea_add, name="conference_idea_add"),
    path(f"{P}ideen/<int:idea_pk>/entfernen/", idea_remove, name="conference_idea_remove"),
    path(f"{P}punkte/<int:item_pk>/vorschlaege/", proposal_save, name="conference_proposal_add"),
    path(f"{P}punkte/<int:item_pk>/vorschlaege/<int:proposal_pk>/", proposal_save, name="conference_proposal_edit"),
    path(f"{P}vorschlaege/<int:proposal_pk>/entfernen/", proposal_remove, name="conference_proposal_remove"),
    path(f"{P}punkte/<int:item_pk>/abstimmung/", item_vote, name="conference_item_vote"),
    path(f"{P}punkte/<int:item_pk>/neue-runde/", item_new_round, name="conference_item_new_round"),
]
