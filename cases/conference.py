"""Case conferences (Fallbesprechung im Regionalteam): agenda, guided record, proposals, consensus/veto.

Services (writes in one transaction, German messages), selectors and access rules of this part of
the case file. `register()` is called from CasesConfig.ready for navigation and worklist entries.

The consensus rule: every participant of the conference votes on a case in each round, agreeing
or lodging a veto with a reason. All agree – the case is decided and its record frozen. One veto –
no decision; the case goes back for another round, in which the proposals may change. Earlier
rounds' votes stay as history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import rules
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case as CaseWhen
from django.db.models import Count, DateTimeField, F, Max, Prefetch, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from juwe.access import get_visible_or_404, is_caseworker, visible
from juwe.audit import Action, audit_log
from juwe.lib import changes as audit_changes
from juwe.models import Provider, User
from juwe.roles import Role

from . import services
from .contracts import SNAPSHOT_VERSION, frozen_label, frozen_user_name
from .models import (
    Case,
    CaseState,
    Conference,
    ConferenceIdea,
    ConferenceItem,
    ConferenceParticipant,
    ConferenceVote,
    HelpProposal,
    HelpType,
    ItemStatus,
    ParticipantFunction,
    ResourceEntry,
    Vote,
)

MIN_PROPOSALS = 2  # the team offers the family a choice: at least two help proposals per case
WORKLIST_DAYS = 14  # conferences within the next two weeks appear on the worklist
WORKLIST_LIMIT = 20

MSG_NO_TEAM = _("Only case managers and team leads of a team can plan its case conferences.")
MSG_CHAIR_NOT_IN_TEAM = _("The moderation must be a case manager or team lead of the team.")
MSG_PARTICIPANT_NOT_ELIGIBLE = _(
    "%(name)s cannot take part: participants are the team's case managers and team leads, economic youth aid "
    "of the social centre and provider staff – or named guests."
)
MSG_PARTICIPANT_TWICE = _("%(name)s is already a participant.")
MSG_GUEST_NAME = _("Enter the guest's name (or choose a user).")
MSG_GUEST_FUNCTION = _("Choose the guest's function.")
MSG_PARTICIPANT_HAS_VOTED = _("%(name)s has voted already; the vote stays in the minutes, so the participant stays too.")
MSG_CASE_NOT_IN_TEAM = _("The case does not belong to this conference's team.")
MSG_CASE_CLOSED = _("The case is closed; a closed case cannot be discussed in a case conference.")
MSG_CASE_IN_INTAKE = _(
    "The case is still in intake. Finish the intake (will, goals, resource check) and move it to counselling first."
)
MSG_CASE_ON_AGENDA = _("The case is already on this conference's agenda.")
MSG_ITEM_HAS_VOTES = _("Votes have been recorded for this case; it stays on the agenda.")
MSG_DECIDED_FROZEN = _("The case was decided by consensus; its record cannot change any more.")
MSG_RETURNED_NEW_ROUND = _("A veto sent the case back. Start another round before changing the record or voting again.")
MSG_NOT_RETURNED = _("Another round can only start after a veto.")
MSG_RESOURCE_NOT_OF_CASE = _("Only entries of this case's resource map can be chosen.")
MSG_IDEA_EMPTY = _("Write down the idea.")
MSG_PROPOSAL_EMPTY = _("Describe the proposal.")
MSG_TOO_FEW_PROPOSALS = _(
    "At least two help proposals are needed before the team decides (%(n)s recorded). Nothing was saved."
)
MSG_NO_PARTICIPANTS = _("The conference has no participants yet; add them before voting.")
MSG_VOTES_MISSING = _("Every participant must vote. Missing: %(names)s. Nothing was saved.")
MSG_NOT_A_PARTICIPANT = _("Only participants of this conference can vote.")
MSG_VETO_WITHOUT_REASON = _("A veto needs a reason (%(name)s). Nothing was saved.")
MSG_VOTE_REQUIRED = _("Choose “agrees” or “veto”.")
MSG_VETO_REASON_REQUIRED = _("A veto needs a reason.")


def _now() -> dt.datetime:
    return timezone.now()


# --- Who takes part -----------------------------------------------------------------------------


def eligible_participant_users(team) -> QuerySet:
    """Users who may take part in a team's conference: its case managers and team leads, economic
    youth aid of its social centre (or of the whole office) and provider staff."""
    q = Q(team_id=team.pk, groups__name__in=[Role.CASE_MANAGER, Role.TEAM_LEAD])
    q |= Q(groups__name=Role.ECONOMIC_AID) & (Q(social_center_id=team.social_center_id) | Q(social_center__isnull=True))
    q |= Q(groups__name=Role.PROVIDER_STAFF, provider__isnull=False)
    return User.objects.filter(q, is_active=True).distinct().order_by("last_name", "first_name")


def _function_of(user: User, team) -> str | None:
    """The function a user takes part in, or None when the user may not take part."""
    if user.team_id == team.pk and user.has_role(Role.TEAM_LEAD):
        return ParticipantFunction.TEAM_LEAD
    if user.team_id == team.pk and user.has_role(Role.CASE_MANAGER):
        return ParticipantFunction.CASE_MANAGEMENT
    if user.has_role(Role.ECONOMIC_AID) and user.social_center_id in (None, team.social_center_id):
        return ParticipantFunction.ECONOMIC_AID
    if user.has_role(Role.PROVIDER_STAFF) and user.provider_id:
        return ParticipantFunction.PROVIDER
    return None


def _display_name(user: User) -> str:
    return (user.get_full_name() or user.get_username())[:150]


# --- Conferences --------------------------------------------------------------------------------


def _check_chair(chair: User | None, team) -> None:
    if chair is not None and _function_of(chair, team) not in (
        ParticipantFunction.CASE_MANAGEMENT,
        ParticipantFunction.TEAM_LEAD,
    ):
        raise ValidationError({"chair": ValidationError(MSG_CHAIR_NOT_IN_TEAM, code="chair")})


def _audit_item(user: User, action: str, name: str, item: ConferenceItem, **data) -> None:
    """Events on an agenda item are on its case (their texts – ideas, proposals – are named, not copied)."""
    audit_log(action=action, name=name, user=user, obj=item.case,
              data={"conference": item.conference_id, "item": item.pk, **data})


def conference_create(
    *, user: User, starts_at: dt.datetime, place: str = "", chair: User | None = None, note: str = ""
) -> Conference:
    """Plan a conference of the user's team; the moderation (or else the user) takes part from the start."""
    if not (user.team_id and user.has_role(Role.CASE_MANAGER, Role.TEAM_LEAD)):
        raise ValidationError(MSG_NO_TEAM, code="no_team")
    team = user.team
    _check_chair(chair, team)
    with transaction.atomic():
        conference = Conference.objects.create(
            team=team, starts_at=starts_at, place=place.strip(), chair=chair, note=note.strip(), created_by=user
        )
        first = chair or user
        ConferenceParticipant.objects.create(
            conference=conference, user=first, name=_display_name(first), function=_function_of(first, team)
        )
        audit_log(action=Action.CREATE, name="cases.conference.created", user=user, obj=conference,
                  data=audit_changes.created(conference, ["team", "starts_at", "place", "chair", "note"]))
    return conference


