"""Case figures for the staffing reference: open cases per district at a reference date."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Count, Q

from cases.models import Case


def open_cases_by_district(district_ids: Iterable[int], reference: date) -> dict[int, int]:
    """Cases open at `reference` per district: opened on or before it and not closed by then.

    A case closed on the reference date is no longer open on it (closed_on > reference counts).
    One query; districts without open cases are missing from the result.
    """
    rows = (
        Case.objects.filter(district_id__in=list(district_ids), opened_on__lte=reference)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=reference))
        .values("district_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["district_id"]: row["n"] for row in rows}
