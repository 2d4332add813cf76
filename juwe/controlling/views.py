"""Placeholder: the dashboard shell is built by the controlling issue."""

from django.http import Http404, HttpRequest, HttpResponse

from juwe.controlling.scope import resolve_scope


def dashboard(request: HttpRequest) -> HttpResponse:
    resolve_scope(request.user, request.GET.get("ebene"), request.GET.get("id"))
    return HttpResponse("")


def report_pdf(request: HttpRequest) -> HttpResponse:
    raise Http404


def table_export(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    raise Http404


def key_figures_csv(request: HttpRequest) -> HttpResponse:
    raise Http404
