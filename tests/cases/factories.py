"""Case files for tests, made through the services so they obey the same rules as real ones."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases import services
from cases.models import Case, CaseRole, ContactKind
from cases.services import MemberInput


def make_case(
    user,
    district,
    *,
    child=("Lina", "Petersen", dt.date(2014, 5, 3)),
    parent=("Sandra", "Petersen", dt.date(1986, 2, 11)),
    opened_on: dt.date | None = None,
    source: str = "school",
    concern: str = "Lina geht seit Wochen nicht mehr zur Schule.",
    **kwargs,
) -> Case:
    members = [MemberInput(role=CaseRole.CHILD, first_name=child[0], last_name=child[1], birth_date=child[2])]
    if parent:
        members.append(MemberInput(role=CaseRole.PARENT, first_name=parent[0], last_name=parent[1], birth_date=parent[2]))
    return services.case_open(
        user=user,
        district=district,
        opened_on=opened_on or timezone.localdate() - dt.timedelta(days=30),
        first_contact_source=source,
        concern=concern,
        members=members,
        **kwargs,
    )


def with_will_and_goals(case: Case, user) -> Case:
    return services.case_update(
        case=case,
        user=user,
        version=case.version,
        concern=case.concern,
        will="Wir wollen, dass Lina wieder gern zur Schule geht.",
        goals="Lina geht an vier von fünf Tagen zur Schule.",
        first_contact_source=case.first_contact_source,
    )


def add_contacts(case: Case, user, n: int) -> None:
    start = timezone.now() - dt.timedelta(days=20)
    for i in range(n):
        services.contact_add(
            case=case,
            user=user,
            occurred_at=start + dt.timedelta(days=i, hours=1),
            kind=ContactKind.OFFICE,
            participants="Frau Petersen, Lina",
            duration_minutes=45,
            note=f"Gespräch {i + 1}",
        )


def add_maps(case: Case, user) -> None:
    services.resource_save(case=case, user=user, area="family", description="Oma kocht mittwochs", named_by="family", strength=3)
    services.resource_save(case=case, user=user, area="district", description="Jugendtreff Walle", named_by="professional", strength=2)
    for name, sector, ring, quality in [
        ("Oma Erika", "family", 1, "supportive"),
        ("Vater", "family", 2, "conflict"),
        ("Frau Kaya (Klassenlehrerin)", "school_work", 2, "ambivalent"),
        ("Nachbarin", "friends", 3, "supportive"),
        ("Schulsozialarbeit", "professionals", 2, "supportive"),
    ]:
        services.network_person_save(case=case, user=user, name=name, sector=sector, ring=ring, quality=quality, relation="")

