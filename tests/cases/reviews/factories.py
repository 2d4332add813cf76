"""Contracts for the reviews tests, written with the ORM (the contracts part has its own services and
tests); they obey the database's checks: signed needs a date, active an approval."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from cases import services
from cases.models import (
    Case,
    CaseState,
    Contract,
    ContractGoal,
    ContractParticipant,
    ContractState,
    ContractTask,
    HelpType,
    TaskParty,
)
from tests.cases.factories import make_case, with_will_and_goals

INTERNAL_NOTE = "INTERN: Mutter wirkt bei Hausbesuchen alkoholisiert – nur für das Amt"


def case_in_help(user, district, **kwargs) -> Case:
    case = with_will_and_goals(make_case(user, district, **kwargs), user)
    for state in (CaseState.COUNSELLING, CaseState.CONFERENCE, CaseState.HELP):
        case = services.case_transition(case=case, user=user, to_state=state)
    return case


def make_contract(
    case: Case,
    *,
    provider=None,
    state: str = ContractState.ACTIVE,
    approved_until: dt.date | None = None,
    approved_from: dt.date | None = None,
    approver=None,
    goals: int = 2,
) -> Contract:
    today = timezone.localdate()
    approved_until = approved_until or today + dt.timedelta(days=90)
    approved_from = approved_from or approved_until - dt.timedelta(days=181)
    signed = state != ContractState.DRAFT
    contract = Contract.objects.create(
        case=case, state=state, talk_on=approved_from, talk_place="Küche der Familie",
        own_proposal="Familienhilfe zweimal die Woche", help_type=HelpType.SPFH, provider=provider,
        provider_wish="Die Familie kennt den Träger aus dem Stadtteil.", approved_from=approved_from,
        approved_until=approved_until, hours_per_week=Decimal("6.00"), monthly_cost=Decimal("2150.00"),
        internal_note=INTERNAL_NOTE, signed_on=approved_from if signed else None,
        approved_by=approver or case.case_manager if state in (ContractState.ACTIVE, ContractState.ENDED) else None,
        approved_at=timezone.now() if state in (ContractState.ACTIVE, ContractState.ENDED) else None,
        ended_on=today if state == ContractState.ENDED else None, created_by=case.case_manager,
    )
    ContractParticipant.objects.bulk_create([
        ContractParticipant(contract=contract, name="Sandra Petersen", party="family", relation="Mutter"),
        ContractParticipant(contract=contract, name="Herr Albers", party="provider", relation="Familienhelfer"),
    ])
    made = ContractGoal.objects.bulk_create(
        ContractGoal(contract=contract, position=n, text=f"Ziel {n}: Lina geht gern zur Schule", indicator=f"Indikator {n}")
        for n in range(1, goals + 1)
    )
    ContractTask.objects.bulk_create([
        ContractTask(contract=contract, goal=made[0], position=1, party=TaskParty.FAMILY, who="Frau Petersen",
                     what="bringt Lina jeden Morgen zur Schule", due="jeden Tag"),
        ContractTask(contract=contract, goal=made[-1], position=2, party=TaskParty.PROVIDER, who="Herr Albers",
                     what="übt mit Lina die Morgenroutine", due_on=today + dt.timedelta(days=5)),
        ContractTask(contract=contract, position=3, party=TaskParty.OFFICE, who="Jugendamt",
                     what="klärt die Schulbegleitung", due_on=approved_from + dt.timedelta(days=10)),
    ])
    return contract