def conference_update(
    *, conference: Conference, user: User, starts_at: dt.datetime, place: str = "", chair: User | None = None,
    note: str = "",
) -> Conference:
    """Change date, place, moderation and note."""
    _check_chair(chair, conference.team)
    with transaction.atomic():
        locked = Conference.objects.select_for_update().get(pk=conference.pk)
        before = audit_changes.snapshot(locked, ["starts_at", "place", "chair", "note"])
        locked.starts_at, locked.place, locked.chair, locked.note = starts_at, place.strip(), chair, note.strip()
        locked.save(update_fields=["starts_at", "place", "chair", "note"])
        audit_log(action=Action.UPDATE, name="cases.conference.changed", user=user, obj=locked,
                  data=audit_changes.changes(locked, before))
    return locked


def participant_add(
    *, conference: Conference, user: User, participant_user: User | None = None, name: str = "",
    function: str = "", provider: Provider | None = None,
) -> ConferenceParticipant:
    """Add a user (function from their role) or a named guest (function required, provider optional)."""
    team = conference.team
    if participant_user is not None:
        function = _function_of(participant_user, team)
        label = _display_name(participant_user)
        if function is None:
            raise ValidationError(
                {"participant_user": ValidationError(MSG_PARTICIPANT_NOT_ELIGIBLE, params={"name": label}, code="eligible")}
            )
        name, provider = label, participant_user.provider if function == ParticipantFunction.PROVIDER else None
    else:
        errors = {}
        if not name.strip():
            errors["name"] = ValidationError(MSG_GUEST_NAME, code="name")
        if function not in ParticipantFunction.values:
            errors["function"] = ValidationError(MSG_GUEST_FUNCTION, code="function")
        if errors:
            raise ValidationError(errors)
        name = name.strip()
    with transaction.atomic():
        Conference.objects.select_for_update().only("id").get(pk=conference.pk)
        same = conference.participants.filter(user=participant_user) if participant_user else (
            conference.participants.filter(user__isnull=True, name__iexact=name)
        )
        if same.exists():
            raise ValidationError(MSG_PARTICIPANT_TWICE, params={"name": name}, code="twice")
        participant = ConferenceParticipant.objects.create(
            conference=conference, user=participant_user, name=name, function=function, provider=provider
        )
        audit_log(action=Action.CREATE, name="cases.conference_participant.added", user=user, obj=conference,
                  data={"participant": participant.pk,
                        **audit_changes.created(participant, ["user", "name", "function", "provider"])})
        return participant


