"""Reviews of contracts before their approval ends, and provider staff's access to their contracts.

Services (writes in one transaction, German messages), selectors and access scopes of this part of
the case file. `register()` is called from CasesConfig.ready for navigation and worklist entries.

Provider staff see their provider's contracts from signing on (scope: cases.access.contract_scope):
the case reference, the family's names, goals, tasks and progress notes – never the case file, its
contacts, classification, § 8a assessments or the office's internal note. They and the case's team
write progress notes on the tasks. Four weeks before a contract's approval ends it appears on the
case manager's worklist; the review rates every goal 0–10 and decides: continue or change (a
prefilled follow-up draft) or end (the case goes back to counselling or is closed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from juwe.access import get_visible_or_404, is_caseworker, is_provider_staff, visible
from juwe.audit import Action, audit_log
from juwe.lib import changes as audit_changes
from juwe.models import User
from juwe.roles import Role

from . import contracts, services
from .models import (
    CaseMember,
    CaseState,
    CloseReason,
    Contract,
    ContractState,
    ContractTask,
    GoalRating,
    Review,
    ReviewDecision,
    TaskNote,
)

CS = ContractState
REVIEW_LEAD_DAYS = 28  # "four weeks before a contract's approval ends it appears on the worklist"
WORKLIST_LIMIT = 50
SCORES = range(0, 11)
END_STATES = (CaseState.COUNSELLING, CaseState.CLOSED)

MSG_NOTE_EMPTY = _("Write the progress note first; an empty note is not saved.")
MSG_NOTE_ENDED = _("The contract has ended; progress notes can no longer be added.")
MSG_NOTE_DRAFT = _("Progress notes can be added once the contract is signed.")
MSG_REVIEW_NOT_ACTIVE = _("Only an active contract can be reviewed.")
MSG_ALREADY_REVIEWED = _("This contract has already been reviewed.")
MSG_HELD_ON_REQUIRED = _("Enter the date of the review.")
MSG_HELD_IN_FUTURE = _("The review lies in the future; record a review that has taken place.")
MSG_HELD_BEFORE_TALK = _("The review lies before the contract talk (%(date)s).")
MSG_RATING_MISSING = _("Rate goal %(number)s from 0 (not reached) to 10 (fully reached).")
MSG_RATING_RANGE = _("Goal %(number)s: the achievement is a whole number from 0 to 10.")
MSG_RATING_UNKNOWN_GOAL = _("A rating refers to a goal that is not part of this contract.")
MSG_DECISION = _("Choose the decision: continue, change or end the help.")
MSG_END_STATE = _("When the help ends, choose how the case goes on: counselling or closed.")
MSG_CLOSE_REASON = _("Closing the case needs a reason.")
MSG_OTHER_ACTIVE = _(
    "Another contract of this case is still active (%(contracts)s); the case stays in help until that one ends."
)


# --- Permissions (actions; what is visible is decided by cases.access) -----------------------------


@rules.predicate
def _of_own_provider(user, contract) -> bool:
    return contract is None or (bool(user.provider_id) and contract.provider_id == user.provider_id)


rules.add_perm("cases.add_task_note", (is_caseworker & contracts.of_case_team) | (is_provider_staff & _of_own_provider))
rules.add_perm("cases.record_review", is_caseworker & contracts.of_case_team)
rules.add_perm("cases.view_review_worklist", is_caseworker)
rules.add_perm("cases.provider_contracts", is_provider_staff)  # their menu entry and worklist


# --- Selectors ------------------------------------------------------------------------------------


def contract_list(user: User) -> QuerySet:
    """The contracts a user may see (provider staff: their provider's from signing on), with what the
    list shows. The family's names come from the case's kept `member_names`: no extra query."""
    return (
        visible(user, Contract)
        .select_related("case", "provider")
        .only("id", "state", "help_type", "approved_from", "approved_until", "hours_per_week", "case__reference",
              "case__member_names", "provider__name")
    )


def provider_contract(user: User, pk: int) -> Contract:
    """One contract for the provider's page: only the fields it may show (never the internal note)."""
    qs = Contract.objects.select_related("case", "case__case_manager", "provider").only(
        "id", "state", "talk_on", "talk_place", "help_type", "approved_from", "approved_until", "hours_per_week",
        "monthly_cost", "signed_on", "ended_on", "previous_id", "provider_id", "provider__name",
        "case__reference", "case__team_id", "case__case_manager__first_name", "case__case_manager__last_name",
        "case__case_manager__username", "case__case_manager__email",
    )
    return get_visible_or_404(user, qs, pk=pk)


def family_of(contract: Contract) -> list[CaseMember]:
    """The family's names and roles. Provider staff see them through the contract (they work with
    the family); nothing else of the persons (birth dates, addresses, phones) leaves the case file."""
    return list(
        CaseMember.objects.filter(case_id=contract.case_id)
        .select_related("person")
        .only("role", "note", "person__first_name", "person__last_name")
        .order_by("role", "person__last_name", "person__first_name")
    )


def tasks_with_notes(contract: Contract, only: int | None = None) -> list[ContractTask]:
    """The contract's tasks (or the one task `only`) with their progress notes (two queries)."""
    notes = TaskNote.objects.select_related("written_by").only(
        "id", "task_id", "text", "written_at", "written_by__first_name", "written_by__last_name", "written_by__username"
    )
    tasks = contract.tasks.filter(pk=only) if only else contract.tasks.all()
    return list(
        tasks.select_related("goal").only("id", "contract_id", "party", "who", "what", "due", "due_on",
                                                    "position", "goal__position")
        .prefetch_related(Prefetch("notes", queryset=notes))
    )


def review_of(contract: Contract) -> Review | None:
    """The contract's review with its ratings (two queries), or None."""
    ratings = GoalRating.objects.select_related("goal").order_by("goal__position", "id")
    return (
        Review.objects.filter(contract_id=contract.pk)
        .select_related("created_by")
        .prefetch_related(Prefetch("ratings", queryset=ratings))
        .first()
    )


def is_review_due(contract: Contract, review: Review | None, today: dt.date | None = None) -> bool:
    """Active, not yet reviewed, and its approval ends within four weeks (or has ended)."""
    today = today or timezone.localdate()
    return (review is None and contract.state == CS.ACTIVE
            and contract.approved_until <= today + dt.timedelta(days=REVIEW_LEAD_DAYS))


def is_overdue(contract: Contract, today: dt.date | None = None) -> bool:
    return contract.approved_until < (today or timezone.localdate())


def earlier_scores(contract: Contract) -> dict[int, list[GoalRating]]:
    """Scores of the reviews of up to three earlier contracts of the follow-up chain, by goal number
    (a follow-up copies the goals in their order). Two queries."""
    chain = Contract.objects.filter(pk=contract.pk).values_list(
        "previous_id", "previous__previous_id", "previous__previous__previous_id").first()
    ids = [pk for pk in chain or () if pk]
    if not ids:
        return {}
    by_position: dict[int, list[GoalRating]] = {}
    for rating in (GoalRating.objects.filter(review__contract_id__in=ids).select_related("review", "goal")
                   .order_by("review__held_on", "id")):
        by_position.setdefault(rating.goal.position, []).append(rating)
    return by_position


def reviews_due(user: User, today: dt.date | None = None) -> QuerySet:
    """Active contracts without a review whose approval ends within 28 days or has ended: those of
    the cases the user manages (a team lead: the team's), the earliest end first.

    One query over one index range – (case manager | team, state, approved_until), columns the
    database copies from the case – so its work follows the user's due contracts, not the office's."""
    today = today or timezone.localdate()
    qs = visible(user, Contract).filter(
        state=CS.ACTIVE, approved_until__lte=today + dt.timedelta(days=REVIEW_LEAD_DAYS), review__isnull=True
    )
    qs = qs.filter(team_id=user.team_id) if user.has_role(Role.TEAM_LEAD) else qs.filter(case_manager=user)
    return (
        qs.select_related("case")
        .only("id", "help_type", "approved_until", "case__reference")
        .order_by("approved_until", "id")
    )


def review_worklist_rows(user: User) -> list[dict]:
    today = timezone.localdate()
    rows = []
    for c in reviews_due(user, today)[:WORKLIST_LIMIT]:
        days = (c.approved_until - today).days
        date = f"{c.approved_until:%d.%m.%Y}"
        if days < 0:
            note = ngettext("approval ended on %(date)s – review %(days)s day overdue",
                            "approval ended on %(date)s – review %(days)s days overdue", -days)
        elif days == 0:
            note = gettext("approval ends today (%(date)s)")
        else:
            note = ngettext("approval ends on %(date)s – %(days)s day left",
                            "approval ends on %(date)s – %(days)s days left", days)
        rows.append({
            "label": f"{c.case.reference} – {c.get_help_type_display()}",
            "url": reverse("cases:review_record", args=[c.pk]),
            "note": note % {"date": date, "days": abs(days)},
            "overdue": days < 0,
        })
    return rows


def provider_worklist_rows(user: User) -> list[dict]:
    """Provider staff: their provider's signed and active contracts, the next task due first. One query."""
    today = timezone.localdate()
    next_task = ContractTask.objects.filter(contract=OuterRef("pk"), due_on__gte=today).order_by("due_on", "position")
    qs = (
        visible(user, Contract)
        .filter(provider_id=user.provider_id, state__in=[CS.SIGNED, CS.ACTIVE])
        .annotate(next_due=Subquery(next_task.values("due_on")[:1]), next_who=Subquery(next_task.values("who")[:1]),
                  next_what=Subquery(next_task.values("what")[:1]))
        .select_related("case")
        .only("id", "help_type", "state", "approved_until", "case__reference")
        .order_by(F("next_due").asc(nulls_last=True), "approved_until", "id")[:WORKLIST_LIMIT]
    )
    rows = []
    for c in qs:
        if c.next_due:
            note = gettext("next task due %(date)s: %(who)s – %(what)s") % {
                "date": f"{c.next_due:%d.%m.%Y}", "who": c.next_who, "what": _short(c.next_what)}
        else:
            note = gettext("approved until %(date)s") % {"date": f"{c.approved_until:%d.%m.%Y}"}
        if c.state == CS.SIGNED:
            note = f"{note} ({c.get_state_display()})"
        rows.append({"label": f"{c.case.reference} – {c.get_help_type_display()}",
                     "url": reverse("cases:provider_contract_detail", args=[c.pk]), "note": note, "overdue": False})
    return rows


def _short(text: str, length: int = 80) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


# --- Services -------------------------------------------------------------------------------------


def task_note_add(*, task: ContractTask, user: User, text: str) -> TaskNote:
    """A progress note on a task, by provider staff of the contract's provider or a caseworker of the
    case's team, while the contract is signed or active."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ValidationError(MSG_NOTE_EMPTY, code="empty")})
    with transaction.atomic():
        # Locked, so the contract cannot end between the check and the note.
        contract = Contract.objects.select_for_update(of=("self",)).select_related("case").get(pk=task.contract_id)
        if not user.has_perm("cases.add_task_note", contract):
            raise PermissionDenied
        if contract.state == CS.ENDED:
            raise ValidationError(MSG_NOTE_ENDED, code="ended")
        if contract.state == CS.DRAFT:
            raise ValidationError(MSG_NOTE_DRAFT, code="draft")
        note = TaskNote.objects.create(task=task, text=text, written_by=user)
        # On the contract: a note's own text is free text and stays in the file.
        audit_log(action=Action.CREATE, name="cases.task_note.added", user=user, obj=contract,
                  data={"task": task.pk, "note": note.pk, "fields": ["text"]})
        return note


@dataclass
class _Errors:
    items: dict[str, list[ValidationError]] = field(default_factory=dict)

    def add(self, key: str, msg, code: str, **params) -> None:
        self.items.setdefault(key, []).append(ValidationError(msg, code=code, params=params or None))

    def raise_any(self) -> None:
        if self.items:
            raise ValidationError(self.items)


def review_record(
    *,
    contract: Contract,
    user: User,
    held_on: dt.date | None,
    ratings: dict[int, tuple[int | None, str]],
    decision: str,
    end_state: str = "",
    close_reason: str = "",
    note: str = "",
) -> Contract:
    """Record the review of an active contract: every goal rated 0–10 with a note, and the decision.

    * continue / change: a follow-up draft prefilled from this contract (help type, provider, the
      family's wish, hours, cost, participants, goals, tasks), approved from the day after this one's
      approval ends (or from the review if later) for six months; this one stays active until the
      follow-up is approved. Returns the follow-up.
    * end: the contract ends on the review date and the case goes back to counselling or is closed
      (with a reason). Returns the ended contract.

    All in one transaction: any refusal saves nothing.
    """
    errors = _Errors()
    with transaction.atomic():
        locked = Contract.objects.select_for_update(of=("self",)).select_related("case").get(pk=contract.pk)
        if not user.has_perm("cases.record_review", locked):
            raise ValidationError(contracts.MSG_NOT_YOUR_TEAM, code="team")
        if locked.state != CS.ACTIVE:
            raise ValidationError(MSG_REVIEW_NOT_ACTIVE, code="not_active")
        if Review.objects.filter(contract=locked).exists():
            raise ValidationError(MSG_ALREADY_REVIEWED, code="reviewed")
        goals = list(locked.goals.order_by("position", "id"))

        if not held_on:
            errors.add("held_on", MSG_HELD_ON_REQUIRED, "held_on")
        elif held_on > timezone.localdate():
            errors.add("held_on", MSG_HELD_IN_FUTURE, "held_future")
        elif held_on < locked.talk_on:
            errors.add("held_on", MSG_HELD_BEFORE_TALK, "held_before_talk", date=f"{locked.talk_on:%d.%m.%Y}")
        cleaned = _clean_ratings(goals, ratings, errors)
        if decision not in ReviewDecision.values:
            errors.add("decision", MSG_DECISION, "decision")
        if decision == ReviewDecision.END:
            if end_state not in END_STATES:
                errors.add("end_state", MSG_END_STATE, "end_state")
            elif end_state == CaseState.CLOSED and close_reason not in CloseReason.values:
                errors.add("close_reason", MSG_CLOSE_REASON, "close_reason")
            others = list(locked.case.contracts.filter(state=CS.ACTIVE).exclude(pk=locked.pk))
            if others:
                errors.add("__all__", MSG_OTHER_ACTIVE, "other_active", contracts=", ".join(str(c) for c in others))
        if decision != ReviewDecision.END or end_state != CaseState.CLOSED:
            close_reason = ""
        if decision != ReviewDecision.END:
            end_state = ""
        errors.raise_any()

        note = (note or "").strip()
        review = Review.objects.create(contract=locked, held_on=held_on, decision=decision, end_state=end_state,
                                       close_reason=close_reason, note=note, created_by=user)
        GoalRating.objects.bulk_create(
            GoalRating(review=review, goal=goal, score=score, note=goal_note) for goal, (score, goal_note) in cleaned
        )
        # The follow-up contract, the ended one and the case's state change write their own events.
        audit_log(action=Action.CREATE, name="cases.review.recorded", user=user, obj=locked, data={
            "review": review.pk, **audit_changes.created(review, ["held_on", "decision", "end_state", "close_reason", "note"]),
            "scores": {str(goal.pk): score for goal, (score, _note) in cleaned},
        })
        if decision == ReviewDecision.END:
            return _end_help(locked, user, review)
        return _follow_up(locked, user, held_on)


def _clean_ratings(goals, ratings: dict, errors: _Errors) -> list[tuple]:
    known = {g.pk for g in goals}
    if set(ratings) - known:
        errors.add("ratings", MSG_RATING_UNKNOWN_GOAL, "unknown_goal")
    cleaned = []
    for goal in goals:
        score, goal_note = ratings.get(goal.pk, (None, ""))
        if score is None or score == "":
            errors.add("ratings", MSG_RATING_MISSING, "missing", number=goal.position)
        elif isinstance(score, bool) or not isinstance(score, int) or score not in SCORES:
            errors.add("ratings", MSG_RATING_RANGE, "range", number=goal.position)
        else:
            cleaned.append((goal, (score, (goal_note or "").strip())))
    return cleaned


def _end_help(contract: Contract, user: User, review: Review) -> Contract:
    reason = gettext("Ended after the review of %(date)s.") % {"date": f"{review.held_on:%d.%m.%Y}"}
    ended = contracts.contract_end(contract=contract, user=user, ended_on=review.held_on,
                                   note="\n".join(filter(None, [reason, review.note])))
    case = contract.case
    if case.state != review.end_state:
        services.case_transition(case=case, user=user, to_state=review.end_state, reason=review.close_reason,
                                 note=reason)
    return ended


def _follow_up(contract: Contract, user: User, held_on: dt.date) -> Contract:
    approved_from = max(contract.approved_until + dt.timedelta(days=1), held_on)
    goals = list(contract.goals.order_by("position", "id"))
    number = {g.pk: n for n, g in enumerate(goals, start=1)}
    data = {
        "previous": contract, "talk_on": held_on, "talk_place": contract.talk_place, "proposal": contract.proposal,
        "own_proposal": contract.own_proposal, "help_type": contract.help_type, "provider": contract.provider,
        "provider_wish": contract.provider_wish, "approved_from": approved_from,
        "approved_until": contracts.default_approval_end(approved_from),
        "hours_per_week": contract.hours_per_week, "monthly_cost": contract.monthly_cost,
    }
    participants = [{"name": p.name, "party": p.party, "relation": p.relation, "signs": True}
                    for p in contract.participants.order_by("id")]
    tasks = [
        {"party": t.party, "who": t.who, "what": t.what, "due": t.due,
         # A date of the old period is no date for the new one; the text ("every week") stays.
         "due_on": t.due_on if t.due_on and t.due_on >= approved_from else None,
         "goal": number.get(t.goal_id)}
        for t in contract.tasks.order_by("position", "id")
    ]
    return contracts.contract_create(
        case=contract.case, user=user, data=data, participants=participants,
        goals=[{"text": g.text, "indicator": g.indicator} for g in goals], tasks=tasks,
    )


# --- Registration ---------------------------------------------------------------------------------


def register() -> None:
    """Register this part's navigation and worklist entries."""
    from juwe import navigation, worklist

    navigation.register(navigation.NavItem(_("Contracts"), "cases:provider_contract_list", "cases.provider_contracts",
                                           order=11))
    worklist.register(
        worklist.Section(
            key="cases-reviews-due",
            title=_("Contracts to review (approval ends within 4 weeks)"),
            perm="cases.view_review_worklist",
            rows=review_worklist_rows,
            template="juwe/_worklist_simple.html",
            order=15,
        )
    )
    worklist.register(
        worklist.Section(
            key="cases-provider-contracts",
            title=_("Active contracts"),
            perm="cases.provider_contracts",
            rows=provider_worklist_rows,
            template="juwe/_worklist_simple.html",
            order=15,
        )
    )
