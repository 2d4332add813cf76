"""The one way to write the audit trail (§§ 61 ff. SGB VIII: every read of social data is logged)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from juwe.lib.client_ip import client_address
from juwe.models import AuditEvent

Action = AuditEvent.Action


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address, read exactly as the login lockout reads it (juwe.lib.client_ip)."""
    return client_address(request)


def audit_log(
    *,
    action: str,
    name: str,
    request: HttpRequest | None = None,
    user=None,
    obj: models.Model | None = None,
    data: dict[str, Any] | None = None,
    username: str = "",
) -> AuditEvent:
    """Write one audit event. `name` is namespaced (`cases.case.viewed`); `data` must hold no secrets.

    The database sets the time and chains the event under a lock held until the transaction ends:
    inside a service's transaction, write the event last (see README, "The chain's lock").
    """
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    return AuditEvent.objects.create(
        user=user,
        username=(user.get_username() if user is not None else username)[:150],
        action=action,
        name=name,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        path=(request.get_full_path()[:500] if request is not None else ""),
        ip_address=client_ip(request),
        data=data or {},
    )