def participant_remove(*, participant: ConferenceParticipant, user: User) -> None:
    with transaction.atomic():
        if participant.votes.exists():
            raise ValidationError(MSG_PARTICIPANT_HAS_VOTED, params={"name": participant.name}, code="voted")
        audit_log(action=Action.DELETE, name="cases.conference_participant.removed", user=user,
                  obj=participant.conference, data={"participant": participant.pk,
                                                    **audit_changes.created(participant, ["user", "function", "provider"])})
        participant.delete()


# --- The agenda ---------------------------------------------------------------------------------


def item_add(*, conference: Conference, user: User, case: Case, presenter: User | None = None) -> ConferenceItem:
    """Put a case of the team on the agenda. A counselling case moves to the state "case conference"
    (which needs the family's will and goals); a case in intake or closed is refused."""
    if case.team_id != conference.team_id:
        raise ValidationError({"case": ValidationError(MSG_CASE_NOT_IN_TEAM, code="team")})
    with transaction.atomic():
        conf = Conference.objects.select_for_update().get(pk=conference.pk)
        state = Case.objects.only("state").get(pk=case.pk).state
        if state == CaseState.CLOSED:
            raise ValidationError({"case": ValidationError(MSG_CASE_CLOSED, code="closed")})
        if state == CaseState.INTAKE:
            raise ValidationError({"case": ValidationError(MSG_CASE_IN_INTAKE, code="intake")})
        if conf.items.filter(case=case).exists():
            raise ValidationError({"case": ValidationError(MSG_CASE_ON_AGENDA, code="twice")})
        if state == CaseState.COUNSELLING:
            services.case_transition(
                case=case, user=user, to_state=CaseState.CONFERENCE,
                note=gettext("On the agenda of the case conference on %(date)s")
                % {"date": f"{timezone.localtime(conf.starts_at):%d.%m.%Y}"},
            )
        position = (conf.items.aggregate(top=Max("position"))["top"] or 0) + 1
        item = ConferenceItem.objects.create(
            conference=conf, case=case, position=position, presenter=presenter or case.case_manager
        )
        _audit_item(user, Action.CREATE, "cases.conference_item.added", item, position=position,
                    presenter=item.presenter_id)
        return item


def item_remove(*, item: ConferenceItem, user: User) -> None:
    """Take a case off the agenda while nobody has voted on it (its state stays as it is)."""
    with transaction.atomic():
        locked = _locked_item(item)
        if locked.votes.exists():
            raise ValidationError(MSG_ITEM_HAS_VOTES, code="votes")
        _audit_item(user, Action.DELETE, "cases.conference_item.removed", locked)
        locked.delete()


