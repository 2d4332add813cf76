"""Small request helpers shared by the apps."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def next_path(request: HttpRequest, default: str) -> str:
    """Where to go after a form: the POSTed `next` when it is a path of this site, else `default`.

    Only a path ("/…") is taken: another host would make the form an open redirect, and any other text
    would be read by `redirect()` as a view name (a server error when there is none).
    """
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
