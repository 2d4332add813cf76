"""Contracts for tests, made through the services so they obey the same rules as real ones."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from cases import contracts, services
from cases.models import Case, CaseState, Contract, TaskParty
from tests.cases.factories import make_case, with_will_and_goals


def conference_case(user, district, **kwargs) -> Case:
    """A case that went through intake and counselling to the case conference."""
    case = with_will_and_goals(make_case(user, district, **kwargs), user)
    for state in (CaseState.COUNSELLING, CaseState.CONFERENCE):
        case = services.case_transition(case=case, user=user, to_state=state)
    return case


def participants() -> list[dict]:
    return [
        {"name": "Sandra Petersen", "party": "family", "relation": "Mutter", "signs": True},
        {"name": "Lina Petersen", "party": "family", "relation": "Tochter", "signs": True},
        {"name": "Oma Erika", "party": "invited", "relation": "Großmutter", "signs": False},
        {"name": "Frau Fall", "party": "office", "relation": "Fallmanagerin", "signs": True},
    ]


def goals(n: int = 2) -> list[dict]:
    base = [
        {"text": "Lina geht wieder gern zur Schule.", "indicator": "Lina ist an vier von fünf Tagen in der Schule."},
        {"text": "Wir streiten weniger beim Abendessen.", "indicator": "Höchstens ein Streit pro Woche."},
    ]
    return [base[i % 2] | {"text": f"{base[i % 2]['text']} ({i + 1})" if i >= 2 else base[i % 2]["text"]}
            for i in range(n)]


def tasks(n: int = 3, goal_count: int = 2) -> list[dict]:
    parties = [TaskParty.FAMILY, TaskParty.OFFICE, TaskParty.PROVIDER]
    whos = {TaskParty.FAMILY: "Frau Petersen", TaskParty.OFFICE: "Jugendamt (Frau Fall)",
            TaskParty.PROVIDER: "Herr Berger (Träger)"}
    return [
        {"party": parties[i % 3], "who": whos[parties[i % 3]], "what": f"Aufgabe {i + 1}: weckt Lina um sieben Uhr.",
         "due": "jeden Morgen", "due_on": None, "goal": (i % goal_count) + 1 if goal_count else None}
        for i in range(n)
    ]


def contract_data(**overrides) -> dict:
    today = timezone.localdate()
    return {
        "talk_on": today - dt.timedelta(days=3),
        "talk_place": "Bei Familie Petersen zu Hause",
        "proposal": None,
        "own_proposal": "Frau Petersen wünscht sich jemanden, der zweimal pro Woche kommt.",
        "help_type": "31",
        "provider": None,
        "provider_wish": "Die Familie kennt den Träger aus dem Stadtteilhaus.",
        "hours_per_week": Decimal("4.5"),
        "monthly_cost": Decimal("1850.00"),
        "internal_note": "GEHEIM-INTERN: Vater nicht kontaktieren.",
    } | overrides


def make_contract(case: Case, user, *, n_goals: int = 2, n_tasks: int = 3, **overrides) -> Contract:
    return contracts.contract_create(
        case=case, user=user, data=contract_data(**overrides), participants=participants(),
        goals=goals(n_goals), tasks=tasks(n_tasks, n_goals),
    )


def sign(contract: Contract, user, signed_on: dt.date | None = None) -> Contract:
    ids = list(contract.participants.filter(signs=True).values_list("id", flat=True))
    return contracts.contract_sign(contract=contract, user=user, signed_on=signed_on or timezone.localdate(),
                                   signers=ids)


def active_contract(case: Case, case_manager, team_lead, **overrides) -> Contract:
    return contracts.contract_approve(contract=sign(make_contract(case, case_manager, **overrides), case_manager),
                                      user=team_lead)