def _locked_item(item: ConferenceItem) -> ConferenceItem:
    return ConferenceItem.objects.select_for_update().get(pk=item.pk)


def _require_open_item(item: ConferenceItem) -> None:
    if item.status == ItemStatus.DECIDED:
        raise ValidationError(MSG_DECIDED_FROZEN, code="decided")
    if item.status == ItemStatus.RETURNED:
        raise ValidationError(MSG_RETURNED_NEW_ROUND, code="returned")


# --- The guided record --------------------------------------------------------------------------


def item_record(*, item: ConferenceItem, user: User, **texts) -> ConferenceItem:
    """Save texts of the standard sequence: presenter, presentation, questions, perspectives."""
    allowed = {"presenter", "presentation", "questions", "perspectives"}
    with transaction.atomic():
        locked = _locked_item(item)
        _require_open_item(locked)
        if set(texts) - allowed:
            raise TypeError(sorted(set(texts) - allowed))
        before = audit_changes.snapshot(locked, texts)
        for key, value in texts.items():
            setattr(locked, key, value.strip() if isinstance(value, str) else value)
        locked.save(update_fields=list(texts))
        _audit_item(user, Action.UPDATE, "cases.conference_item.recorded", locked, **audit_changes.changes(locked, before))
    return locked


def idea_add(*, item: ConferenceItem, user: User, text: str, resource: ResourceEntry | None = None) -> ConferenceIdea:
    """An idea from the exchange; it may point to an entry of the case's own resource map."""
    if not text.strip():
        raise ValidationError({"text": ValidationError(MSG_IDEA_EMPTY, code="empty")})
    if resource is not None and resource.case_id != item.case_id:
        raise ValidationError({"resource": ValidationError(MSG_RESOURCE_NOT_OF_CASE, code="resource")})
    with transaction.atomic():
        _require_open_item(_locked_item(item))
        idea = ConferenceIdea.objects.create(item=item, text=text.strip(), resource=resource)
        _audit_item(user, Action.CREATE, "cases.conference_idea.added", item, idea=idea.pk,
                    **audit_changes.created(idea, ["text", "resource"]))
        return idea


def idea_remove(*, idea: ConferenceIdea, user: User) -> None:
    with transaction.atomic():
        _require_open_item(_locked_item(idea.item))
        _audit_item(user, Action.DELETE, "cases.conference_idea.removed", idea.item, idea=idea.pk)
        idea.delete()


def proposal_save(
    *, item: ConferenceItem, user: User, help_type: str, description: str, provider: Provider | None = None,
    proposal: HelpProposal | None = None,
) -> HelpProposal:
    """Add or change a help proposal (only while the round is open)."""
    if not description.strip():
        raise ValidationError({"description": ValidationError(MSG_PROPOSAL_EMPTY, code="empty")})
    with transaction.atomic():
        _require_open_item(_locked_item(item))
        adding = proposal is None
        proposal = proposal or HelpProposal(item=item)
        before = audit_changes.snapshot(proposal, ["help_type", "description", "provider"])
        proposal.help_type, proposal.description, proposal.provider = help_type, description.strip(), provider
        proposal.full_clean()
        proposal.save()
        if adding:
            _audit_item(user, Action.CREATE, "cases.help_proposal.added", item, proposal=proposal.pk,
                        **audit_changes.created(proposal, before))
        else:
            _audit_item(user, Action.UPDATE, "cases.help_proposal.changed", item, proposal=proposal.pk,
                        **audit_changes.changes(proposal, before))
    return proposal


def proposal_remove(*, proposal: HelpProposal, user: User) -> None:
    with transaction.atomic():
        _require_open_item(_locked_item(proposal.item))
        _audit_item(user, Action.DELETE, "cases.help_proposal.removed", proposal.item, proposal=proposal.pk,
                    help_type=proposal.help_type)
        proposal.delete()


# --- Consensus ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoteInput:
    participant: ConferenceParticipant
    vote: str  # Vote.AGREE or Vote.VETO; "" when none was given
    reason: str = ""


