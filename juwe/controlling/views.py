"""/steuerung/: the dashboard, the committee report (PDF), table exports and the key-figure CSV.

Every view starts from the same two checks: the role has controlling at all (403 otherwise) and
the scope is within the user's reach (404, scope.resolve_scope). The figures carry no personal
data; the committee report and exports marked for publication are suppressed (< 5), and every
print and export is audited like the other exports of the application.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from juwe.audit import Action, audit_log
from juwe.controlling import dashboard as dash
from juwe.controlling.formatting import csv_number
from juwe.controlling.forms import DashboardForm
from juwe.controlling.period import Period
from juwe.controlling.scope import Level, resolve_scope, subjects_for
from juwe.lib.export import FORMATS, export_response, neutralize
from juwe.lib.pdf import pdf_response

ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _require_controlling(user) -> None:
    if not subjects_for(user):
        raise PermissionDenied


def _published(request: HttpRequest) -> bool:
    return request.GET.get("veroeffentlichung") == "1"


def _select(request: HttpRequest):
    """The form and, when it is valid, the scope (404 outside reach) and period it names."""
    _require_controlling(request.user)
    form = DashboardForm(request.GET, user=request.user)
    if not form.is_valid():
        return form, None, None
    data = form.cleaned_data
    return form, resolve_scope(request.user, data["level"], data["object_id"]), data["period"]


def _query(form: DashboardForm, scope, **extra) -> str:
    params = {"ebene": scope.level, **({"id": scope.object_id} if scope.object_id else {}), **form.period_query()}
    return urlencode({**params, **extra})


def _bad_request(form: DashboardForm) -> HttpResponse:
    lines = [_("The selection is not valid:")]
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        lines += [f"{label}: {e}" if label else str(e) for e in errors]
    return HttpResponse("\n".join(lines), status=400, content_type="text/plain; charset=utf-8")


def dashboard(request: HttpRequest) -> HttpResponse:
    form, scope, period = _select(request)
    if scope is None:
        return render(request, "controlling/dashboard.html", {"form": form}, status=400)
    board = dash.build(request.user, scope, period)
    form.data["bereich"] = form.scope_value(scope)  # the selector shows the scope actually opened
    return render(request, "controlling/dashboard.html", {
        "form": form, "board": board, "query": _query(form, scope),
        "published_query": _query(form, scope, veroeffentlichung=1),
    })


def report_pdf(request: HttpRequest) -> HttpResponse:
    """The committee report: always suppressed, whoever prints it (it leaves the office)."""
    form, scope, period = _select(request)
    if scope is None:
        return _bad_request(form)
    board = dash.build(request.user, scope, period, published=True)
    filename = f"steuerung-{slugify(scope.label)}-{slugify(period.label)}.pdf"
    return pdf_response(
        request, template="controlling/documents/report.html", context={"board": board},
        filename=filename, audit_name="controlling.report.printed", obj=scope.obj,
    )


def table_export(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    form, scope, period = _select(request)
    if scope is None:
        return _bad_request(form)
    published = _published(request)
    board = dash.build(request.user, scope, period, published=published)
    table = board.tables().get(key)
    if table is None:
        raise Http404
    return export_response(
        request, fmt=fmt, header=table_header(table), rows=table_rows(table),
        filename=f"steuerung-{key}-{slugify(scope.label)}-{slugify(period.label)}",
        audit_name="controlling.table.exported",
        data={"table": key, "scope": scope.label, "period": period.label, "published": published},
    )


def table_header(table) -> list[str]:
    return [table.title, *table.columns]


def table_rows(table) -> list[list]:
    """The table as the page shows it: the row label, then each cell's value (or "< 5")."""
    return [[label, *(cell.value for cell in cells)] for label, cells in table.rows]


def key_figures_csv(request: HttpRequest) -> HttpResponse:
    """`kennzahl;wert` for the comparison ring's spreadsheets: dot decimals, every headline figure."""
    _require_controlling(request.user)
    days = {}
    for name in ("von", "bis"):
        value = request.GET.get(name, "").strip()
        try:
            if not ISO_DAY.match(value):
                raise ValueError
            days[name] = date.fromisoformat(value)
        except ValueError:
            return _plain_400(_("Parameter “%(name)s” is missing or not a date (YYYY-MM-DD).") % {"name": name})
    if days["bis"] < days["von"]:
        return _plain_400(_("“bis” must not lie before “von”."))
    level = request.GET.get("ebene") or None
    if level is not None and level not in Level.values:
        return _plain_400(_("Parameter “ebene” must be one of: %(levels)s.") % {"levels": ", ".join(Level.values)})
    scope = resolve_scope(request.user, level, request.GET.get("id"))
    period = Period.days(days["von"], days["bis"], reference=days["bis"])
    published = _published(request)
    board = dash.build(request.user, scope, period, published=published)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["kennzahl", "wert"])
    for fig in board.figures:
        writer.writerow([neutralize(fig.key), csv_number(fig.value)])
    audit_log(action=Action.EXPORT, name="controlling.key_figures.exported", request=request, obj=scope.obj,
              data={"format": "csv", "scope": scope.label, "period": period.label, "published": published,
                    "rows": len(board.figures)})
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kennzahlen.csv"'
    return response


def _plain_400(message: str) -> HttpResponse:
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
