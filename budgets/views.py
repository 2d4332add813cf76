"""Pages of the budgets app: thin views over budgets.selectors and budgets.services."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budgets import imports, metrics, selectors, services
from budgets import settlement as arithmetic
from budgets.filters import BudgetFilter, CostEntryFilter, ExceptionFilter
from budgets.forms import (
    AllocationForm,
    BudgetCreateForm,
    BudgetUpdateForm,
    CostEntryForm,
    ImportForm,
    ImportUploadForm,
    InstalmentPaidForm,
    PotTransferForm,
    ReverseForm,
)
from budgets.models import Area, CostCategory, ImportUpload, Instalment, PotTransfer, Settlement
from juwe.access import get_visible_or_404, require_perm, visible
from juwe.audit import Action, audit_log
from juwe.lib.export import export_response
from juwe.lib.pdf import pdf_response
from juwe.models import District
from microprojects import selectors as microproject_selectors

PAGE_SIZE = 50
IMPORT_WEB_LIMIT = 5 * 1024 * 1024  # bigger files: manage.py import_cost_entries


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _act(request: HttpRequest, action, success: str) -> None:
    """Run a service for a POST button; its German refusal becomes an error message."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)


def budget_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "budgets.view_budgets")
    qs = selectors.budgets_for(request.user).order_by("-year", "district__name", "area")
    filterset = BudgetFilter(request.GET, queryset=qs, user=request.user)
    totals = metrics.budget_totals(filterset.qs)
    paginator = Paginator(selectors.with_settlement_status(request.user, filterset.qs), PAGE_SIZE)
    paginator.count = totals["count"]  # counted with the totals: no second COUNT query
    page = paginator.get_page(request.GET.get("page"))
    page_positions = selectors.positions(list(page.object_list))
    rows = [(b, page_positions[b.pk], Settlement.Status(b.settlement_status) if b.settlement_status else None)
            for b in page.object_list]
    if paginator.num_pages == 1:
        # The whole list is on the page: its projection is known, so committed and forecast add up too.
        totals["committed"] = sum((p.committed for p in page_positions.values()), Decimal("0.00"))
        totals["projected"] = sum((p.projected for p in page_positions.values()), Decimal("0.00"))
    return render(request, "budgets/budget_list.html",
                  {"filter": filterset, "page": page, "rows": rows, "totals": totals})


def budget_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "budgets.set_budget")
    districts = visible(request.user, District)
    form = BudgetCreateForm(request.POST or None, districts=districts, initial=request.GET.dict() or None)
    suggestion = None
    if form["district"].value() and form["area"].value() and form["year"].value():
        district = districts.filter(pk=form["district"].value()).first()
        if district and str(form["year"].value()).isdigit():
            suggestion = selectors.suggestion_for(request.user, district=district, area=form["area"].value(),
                                                  year=int(form["year"].value()))
    if request.method == "POST" and form.is_valid():
        try:
            budget = services.budget_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The budget has been set and its instalments planned."))
            return redirect("budgets:budget_detail", pk=budget.pk)
    return render(request, "budgets/budget_form.html", {"form": form, "suggestion": suggestion})


def budget_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "budgets.view_budgets")
    budget = get_visible_or_404(request.user, selectors.budgets_for(request.user), pk=pk)
    position = selectors.budget_position(request.user, budget)
    context = {"budget": budget, "position": position,
               "settlement": selectors.settlements_for(request.user).filter(budget=budget).first()}
    if request.user.has_perm("budgets.view_instalments"):
        context["instalments"] = visible(request.user, Instalment).filter(budget=budget).order_by("month")
    if request.user.has_perm("budgets.set_budget"):
        context["suggestion"] = selectors.suggestion_for(request.user, district=budget.district, area=budget.area,
                                                         year=budget.year + 1, known=position)
    if request.user.has_perm("budgets.view_cost_entries"):
        context["recent"] = recent = list(selectors.cost_entries_for(request.user).filter(budget=budget)[:10])
        context["exceptions"] = selectors.exception_entries_for(request.user).filter(budget=budget).count()
        # The recent bookings name cases (file references): one read event per page shown.
        audit_log(action=Action.VIEW, name="budgets.budget.viewed", request=request, obj=budget,
                  data={"cases": sorted({e.case_id for e in recent if e.case_id})})
    if budget.area == Area.YOUTH_HELP:
        # Micro-projects are paid out of the district's prevention frame, shown apart: not this budget's money.
        context["prevention"] = microproject_selectors.prevention_frame(request.user, budget.district_id, budget.year)
    return render(request, "budgets/budget_detail.html", context)