def votes_record(*, item: ConferenceItem, user: User, votes: list[VoteInput], decision_note: str = "") -> ConferenceItem:
    """Record the votes of all participants for the current round, all or nothing.

    Refused (nothing saved): a decided or vetoed item, fewer than two proposals, a participant
    missing or foreign, a veto without reason. All agree: decided (frozen). Any veto: returned.
    """
    with transaction.atomic():
        locked = _locked_item(item)
        _require_open_item(locked)
        n = locked.proposals.count()
        if n < MIN_PROPOSALS:
            raise ValidationError(MSG_TOO_FEW_PROPOSALS, params={"n": n}, code="proposals")
        participants = {p.pk: p for p in ConferenceParticipant.objects.filter(conference_id=locked.conference_id)}
        if not participants:
            raise ValidationError(MSG_NO_PARTICIPANTS, code="no_participants")
        errors = []
        given = {}
        for v in votes:
            if v.participant.pk not in participants:
                errors.append(ValidationError(MSG_NOT_A_PARTICIPANT, code="foreign"))
            elif v.vote in Vote.values:
                given[v.participant.pk] = v
        missing = [p.name for pk, p in participants.items() if pk not in given]
        if missing:
            errors.append(ValidationError(MSG_VOTES_MISSING, params={"names": ", ".join(sorted(missing))}, code="missing"))
        for v in given.values():
            if v.vote == Vote.VETO and not v.reason.strip():
                errors.append(ValidationError(MSG_VETO_WITHOUT_REASON, params={"name": participants[v.participant.pk].name},
                                              code="veto_reason"))
        if errors:
            raise ValidationError(errors)
        at = _now()
        ConferenceVote.objects.bulk_create([
            ConferenceVote(item=locked, participant_id=pk, round=locked.round, vote=v.vote,
                           reason=v.reason.strip(), recorded_at=at)
            for pk, v in given.items()
        ])
        if any(v.vote == Vote.VETO for v in given.values()):
            locked.status = ItemStatus.RETURNED  # an open veto is no decision
        else:
            locked.status, locked.decided_at, locked.decision_note = ItemStatus.DECIDED, at, decision_note.strip()
            # Frozen from now on: the page and the minutes show this copy, and the head of the
            # minutes as at this decision (who took part, where, moderated by whom).
            locked.snapshot = item_snapshot(locked)
            conference = Conference.objects.select_related("team", "chair").get(pk=locked.conference_id)
            conference.minutes_snapshot = minutes_head(conference)
            conference.save(update_fields=["minutes_snapshot"])
        locked.save(update_fields=["status", "decided_at", "decision_note", "snapshot"])
        _audit_item(user, Action.UPDATE, "cases.conference_item.voted", locked, round=locked.round,
                    changes={"status": [ItemStatus.OPEN, locked.status]},
                    votes={vote: sum(1 for v in given.values() if v.vote == vote) for vote in Vote.values})
    return locked


def item_new_round(*, item: ConferenceItem, user: User) -> ConferenceItem:
    """After a veto: the next round starts; the record and the proposals may change again."""
    with transaction.atomic():
        locked = _locked_item(item)
        if locked.status != ItemStatus.RETURNED:
            raise ValidationError(MSG_NOT_RETURNED, code="not_returned")
        locked.round = F("round") + 1
        locked.status = ItemStatus.OPEN
        locked.save(update_fields=["round", "status"])
        locked.refresh_from_db(fields=["round"])
        _audit_item(user, Action.UPDATE, "cases.conference_item.new_round", locked,
                    changes={"round": [locked.round - 1, locked.round], "status": [ItemStatus.RETURNED, ItemStatus.OPEN]})
    return locked


# --- Selectors ----------------------------------------------------------------------------------


def conferences_for(user) -> QuerySet:
    """The team's conferences, upcoming first (soonest first), then past ones (latest first)."""
    now = _now()
    return (
        visible(user, Conference)
        .select_related("chair")
        .annotate(
            past=CaseWhen(When(starts_at__lt=now, then=Value(1)), default=Value(0)),
            upcoming_at=CaseWhen(When(starts_at__gte=now, then=F("starts_at")), output_field=DateTimeField()),
            n_items=Count("items", distinct=True),
            n_decided=Count("items", filter=Q(items__status=ItemStatus.DECIDED), distinct=True),
            n_participants=Count("participants", distinct=True),
        )
        .order_by("past", F("upcoming_at").asc(nulls_last=True), "-starts_at", "-id")
    )


