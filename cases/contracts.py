"""Contracts (Kontrakt) from the contract talk: goals, tasks, signing, team-lead approval, PDF.

Services (writes in one transaction, German messages), selectors and access scopes of this part of
the case file. `register()` is called from CasesConfig.ready for navigation and worklist entries.

A contract goes draft → signed → active → ended. Goals, tasks and participants can change only
while it is a draft; once signed they are the record the family signed (the PDF is rendered from
them), and a change needs a follow-up contract (`previous`).

Inputs of `contract_create` / `contract_update`:

* ``data``: the contract's own fields – ``talk_on``, ``talk_place``, ``proposal`` (a HelpProposal of
  the case or None), ``own_proposal``, ``help_type``, ``provider``, ``provider_wish``,
  ``approved_from``, ``approved_until`` (both default from the talk date), ``hours_per_week``,
  ``monthly_cost``, ``internal_note``, and for create optionally ``previous`` (the contract this one
  follows up).
* ``participants``: dicts with ``name``, ``party`` (ContractParticipant.Party), ``relation``, ``signs``.
* ``goals``: dicts with ``text`` (the family's words) and ``indicator``; numbered in list order.
* ``tasks``: dicts with ``party`` (TaskParty), ``who``, ``what``, ``due``, ``due_on`` and ``goal``
  (the 1-based number of a goal in ``goals``, or None).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import rules
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from juwe.access import get_visible_or_404, is_caseworker, is_provider_staff, is_team_lead, visible
from juwe.audit import Action, audit_log
from juwe.lib import changes as audit_changes
from juwe.lib.money import to_money
from juwe.models import User
from juwe.roles import Role

from . import services
from .models import (
    Case,
    CaseState,
    Contract,
    ContractGoal,
    ContractParticipant,
    ContractState,
    ContractTask,
    HelpProposal,
    HelpType,
    ProtectionAssessment,
    TaskParty,
)

CS = ContractState
Party = ContractParticipant.Party
APPROVAL_MONTHS = 6  # "the help is approved for 6 months"
PROFESSIONAL_PARTIES = frozenset({TaskParty.OFFICE, TaskParty.PROVIDER})
CONTRACT_CASE_STATES = frozenset({CaseState.CONFERENCE, CaseState.HELP})

MSG_CASE_STATE = _("A contract can only be made for a case in the state “case conference” or “help”.")
MSG_NOT_YOUR_TEAM = _("Only case managers and team leads of the case's team can work on its contracts.")
MSG_NEEDS_GOAL = _("A contract needs at least one goal in the family's words.")
MSG_NEEDS_FAMILY_TASK = _("A contract needs at least one task for the family.")
MSG_NEEDS_PROFESSIONAL_TASK = _("A contract needs at least one task for the youth office or the provider.")
MSG_NEEDS_FAMILY_PARTICIPANT = _("Name at least one family member who took part in the contract talk.")
MSG_TASK_INCOMPLETE = _("Task %(number)s: say who does what.")
MSG_TASK_GOAL_UNKNOWN = _("Task %(number)s refers to goal %(goal)s, which does not exist.")
MSG_PARTICIPANT_NAME = _("Every participant needs a name.")
MSG_TALK_DATE = _("Enter the date of the contract talk.")
MSG_TALK_IN_FUTURE = _("The contract talk lies in the future; record a talk that has taken place.")
MSG_TALK_PLACE = _("Enter the place the family chose for the contract talk.")
MSG_HELP_TYPE = _("Choose the help type.")
MSG_CHOOSE_HELP = _("Choose the help proposal the family chose, or describe the family's own proposal.")
MSG_PROPOSAL_NOT_OF_CASE = _("This help proposal was not decided for this case.")
MSG_APPROVAL_ORDER = _("The end of the approval lies before its start.")
MSG_COST_NOT_A_NUMBER = _("Enter the monthly cost as an amount in euros, e.g. 1.250,00.")
MSG_COST_NEGATIVE = _("The monthly cost cannot be negative.")
MSG_HOURS_NEGATIVE = _("The hours per week cannot be negative.")
MSG_PREVIOUS = _("The previous contract must be an earlier, signed contract of the same case without a follow-up.")
MSG_NOT_DRAFT = _("This contract has been signed; its goals and tasks can no longer be changed. Make a follow-up contract instead.")
MSG_ILLEGAL = _("A contract in the state “%(state)s” cannot be %(action)s.")
MSG_SIGNED_IN_FUTURE = _("The contract cannot be signed with a date in the future.")
MSG_SIGNED_BEFORE_TALK = _("The signature date lies before the contract talk (%(date)s).")
MSG_NEEDS_FAMILY_SIGNATURE = _("At least one family member must have signed.")
MSG_UNKNOWN_SIGNER = _("Only participants of this contract can sign it.")
MSG_APPROVE_TEAM_LEAD = _("Only a team lead of the case's team can approve a contract.")
MSG_CASE_CLOSED = _("The case is closed; its contracts cannot become active.")
MSG_END_DATE = _("Enter the date the help ended.")
MSG_END_BEFORE_START = _("The end date lies before the start of the approval (%(date)s).")
MSG_STALE = _(
    "Someone else has changed this contract in the meantime (now version %(current)s, you edited version "
    "%(expected)s). Nothing was saved: reload the page and enter your change again."
)


# --- Dates ----------------------------------------------------------------------------------------


def default_approval_end(start: dt.date, months: int = APPROVAL_MONTHS) -> dt.date:
    """End of an approval of `months` from `start` (§ 188 BGB): the day before the same day number
    `months` later (1 Jan → 30 Jun); if that month lacks the day, its last day (31 Aug → 28/29 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    if start.day > last:
        return dt.date(year, month, last)
    return dt.date(year, month, start.day) - dt.timedelta(days=1)


def _today() -> dt.date:
    return timezone.localdate()


# --- Permissions (actions; the scope is cases.access.contract_scope) --------------------------------


@rules.predicate
def of_case_team(user, contract) -> bool:
    """The contract belongs to a case of the user's team (shared by the reviews' permissions)."""
    return contract is None or contract.team_id == user.team_id


rules.add_perm("cases.view_contract", is_caseworker | is_provider_staff)
rules.add_perm("cases.view_contract_internal", is_caseworker)  # the internal note, the case link
rules.add_perm("cases.change_contract", is_caseworker & of_case_team)
rules.add_perm("cases.approve_contract", is_team_lead & of_case_team)


# --- Validation -----------------------------------------------------------------------------------


def _strip(value) -> str:
    return (value or "").strip()


def _money(value, field: str, errors: dict, *, required: bool, negative_msg) -> Decimal | None:
    if value in (None, ""):
        if required:
            errors.setdefault(field, []).append(ValidationError(MSG_COST_NOT_A_NUMBER, code="cost"))
        return None
    try:
        amount = to_money(str(value) if isinstance(value, float) else value)
    except (TypeError, ValueError):  # to_money also refuses NaN and infinity
        errors.setdefault(field, []).append(ValidationError(MSG_COST_NOT_A_NUMBER, code="not_a_number"))
        return None
    if amount < 0:
        errors.setdefault(field, []).append(ValidationError(negative_msg, code="negative"))
        return None
    return amount


def _clean(case: Case, data: dict, participants: list[dict], goals: list[dict], tasks: list[dict]) -> dict:
    """Check everything the contract needs; returns the cleaned contract fields or raises all errors at once."""
    errors: dict[str, list] = {}

    def err(field, msg, code, **params):
        errors.setdefault(field, []).append(ValidationError(msg, code=code, params=params or None))

    talk_on = data.get("talk_on")
    if not talk_on:
        err("talk_on", MSG_TALK_DATE, "talk_on")
    elif talk_on > _today():
        err("talk_on", MSG_TALK_IN_FUTURE, "talk_future")
    if not _strip(data.get("talk_place")):
        err("talk_place", MSG_TALK_PLACE, "talk_place")

    proposal: HelpProposal | None = data.get("proposal")
    if proposal is not None and not decided_proposals_qs(case).filter(pk=proposal.pk).exists():
        err("proposal", MSG_PROPOSAL_NOT_OF_CASE, "proposal")
    if proposal is None and not _strip(data.get("own_proposal")):
        err("proposal", MSG_CHOOSE_HELP, "no_help")
    help_type = data.get("help_type") or (proposal.help_type if proposal else "")
    if help_type not in HelpType.values:
        err("help_type", MSG_HELP_TYPE, "help_type")
    provider = data.get("provider") or (proposal.provider if proposal else None)

    approved_from = data.get("approved_from") or talk_on
    approved_until = data.get("approved_until") or (default_approval_end(approved_from) if approved_from else None)
    if approved_from and approved_until and approved_until < approved_from:
        err("approved_until", MSG_APPROVAL_ORDER, "approval_order")

    monthly_cost = _money(data.get("monthly_cost"), "monthly_cost", errors, required=True, negative_msg=MSG_COST_NEGATIVE)
    hours = _money(data.get("hours_per_week"), "hours_per_week", errors, required=False, negative_msg=MSG_HOURS_NEGATIVE)

    if any(not _strip(p.get("name")) for p in participants):
        err("participants", MSG_PARTICIPANT_NAME, "participant_name")
    if not any(p.get("party") == Party.FAMILY and _strip(p.get("name")) for p in participants):
        err("participants", MSG_NEEDS_FAMILY_PARTICIPANT, "family_participant")

    if not any(_strip(g.get("text")) for g in goals):
        err("goals", MSG_NEEDS_GOAL, "no_goal")
    parties = {t.get("party") for t in tasks}
    if TaskParty.FAMILY not in parties:
        err("tasks", MSG_NEEDS_FAMILY_TASK, "family_task")
    if not parties & PROFESSIONAL_PARTIES:
        err("tasks", MSG_NEEDS_PROFESSIONAL_TASK, "professional_task")
    for number, t in enumerate(tasks, start=1):
        if not (_strip(t.get("who")) and _strip(t.get("what"))) or t.get("party") not in TaskParty.values:
            err("tasks", MSG_TASK_INCOMPLETE, "task_incomplete", number=number)
        goal = t.get("goal")
        if goal and not 1 <= int(goal) <= len(goals):
            err("tasks", MSG_TASK_GOAL_UNKNOWN, "task_goal", number=number, goal=goal)

    if errors:
        raise ValidationError(errors)
    return {
        "talk_on": talk_on,
        "talk_place": _strip(data.get("talk_place")),
        "proposal": proposal,
        "own_proposal": _strip(data.get("own_proposal")),
        "help_type": help_type,
        "provider": provider,
        "provider_wish": _strip(data.get("provider_wish")),
        "approved_from": approved_from,
        "approved_until": approved_until,
        "hours_per_week": hours,
        "monthly_cost": monthly_cost,
        "internal_note": _strip(data.get("internal_note")),
    }


def _check_caseworker(user: User, case: Case) -> None:
    if not (user.has_role(Role.CASE_MANAGER, Role.TEAM_LEAD) and user.team_id == case.team_id):
        raise ValidationError(MSG_NOT_YOUR_TEAM, code="team")


def _write_parts(contract: Contract, participants: list[dict], goals: list[dict], tasks: list[dict]) -> None:
    ContractParticipant.objects.bulk_create(
        ContractParticipant(
            contract=contract, name=_strip(p["name"]), party=p["party"], relation=_strip(p.get("relation")),
            signs=bool(p.get("signs", True)),
        )
        for p in participants
    )
    made = ContractGoal.objects.bulk_create(
        ContractGoal(contract=contract, position=i, text=_strip(g["text"]), indicator=_strip(g.get("indicator")))
        for i, g in enumerate((g for g in goals if _strip(g.get("text"))), start=1)
    )
    ContractTask.objects.bulk_create(
        ContractTask(
            contract=contract, position=i, party=t["party"], who=_strip(t["who"]), what=_strip(t["what"]),
            due=_strip(t.get("due")), due_on=t.get("due_on"),
            goal=made[int(t["goal"]) - 1] if t.get("goal") else None,
        )
        for i, t in enumerate(tasks, start=1)
    )


def _locked(contract: Contract, expected_version: int | None) -> Contract:
    """Lock the contract row and compare versions: concurrent edits never overwrite each other."""
    locked = Contract.objects.select_for_update().select_related("case").get(pk=contract.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(MSG_STALE, code="stale", params={"current": locked.version, "expected": expected_version})
    return locked


def _require_state(contract: Contract, state: str, action, *, editing: bool = False) -> None:
    if contract.state != state:
        if editing:
            raise ValidationError(MSG_NOT_DRAFT, code="frozen")
        raise ValidationError(
            MSG_ILLEGAL, code="illegal", params={"state": CS(contract.state).label, "action": action}
        )


def _save(contract: Contract, fields: Iterable[str]) -> None:
    contract.version += 1
    contract.save(update_fields=[*fields, "version", "updated_at"])


# --- Services -------------------------------------------------------------------------------------


def contract_create(
    *, case: Case, user: User, data: dict, participants: list[dict], goals: list[dict], tasks: list[dict]
) -> Contract:
    """Record the contract talk as a draft contract of `case` (team's case in conference or help)."""
    _check_caseworker(user, case)
    cleaned = _clean(case, data, participants, goals, tasks)
    previous = data.get("previous")
    with transaction.atomic():
        locked_case = Case.objects.select_for_update().only("state", "team_id").get(pk=case.pk)
        if locked_case.state not in CONTRACT_CASE_STATES:
            raise ValidationError(MSG_CASE_STATE, code="case_state")
        if previous is not None:
            previous = Contract.objects.select_for_update().get(pk=previous.pk)
            if (previous.case_id != case.pk or previous.state == CS.DRAFT
                    or Contract.objects.filter(previous=previous).exists()):
                raise ValidationError({"previous": MSG_PREVIOUS}, code="previous")
        contract = Contract.objects.create(case=case, previous=previous, created_by=user, **cleaned)
        _write_parts(contract, participants, goals, tasks)
        audit_log(action=Action.CREATE, name="cases.contract.created", user=user, obj=contract,
                  data={**audit_changes.created(contract, ["case", "previous", *cleaned]), **_parts_count(contract)})
    return contract


def _parts_count(contract: Contract) -> dict:
    return {"participants": contract.participants.count(), "goals": contract.goals.count(),
            "tasks": contract.tasks.count()}


def contract_update(
    *, contract: Contract, user: User, version: int | None, data: dict, participants: list[dict],
    goals: list[dict], tasks: list[dict],
) -> Contract:
    """Change a draft: its fields, participants, goals and tasks are replaced as a whole."""
    _check_caseworker(user, contract.case)
    with transaction.atomic():
        locked = _locked(contract, version)
        _require_state(locked, CS.DRAFT, _("changed"), editing=True)
        cleaned = _clean(locked.case, data, participants, goals, tasks)
        before = audit_changes.snapshot(locked, cleaned)
        for key, value in cleaned.items():
            setattr(locked, key, value)
        # Tasks first: a goal must not be deleted while notes point to its tasks (drafts have none).
        locked.tasks.all().delete()
        locked.goals.all().delete()
        locked.participants.all().delete()
        _write_parts(locked, participants, goals, tasks)
        _save(locked, cleaned.keys())
        # Participants, goals and tasks are replaced as a whole: the event counts them, the texts stay in the file.
        audit_log(action=Action.UPDATE, name="cases.contract.changed", user=user, obj=locked,
                  data={**audit_changes.changes(locked, before), **_parts_count(locked), "version": locked.version})
    return locked


def contract_sign(
    *, contract: Contract, user: User, signed_on: dt.date, signers: Iterable[int], version: int | None = None
) -> Contract:
    """Record the signatures (draft → signed): the date, who signed, who recorded it and when.
    From now on goals, tasks and participants are frozen, and everything the page and the PDF
    show is kept as signed in `snapshot` (family names, provider, texts, figures)."""
    _check_caseworker(user, contract.case)
    signer_ids = {int(s) for s in signers}
    with transaction.atomic():
        locked = _locked(contract, version)
        _require_state(locked, CS.DRAFT, _("signed"))
        errors = {}
        if not signed_on:
            errors["signed_on"] = ValidationError(MSG_TALK_DATE, code="signed_on")
        elif signed_on > _today():
            errors["signed_on"] = ValidationError(MSG_SIGNED_IN_FUTURE, code="signed_future")
        elif signed_on < locked.talk_on:
            errors["signed_on"] = ValidationError(
                MSG_SIGNED_BEFORE_TALK, code="signed_before_talk", params={"date": f"{locked.talk_on:%d.%m.%Y}"}
            )
        parties = dict(locked.participants.values_list("id", "party"))
        if signer_ids - parties.keys():
            errors["signers"] = ValidationError(MSG_UNKNOWN_SIGNER, code="signer")
        elif not any(parties[s] == Party.FAMILY for s in signer_ids):
            errors["signers"] = ValidationError(MSG_NEEDS_FAMILY_SIGNATURE, code="family_signature")
        if errors:
            raise ValidationError(errors)
        locked.participants.update(signs=False)
        locked.participants.filter(id__in=signer_ids).update(signs=True)
        locked.state = CS.SIGNED
        locked.signed_on, locked.signed_recorded_at, locked.signed_recorded_by = signed_on, timezone.now(), user
        locked.snapshot = contract_snapshot(locked)  # from now on the page and the PDF show this copy
        _save(locked, ["state", "signed_on", "signed_recorded_at", "signed_recorded_by", "snapshot"])
        audit_log(action=Action.UPDATE, name="cases.contract.signed", user=user, obj=locked,
                  data={"changes": {"state": [CS.DRAFT, CS.SIGNED]}, "signed_on": signed_on.isoformat(),
                        "signers": sorted(signer_ids), "version": locked.version})
    return locked


def contract_approve(*, contract: Contract, user: User, version: int | None = None) -> Contract:
    """The team lead approves a signed contract (signed → active). The case goes from conference to
    help; an active previous contract ends the day before this approval starts."""
    if not (user.has_role(Role.TEAM_LEAD) and user.team_id == contract.case.team_id):
        raise ValidationError(MSG_APPROVE_TEAM_LEAD, code="team_lead")
    with transaction.atomic():
        locked = _locked(contract, version)
        _require_state(locked, CS.SIGNED, _("approved"))
        case = locked.case
        if case.state == CaseState.CLOSED:
            raise ValidationError(MSG_CASE_CLOSED, code="case_closed")
        if case.state == CaseState.CONFERENCE:
            services.case_transition(case=case, user=user, to_state=CaseState.HELP,
                                     note=str(_("Contract approved.")))
        if locked.previous_id:
            previous = Contract.objects.select_for_update().get(pk=locked.previous_id)
            if previous.state == CS.ACTIVE:
                previous.state = CS.ENDED
                previous.ended_on = max(locked.approved_from - dt.timedelta(days=1), previous.approved_from)
                previous.end_note = str(_("Followed by a new contract."))
                _save(previous, ["state", "ended_on", "end_note"])
                audit_log(action=Action.UPDATE, name="cases.contract.ended", user=user, obj=previous,
                          data={"changes": {"state": [CS.ACTIVE, CS.ENDED]}, "ended_on": previous.ended_on.isoformat(),
                                "followed_by": locked.pk, "version": previous.version})
        locked.state = CS.ACTIVE
        locked.approved_at, locked.approved_by = timezone.now(), user
        _save(locked, ["state", "approved_at", "approved_by"])
        audit_log(action=Action.UPDATE, name="cases.contract.approved", user=user, obj=locked,
                  data={"changes": {"state": [CS.SIGNED, CS.ACTIVE]}, "approved_from": locked.approved_from.isoformat(),
                        "approved_until": locked.approved_until.isoformat(), "version": locked.version})
    return locked


def contract_end(*, contract: Contract, user: User, ended_on: dt.date, note: str = "", version: int | None = None) -> Contract:
    """End an active contract (active → ended) on `ended_on`, with the reason."""
    _check_caseworker(user, contract.case)
    with transaction.atomic():
        locked = _locked(contract, version)
        _require_state(locked, CS.ACTIVE, _("ended"))
        if not ended_on:
            raise ValidationError({"ended_on": MSG_END_DATE}, code="ended_on")
        if ended_on < locked.approved_from:
            raise ValidationError(
                {"ended_on": ValidationError(MSG_END_BEFORE_START, code="end_before_start",
                                             params={"date": f"{locked.approved_from:%d.%m.%Y}"})}
            )
        locked.state, locked.ended_on, locked.end_note = CS.ENDED, ended_on, _strip(note)
        _save(locked, ["state", "ended_on", "end_note"])
        audit_log(action=Action.UPDATE, name="cases.contract.ended", user=user, obj=locked,
                  data={"changes": {"state": [CS.ACTIVE, CS.ENDED]}, "ended_on": ended_on.isoformat(),
                        "fields": ["state", "ended_on", *(["end_note"] if locked.end_note else [])],
                        "version": locked.version})
    return locked


# --- Selectors ------------------------------------------------------------------------------------


def decided_proposals_qs(case: Case) -> QuerySet:
    """The help proposals the case's conference decided on; the family chooses among them."""
    from .conference import decided_proposals  # late: conference imports the case services too

    return decided_proposals(case)


def contracts_for_case(case: Case) -> QuerySet:
    """The case's contracts, newest approval first, with what the panel and lists show."""
    return (
        Contract.objects.filter(case=case)
        .select_related("provider")
        .order_by("-approved_from", "-id")
    )


def contract_detail(user: User, pk: int) -> Contract:
    """One contract in the user's scope (404 outside) with its case, provider and people."""
    qs = Contract.objects.select_related(
        "case", "case__district", "case__team", "provider", "proposal", "previous", "signed_recorded_by",
        "approved_by",
    )
    return get_visible_or_404(user, qs, pk=pk)


def contract_parts(contract: Contract) -> dict:
    """Participants, goals with their tasks and the tasks without a goal: three queries."""
    participants = list(contract.participants.all())
    goals = list(contract.goals.all())
    tasks = list(contract.tasks.all())
    by_goal: dict[int | None, list] = {}
    for t in tasks:
        by_goal.setdefault(t.goal_id, []).append(t)
    for g in goals:
        g.task_list = by_goal.get(g.pk, [])
    return {"participants": participants, "goals": goals, "tasks": tasks,
            "loose_tasks": by_goal.get(None, []), "signers": [p for p in participants if p.signs]}


def family_names(case: Case) -> str:
    """The family's surnames as a contract names them ("Petersen", "Petersen / Kaya")."""
    names: list[str] = []
    for last in case.members.order_by("id").values_list("person__last_name", flat=True):
        if last not in names:
            names.append(last)
    return " / ".join(names)


# --- The frozen copy (snapshot) -------------------------------------------------------------------
#
# A signed contract is the record the family signed: what its page and PDF show is copied into
# `Contract.snapshot` when the signature is recorded, in the same transaction, and read from there
# ever after – a new family member, a renamed provider or an edited row never changes it. A draft
# is built the same way from the live rows on every view, so both go through one template path.
# JSON keeps dates as ISO strings and amounts as Decimal strings ("1850.00"), never floats.

SNAPSHOT_VERSION = 1


def frozen_label(choices, value) -> str:
    """The label of a choice in the office's language (the document's), the value if unknown."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(choices(value).label) if value in choices.values else str(value or "")


def frozen_user_name(user) -> str:
    """As User.__str__, from fields only (the migration passes historical models without methods)."""
    if user is None:
        return ""
    return f"{user.first_name} {user.last_name}".strip() or user.username


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def contract_snapshot(contract) -> dict:
    """Everything the contract's page and PDF show of what was agreed, as JSON (six queries).

    Works on historical models too (the data migration fills signed contracts from it): only
    fields and the choice enums, no model methods."""
    participants = contract.participants.order_by("id")
    goals = list(contract.goals.order_by("position", "id"))
    numbers = {g.pk: i for i, g in enumerate(goals, start=1)}
    previous = contract.previous
    return {
        "version": SNAPSHOT_VERSION,
        "reference": contract.case.reference,
        "family_names": family_names(contract.case),
        "talk_on": _iso(contract.talk_on),
        "talk_place": contract.talk_place,
        "help_type": contract.help_type,
        "help_type_label": frozen_label(HelpType, contract.help_type),
        "proposal_description": contract.proposal.description if contract.proposal_id else "",
        "own_proposal": contract.own_proposal,
        "provider_name": contract.provider.name if contract.provider_id else "",
        "provider_wish": contract.provider_wish,
        "approved_from": _iso(contract.approved_from),
        "approved_until": _iso(contract.approved_until),
        "hours_per_week": str(contract.hours_per_week) if contract.hours_per_week is not None else None,
        "monthly_cost": str(contract.monthly_cost),
        "previous": {"pk": previous.pk, "approved_from": _iso(previous.approved_from),
                     "approved_until": _iso(previous.approved_until)} if previous else None,
        "signed_on": _iso(contract.signed_on),
        "signed_recorded_at": _iso(contract.signed_recorded_at),
        "signed_recorded_by": frozen_user_name(contract.signed_recorded_by),
        "participants": [
            {"name": p.name, "party": p.party, "party_label": frozen_label(Party, p.party), "relation": p.relation,
             "signs": p.signs}
            for p in participants
        ],
        "goals": [{"number": numbers[g.pk], "text": g.text, "indicator": g.indicator} for g in goals],
        "tasks": [
            {"party": t.party, "party_label": frozen_label(TaskParty, t.party), "who": t.who, "what": t.what, "due": t.due,
             "due_on": _iso(t.due_on), "goal": numbers.get(t.goal_id)}
            for t in contract.tasks.order_by("position", "id")
        ],
    }


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _thaw(snap: dict, *, frozen: bool) -> dict:
    """The snapshot as the templates read it: dates and Decimals back, tasks grouped (no queries)."""
    tasks = [t | {"due_on": _date(t["due_on"])} for t in snap["tasks"]]
    goals = [g | {"task_list": [t for t in tasks if t["goal"] == g["number"]]} for g in snap["goals"]]
    groups = [[t for t in tasks if t["party"] == party] for party in TaskParty.values]
    previous = snap["previous"]
    return snap | {
        "frozen": frozen,
        "talk_on": _date(snap["talk_on"]),
        "approved_from": _date(snap["approved_from"]),
        "approved_until": _date(snap["approved_until"]),
        "signed_on": _date(snap["signed_on"]),
        "signed_recorded_at": dt.datetime.fromisoformat(snap["signed_recorded_at"]) if snap["signed_recorded_at"] else None,
        "hours_per_week": Decimal(snap["hours_per_week"]) if snap["hours_per_week"] is not None else None,
        "monthly_cost": to_money(snap["monthly_cost"]),
        "previous": previous and previous | {"approved_from": _date(previous["approved_from"]),
                                             "approved_until": _date(previous["approved_until"])},
        "goals": goals,
        "tasks": tasks,
        "loose_tasks": [t for t in tasks if t["goal"] is None],
        "task_groups": [(ts[0]["party_label"], ts) for ts in groups if ts],
        "signers": [p for p in snap["participants"] if p["signs"]],
    }


def contract_view(contract: Contract) -> dict:
    """What the page and the PDF show of the agreement: the snapshot once signed, live as a draft.
    (A signed contract without a snapshot cannot exist after migration 0010; live is the fallback.)"""
    if contract.state != CS.DRAFT and contract.snapshot:
        return _thaw(contract.snapshot, frozen=True)
    return _thaw(contract_snapshot(contract), frozen=False)


def contract_document(contract: Contract) -> dict:
    """What the printed contract shows: the agreement as signed (never the internal note), tasks
    grouped by party in the order family, office, provider, others."""
    return {"contract": contract, "doc": contract_view(contract)}


@dataclass(frozen=True)
class CommittedContract:
    """What the budgets app needs of a contract to count it as a commitment (no case contents)."""

    district_id: int
    help_type: str
    provider_id: int | None
    monthly_cost: Decimal
    start: dt.date
    end: dt.date


def committed_contracts(district_ids: Iterable[int], year: int, today: dt.date) -> list[CommittedContract]:
    """Signed and active contracts of cases in the districts whose approval reaches into `year` and
    is not over by `today` – one query. Unscoped: the budgets app shows sums only, never contracts."""
    rows = (
        Contract.objects.filter(
            case__district_id__in=list(district_ids), state__in=[CS.SIGNED, CS.ACTIVE],
            approved_from__lte=dt.date(year, 12, 31), approved_until__gte=max(dt.date(year, 1, 1), today),
        )
        .values_list("case__district_id", "help_type", "provider_id", "monthly_cost", "approved_from", "approved_until")
    )
    return [CommittedContract(*row) for row in rows]


# --- Legal basis of costs (§ 36a SGB VIII), read by the budgets app --------------------------------

TAKING_INTO_CARE_MONTHS = 3  # longest a § 42 taking into care carries costs without a decided help


@dataclass(frozen=True)
class ApprovedContract:
    """An approved contract of a case as the legal basis of its costs: what the budgets app needs
    to check a booking (no case contents). Approved = the team lead's approval is recorded (active
    or ended); the period runs from `approved_from` to `approved_until`, or to `ended_on` if the
    help ended earlier."""

    pk: int
    case_id: int
    help_type: str
    provider_id: int | None
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class TakingIntoCare:
    """A taking into care (§ 42 SGB VIII) recorded in a § 8a assessment, as the legal basis of the
    costs until a help is decided (see `decided_help`)."""

    pk: int
    case_id: int
    start: dt.date
    end: dt.date


@dataclass
class DecidedHelp:
    """Everything the office decided for one case that can carry costs."""

    contracts: list[ApprovedContract]
    takings_into_care: list[TakingIntoCare]


def decided_help(case_ids: Iterable[int]) -> dict[int, DecidedHelp]:
    """Approved contracts and takings into care of the cases, two queries however many cases.

    The period of a taking into care: from the day the report was received (the child may be taken
    into care at once, before the assessment is recorded) until the day before the first approved
    contract of the case that starts on or after that day – a decided help replaces the provisional
    measure (§ 42 Abs. 4 Nr. 2 SGB VIII) – and at most TAKING_INTO_CARE_MONTHS months
    (`default_approval_end(start, 3)`). Without a contract after it, the 3 months are the period.

    Unscoped: the budgets app checks its bookings against it and shows only the periods."""
    ids = sorted(set(case_ids))
    result = {pk: DecidedHelp([], []) for pk in ids}
    if not ids:
        return result
    rows = (
        Contract.objects.filter(case_id__in=ids, approved_at__isnull=False)
        .order_by("case_id", "approved_from", "id")
        .values_list("id", "case_id", "help_type", "provider_id", "approved_from", "approved_until", "ended_on")
    )
    for pk, case_id, help_type, provider_id, start, until, ended_on in rows:
        end = min(until, ended_on) if ended_on else until
        result[case_id].contracts.append(ApprovedContract(pk, case_id, help_type, provider_id, start, end))
    takings = (
        ProtectionAssessment.objects.filter(case_id__in=ids, taken_into_care=True)
        .order_by("case_id", "received_at", "id")
        .values_list("id", "case_id", "received_at")
    )
    for pk, case_id, received_at in takings:
        start = timezone.localdate(received_at)
        end = default_approval_end(start, TAKING_INTO_CARE_MONTHS)
        following = [c.start for c in result[case_id].contracts if c.start >= start]
        if following:
            end = min(end, min(following) - dt.timedelta(days=1))
        if end >= start:
            result[case_id].takings_into_care.append(TakingIntoCare(pk, case_id, start, end))
    return result


WORKLIST_LIMIT = 50
APPROVAL_OVERDUE_DAYS = 7  # a signed contract waits for its help; a week is long enough


def contracts_awaiting_approval(user: User) -> list[dict]:
    """Worklist of a team lead: signed contracts of the team waiting for approval, oldest first.
    One query however many there are."""
    qs = (
        visible(user, Contract)
        .filter(state=CS.SIGNED, team_id=user.team_id)
        .select_related("case", "provider")
        .only("id", "help_type", "signed_on", "approved_from", "case__reference", "provider__name")
        .order_by("signed_on", "id")[:WORKLIST_LIMIT]
    )
    overdue = _today() - dt.timedelta(days=APPROVAL_OVERDUE_DAYS)
    return [
        {
            "label": f"{c.case.reference} – {c.get_help_type_display()}",
            "url": reverse("cases:contract_detail", args=[c.pk]),
            "note": _("signed on %(date)s, %(provider)s, approval from %(start)s")
            % {"date": f"{c.signed_on:%d.%m.%Y}", "provider": c.provider.name if c.provider else _("no provider"),
               "start": f"{c.approved_from:%d.%m.%Y}"},
            "overdue": c.signed_on < overdue,
        }
        for c in qs
    ]


def register() -> None:
    """Register this part's navigation and worklist entries."""
    from juwe import worklist

    worklist.register(
        worklist.Section(
            key="cases-contracts-approval",
            title=_("Contracts waiting for approval"),
            perm="cases.approve_contract",
            rows=contracts_awaiting_approval,
            template="juwe/_worklist_simple.html",
            order=25,
        )
    )
