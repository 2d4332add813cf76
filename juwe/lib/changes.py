"""What a write changed, in the form the audit trail keeps it.

The audit trail answers "who changed what, when" for social data (§§ 61 ff. SGB VIII) without becoming a
second copy of the case file: field names always, old → new for plain values (states, dates, amounts,
choices, links), but never the content of free text (notes, the family's words, names) – a char or text
field without choices is named only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models


def audit_value(value: Any) -> Any:
    """A value the audit's JSON can hold: records as their id, dates as ISO text, Decimals as text."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return [audit_value(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _field(obj: models.Model, name: str) -> models.Field | None:
    try:
        return obj._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def is_free_text(obj: models.Model, name: str) -> bool:
    field = _field(obj, name)
    return isinstance(field, (models.CharField, models.TextField)) and not field.choices


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The fields' current values (links as ids, without loading them), to compare after the write."""
    values = {}
    for name in fields:
        field = _field(obj, name)
        values[name] = getattr(obj, field.attname if isinstance(field, models.ForeignKey) else name)
    return values


def changes(obj: models.Model, before: dict[str, Any]) -> dict[str, Any]:
    """The fields of `before` (a `snapshot`) whose value `obj` now has changed, old → new where it may be shown."""
    after = snapshot(obj, before)
    changed = [name for name in before if before[name] != after[name]]
    return {
        "fields": changed,
        "changes": {n: [audit_value(before[n]), audit_value(after[n])] for n in changed if not is_free_text(obj, n)},
    }


def created(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """What a new record was written with: the fields that hold something, their values where they may be shown."""
    now = {name: value for name, value in snapshot(obj, fields).items() if value not in (None, "", [])}
    return {"fields": list(now), "values": {n: audit_value(v) for n, v in now.items() if not is_free_text(obj, n)}}