def conference_detail(user, pk: int) -> Conference:
    return get_visible_or_404(user, Conference.objects.select_related("team", "chair", "created_by"), pk=pk)


def conference_participants(conference: Conference) -> list[ConferenceParticipant]:
    return list(conference.participants.select_related("provider", "user").order_by("function", "name"))


def conference_items(conference: Conference) -> list[ConferenceItem]:
    """The agenda with each case, its presenter and how many proposals it has."""
    return list(
        conference.items.select_related("case", "case__district", "case__case_manager", "presenter")
        .annotate(n_proposals=Count("proposals"))
        .order_by("position", "id")
    )


def item_detail(user, item_pk: int) -> ConferenceItem:
    """One case on an agenda, or 404 outside the user's scope (the conference's team)."""
    return get_visible_or_404(
        user,
        ConferenceItem.objects.select_related(
            "conference", "conference__team", "conference__chair", "case", "case__district", "case__case_manager",
            "presenter",
        ),
        pk=item_pk,
    )


def item_ideas(item: ConferenceItem) -> list[ConferenceIdea]:
    return list(item.ideas.select_related("resource", "resource__offer").order_by("id"))


def item_proposals(item: ConferenceItem) -> list[HelpProposal]:
    return list(item.proposals.select_related("provider").order_by("id"))


def item_votes(item: ConferenceItem) -> list[ConferenceVote]:
    """All votes of all rounds (history), oldest round first."""
    return list(item.votes.select_related("participant").order_by("round", "participant__function", "participant__name"))


def votes_by_round(votes: list[ConferenceVote]) -> list[tuple[int, list[ConferenceVote]]]:
    rounds: dict[int, list[ConferenceVote]] = {}
    for vote in votes:
        rounds.setdefault(vote.round, []).append(vote)
    return sorted(rounds.items())


def case_resources(item: ConferenceItem) -> QuerySet:
    """The case's resource-map entries an idea may point to; district ones first."""
    return (
        ResourceEntry.objects.filter(case_id=item.case_id)
        .select_related("offer")
        .order_by(CaseWhen(When(area="district", then=Value(0)), default=Value(1)), "area", "-strength", "id")
    )


def agenda_cases(user, conference: Conference) -> QuerySet:
    """Cases that may go on the agenda: the team's cases in counselling, case conference or help."""
    return (
        visible(user, Case)
        .filter(team_id=conference.team_id, state__in=[CaseState.COUNSELLING, CaseState.CONFERENCE, CaseState.HELP])
        .exclude(conference_items__conference=conference)
        .only("id", "reference", "state")
        .order_by("reference")
    )


def minutes_items(conference: Conference) -> list[ConferenceItem]:
    """Every agenda item with ideas, proposals and votes of all rounds, for the minutes (4 queries)."""
    return list(
        conference.items.select_related("case", "case__district", "case__case_manager", "presenter")
        .prefetch_related(
            Prefetch("ideas", queryset=ConferenceIdea.objects.select_related("resource", "resource__offer").order_by("id")),
            Prefetch("proposals", queryset=HelpProposal.objects.select_related("provider").order_by("id")),
            Prefetch("votes", queryset=ConferenceVote.objects.select_related("participant").order_by(
                "round", "participant__function", "participant__name")),
        )
        .order_by("position", "id")
    )


def case_conference_items(case: Case) -> list[ConferenceItem]:
    """The case's appearances on conference agendas (newest conference first) with their proposals."""
    return list(
        case.conference_items.select_related("conference")
        .prefetch_related(Prefetch("proposals", queryset=HelpProposal.objects.select_related("provider").order_by("id")))
        .order_by("-conference__starts_at", "-id")
    )


