"""Every write to a case file. Each service validates, runs in one transaction and records who/when.

Messages are module constants (English source, German through gettext) so tests can check them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from juwe.access import district_scope
from juwe.audit import Action, audit_log
from juwe.lib.changes import changes, created, snapshot
from juwe.models import District, User
from juwe.roles import Role

from .models import (
    Case,
    CaseMember,
    CaseRole,
    CaseState,
    Classification,
    ClassificationChange,
    CloseReason,
    Contact,
    NetworkPerson,
    Person,
    ReferenceCounter,
    ResourceEntry,
    StateChange,
)

S = CaseState

# The state machine of a case: the regular path plus the shortcuts the method allows.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.INTAKE: frozenset({S.COUNSELLING, S.CLOSED}),
    S.COUNSELLING: frozenset({S.CONFERENCE, S.CLOSED}),
    S.CONFERENCE: frozenset({S.HELP}),
    S.HELP: frozenset({S.COUNSELLING, S.CLOSED}),
    S.CLOSED: frozenset(),
}
# Leaving intake towards a help needs the family's will and goals ("without goals of the family,
# the office cannot help").
NEEDS_WILL_AND_GOALS = frozenset({S.CONFERENCE, S.HELP})

MSG_ILLEGAL_TRANSITION = _("A case cannot go from “%(from)s” to “%(to)s”. Allowed next steps: %(allowed)s.")
MSG_CLOSED_IS_FINAL = _("The case is closed; a closed case cannot change its state.")
MSG_CLOSE_REASON_REQUIRED = _("Closing a case needs a reason.")
MSG_REASON_ONLY_WHEN_CLOSING = _("A reason for closing can only be given when the case is closed.")
MSG_WILL_REQUIRED = _("Record the family's will before the case goes on towards a help.")
MSG_GOALS_REQUIRED = _("Record the family's goals before the case goes on towards a help.")
MSG_STALE = _(
    "Someone else has changed this case in the meantime (now version %(current)s, you edited version "
    "%(expected)s). Nothing was saved: reload the page and enter your change again."
)
MSG_CASE_CLOSED = _("The case is closed; nothing can be added or changed.")
MSG_UNKNOWN_DISTRICT = _("This district is unknown or not one of your team's districts.")
MSG_FUTURE_DATE = _("The date lies in the future; record contacts that have taken place.")
MSG_OPENED_IN_FUTURE = _("The case cannot be opened with a date in the future.")
MSG_BIRTH_AFTER_FIRST_CONTACT = _("The birth date lies after the first contact (%(date)s).")
MSG_BIRTH_IN_FUTURE = _("The birth date lies in the future.")
MSG_CONTACT_BEFORE_OPENING = _("The contact lies before the case was opened (%(date)s).")
MSG_NEEDS_CHILD = _("A case needs at least one child or young person.")
MSG_SAME_PERSON_TWICE = _("The same person is listed twice.")
MSG_CLASSIFICATION_REASON = _("Give a reason for the classification.")
MSG_CLASSIFICATION_UNCHANGED = _("The case already has this classification.")
MSG_NOT_A_CASE_MANAGER = _("The responsible case manager must be a case manager or team lead of the case's team.")


def _today() -> dt.date:
    return timezone.localdate()


def _locked_case(case: Case, expected_version: int | None) -> Case:
    """Lock the case row and compare versions: concurrent edits never overwrite each other."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(MSG_STALE, code="stale", params={"current": locked.version, "expected": expected_version})
    return locked


def _bump(case: Case, fields: list[str]) -> None:
    case.version += 1
    case.save(update_fields=[*fields, "version", "updated_at"])


def _require_will_and_goals(will: str, goals: str) -> None:
    errors = {}
    if not will.strip():
        errors["will"] = ValidationError(MSG_WILL_REQUIRED, code="will")
    if not goals.strip():
        errors["goals"] = ValidationError(MSG_GOALS_REQUIRED, code="goals")
    if errors:
        raise ValidationError(errors)


def _require_open(case: Case) -> None:
    if case.state == S.CLOSED:
        raise ValidationError(MSG_CASE_CLOSED, code="closed")


# --- Opening a case -----------------------------------------------------------------------------


@dataclass
class MemberInput:
    """A person named at intake: either an existing person record or the data for a new one."""

    role: str
    person: Person | None = None
    first_name: str = ""
    last_name: str = ""
    birth_date: dt.date | None = None
    gender: str = "unspecified"
    phone: str = ""
    note: str = ""


