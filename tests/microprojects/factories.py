"""Micro-projects for tests. `make_project` builds a row in any status directly (fast, for pages and
scopes); tests of the life cycle go through the services instead."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import count

from django.utils import timezone

from cases.models import Case
from microprojects.models import (
    COMMITTED_STATUSES,
    Category,
    MicroProject,
    ParticipationCount,
    PreventionBudget,
    QualityReview,
    Referral,
    Status,
)

_numbers = count(1)


def make_project(
    *,
    districts,
    provider,
    created_by,
    status: str = Status.DRAFT,
    title: str = "Familienwohnzimmer",
    requested: str = "20000.00",
    approved: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    category: str = Category.CASE_SPANNING,
    submitted_by=None,
    **extra,
) -> MicroProject:
    start = start or dt.date(timezone.localdate().year, 1, 15)
    end = end or start + dt.timedelta(days=300)
    committed = status in COMMITTED_STATUSES
    project = MicroProject.objects.create(
        title=title,
        budget_district=districts[0],
        category=category,
        provider=provider,
        need_description="In mehreren Fällen fehlte Familien an der Schwelle zur SPFH ein Ort im Stadtteil.",
        need_case_count=7,
        target_group="Familien mit Kindern im Grundschulalter",
        age_from=6,
        age_to=12,
        goals="Familien finden Unterstützung im Stadtteil, bevor eine Hilfe zur Erziehung nötig wird.",
        start_date=start,
        end_date=end,
        requested_amount=Decimal(requested),
        approved_amount=Decimal(approved or requested) if committed else None,
        budget_year=start.year if committed else None,
        status=status,
        created_by=created_by,
        submitted_by=submitted_by or (created_by if status != Status.DRAFT else None),
        submitted_at=timezone.now() if status != Status.DRAFT else None,
        **extra,
    )
    project.districts.set(districts)
    return project


def set_budget(district, amount: str, year: int | None = None) -> PreventionBudget:
    return PreventionBudget.objects.update_or_create(
        district=district, year=year or timezone.localdate().year, defaults={"amount": Decimal(amount)}
    )[0]


def make_case(district, case_manager, *, state: str = "intake") -> Case:
    number = next(_numbers)
    year = timezone.localdate().year
    return Case.objects.create(
        reference=f"{year}/{district.code}/{number}",
        year=year,
        number=number,
        district=district,
        team=district.team,
        case_manager=case_manager,
        state=state,
        opened_on=timezone.localdate() - dt.timedelta(days=60),
        closed_on=timezone.localdate() if state == "closed" else None,
        close_reason="other" if state == "closed" else "",
        first_contact_source="school",
    )


def count_participants(project, year: int, quarter: int, cm: int, low: int, user) -> ParticipationCount:
    return ParticipationCount.objects.create(
        project=project, year=year, quarter=quarter, referred_by_cm=cm, low_threshold=low, recorded_by=user
    )


def add_review(project, user, date: dt.date, **extra) -> QualityReview:
    return QualityReview.objects.create(
        project=project,
        kind=extra.pop("kind", QualityReview.Kind.QUALITY_CIRCLE),
        date=date,
        participants="SRK, Referatsleitung, Träger",
        findings="Das Angebot wird gut angenommen.",
        rating=2,
        recorded_by=user,
        **extra,
    )


def refer(project, case, user, day: dt.date | None = None) -> Referral:
    return Referral.objects.create(project=project, case=case, referred_by=user, referred_on=day or timezone.localdate())