def decided_proposals(case: Case) -> QuerySet:
    """Help proposals of the case's items decided by consensus, newest decision first.

    The contract part offers them to the family in the contract talk: the family chooses.
    """
    return (
        HelpProposal.objects.filter(item__case=case, item__status=ItemStatus.DECIDED)
        .select_related("provider", "item", "item__conference")
        .order_by("-item__decided_at", "id")
    )


# --- The frozen record (snapshots) ---------------------------------------------------------------
#
# A case decided by consensus is a frozen record: what its page and its part of the minutes show is
# copied into `ConferenceItem.snapshot` in the transaction that records the decision, and the head
# of the minutes (team, time, place, moderation, participants) into `Conference.minutes_snapshot`,
# as at the latest decision. The minutes print that head once no case on the agenda is undecided;
# before, everything is live. Open items are built the same way from the live rows, so frozen and
# live go through one template path. Dates are ISO strings in the JSON.


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _when(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _participant(p) -> dict:
    return {"name": p.name, "function": p.function, "function_label": frozen_label(ParticipantFunction, p.function),
            "provider_name": p.provider.name if p.provider_id else ""}


def minutes_head(conference) -> dict:
    """The head of the minutes as JSON (one query for the participants). Fields and enums only:
    the data migration passes historical models."""
    participants = sorted(conference.participants.select_related("provider"), key=lambda p: (p.function, p.name))
    return {
        "version": SNAPSHOT_VERSION,
        "team_name": conference.team.name,
        "starts_at": _iso(conference.starts_at),
        "place": conference.place,
        "chair": frozen_user_name(conference.chair),
        "participants": [_participant(p) for p in participants],
    }


def item_snapshot(item, *, ideas=None, proposals=None, votes=None) -> dict:
    """Everything the item's page and its part of the minutes show, as JSON. `ideas`, `proposals`
    and `votes` may be given when already loaded (else three queries). Fields and enums only."""
    if ideas is None:
        ideas = item.ideas.select_related("resource", "resource__offer")
    if proposals is None:
        proposals = item.proposals.select_related("provider")
    if votes is None:
        votes = item.votes.select_related("participant")
    case = item.case
    rounds: dict[int, list[dict]] = {}
    for v in sorted(votes, key=lambda v: (v.round, v.participant.function, v.participant.name)):
        rounds.setdefault(v.round, []).append({
            "name": v.participant.name, "function_label": frozen_label(ParticipantFunction, v.participant.function),
            "vote": v.vote, "vote_label": frozen_label(Vote, v.vote), "reason": v.reason,
            "recorded_at": _iso(v.recorded_at),
        })
    return {
        "version": SNAPSHOT_VERSION,
        "position": item.position,
        "reference": case.reference,
        "district_name": case.district.name,
        "case_manager": frozen_user_name(case.case_manager),
        "concern": case.concern,
        "will": case.will,
        "goals": case.goals,
        "status": item.status,
        "status_label": frozen_label(ItemStatus, item.status),
        "round": item.round,
        "presenter": frozen_user_name(item.presenter),
        "presentation": item.presentation,
        "questions": item.questions,
        "perspectives": item.perspectives,
        "ideas": [
            {"pk": i.pk, "text": i.text, "resource": i.resource.description if i.resource_id else "",
             "offer": i.resource.offer.title if i.resource_id and i.resource.offer_id else ""}
            for i in sorted(ideas, key=lambda i: i.pk)
        ],
        "proposals": [
            {"pk": p.pk, "help_type": p.help_type, "help_type_label": frozen_label(HelpType, p.help_type),
             "description": p.description, "provider_name": p.provider.name if p.provider_id else ""}
            for p in sorted(proposals, key=lambda p: p.pk)
        ],
        "rounds": [{"round": n, "votes": vs} for n, vs in sorted(rounds.items())],
        "decided_at": _iso(item.decided_at),
        "decision_note": item.decision_note,
    }


def _thaw_item(snap: dict, *, frozen: bool) -> dict:
    rounds = [(r["round"], [v | {"recorded_at": _when(v["recorded_at"])} for v in r["votes"]]) for r in snap["rounds"]]
    return snap | {"frozen": frozen, "decided_at": _when(snap["decided_at"]), "rounds": rounds}


def item_view(item: ConferenceItem, *, ideas=None, proposals=None, votes=None) -> dict:
    """The record the page and the minutes show: as decided once decided, live before."""
    if item.status == ItemStatus.DECIDED and item.snapshot:
        return _thaw_item(item.snapshot, frozen=True)
    return _thaw_item(item_snapshot(item, ideas=ideas, proposals=proposals, votes=votes), frozen=False)


def _thaw_head(snap: dict) -> dict:
    return snap | {"starts_at": _when(snap["starts_at"])}


def minutes_view(conference: Conference) -> dict:
    """The minutes: each decided case as decided, the others live; the head as at the latest
    decision once no case on the agenda is undecided, else live."""
    items = [
        item_view(item, ideas=item.ideas.all(), proposals=item.proposals.all(), votes=item.votes.all())
        for item in minutes_items(conference)
    ]
    settled = bool(items) and all(i["frozen"] for i in items) and bool(conference.minutes_snapshot)
    head = _thaw_head(conference.minutes_snapshot if settled else minutes_head(conference))
    return {"head": head, "items": items, "frozen": settled}


def agenda_head(conference: Conference) -> dict:
    """The live head for the agenda (a plan, never frozen)."""
    return _thaw_head(minutes_head(conference))


# --- Worklist -----------------------------------------------------------------------------------


def upcoming_conference_rows(user) -> list[dict]:
    """Conferences of the user's team within the next two weeks, with their number of cases."""
    now = _now()
    qs = (
        visible(user, Conference)
        .filter(starts_at__gte=now - dt.timedelta(hours=3), starts_at__lt=now + dt.timedelta(days=WORKLIST_DAYS))
        .annotate(n_items=Count("items"))
        .order_by("starts_at", "id")[:WORKLIST_LIMIT]
    )
    return [
        {
            "label": f"{timezone.localtime(c.starts_at):%d.%m.%Y %H:%M}" + (f" · {c.place}" if c.place else ""),
            "url": reverse("cases:conference_detail", args=[c.pk]),
            "note": ngettext("%(n)s case on the agenda", "%(n)s cases on the agenda", c.n_items) % {"n": c.n_items},
            "overdue": False,
        }
        for c in qs
    ]


def returned_item_rows(user) -> list[dict]:
    """Cases back for another round after a veto: the case manager's own; for team leads the team's."""
    qs = visible(user, ConferenceItem).filter(status=ItemStatus.RETURNED)
    if not user.has_role(Role.TEAM_LEAD):
        qs = qs.filter(case__case_manager=user)
    qs = qs.select_related("case", "conference").only(
        "id", "round", "case__reference", "conference__starts_at"
    ).order_by("conference__starts_at", "id")[:WORKLIST_LIMIT]
    return [
        {
            "label": item.case.reference,
            "url": reverse("cases:conference_item", args=[item.pk]),
            "note": gettext("veto in round %(round)s of the conference on %(date)s – start another round")
            % {"round": item.round, "date": f"{timezone.localtime(item.conference.starts_at):%d.%m.%Y}"},
            "overdue": False,
        }
        for item in qs
    ]


# --- Permissions and registration ---------------------------------------------------------------

# Scope (404) is the team, registered in cases/access.py; these decide the actions (403).
rules.add_perm("cases.view_conference", is_caseworker)
rules.add_perm("cases.change_conference", is_caseworker)


def register() -> None:
    """Register this part's navigation and worklist entries."""
    from juwe import navigation, worklist

    navigation.register(navigation.NavItem(_("Case conferences"), "cases:conference_list", "cases.view_conference", order=12))
    worklist.register(
        worklist.Section(
            key="cases-conferences-upcoming",
            title=_("Upcoming case conferences"),
            perm="cases.view_conference",
            rows=upcoming_conference_rows,
            template="juwe/_worklist_simple.html",
            order=32,
        )
    )
    worklist.register(
        worklist.Section(
            key="cases-conferences-returned",
            title=_("Cases back for another round after a veto"),
            perm="cases.view_conference",
            rows=returned_item_rows,
            template="juwe/_worklist_simple.html",
            order=33,
        )
    )
