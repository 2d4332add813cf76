"""Controlling figures of child protection (§ 8a SGB VIII): reports, timeliness, results, open past due.

A report belongs to the day it was received in Europe/Berlin: one received at 23:30 on 31 December
counts for that year although it is already 1 January in UTC. Days become half-open ranges of
instants, so the queries compare timestamps and can use an index. Counted in the case's district.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.db.models import Count, F, Q

from ..models import ProtectionAssessment, ProtectionResult

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def day_start(day: dt.date) -> dt.datetime:
    """The first instant of a local (Europe/Berlin) day."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=BERLIN)


@dataclass(frozen=True)
class Reports:
    received: int  # reports received in the period
    in_time: int  # of these, assessed at or before their due time
    taken_into_care: int  # of these, with a taking into care (§ 42)
    by_result: dict[str, int] = field(default_factory=dict)  # ProtectionResult value or "" (open) -> count


def reports_received(district_ids, start: dt.date, end: dt.date) -> Reports:
    """The § 8a reports received from the start of `start` to the end of `end` (local days)."""
    results = {value: Count("id", filter=Q(result=value)) for value in ProtectionResult.values}
    agg = ProtectionAssessment.objects.filter(
        case__district_id__in=list(district_ids),
        received_at__gte=day_start(start),
        received_at__lt=day_start(end + dt.timedelta(days=1)),
    ).aggregate(
        received=Count("id"),
        in_time=Count("id", filter=Q(assessed_at__lte=F("due_at"))),
        taken=Count("id", filter=Q(taken_into_care=True)),
        open=Count("id", filter=Q(result="")),
        **{f"result_{value}": expr for value, expr in results.items()},
    )
    by_result = {value: agg[f"result_{value}"] for value in ProtectionResult.values}
    by_result[""] = agg["open"]
    return Reports(agg["received"], agg["in_time"], agg["taken"], by_result)


def open_past_due(district_ids, reference: dt.date) -> int:
    """Assessments open at the end of `reference` although due before then.

    Open at that moment: no result yet, or a result whose assessment came after it (so a past
    reference date shows what was overdue then, not what is still open today).
    """
    end = day_start(reference + dt.timedelta(days=1))
    return ProtectionAssessment.objects.filter(
        Q(result="") | Q(assessed_at__gte=end),
        case__district_id__in=list(district_ids),
        due_at__lt=end,
    ).count()
