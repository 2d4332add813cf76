"""§ 8a assessments for tests, made through the services like real ones."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases import protection
from cases.models import ProtectionAssessment
from cases.protection import MeasureInput


def make_report(case, user, *, urgency: str = "24h", hours_ago: float = 2, **kwargs) -> ProtectionAssessment:
    values = {
        "received_at": timezone.now() - dt.timedelta(hours=hours_ago),
        "reported_by": "Frau Jacobs, Klassenlehrerin",
        "report": "Lina kam mit blauen Flecken am Arm in die Schule und wollte nicht nach Hause.",
        "urgency": urgency,
    }
    values.update(kwargs)
    return protection.report_record(case=case, user=user, **values)


def plan(n: int = 1) -> list[MeasureInput]:
    today = timezone.localdate()
    return [
        MeasureInput(measure=f"Tägliche Anwesenheitskontrolle in der Schule ({i + 1})", owner="Schulsozialarbeit",
                     due_on=today + dt.timedelta(days=7 * (i + 1)))
        for i in range(n)
    ]


def assessment_values(user, colleague, **overrides) -> dict:
    """A complete, valid result: two professionals, home visit today, no endangerment."""
    values = {
        "user": user,
        "professionals": [user, colleague],
        "assessed_at": timezone.now() - dt.timedelta(minutes=5),
        "home_visit": True,
        "home_visit_on": timezone.localdate(),
        "result": "none",
        "safety_scale": 7,
        "harm": "Blaue Flecken am Oberarm.",
        "danger": "Weitere Gewalt bei Überforderung der Mutter.",
        "complicating_factors": "Mutter allein, wenig Schlaf.",
        "working_well": "Oma wohnt nah und hilft, Lina spricht offen.",
        "next_steps": "Mutter nimmt Erziehungsberatung an; Oma betreut nachmittags.",
        "measures": [],
    }
    values.update(overrides)
    return values


def record(assessment, user, colleague, **overrides) -> ProtectionAssessment:
    return protection.assessment_record(assessment=assessment, **assessment_values(user, colleague, **overrides))