def budget_update(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "budgets.set_budget")
    budget = get_visible_or_404(request.user, selectors.budgets_for(request.user), pk=pk)
    form = BudgetUpdateForm(request.POST or None, instance=budget)
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_update(user=request.user, budget=budget, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The budget has been changed; open instalments were re-planned."))
            return redirect("budgets:budget_detail", pk=budget.pk)
    return render(request, "budgets/budget_update.html", {"form": form, "budget": budget})


@require_POST
def instalment_pay(request: HttpRequest, pk: int, month: int) -> HttpResponse:
    require_perm(request.user, "budgets.pay_instalments")
    instalment = get_visible_or_404(request.user, Instalment, budget_id=pk, month=month)
    form = InstalmentPaidForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Please enter the payment date."))
        services.instalment_mark_paid(user=request.user, instalment=instalment, paid_on=form.cleaned_data["paid_on"])
        messages.success(request, _("Instalment %(month)s marked as paid.") % {"month": month})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("budgets:budget_detail", pk=pk)


def cost_entry_create(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "budgets.book_costs")
    budget = get_visible_or_404(request.user, selectors.budgets_for(request.user), pk=pk)
    form = CostEntryForm(request.POST or None,
                         initial={"booking_date": timezone.localdate(), "provider": budget.provider},
                         allow_exception=request.user.has_perm("budgets.book_without_legal_basis"))
    if request.method == "POST" and form.is_valid():
        try:
            case = _case_by_reference(request.user, form.cleaned_data.pop("case_reference"))
            services.cost_entry_create(user=request.user, budget=budget, case=case, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The cost has been booked."))
            return redirect("budgets:budget_detail", pk=budget.pk)
    return render(request, "budgets/cost_entry_form.html", {"form": form, "budget": budget})


def _case_by_reference(user, reference: str):
    if not (reference or "").strip():
        return None
    # Scoped: a case outside the user's scope gets the same answer as one that does not exist.
    case = selectors.case_by_reference(user, reference)
    if case is None:
        raise ValidationError({"case_reference": [_("There is no case with this reference.")]})
    return case


def cost_entry_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "budgets.view_cost_entries")
    qs = selectors.cost_entries_for(request.user)
    filterset = CostEntryFilter(request.GET, queryset=qs, user=request.user)
    if request.GET.get("export"):
        require_perm(request.user, "budgets.export_cost_entries")
        return export_response(
            request, fmt=request.GET["export"], header=EXPORT_HEADER, rows=_export_rows(filterset.qs),
            filename="ist-kosten", audit_name="budgets.cost_entry.exported",
        )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    total = filterset.qs.aggregate(s=Sum("amount"))["s"]
    # The list names cases (file references): one read event per page shown.
    audit_log(action=Action.VIEW, name="budgets.cost_entry_list.viewed", request=request,
              data={"page": page.number, "filters": {k: v for k, v in request.GET.items() if k != "page"},
                    "cases": sorted({e.case_id for e in page.object_list if e.case_id})})
    return render(request, "budgets/cost_entry_list.html", {"filter": filterset, "page": page, "total": total})


EXPORT_HEADER = ["Buchungsdatum", "Belegnummer", "Träger", "Stadtteil", "Bereich", "Jahr", "Kostenart", "Betrag",
                 "Aktenzeichen", "Mikroprojekt", "Buchungstext", "Storno von"]


def _export_rows(qs):
    labels, areas = dict(CostCategory.choices), dict(Area.choices)
    for e in qs.iterator(chunk_size=2000):
        yield [e.booking_date, e.invoice_number, e.provider.name, e.budget.district.code, str(areas[e.budget.area]),
               e.budget.year, str(labels[e.category]), e.amount, e.case.reference if e.case else "",
               e.microproject.title if e.microproject else "", e.note, e.reverses.invoice_number if e.reverses else ""]


def cost_entry_exceptions(request: HttpRequest) -> HttpResponse:
    """Bookings on a case without a legal basis (§ 36a SGB VIII): exceptions and legacy entries."""
    require_perm(request.user, "budgets.view_cost_entries")
    filterset = ExceptionFilter(request.GET, queryset=selectors.exception_entries_for(request.user), user=request.user)
    if request.GET.get("export"):
        require_perm(request.user, "budgets.export_cost_entries")
        return export_response(
            request, fmt=request.GET["export"], header=EXCEPTION_EXPORT_HEADER, rows=_exception_rows(filterset.qs),
            filename="ausnahmen-ohne-kontrakt", audit_name="budgets.cost_entry_exceptions.exported",
        )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    total = filterset.qs.aggregate(s=Sum("amount"))["s"]
    # The list names cases (file references): one read event per page shown.
    audit_log(action=Action.VIEW, name="budgets.cost_entry_exceptions.viewed", request=request,
              data={"page": page.number, "filters": {k: v for k, v in request.GET.items() if k != "page"}})
    return render(request, "budgets/cost_entry_exceptions.html", {"filter": filterset, "page": page, "total": total})


EXCEPTION_EXPORT_HEADER = ["Buchungsdatum", "Leistungsdatum", "Belegnummer", "Träger", "Stadtteil", "Bereich", "Jahr",
                           "Kostenart", "Betrag", "Aktenzeichen", "Ausnahmegrund", "Gebucht von", "Storno von"]


def _exception_rows(qs):
    labels, areas = dict(CostCategory.choices), dict(Area.choices)
    legacy = _("without legal basis (legacy)")
    for e in qs.iterator(chunk_size=2000):
        yield [e.booking_date, e.service_date, e.invoice_number, e.provider.name, e.budget.district.code,
               str(areas[e.budget.area]), e.budget.year, str(labels[e.category]), e.amount, e.case.reference,
               e.exception_reason or legacy, str(e.created_by) if e.created_by else "",
               e.reverses.invoice_number if e.reverses else ""]


def cost_entry_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "budgets.book_costs")
    entry = get_visible_or_404(request.user, selectors.cost_entries_for(request.user), pk=pk)
    form = ReverseForm(request.POST or None, initial={"booking_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            reversal = services.cost_entry_reverse(user=request.user, entry=entry, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The entry has been reversed."))
            return redirect("budgets:budget_detail", pk=reversal.budget_id)
    return render(request, "budgets/cost_entry_reverse.html", {"form": form, "entry": entry})


