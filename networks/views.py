"""Thin views: parse, call a selector or service, render.

Change views check the role first (403), then fetch the object within the scope (404), then the
object permission (403: e.g. an offer of another coordinator's district).
"""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from juwe.access import get_visible_or_404, require_perm
from juwe.lib.export import export_response
from juwe.lib.http import next_path
from juwe.lib.paging import CappedPaginator
from juwe.lib.pdf import pdf_response
from networks import selectors, services
from networks.filters import CoverageFilter, NetworkFilter, OfferSearchFilter, OrganisationFilter
from networks.forms import (
    AdoptRulesForm,
    AttendanceForm,
    ContactForm,
    DecisionForm,
    EndMembershipForm,
    MeetingForm,
    MembershipForm,
    NetworkForm,
    OfferForm,
    OrganisationForm,
    add_service_errors,
)
from networks.models import Attendance, ContactPerson, Membership

PAGE_SIZE = 25


def _page(request, qs, size=PAGE_SIZE):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _form_flow(request, form, *, save, done, success: str, title: str, back: str, version=None) -> HttpResponse:
    """GET shows the form; a valid POST runs the service (`save(**cleaned_data)`) and redirects to
    `done(obj)`; a ValidationError of the service shows the form again with its messages."""
    if request.method == "POST" and form.is_valid():
        obj = _save(form, save, **form.cleaned_data)
        if obj is not None:
            messages.success(request, success)
            return redirect(done(obj))
    return render(request, "networks/form.html", {"form": form, "title": title, "back": back, "version": version})


def _save(form, service, **kwargs):
    """Run a service with the form's data; on a ValidationError show it on the form and return None."""
    try:
        return service(**kwargs)
    except ValidationError as error:
        add_service_errors(form, error)
        return None


# --- Offer directory ---------------------------------------------------------------------------------


def offer_search(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "networks.view_directory")
    filterset = OfferSearchFilter(request.GET or None, queryset=None, user=request.user)
    qs = filterset.qs if filterset.is_bound else selectors.offers_search(request.user)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        header, rows = selectors.offer_export_rows(qs)
        return export_response(request, fmt=fmt, header=header, rows=rows, filename="angebote",
                               audit_name="networks.offers.exported")
    page = CappedPaginator(qs, PAGE_SIZE, cap=selectors.RANK_CANDIDATES).get_page(request.GET.get("page"))
    return render(request, "networks/offer_search.html", {"filter": filterset, "page": page})


def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "networks.view_directory")
    offer = selectors.offer_for_detail(request.user, pk)
    return render(request, "networks/offer_detail.html", {"offer": offer, "decision_form": DecisionForm()})


def offer_create(request: HttpRequest) -> HttpResponse:
    """Coordinators enter offers of their districts; case managers and team leads suggest one."""
    suggest = not request.user.has_perm("networks.add_offer")
    if suggest:
        require_perm(request.user, "networks.suggest_offer")
    return _form_flow(
        request, OfferForm(request.POST or None, user=request.user, suggest=suggest),
        save=partial(services.offer_suggest if suggest else services.offer_create, user=request.user),
        done=lambda offer: reverse("networks:offer_detail", args=[offer.pk]),
        success=_("The offer was suggested; a coordinator will confirm it.") if suggest else _("The offer was saved."),
        title=_("Suggest an offer") if suggest else _("New offer"), back=reverse("networks:offer_search"),
    )


def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "networks.add_offer")
    offer = selectors.offer_for_detail(request.user, pk)
    require_perm(request.user, "networks.change_offer", offer)
    return _form_flow(
        request, OfferForm(request.POST or None, instance=offer, user=request.user),
        save=partial(services.offer_update, user=request.user, offer=offer, version=_int(request.POST.get("version"))),
        done=lambda o: reverse("networks:offer_detail", args=[pk]), success=_("The offer was saved."),
        title=_("Edit offer"), back=reverse("networks:offer_detail", args=[pk]), version=offer.version,
    )


def _offer_for(request, pk, perm):
    """The offer if the user may act on it: the role first (403), the scope (404), the object (403)."""
    require_perm(request.user, "networks.add_offer")
    offer = selectors.offer_for_detail(request.user, pk)
    require_perm(request.user, perm, offer)
    return offer


def _offer_action(request, offer, service, done: str, **kwargs) -> HttpResponse:
    try:
        service(user=request.user, offer=offer, **kwargs)
        messages.success(request, done)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(next_path(request, reverse("networks:offer_detail", args=[offer.pk])))


@require_POST
def offer_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _offer_for(request, pk, "networks.confirm_offer")
    return _offer_action(request, offer, services.offer_confirm, _("The offer was confirmed."))


@require_POST
def offer_decide(request: HttpRequest, pk: int) -> HttpResponse:
    # The right before the form: a user who may not decide is refused, whatever the request carries.
    offer = _offer_for(request, pk, "networks.decide_suggestion")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return redirect("networks:offer_detail", pk)
    accept = form.cleaned_data["accept"]
    done = _("The suggestion was accepted and published.") if accept else _("The suggestion was rejected.")
    return _offer_action(request, offer, services.offer_decide_suggestion, done, accept=accept)


