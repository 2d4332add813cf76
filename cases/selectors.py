"""Reads of case files. Every function takes the acting user first and starts from the access policy."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from juwe.access import get_visible_or_404, visible
from juwe.models import User
from juwe.roles import CASEWORK_ROLES

from .models import (
    Case,
    CaseMember,
    CaseRole,
    CaseState,
    Classification,
    ClassificationChange,
    ConferenceItem,
    Contact,
    Contract,
    Person,
    ProtectionAssessment,
    StateChange,
)

INTAKE_REVIEW_CONTACTS = 5  # from here an undecided intake belongs on the worklist
INTAKE_OVERDUE_CONTACTS = 10  # from here it is overdue
WORKLIST_LIMIT = 50  # worklists show the most urgent rows; the case list has the rest


def team_caseworkers(team_id: int) -> QuerySet:
    """Active case managers and team leads of a team: who can be responsible for a case, chair or
    present in a case conference, or assess a § 8a report."""
    return (
        User.objects.filter(team_id=team_id, is_active=True, groups__name__in=CASEWORK_ROLES)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def cases_visible_to(user) -> QuerySet:
    return visible(user, Case)


def _members_prefetch() -> Prefetch:
    return Prefetch(
        "members",
        queryset=CaseMember.objects.select_related("person").order_by("role", "person__last_name", "person__first_name"),
    )


def case_list(user) -> QuerySet:
    """The cases a user may see, with what the list shows (members in one extra query per page)."""
    return (
        cases_visible_to(user)
        .select_related("district", "team", "case_manager")
        .prefetch_related(_members_prefetch())
    )


def intake_overdue_q() -> Q:
    return Q(state=CaseState.INTAKE, contact_count__gte=INTAKE_OVERDUE_CONTACTS)


def case_search_q(text: str) -> Q:
    """Reference (substring) or members' names (fuzzy, pg_trgm word similarity; every word must match).

    Searches the case's own `member_names`, so PostgreSQL combines the trigram index with the
    team's cases (BitmapAnd) instead of matching every person of the office and joining back.
    """
    text = text.strip()
    if not text:
        return Q()
    names = Q()
    for word in text.split():
        # word_similarity: the word against the best-matching part of the names (>= 0.6).
        names &= Q(member_names__trigram_word_similar=word)
    return Q(reference__contains=text) | names


def case_detail(user, pk: int) -> Case:
    """One case with its members, or 404 when it is outside the user's scope."""
    return get_visible_or_404(
        user,
        Case.objects.select_related("district", "team", "case_manager").prefetch_related(_members_prefetch()),
        pk=pk,
    )


def case_contacts(case: Case, limit: int | None = None) -> list[Contact]:
    qs = case.contacts.select_related("created_by").order_by("-occurred_at", "-id")
    return list(qs[:limit] if limit else qs)


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    by: str
    text: str
    detail: str = ""


def case_history(case: Case) -> list[HistoryEntry]:
    """State changes, classifications, conference decisions, contracts and § 8a assessments in one
    timeline, newest first (one query per kind, however long the file)."""
    entries = []
    for change in StateChange.objects.filter(case=case).select_related("changed_by"):
        if not change.from_state:
            text = _("Case opened (intake)")
        else:
            text = _("State: %(from)s → %(to)s") % {
                "from": change.get_from_state_display(),
                "to": change.get_to_state_display(),
            }
        detail = " – ".join(filter(None, [change.get_reason_display() if change.reason else "", change.note]))
        entries.append(HistoryEntry(change.changed_at, str(change.changed_by or ""), text, detail))
    for change in ClassificationChange.objects.filter(case=case).select_related("changed_by"):
        text = _("Classification: %(value)s") % {"value": change.get_classification_display()}
        entries.append(HistoryEntry(change.changed_at, str(change.changed_by or ""), text, change.reason))
    entries += _conference_history(case) + _contract_history(case) + _protection_history(case)
    return sorted(entries, key=lambda e: e.at, reverse=True)


def _conference_history(case: Case) -> list[HistoryEntry]:
    items = ConferenceItem.objects.filter(case=case, decided_at__isnull=False)
    return [
        HistoryEntry(
            item.decided_at, "", _("Case conference: decided by consensus (round %(round)s)") % {"round": item.round},
            item.decision_note,
        )
        for item in items
    ]


