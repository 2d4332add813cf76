"""The client's address – one answer for the login lockout (django-axes) and the audit trail.

Behind NUM_PROXIES reverse proxies the TCP peer (REMOTE_ADDR) is the last proxy, and every proxy
appends the address it received the request from to X-Forwarded-For. So the client is the entry
NUM_PROXIES from the right; everything left of it is whatever the client chose to send and is never
trusted (a "first entry" rule would let an attacker pick a fresh address for every guess, or lock
out someone else's address). Without proxies (NUM_PROXIES=0) the header is ignored altogether.

A request whose header has fewer entries than there are proxies, or no valid address at that
place, did not come through all proxies: it counts under the peer's address.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip


def client_address(request: HttpRequest | None) -> str | None:
    """The address of the client behind `settings.JUWE_NUM_PROXIES` trusted proxies."""
    if request is None:
        return None
    peer = request.META.get("REMOTE_ADDR") or None
    proxies = settings.JUWE_NUM_PROXIES
    if not proxies:
        return peer
    # ipware counts the proxies *listed* in the header: the last proxy is the peer, not an entry.
    # Non-strict: a longer chain is fine, the position is counted from the right.
    address, _routable = get_client_ip(
        request,
        proxy_order="left-most",
        proxy_count=proxies - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
    )
    return address or peer