@require_POST
def offer_archive(request: HttpRequest, pk: int) -> HttpResponse:
    offer = _offer_for(request, pk, "networks.change_offer")
    return _offer_action(request, offer, services.offer_archive, _("The offer was archived."))


def offer_maintenance(request: HttpRequest) -> HttpResponse:
    """The coordinator's list of stale offers and suggestions to decide."""
    require_perm(request.user, "networks.view_worklist")
    return render(request, "networks/offer_maintenance.html", {
        "stale": _page(request, selectors.offers_stale(request.user), 50),
        "suggested": selectors.offers_suggested(request.user),
        "decision_form": DecisionForm(),
    })


# --- Coverage ---------------------------------------------------------------------------------------


def coverage(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "networks.view_coverage")
    filterset = CoverageFilter(request.GET or None)
    centre = filterset.form.cleaned_data.get("social_center") if filterset.is_bound and filterset.is_valid() else None
    cohorts, rows = selectors.coverage_matrix(request.user, social_center=centre)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        header, data = selectors.coverage_export_rows(cohorts, rows)
        return export_response(request, fmt=fmt, header=header, rows=data, filename="netzwerk-abdeckung",
                               audit_name="networks.coverage.exported")
    return render(request, "networks/coverage.html", {"filter": filterset, "cohorts": cohorts, "rows": rows})


# --- Networks ---------------------------------------------------------------------------------------


def network_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "networks.view_networks")
    filterset = NetworkFilter(request.GET, queryset=selectors.networks_list(request.user))
    return render(request, "networks/network_list.html", {"filter": filterset, "page": _page(request, filterset.qs)})


def network_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "networks.view_networks")
    network = selectors.network_for_detail(request.user, pk)
    can_change = request.user.has_perm("networks.change_network", network)
    return render(request, "networks/network_detail.html", {
        "network": network,
        "memberships": selectors.network_memberships(request.user, network),
        "meetings": selectors.network_meetings(request.user, network),
        "can_change": can_change,
        "membership_form": MembershipForm() if can_change else None,
        "rules_form": AdoptRulesForm() if can_change else None,
    })


def network_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "networks.add_network")
    return _form_flow(
        request, NetworkForm(request.POST or None, user=request.user),
        save=partial(services.network_create, user=request.user),
        done=lambda network: reverse("networks:network_detail", args=[network.pk]),
        success=_("The network was created."), title=_("New network"), back=reverse("networks:network_list"),
    )


def network_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "networks.add_network")
    network = selectors.network_for_detail(request.user, pk)
    require_perm(request.user, "networks.change_network", network)
    return _form_flow(
        request, NetworkForm(request.POST or None, instance=network, user=request.user),
        save=partial(services.network_update, user=request.user, network=network,
                     version=_int(request.POST.get("version"))),
        done=lambda n: reverse("networks:network_detail", args=[pk]), success=_("The network was saved."),
        title=_("Edit network"), back=reverse("networks:network_detail", args=[pk]), version=network.version,
    )


@require_POST
def network_adopt_rules(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "networks.add_network")
    network = selectors.network_for_detail(request.user, pk)
    require_perm(request.user, "networks.change_network", network)
    form = AdoptRulesForm(request.POST)
    if form.is_valid():
        services.network_adopt_model_rules(user=request.user, network=network, **form.cleaned_data)
        messages.success(request, _("The model rules of procedure were adopted."))
    return redirect("networks:network_detail", pk)


def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "networks.add_network")
    network = selectors.network_for_detail(request.user, pk)
    require_perm(request.user, "networks.change_network", network)
    back = reverse("networks:network_detail", args=[pk])
    return _form_flow(
        request, MembershipForm(request.POST or None),
        save=partial(services.membership_add, user=request.user, network=network), done=lambda m: back,
        success=_("The member was added."), title=_("Add member to %(network)s") % {"network": network}, back=back,
    )


def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "networks.add_network")
    membership = get_visible_or_404(request.user, Membership.objects.select_related("network", "organisation"), pk=pk)
    require_perm(request.user, "networks.change_network", membership.network)
    back = reverse("networks:network_detail", args=[membership.network_id])
    return _form_flow(
        request, EndMembershipForm(request.POST or None),
        save=partial(services.membership_end, user=request.user, membership=membership), done=lambda m: back,
        success=_("The membership was ended."),
        title=_("End membership of %(org)s") % {"org": membership.organisation}, back=back,
    )


# --- Meetings ---------------------------------------------------------------------------------------


