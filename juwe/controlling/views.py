"""Placeholder: the dashboard shell is built by the controlling issue."""

from django.http import HttpRequest, HttpResponse

from juwe.controlling.scope import resolve_scope


def dashboard(request: HttpRequest) -> HttpResponse:
    resolve_scope(request.user, request.GET.get("ebene"), request.GET.get("id"))
    return HttpResponse("")
