"""Demo data for cases.reviews (called from cases/demo.py after the case files and contracts exist).

Progress notes on the tasks of signed, active and ended contracts – written by provider staff of the
contract's provider (the demo login "traeger" for its lead provider in Gröpelingen/Walle) or by the
case manager for the office's tasks – and reviews with goal ratings for ended contracts (ended, or
continued when a follow-up exists). Idempotent: only tasks without notes and ended contracts
without a review get rows; the amount follows the contracts, which follow ctx.scale.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from juwe.lib.seeding import SeedContext
from juwe.models import User
from juwe.roles import Role

from .models import (
    CaseState,
    CloseReason,
    Contract,
    ContractGoal,
    ContractState,
    ContractTask,
    GoalRating,
    Review,
    ReviewDecision,
    StateChange,
    TaskNote,
    TaskParty,
)

NOTES = {
    TaskParty.FAMILY: [
        "Termin wie verabredet wahrgenommen; die Mutter hat selbst daran erinnert.",
        "Diese Woche zweimal ausgefallen wegen Krankheit, danach wieder regelmäßig.",
        "Die Familie berichtet stolz, dass es an vier von fünf Tagen geklappt hat.",
        "Schwierige Woche nach einem Streit; gemeinsam neuen Plan gemacht.",
    ],
    TaskParty.PROVIDER: [
        "Hausbesuch: Morgenroutine gemeinsam geübt, Wochenplan an den Kühlschrank gehängt.",
        "Gespräch mit der Klassenlehrerin geführt; Fehlzeiten deutlich weniger.",
        "Begleitung zum Elterncafé im Familienzentrum, Mutter will nächste Woche allein hin.",
        "Krisengespräch nach Eskalation am Wochenende; Vereinbarungen erneuert.",
    ],
    TaskParty.OFFICE: [
        "Antrag auf Schulbegleitung gestellt, Rückmeldung steht aus.",
        "Kontakt zum Jobcenter hergestellt, Termin vereinbart.",
    ],
    TaskParty.OTHER: ["Rückmeldung der Schule: Lage hat sich beruhigt."],
}
NOTES_DAYS = 240  # progress notes for contracts running or ended within these days
RATING_NOTES = ["deutlich besser als zu Beginn", "teilweise erreicht, braucht noch Zeit", "kaum Veränderung",
                "Ziel aus Sicht der Familie erreicht", "Rückschritte nach den Ferien"]


def seed(ctx: SeedContext) -> None:
    """Add this part's demo rows (idempotent, scaled by ctx.scale through the contracts)."""
    with transaction.atomic():
        _seed_notes(ctx)
        _seed_reviews(ctx)


def _provider_staff() -> dict[int, list[User]]:
    staff: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(groups__name=Role.PROVIDER_STAFF, provider__isnull=False).order_by("username"):
        staff[user.provider_id].append(user)
    return staff


def _seed_notes(ctx: SeedContext) -> None:
    rng = ctx.rng("reviews:notes")
    today = timezone.localdate()
    staff = _provider_staff()
    # Notes on the helps of the last months only: older ones are not read any more in the demo.
    recent = today - dt.timedelta(days=NOTES_DAYS)
    tasks = (
        ContractTask.objects.filter(notes__isnull=True)
        .exclude(contract__state=ContractState.DRAFT)
        .exclude(contract__ended_on__lt=recent)
        .select_related("contract__case")
        .order_by("id")
    )
    tz = timezone.get_current_timezone()
    notes = []
    for task in tasks:
        contract = task.contract
        start = contract.signed_on or contract.approved_from
        end = min(contract.ended_on or today, today)
        if end < start:
            continue
        writers = staff.get(contract.provider_id, []) if task.party != TaskParty.OFFICE else []
        author = rng.choice(writers) if writers else contract.case.case_manager
        days = sorted(rng.sample(range((end - start).days + 1), min(rng.randint(1, 3), (end - start).days + 1)))
        for day in days:
            at = dt.datetime.combine(start + dt.timedelta(days=day), dt.time(rng.randint(8, 17), rng.choice([0, 15, 30, 45])),
                                     tzinfo=tz)
            notes.append(TaskNote(task=task, text=rng.choice(NOTES[task.party]), written_at=min(at, timezone.now()),
                                  written_by=author))
    ctx.bulk(TaskNote, notes, "Fortschrittsnotizen")


def _seed_reviews(ctx: SeedContext) -> None:
    rng = ctx.rng("reviews:reviews")
    contracts = list(
        Contract.objects.filter(state=ContractState.ENDED, review__isnull=True)
        .select_related("case", "follow_up")
        .order_by("id")
    )
    if not contracts:
        return
    goals: dict[int, list[ContractGoal]] = defaultdict(list)
    for goal in ContractGoal.objects.filter(contract__in=contracts).order_by("position", "id"):
        goals[goal.contract_id].append(goal)
    # Cases that went back to counselling after their help (the review decided so).
    to_counselling = set(
        StateChange.objects.filter(case__contracts__in=contracts, from_state=CaseState.HELP,
                                   to_state=CaseState.COUNSELLING).values_list("case_id", flat=True)
    )
    reviews, planned = [], []
    for contract in contracts:
        held_on = max(contract.ended_on - dt.timedelta(days=rng.randint(0, 10)), contract.talk_on)
        if hasattr(contract, "follow_up"):
            decision, end_state, reason = ReviewDecision.CONTINUE, "", ""
        else:
            decision = ReviewDecision.END
            closed = contract.case.state == CaseState.CLOSED and contract.case_id not in to_counselling
            end_state = CaseState.CLOSED if closed else CaseState.COUNSELLING
            reason = contract.case.close_reason or CloseReason.SELF_HELP if end_state == CaseState.CLOSED else ""
        reviews.append(Review(contract=contract, held_on=held_on, decision=decision, end_state=end_state,
                              close_reason=reason, note=rng.choice(["", "Familie und Träger waren dabei.",
                                                                    "Gespräch in der Wohnung der Familie."]),
                              created_by=contract.case.case_manager))
        planned.append(contract.pk)
    ctx.bulk(Review, reviews, "Überprüfungen")
    review_ids = dict(Review.objects.filter(contract_id__in=planned, ratings__isnull=True).values_list("contract_id", "id"))
    ratings = [
        GoalRating(review_id=review_ids[contract_id], goal=goal, score=rng.randint(2, 9), note=rng.choice(RATING_NOTES))
        for contract_id in planned if contract_id in review_ids
        for goal in goals[contract_id]
    ]
    ctx.bulk(GoalRating, ratings, "Zielbewertungen")