def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "networks.add_network")
    network = selectors.network_for_detail(request.user, pk)
    require_perm(request.user, "networks.change_network", network)
    return _form_flow(
        request, MeetingForm(request.POST or None),
        save=partial(services.meeting_create, user=request.user, network=network),
        done=lambda meeting: reverse("networks:meeting_detail", args=[meeting.pk]),
        success=_("The meeting was saved."), title=_("New meeting of %(network)s") % {"network": network},
        back=reverse("networks:network_detail", args=[pk]),
    )


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "networks.view_networks")
    meeting = selectors.meeting_for_detail(request.user, pk)
    can_change = request.user.has_perm("networks.change_network", meeting.network)
    form = AttendanceForm(request.POST or None) if can_change else None
    if request.method == "POST" and can_change and form.is_valid():
        attendance = _save(form, services.attendance_add, user=request.user, meeting=meeting, **form.cleaned_data)
        if attendance:
            if attendance.guest:
                messages.warning(request, _("%(org)s is not a member of the network: recorded as guest.")
                                 % {"org": attendance.organisation})
            return redirect("networks:meeting_detail", pk)
    return render(request, "networks/meeting_detail.html", {
        "meeting": meeting, "attendances": selectors.meeting_attendances(request.user, meeting),
        "can_change": can_change, "form": form,
    })


def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "networks.add_network")
    meeting = selectors.meeting_for_detail(request.user, pk)
    require_perm(request.user, "networks.change_network", meeting.network)
    back = reverse("networks:meeting_detail", args=[pk])
    return _form_flow(
        request, MeetingForm(request.POST or None, instance=meeting),
        save=partial(services.meeting_update, user=request.user, meeting=meeting), done=lambda m: back,
        success=_("The meeting was saved."), title=_("Edit meeting"), back=back,
    )


@require_POST
def attendance_remove(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "networks.add_network")
    attendance = get_visible_or_404(request.user, Attendance.objects.select_related("meeting__network"), pk=pk)
    require_perm(request.user, "networks.change_network", attendance.meeting.network)
    services.attendance_remove(user=request.user, attendance=attendance)
    return redirect("networks:meeting_detail", attendance.meeting_id)


def _meeting_pdf(request, pk: int, kind: str) -> HttpResponse:
    require_perm(request.user, "networks.print_meeting")
    meeting = selectors.meeting_for_detail(request.user, pk)
    context = {
        "meeting": meeting,
        "network": meeting.network,
        "invitees": selectors.meeting_invitees(meeting),
        "attendances": selectors.meeting_attendances(request.user, meeting),
    }
    name = "einladung" if kind == "invitation" else "protokoll"
    return pdf_response(request, template=f"networks/pdf_{kind}.html", context=context,
                        filename=f"{name}-{meeting.date:%Y-%m-%d}.pdf", audit_name=f"networks.meeting.{kind}_printed",
                        obj=meeting)


def meeting_invitation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_pdf(request, pk, "invitation")


def meeting_minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_pdf(request, pk, "minutes")


# --- Member organisations ----------------------------------------------------------------------------


def organisation_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "networks.view_networks")
    filterset = OrganisationFilter(request.GET, queryset=selectors.organisations_list(request.user))
    return render(request, "networks/organisation_list.html", {"filter": filterset, "page": _page(request, filterset.qs)})


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "networks.view_networks")
    org = selectors.organisation_for_detail(request.user, pk)
    can_change = request.user.has_perm("networks.change_organisation", org)
    form = ContactForm(request.POST or None) if can_change else None
    if request.method == "POST" and can_change and form.is_valid():
        if _save(form, services.contact_add, user=request.user, organisation=org, **form.cleaned_data):
            return redirect("networks:organisation_detail", pk)
    return render(request, "networks/organisation_detail.html", {
        "org": org, "can_change": can_change, "form": form,
        "memberships": selectors.organisation_memberships(request.user, org),
        "offers": selectors.offers_search(request.user).filter(organisation=org),
    })


def organisation_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "networks.add_organisation")
    return _form_flow(
        request, OrganisationForm(request.POST or None, user=request.user),
        save=partial(services.organisation_create, user=request.user),
        done=lambda org: reverse("networks:organisation_detail", args=[org.pk]),
        success=_("The organisation was saved."), title=_("New member organisation"),
        back=reverse("networks:organisation_list"),
    )


def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "networks.add_organisation")
    org = selectors.organisation_for_detail(request.user, pk)
    require_perm(request.user, "networks.change_organisation", org)
    back = reverse("networks:organisation_detail", args=[pk])
    return _form_flow(
        request, OrganisationForm(request.POST or None, instance=org, user=request.user),
        save=partial(services.organisation_update, user=request.user, organisation=org), done=lambda o: back,
        success=_("The organisation was saved."), title=_("Edit organisation"), back=back,
    )


@require_POST
def contact_remove(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "networks.add_organisation")
    contact = get_visible_or_404(request.user, ContactPerson.objects.select_related("organisation"), pk=pk)
    require_perm(request.user, "networks.change_organisation", contact.organisation)
    services.contact_remove(user=request.user, contact=contact)
    return redirect("networks:organisation_detail", contact.organisation_id)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None

