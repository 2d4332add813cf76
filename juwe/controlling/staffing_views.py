"""Placeholder: the staffing reference (Personalbemessung) is built by the controlling issue."""

from django.http import Http404, HttpRequest, HttpResponse


def staffing(request: HttpRequest) -> HttpResponse:
    raise Http404


def staffing_export(request: HttpRequest, fmt: str) -> HttpResponse:
    raise Http404