def next_reference(*, district: District, year: int) -> tuple[int, str]:
    """The next running number for district and year. Call inside the creating transaction.

    The counter row is created if missing (ON CONFLICT DO NOTHING, so two first cases of a year
    do not collide) and then locked; a rolled-back case creation rolls the counter back with it,
    so numbers stay gap-free.
    """
    ReferenceCounter.objects.bulk_create([ReferenceCounter(district=district, year=year)], ignore_conflicts=True)
    counter = ReferenceCounter.objects.select_for_update().get(district=district, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number, f"{year}/{district.code}/{counter.last_number:04d}"


def _check_case_manager(case_manager: User, team_id: int) -> None:
    if case_manager.team_id != team_id or not case_manager.has_role(Role.CASE_MANAGER, Role.TEAM_LEAD):
        raise ValidationError({"case_manager": MSG_NOT_A_CASE_MANAGER}, code="case_manager")


def case_open(
    *,
    user: User,
    district: District,
    opened_on: dt.date,
    first_contact_source: str,
    concern: str = "",
    members: list[MemberInput],
    street: str = "",
    postcode: str = "",
    city: str = "",
    case_manager: User | None = None,
) -> Case:
    """Open a case in intake with its members; the reference number is drawn gap-free."""
    errors: dict[str, list] = {}
    if not district_scope(user).filter(pk=district.pk).exists():
        errors.setdefault("district", []).append(ValidationError(MSG_UNKNOWN_DISTRICT, code="district"))
    if opened_on > _today():
        errors.setdefault("opened_on", []).append(ValidationError(MSG_OPENED_IN_FUTURE, code="future"))
    if not any(m.role in (CaseRole.CHILD, CaseRole.YOUNG_PERSON) for m in members):
        errors.setdefault("__all__", []).append(ValidationError(MSG_NEEDS_CHILD, code="no_child"))
    existing = [m.person.pk for m in members if m.person is not None]
    if len(existing) != len(set(existing)):
        errors.setdefault("__all__", []).append(ValidationError(MSG_SAME_PERSON_TWICE, code="twice"))
    for m in members:
        birth = m.person.birth_date if m.person else m.birth_date
        if birth and birth > _today():
            errors.setdefault("__all__", []).append(ValidationError(MSG_BIRTH_IN_FUTURE, code="birth_future"))
        elif birth and birth > opened_on:
            errors.setdefault("__all__", []).append(
                ValidationError(MSG_BIRTH_AFTER_FIRST_CONTACT, code="birth_after", params={"date": f"{opened_on:%d.%m.%Y}"})
            )
    case_manager = case_manager or user
    if district.team_id and case_manager.team_id != district.team_id:
        errors.setdefault("case_manager", []).append(ValidationError(MSG_NOT_A_CASE_MANAGER, code="case_manager"))
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        number, reference = next_reference(district=district, year=opened_on.year)
        case = Case.objects.create(
            reference=reference,
            year=opened_on.year,
            number=number,
            district=district,
            team_id=district.team_id,
            case_manager=case_manager,
            opened_on=opened_on,
            first_contact_source=first_contact_source,
            concern=concern,
            created_by=user,
        )
        for m in members:
            person = m.person or Person.objects.create(
                first_name=m.first_name.strip(),
                last_name=m.last_name.strip(),
                birth_date=m.birth_date,
                gender=m.gender,
                phone=m.phone,
                street=street,
                postcode=postcode,
                city=city,
                district=district,
            )
            CaseMember.objects.create(case=case, person=person, role=m.role, note=m.note)
        case_refresh_member_names(case=case)
        StateChange.objects.create(case=case, from_state="", to_state=S.INTAKE, changed_by=user)
        audit_log(action=Action.CREATE, name="cases.case.opened", user=user, obj=case,
                  data={**created(case, CASE_OPEN_FIELDS), "members": [m.person.pk if m.person else None for m in members],
                        "member_roles": [m.role for m in members]})
    return case


CASE_OPEN_FIELDS = ("district", "team", "case_manager", "opened_on", "first_contact_source", "concern", "state")


def case_member_add(*, case: Case, user: User, member: MemberInput) -> CaseMember:
    """Add a person to an open case (a sibling, a new partner); the same checks as at intake."""
    person = member.person
    birth = person.birth_date if person else member.birth_date
    if birth and birth > _today():
        raise ValidationError({"birth_date": MSG_BIRTH_IN_FUTURE}, code="birth_future")
    if person and CaseMember.objects.filter(case=case, person=person).exists():
        raise ValidationError(MSG_SAME_PERSON_TWICE, code="twice")
    with transaction.atomic():
        _require_open(Case.objects.select_for_update().only("state").get(pk=case.pk))
        if person is None:
            first = case.members.select_related("person").first()
            address = first.person if first else None
            person = Person.objects.create(
                first_name=member.first_name.strip(),
                last_name=member.last_name.strip(),
                birth_date=member.birth_date,
                gender=member.gender,
                phone=member.phone,
                street=address.street if address else "",
                postcode=address.postcode if address else "",
                city=address.city if address else "",
                district=case.district,
            )
        added = CaseMember.objects.create(case=case, person=person, role=member.role, note=member.note)
        case_refresh_member_names(case=case)
        audit_log(action=Action.CREATE, name="cases.member.added", user=user, obj=case,
                  data={"person": person.pk, "role": member.role, "existing_person": member.person is not None,
                        "fields": ["note"] if member.note else []})
    return added


def case_refresh_member_names(*, case: Case) -> None:
    """Recompute the names the case list searches; call after members or their names change."""
    names = ", ".join(
        f"{first} {last}"
        for first, last in CaseMember.objects.filter(case=case)
        .order_by("id")
        .values_list("person__first_name", "person__last_name")
    )
    Case.objects.filter(pk=case.pk).update(member_names=names)
    case.member_names = names


# --- Editing the case ---------------------------------------------------------------------------


def case_update(
    *, case: Case, user: User, version: int, concern: str, will: str, goals: str, first_contact_source: str
) -> Case:
    """Change the concern, the family's will and goals; refused when someone else changed the case."""
    with transaction.atomic():
        locked = _locked_case(case, version)
        _require_open(locked)
        if locked.state in NEEDS_WILL_AND_GOALS:
            _require_will_and_goals(will, goals)  # a case on its way to a help keeps them
        before = snapshot(locked, ["concern", "will", "goals", "first_contact_source"])
        locked.concern, locked.will, locked.goals = concern, will, goals
        locked.first_contact_source = first_contact_source
        _bump(locked, ["concern", "will", "goals", "first_contact_source"])
        audit_log(action=Action.UPDATE, name="cases.case.changed", user=user, obj=locked,
                  data={**changes(locked, before), "version": locked.version})
    return locked


def case_assign(*, case: Case, user: User, case_manager: User, version: int) -> Case:
    """Hand the case to another case manager of the team (team leads)."""
    with transaction.atomic():
        locked = _locked_case(case, version)
        _require_open(locked)
        _check_case_manager(case_manager, locked.team_id)
        before = snapshot(locked, ["case_manager"])
        locked.case_manager = case_manager
        _bump(locked, ["case_manager"])
        audit_log(action=Action.UPDATE, name="cases.case.assigned", user=user, obj=locked,
                  data={**changes(locked, before), "version": locked.version})
    return locked


def allowed_next_states(state: str) -> list[str]:
    return [s for s in S.values if s in TRANSITIONS[state]]


def case_transition(
    *, case: Case, user: User, to_state: str, version: int | None = None, reason: str = "", note: str = ""
) -> Case:
    """Move the case to its next state. Illegal transitions are refused with a message naming the allowed ones."""
    with transaction.atomic():
        locked = _locked_case(case, version)
        current = locked.state
        if current == S.CLOSED:
            raise ValidationError(MSG_CLOSED_IS_FINAL, code="final")
        if to_state not in TRANSITIONS[current]:
            raise ValidationError(
                MSG_ILLEGAL_TRANSITION,
                code="illegal",
                params={
                    "from": S(current).label,
                    "to": S(to_state).label if to_state in S.values else to_state,
                    "allowed": ", ".join(str(S(s).label) for s in allowed_next_states(current)),
                },
            )
        if to_state == S.CLOSED:
            if reason not in CloseReason.values:
                raise ValidationError({"reason": MSG_CLOSE_REASON_REQUIRED}, code="reason")
        elif reason:
            raise ValidationError({"reason": MSG_REASON_ONLY_WHEN_CLOSING}, code="reason")
        if to_state in NEEDS_WILL_AND_GOALS:
            _require_will_and_goals(locked.will, locked.goals)
        locked.state = to_state
        fields = ["state"]
        if to_state == S.CLOSED:
            locked.closed_on = max(_today(), locked.opened_on)
            locked.close_reason = reason
            fields += ["closed_on", "close_reason"]
        _bump(locked, fields)
        StateChange.objects.create(
            case=locked, from_state=current, to_state=to_state, reason=reason, note=note, changed_by=user
        )
        audit_log(action=Action.UPDATE, name="cases.case.state_changed", user=user, obj=locked,
                  data={"fields": fields, "changes": {"state": [current, to_state],
                                                      **({"close_reason": ["", reason]} if reason else {})},
                        "note": bool(note), "version": locked.version})
    return locked


def case_classify(*, case: Case, user: User, classification: str, reason: str, version: int | None = None) -> Case:
    """Falleinordnung with a reason, kept as history. Gefährdungsbereich starts the child-protection procedure."""
    if not reason.strip():
        raise ValidationError({"reason": MSG_CLASSIFICATION_REASON}, code="reason")
    with transaction.atomic():
        locked = _locked_case(case, version)
        _require_open(locked)
        if locked.classification == classification:
            raise ValidationError({"classification": MSG_CLASSIFICATION_UNCHANGED}, code="unchanged")
        previous = locked.classification
        locked.classification = classification
        fields = ["classification"]
        if classification == Classification.DANGER and not locked.child_protection:
            # The § 8a procedure (case file II) takes over from here; the mark stays until it ends.
            locked.child_protection = True
            fields.append("child_protection")
        _bump(locked, fields)
        ClassificationChange.objects.create(
            case=locked, classification=classification, previous=previous, reason=reason.strip(), changed_by=user
        )
        audit_log(action=Action.UPDATE, name="cases.case.classified", user=user, obj=locked,
                  data={"fields": fields, "changes": {"classification": [previous, classification],
                                                      **({"child_protection": [False, True]} if "child_protection" in fields else {})},
                        "version": locked.version})
    return locked


# --- Contacts -----------------------------------------------------------------------------------


def contact_add(
    *,
    case: Case,
    user: User,
    occurred_at: dt.datetime,
    kind: str,
    participants: str,
    duration_minutes: int,
    note: str = "",
) -> Contact:
    """Record a contact that has taken place; keeps the case's contact count for the intake rule."""
    errors = {}
    if occurred_at > timezone.now():
        errors["occurred_at"] = ValidationError(MSG_FUTURE_DATE, code="future")
    elif timezone.localdate(occurred_at) < case.opened_on:
        errors["occurred_at"] = ValidationError(
            MSG_CONTACT_BEFORE_OPENING, code="before_opening", params={"date": f"{case.opened_on:%d.%m.%Y}"}
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _require_open(Case.objects.only("state").get(pk=case.pk))
        contact = Contact.objects.create(
            case=case,
            occurred_at=occurred_at,
            kind=kind,
            participants=participants.strip(),
            duration_minutes=duration_minutes,
            note=note.strip(),
            created_by=user,
        )
        # An UPDATE with F() is atomic: parallel contacts never lose a count. It does not touch the
        # version, so recording a contact does not conflict with someone editing the will.
        Case.objects.filter(pk=case.pk).update(
            contact_count=F("contact_count") + 1,
            # GREATEST ignores NULL, so the first contact sets the date.
            last_contact_at=Greatest(F("last_contact_at"), Value(occurred_at, output_field=DateTimeField())),
        )
        audit_log(action=Action.CREATE, name="cases.contact.recorded", user=user, obj=case,
                  data={"contact": contact.pk, **created(contact, ("occurred_at", "kind", "participants", "duration_minutes", "note"))})
    return contact


# --- Resource map and network map ---------------------------------------------------------------


def _save_entry(entry, user: User, kind: str, **values):
    """Save a map entry. The audit event is on the case (an entry's own name is free text) and says what changed."""
    with transaction.atomic():
        _require_open(Case.objects.only("state").get(pk=entry.case_id))
        adding = entry.pk is None
        before = snapshot(entry, values)
        for key, value in values.items():
            setattr(entry, key, value.strip() if isinstance(value, str) else value)
        entry.full_clean()
        entry.save()
        data = created(entry, values) if adding else changes(entry, before)
        audit_log(action=Action.CREATE if adding else Action.UPDATE, name=f"cases.{kind}.{'created' if adding else 'changed'}",
                  user=user, obj=entry.case, data={"entry": entry.pk, **data})
    return entry


def _delete_entry(entry, user: User, kind: str, fields: tuple[str, ...]) -> None:
    with transaction.atomic():
        _require_open(Case.objects.only("state").get(pk=entry.case_id))
        # What the row held is read before it goes; the event is the transaction's last statement,
        # after the row lock, as everywhere (the audit chain's lock is held until commit).
        data = {"entry": entry.pk, **created(entry, fields)}
        case = entry.case
        entry.delete()
        audit_log(action=Action.DELETE, name=f"cases.{kind}.deleted", user=user, obj=case, data=data)


def resource_save(*, case: Case, user: User, entry: ResourceEntry | None = None, **values) -> ResourceEntry:
    """Add or change an entry of the resource map (area, description, named by, strength, offer)."""
    entry = entry or ResourceEntry(case=case)
    if values.get("area", entry.area) != "district":
        values["offer"] = None  # only district resources point to the offer directory
    return _save_entry(entry, user, "resource", **values)


def resource_delete(*, entry: ResourceEntry, user: User) -> None:
    _delete_entry(entry, user, "resource", ("area", "description", "named_by", "strength", "offer"))


def network_person_save(*, case: Case, user: User, entry: NetworkPerson | None = None, **values) -> NetworkPerson:
    """Add or change a person on the network map (sector, ring, relation quality)."""
    return _save_entry(entry or NetworkPerson(case=case), user, "network_person", **values)


def network_person_delete(*, entry: NetworkPerson, user: User) -> None:
    _delete_entry(entry, user, "network_person", ("name", "relation", "sector", "ring", "quality", "note"))