def cost_entry_import(request: HttpRequest) -> HttpResponse:
    """Step 1: upload and check (preview with every error); a correct file is stored server-side
    (budgets.models.ImportUpload). Step 2: save the checked file – or discard it – by its id."""
    require_perm(request.user, "budgets.book_costs")
    if request.method == "POST" and ("confirm" in request.POST or "discard" in request.POST):
        upload = _own_upload_or_404(request)
        if "discard" in request.POST:
            imports.upload_discard(user=request.user, upload=upload)
            messages.info(request, _("The checked file has been discarded; nothing was booked."))
            return redirect("budgets:cost_entry_import")
        return _import_confirm(request, upload)
    imports.uploads_purge()
    form, result, upload = ImportForm(), None, None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            file = form.cleaned_data["file"]
            if file.size > IMPORT_WEB_LIMIT:
                form.add_error("file", _("The file is too large for the web import; use the command import_cost_entries."))
            else:
                try:
                    text = imports.decode(file.read())
                except ValidationError as exc:
                    form.add_error("file", exc)
                else:
                    result = imports.parse(text, user=request.user)
                    if result.ok:
                        upload = imports.upload_store(user=request.user, filename=file.name, text=text, result=result)
    return _import_page(request, form, result, upload)


def _import_page(request: HttpRequest, form, result, upload) -> HttpResponse:
    return render(request, "budgets/cost_entry_import.html",
                  {"form": form, "result": result, "upload": upload, "preview": result.rows[:50] if result else [],
                   "columns": imports.COLUMNS, "category_names": imports.CATEGORY_NAMES})


def _own_upload_or_404(request: HttpRequest):
    form = ImportUploadForm(request.POST)
    if not form.is_valid():
        raise Http404
    return get_visible_or_404(request.user, ImportUpload, pk=form.cleaned_data["upload"])


def _import_confirm(request: HttpRequest, upload) -> HttpResponse:
    try:
        result = imports.upload_confirm(user=request.user, upload=upload)
    except ValidationError as exc:
        if exc.code == "already_imported":  # a double click or a second tab: booked once, say so
            messages.info(request, " ".join(exc.messages))
            return redirect("budgets:cost_entry_list")
        messages.error(request, " ".join(exc.messages))
        return redirect("budgets:cost_entry_import")
    if not result.ok:  # the data changed since the check (e.g. an invoice booked meanwhile)
        return _import_page(request, ImportForm(), result, None)
    messages.success(request, _("%(n)s bookings imported.") % {"n": len(result.rows)})
    return redirect("budgets:cost_entry_list")


