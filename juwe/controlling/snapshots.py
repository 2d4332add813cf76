"""Computed sections kept in the summary table `juwe.FigureSnapshot`, so a dashboard view reads one
row per section instead of aggregating the office's records again.

- `cached(subject, ctx, compute)` returns the stored section when it is younger than
  settings.JUWE_CONTROLLING_MAX_AGE seconds (0 switches the store off), else computes and stores it;
  the section carries `data_as_of`, which the page and the report show.
- A change of the records behind the figures empties the store (`connect_invalidation`, on the
  models' post_save/post_delete); bulk loads that bypass signals are covered by the age limit.
- `manage.py refresh_controlling` computes the office's standard views ahead.

The key holds everything a section depends on: subject, scope, period and reference date, today
(projections and running periods), the language (labels) and the viewer's roles (links).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation

from juwe.controlling.figures import Chart, Figure, Section, Table
from juwe.models import FigureSnapshot


def _key(subject: str, ctx) -> str:
    user = ctx.user
    roles = sorted(user.roles) if user is not None else []
    parts = [
        subject, ctx.scope.level, ctx.scope.object_id, list(ctx.scope.district_ids), ctx.period.kind,
        ctx.period.start, ctx.period.end, ctx.period.reference, timezone.localdate(), translation.get_language(),
        roles, getattr(user, "team_id", None),
    ]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def _encode(value):
    if isinstance(value, Decimal):
        return {"d": str(value)}
    if isinstance(value, date):
        return {"t": value.isoformat()}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, (int, float, bool)):
        return value
    return str(value)  # lazy translations and other strings


def _decode(value):
    if isinstance(value, dict):
        return Decimal(value["d"]) if "d" in value else date.fromisoformat(value["t"])
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _figure_out(fig: Figure) -> dict:
    return {f.name: _encode(getattr(fig, f.name)) for f in dataclasses.fields(Figure)}


def _figure_in(data: dict) -> Figure:
    return Figure(**{name: _decode(value) for name, value in data.items()})


def encode(section: Section) -> dict:
    return {
        "subject": section.subject, "title": str(section.title), "note": str(section.note),
        "figures": [_figure_out(f) for f in section.figures],
        "tables": [
            {"key": t.key, "title": str(t.title), "columns": [str(c) for c in t.columns], "total_row": t.total_row,
             "note": str(t.note), "rows": [[str(label), [_figure_out(c) for c in cells]] for label, cells in t.rows]}
            for t in section.tables
        ],
        "charts": [
            {"key": c.key, "title": str(c.title), "kind": c.kind, "unit": str(c.unit),
             "categories": _encode(list(c.categories)),
             "series": [[str(name), _encode(list(values))] for name, values in c.series]}
            for c in section.charts
        ],
    }


def decode(data: dict) -> Section:
    return Section(
        subject=data["subject"], title=data["title"], note=data["note"],
        figures=[_figure_in(f) for f in data["figures"]],
        tables=[
            Table(t["key"], t["title"], t["columns"], [(label, [_figure_in(c) for c in cells]) for label, cells in t["rows"]],
                  total_row=t["total_row"], note=t["note"])
            for t in data["tables"]
        ],
        charts=[
            Chart(c["key"], c["title"], c["kind"], _decode(c["categories"]),
                  [(name, _decode(values)) for name, values in c["series"]], unit=c["unit"])
            for c in data["charts"]
        ],
    )


def cached(subject: str, ctx, compute) -> Section:
    max_age = settings.JUWE_CONTROLLING_MAX_AGE
    if max_age <= 0:
        return compute(ctx)
    key = _key(subject, ctx)
    now = timezone.now()
    row = FigureSnapshot.objects.filter(key=key, computed_at__gte=now - timedelta(seconds=max_age)).first()
    if row is not None:
        section = decode(row.payload)
        section.data_as_of = row.computed_at
        return section
    section = compute(ctx)
    payload = encode(section)
    try:
        with transaction.atomic():
            FigureSnapshot.objects.update_or_create(key=key, defaults={"payload": payload, "computed_at": now})
    except IntegrityError:  # another request stored the same section at the same moment
        pass
    section = decode(payload)  # the caller gets what the next view will read
    section.data_as_of = now
    return section


def clear(**_kwargs) -> None:
    """Empty the store: the records behind the figures changed (nothing to do while it is off)."""
    if settings.JUWE_CONTROLLING_MAX_AGE > 0:
        FigureSnapshot.objects.all().delete()


def connect_invalidation(models) -> None:
    for model in models:
        post_save.connect(clear, sender=model, dispatch_uid=f"controlling-clear-save-{model._meta.label}")
        post_delete.connect(clear, sender=model, dispatch_uid=f"controlling-clear-delete-{model._meta.label}")