def _contract_history(case: Case) -> list[HistoryEntry]:
    entries = []
    for k in Contract.objects.filter(case=case).select_related("signed_recorded_by", "approved_by"):
        label = k.get_help_type_display()
        if k.signed_recorded_at:
            entries.append(HistoryEntry(k.signed_recorded_at, str(k.signed_recorded_by or ""),
                                        _("Contract signed: %(help)s") % {"help": label}))
        if k.approved_at:
            window = f"{k.approved_from:%d.%m.%Y} – {k.approved_until:%d.%m.%Y}"
            entries.append(HistoryEntry(k.approved_at, str(k.approved_by or ""),
                                        _("Contract approved: %(help)s") % {"help": label}, window))
        if k.ended_on:
            at = timezone.make_aware(dt.datetime.combine(k.ended_on, dt.time(23, 59)))
            entries.append(HistoryEntry(at, "", _("Contract ended: %(help)s") % {"help": label}, k.end_note))
    return entries


def _protection_history(case: Case) -> list[HistoryEntry]:
    entries = []
    for a in ProtectionAssessment.objects.filter(case=case).select_related("created_by", "completed_by"):
        entries.append(HistoryEntry(a.received_at, str(a.created_by or ""),
                                    _("§ 8a report received (%(urgency)s)") % {"urgency": a.get_urgency_display()},
                                    a.reported_by))
        if a.result and a.assessed_at:
            entries.append(HistoryEntry(
                a.assessed_at, str(a.completed_by or ""),
                _("§ 8a result: %(result)s, safety scale %(scale)s") % {
                    "result": a.get_result_display(), "scale": a.safety_scale},
            ))
    return entries


def children_ages(case: Case, on: dt.date | None = None) -> list[int]:
    """Ages of the case's children and young people (members must be prefetched or are loaded)."""
    on = on or timezone.localdate()
    ages = []
    for member in case.members.all():
        birth = member.person.birth_date
        if member.role in (CaseRole.CHILD, CaseRole.YOUNG_PERSON) and birth:
            ages.append(on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day)))
    return sorted(ages)


@dataclass
class DuplicateCheck:
    """Possible duplicates of a person about to be created: visible ones by name, others only counted."""

    first_name: str
    last_name: str
    birth_date: dt.date
    visible: list[Person]
    elsewhere: int

    @property
    def found(self) -> bool:
        return bool(self.visible) or self.elsewhere > 0


def possible_duplicates(user, *, first_name: str, last_name: str, birth_date: dt.date | None) -> DuplicateCheck | None:
    """Persons with the same birth date and a similar name (pg_trgm), so one child does not get two files.

    Persons outside the user's scope are only counted: their existence is worth a phone call to
    the other team, their data is not the user's to see.
    """
    if not birth_date or not last_name.strip():
        return None
    candidates = Person.objects.filter(birth_date=birth_date).filter(
        Q(last_name__trigram_similar=last_name) | Q(last_name__iexact=last_name)
    )
    if first_name.strip():
        candidates = candidates.filter(
            Q(first_name__trigram_similar=first_name) | Q(first_name__iexact=first_name) | Q(first_name__istartswith=first_name[:3])
        )
    in_scope = list(visible(user, Person).filter(id__in=candidates.values("id")).prefetch_related("memberships__case")[:10])
    total = candidates.count()
    return DuplicateCheck(first_name, last_name, birth_date, in_scope, max(total - len(in_scope), 0))


# --- Worklists ----------------------------------------------------------------------------------


def intake_worklist_rows(user) -> list[dict]:
    """The user's own cases in intake with 5+ contacts and no decision; overdue from 10 contacts."""
    qs = (
        cases_visible_to(user)
        .filter(case_manager=user, state=CaseState.INTAKE, contact_count__gte=INTAKE_REVIEW_CONTACTS)
        .order_by("-contact_count", "opened_on")
        .only("id", "reference", "contact_count", "opened_on")[:WORKLIST_LIMIT]
    )
    return [
        {
            "label": case.reference,
            "url": reverse("cases:detail", args=[case.pk]),
            "note": _("%(n)s contacts in intake since %(date)s – decide: close or case conference")
            % {"n": case.contact_count, "date": f"{case.opened_on:%d.%m.%Y}"},
            "overdue": case.contact_count >= INTAKE_OVERDUE_CONTACTS,
        }
        for case in qs
    ]


def child_protection_worklist_rows(user) -> list[dict]:
    """Open cases of the team in Gefährdungsbereich: the team lead follows each § 8a procedure."""
    qs = (
        cases_visible_to(user)
        .filter(classification=Classification.DANGER)
        .exclude(state=CaseState.CLOSED)
        .select_related("case_manager")
        .order_by("updated_at")
        .only("id", "reference", "updated_at", "case_manager__first_name", "case_manager__last_name", "case_manager__username")[
            :WORKLIST_LIMIT
        ]
    )
    return [
        {
            "label": case.reference,
            "url": reverse("cases:detail", args=[case.pk]),
            "note": _("Gefährdungsbereich – child-protection procedure; case manager: %(cm)s") % {"cm": case.case_manager},
            "overdue": False,
        }
        for case in qs
    ]