def settlement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "budgets.view_settlement")
    budget = get_visible_or_404(request.user, selectors.budgets_for(request.user), pk=pk)
    settlement = selectors.settlements_for(request.user).filter(budget=budget).first()
    preview, stale = None, False
    if settlement is None or not settlement.is_final:
        costs, figures = services.settlement_figures(budget)
        preview = {"figures": figures, "rows": [(label, costs[value]) for value, label in CostCategory.choices]}
        stale = settlement is not None and services.settlement_is_stale(settlement, costs, figures, budget.provider_rate)
    today = timezone.localdate()
    prepare_from = services.settlement_can_be_prepared_from(budget)
    # As finalized once final (budgets.settlement.statement_view), live while prepared.
    statement = arithmetic.statement_view(settlement, budget) if settlement else None
    return render(request, "budgets/settlement_detail.html",
                  {"budget": budget, "settlement": settlement, "preview": preview, "stale": stale,
                   "statement": statement, "today": today, "prepare_from": prepare_from,
                   "can_prepare_now": today >= prepare_from})


@require_POST
def settlement_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "budgets.prepare_settlement")
    budget = get_visible_or_404(request.user, selectors.budgets_for(request.user), pk=pk)
    _act(request, lambda: services.settlement_prepare(user=request.user, budget=budget),
         _("The settlement has been prepared; leadership can finalize it."))
    return redirect("budgets:settlement_detail", pk=pk)


@require_POST
def settlement_finalize(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "budgets.finalize_settlement")
    settlement = get_visible_or_404(request.user, selectors.settlements_for(request.user), budget_id=pk)
    _act(request, lambda: services.settlement_finalize(user=request.user, settlement=settlement),
         _("The settlement is final."))
    return redirect("budgets:settlement_detail", pk=pk)


def settlement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "budgets.view_settlement")
    settlement = get_visible_or_404(request.user, selectors.settlements_for(request.user), budget_id=pk)
    budget = settlement.budget
    context = {"settlement": settlement, "budget": budget}
    if not settlement.is_final:
        context["draft"] = True
    # A final statement shows what was frozen with it, its chart included; a prepared one is live.
    frozen = settlement.is_final and settlement.snapshot
    position = None if frozen else selectors.budget_position(request.user, budget)
    context["statement"] = arithmetic.statement_view(settlement, budget, position)
    return pdf_response(request, template="budgets/settlement_pdf.html", context=context,
                        filename=f"abrechnung-{budget.district.code}-{budget.year}-{budget.area}.pdf",
                        audit_name="budgets.settlement.printed", obj=settlement)


def pot(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "budgets.view_pot")
    year = _year(request.GET.get("year"), default=timezone.localdate().year - 1)
    final = selectors.settlements_for(request.user).filter(budget__year=year, status=Settlement.Status.FINAL)
    deficits = final.filter(county_share__lt=0).order_by("county_share")
    form = None
    if request.method == "POST":
        require_perm(request.user, "budgets.request_transfer")
    if request.user.has_perm("budgets.request_transfer"):
        form = PotTransferForm(request.POST or None, settlements=deficits)
        if request.method == "POST" and form.is_valid():
            try:
                services.pot_transfer_request(user=request.user, year=year, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("The transfer has been requested; leadership decides on it."))
                return redirect(f"{request.path}?year={year}")
    context = {
        "year": year, "balance": services.pot_balance(year), "form": form, "deficits": deficits,
        "inflows": final.filter(county_share__gt=0).order_by("budget__district__name"),
        "transfers": selectors.pot_transfers_for(request.user).filter(year=year),
    }
    return render(request, "budgets/pot.html", context)


@require_POST
def pot_transfer_decide(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "budgets.approve_transfer")
    transfer = get_visible_or_404(request.user, PotTransfer, pk=pk)
    approve = request.POST.get("decision") == "approve"
    _act(request, lambda: services.pot_transfer_decide(user=request.user, transfer=transfer, approve=approve),
         _("The decision has been recorded."))
    return redirect(f"{reverse('budgets:pot')}?year={transfer.year}")


def allocation(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "budgets.allocate_onto_cases")
    budget = get_visible_or_404(request.user, selectors.budgets_for(request.user), pk=pk)
    form = AllocationForm(request.GET or None)
    method = form.cleaned_data["method"] if form.is_valid() else "shares"
    rows = selectors.allocation_onto_cases(request.user, budget, method)
    audit_log(action=Action.VIEW, name="budgets.allocation.viewed", request=request, obj=budget, data={"method": method})
    return render(request, "budgets/allocation.html", {"budget": budget, "form": form, "rows": rows, "method": method})


def _year(value, default: int) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if 2000 <= year <= 2100 else default


