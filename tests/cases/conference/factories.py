"""Conferences for tests, built through the services of cases.conference."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases import conference as svc
from cases.models import CaseState, Conference, ConferenceItem, Vote
from tests.cases.factories import make_case, with_will_and_goals


def make_conference(user, *, days: int = 3, place: str = "Sozialzentrum West, Raum 2.14", **kwargs) -> Conference:
    starts_at = timezone.now().replace(microsecond=0) + dt.timedelta(days=days)
    return svc.conference_create(user=user, starts_at=starts_at, place=place, **kwargs)


def counselling_case(user, district, **kwargs):
    """A case past intake with will and goals: ready for the agenda."""
    case = with_will_and_goals(make_case(user, district, **kwargs), user)
    from cases import services

    return services.case_transition(case=case, user=user, to_state=CaseState.COUNSELLING)


def make_item(conf: Conference, user, district, *, proposals: int = 2, **kwargs) -> ConferenceItem:
    item = svc.item_add(conference=conf, user=user, case=counselling_case(user, district, **kwargs))
    for i in range(proposals):
        svc.proposal_save(item=item, user=user, help_type=["31", "district", "29"][i % 3],
                          description=f"Vorschlag {i + 1}: Familienhilfe und Elterncafé")
    return item


def all_agree(item: ConferenceItem) -> list[svc.VoteInput]:
    return [svc.VoteInput(p, Vote.AGREE) for p in item.conference.participants.all()]
