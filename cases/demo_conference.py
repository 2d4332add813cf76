"""Demo data for cases.conference (called from cases/demo.py after the case files exist).

Every team gets case conferences every two weeks – the demo team "walle" (where the demo logins
work) more – times --scale: one upcoming with open cases, one last week with a case sent back by
a veto, older ones with decisions, some of them only after a veto and a second round. Each has
team members, economic youth aid, provider staff and a named provider guest as participants.
Idempotent: a team's conferences are counted and only the missing ones are added; a case is put
on one agenda only.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from juwe.lib.seeding import SeedContext
from juwe.models import Provider, Team, User
from juwe.roles import Role

from .selectors import team_caseworkers
from .models import (
    Case,
    CaseState,
    Conference,
    ConferenceIdea,
    ConferenceItem,
    ConferenceParticipant,
    ConferenceVote,
    HelpProposal,
    ItemStatus,
    ParticipantFunction,
    ResourceEntry,
    Vote,
)

DEMO_TEAM_CODE = "walle"
CONFERENCES_DEMO_TEAM = 8
CONFERENCES_OTHER_TEAMS = 2
ROOMS = ["Sozialzentrum, Besprechungsraum 1", "Sozialzentrum, Raum 2.14", "Haus der Familie, Gruppenraum"]
GUESTS = ["Frau Okafor", "Herr Lüders", "Frau Wittkowski", "Herr Janssen", "Frau Demir-Albers"]
PRESENTATIONS = [
    "Die Mutter ist nach der Trennung allein mit drei Kindern. Das älteste Kind fehlt häufig in der Schule; "
    "die Mutter möchte den Alltag wieder selbst schaffen. Bisher: Gespräche, Kontakt zur Schulsozialarbeit.",
    "Die Familie ist vor einem Jahr nach Bremen gezogen. Die Eltern verstehen die Briefe von Schule und Ämtern "
    "kaum, der Sohn übernimmt Übersetzungen und ist überfordert. Die Familie will Unterstützung im Alltag.",
    "Nach einem Polizeieinsatz wegen Streit in der Wohnung will der Vater an seiner Wut arbeiten. Die Mutter "
    "wünscht sich Ruhe für die Kinder. Beide Eltern kommen zuverlässig zu den Terminen.",
    "Die Jugendliche ist zweimal weggelaufen und übernachtet bei Freunden. Sie will mehr Freiheit, die Mutter "
    "will wissen, wo ihre Tochter ist. Beide wollen wieder miteinander reden können.",
]
QUESTIONS = [
    "Wer unterstützt die Mutter heute schon? – Die Großmutter, zwei Straßen weiter, an zwei Nachmittagen.",
    "Wie sieht die Schule die Lage? – Die Klassenlehrerin ist besorgt, aber gesprächsbereit.",
    "Was hat schon einmal geholfen? – Feste Abendrituale in den Sommerferien.",
    "Gibt es Kontakt zum Vater? – Ja, jedes zweite Wochenende, meist verlässlich.",
]
PERSPECTIVES = [
    "Aus Sicht des Kindes: Es wünscht sich, dass zu Hause weniger geschrien wird und es Freunde einladen darf. "
    "Aus Sicht der Schule: verlässliche Ansprechperson in der Familie.",
    "Aus Sicht der Mutter: Sie will keine Kontrolle, sondern jemanden, der mit anpackt. Der Stadtteil hat "
    "mehr zu bieten, als die Familie kennt.",
    "Perspektivwechsel Vater: Er fühlt sich als Täter abgestempelt und will zeigen, dass er sich ändern kann.",
]
IDEAS = [
    "Mutter ins Elterncafé begleiten, erste zwei Termine gemeinsam",
    "Stadtteilmütter für Briefe und Behördengänge anfragen",
    "Großmutter in den Wochenplan einbinden",
    "Sportverein: Beitrag über das Bildungs- und Teilhabepaket",
    "Schulsozialarbeit als feste Ansprechperson für die Lehrerin",
]
PROPOSALS = [
    ("31", "Sozialpädagogische Familienhilfe, 6 Stunden pro Woche, Schwerpunkt Alltagsstruktur und Schule"),
    ("district", "Elterncafé im Familienzentrum und Begleitung durch die Stadtteilmütter"),
    ("29", "Soziale Gruppenarbeit für das Kind, wöchentlich im Jugendtreff"),
    ("28", "Erziehungsberatung für beide Eltern, zunächst 5 Termine"),
    ("30", "Erziehungsbeistand für die Jugendliche, 4 Stunden pro Woche"),
    ("microproject", "Teilnahme am Mikroprojekt „Familie im Stadtteil“"),
    ("35a", "Prüfung einer Eingliederungshilfe nach § 35a (Stellungnahme Kinder- und Jugendpsychiatrie)"),
    ("sgb9_112", "Schulbegleitung nach § 112 SGB IX, 20 Stunden pro Woche (Gutachten des Kinderarztes liegt vor)"),
]
VETO_REASONS = [
    "Die Familie hat der Familienhilfe im Erstgespräch ausdrücklich widersprochen; zuerst ihren Willen klären.",
    "Zu hochschwellig: erst die Angebote im Stadtteil ausprobieren.",
    "Die Kosten sind für den Umfang nicht begründet; bitte Stundenumfang überprüfen.",
]
DECISIONS = [
    "Die Fallmanagerin nimmt beide Vorschläge ins Kontraktgespräch; die Familie wählt.",
    "Vorrang für die Angebote im Stadtteil; Familienhilfe als zweite Möglichkeit im Kontraktgespräch.",
]


def seed(ctx: SeedContext) -> None:
    """Add this part's demo rows (idempotent, scaled by ctx.scale)."""
    with transaction.atomic():
        for team in Team.objects.select_related("social_center").order_by("code"):
            _seed_team(ctx, team)


def _starts_at(n: int) -> dt.datetime:
    """Conference n: the first one upcoming, the second last week, then every two weeks back."""
    days = 3 if n == 0 else -4 - 14 * (n - 1)
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))


def _seed_team(ctx: SeedContext, team: Team) -> None:
    planned = (CONFERENCES_DEMO_TEAM if team.code == DEMO_TEAM_CODE else CONFERENCES_OTHER_TEAMS) * ctx.scale
    existing = Conference.objects.filter(team=team).count()
    staff = list(team_caseworkers(team.pk))
    if existing >= planned or not staff:
        return
    free = Case.objects.filter(team=team, state__in=[CaseState.CONFERENCE, CaseState.HELP], conference_items__isnull=True)
    cases = {state: list(free.filter(state=state).order_by("id").values_list("id", "case_manager_id")[:200])
             for state in (CaseState.CONFERENCE, CaseState.HELP)}
    # Few cases wait in "case conference" at a time; the two recent conferences also take cases from
    # counselling that were put to the conference (a returned one went back there). Popped last.
    counselling = Case.objects.filter(team=team, state=CaseState.COUNSELLING, conference_items__isnull=True) \
        .order_by("-opened_on", "-id")
    cases[CaseState.CONFERENCE][:0] = list(counselling.values_list("id", "case_manager_id")[:8])
    lead = next((u for u in staff if u.has_role(Role.TEAM_LEAD)), staff[0])
    guests = list(
        User.objects.filter(
            Q(groups__name=Role.ECONOMIC_AID, social_center__in=[team.social_center_id])
            | Q(groups__name=Role.ECONOMIC_AID, social_center__isnull=True)
            | Q(groups__name=Role.PROVIDER_STAFF, provider__lead_districts__team=team)
        ).distinct().order_by("username")[:2]
    )
    providers = list(Provider.objects.order_by("name"))
    lead_provider = Provider.objects.filter(lead_districts__team=team).first() or (providers[0] if providers else None)
    plans = []
    for n in range(existing, planned):
        rng = ctx.rng(f"conference:{team.code}:{n}")
        state = CaseState.CONFERENCE if n < 2 else CaseState.HELP
        picked = [cases[state].pop() for _ in range(min(rng.randint(3, 4), len(cases[state])))]
        conf = Conference(team=team, starts_at=_starts_at(n), place=rng.choice(ROOMS), chair=lead, created_by=lead)
        plans.append((n, rng, conf, picked))
    confs = Conference.objects.bulk_create([p[2] for p in plans])
    ctx.count("Fallbesprechungen", len(confs))
    participants = _participants(plans, staff, lead, guests, lead_provider)
    _items(ctx, plans, participants, providers)


def _participants(plans, staff, lead, guests, lead_provider) -> dict[int, list[ConferenceParticipant]]:
    rows = []
    for _n, rng, conf, picked in plans:
        managers = {cm for _id, cm in picked}
        chosen = [lead] + [u for u in staff if u.pk in managers and u != lead]
        chosen += [u for u in rng.sample(staff, min(2, len(staff))) if u not in chosen]
        for user in chosen:
            function = ParticipantFunction.TEAM_LEAD if user.has_role(Role.TEAM_LEAD) else ParticipantFunction.CASE_MANAGEMENT
            rows.append(ConferenceParticipant(conference=conf, user=user, name=_name(user), function=function))
        for user in guests:
            function = ParticipantFunction.PROVIDER if user.provider_id else ParticipantFunction.ECONOMIC_AID
            rows.append(ConferenceParticipant(conference=conf, user=user, name=_name(user), function=function,
                                              provider_id=user.provider_id))
        rows.append(ConferenceParticipant(conference=conf, name=rng.choice(GUESTS), function=ParticipantFunction.PROVIDER,
                                          provider=lead_provider))
    created = ConferenceParticipant.objects.bulk_create(rows)
    result: dict[int, list[ConferenceParticipant]] = {}
    for p in created:
        result.setdefault(p.conference_id, []).append(p)
    return result


def _name(user: User) -> str:
    return (user.get_full_name() or user.username)[:150]


def _items(ctx: SeedContext, plans, participants, providers) -> None:
    items, extras = [], []
    for n, rng, conf, picked in plans:
        for position, (case_id, cm_id) in enumerate(picked, start=1):
            outcome = _outcome(n, position, rng)
            item = ConferenceItem(
                conference=conf, case_id=case_id, position=position, presenter_id=cm_id,
                presentation=rng.choice(PRESENTATIONS) if outcome != "planned" else "",
                questions=rng.choice(QUESTIONS) if outcome != "planned" else "",
                perspectives=rng.choice(PERSPECTIVES) if outcome not in ("planned", "started") else "",
                round=2 if outcome == "second_round" else 1,
                status={"decided": ItemStatus.DECIDED, "second_round": ItemStatus.DECIDED,
                        "returned": ItemStatus.RETURNED}.get(outcome, ItemStatus.OPEN),
            )
            if item.status == ItemStatus.DECIDED:
                item.decided_at, item.decision_note = conf.starts_at + dt.timedelta(minutes=20 * position), rng.choice(DECISIONS)
            items.append(item)
            extras.append((outcome, rng, participants[conf.pk]))
    created = ConferenceItem.objects.bulk_create(items)
    ctx.count("Fälle auf Tagesordnungen", len(created))
    resources = _district_resources([i.case_id for i in created])
    ideas, proposals, votes = [], [], []
    for item, (outcome, rng, people) in zip(created, extras, strict=True):
        if outcome == "planned":
            continue
        for text in rng.sample(IDEAS, 2):
            ideas.append(ConferenceIdea(item=item, text=text, resource_id=rng.choice(resources.get(item.case_id, [None]))))
        n_proposals = 1 if outcome == "started" else rng.randint(2, 3)
        for help_type, text in rng.sample(PROPOSALS, n_proposals):
            provider = rng.choice(providers) if providers and help_type not in ("district", "microproject") else None
            proposals.append(HelpProposal(item=item, help_type=help_type, description=text, provider=provider))
        votes += _votes(item, outcome, rng, people)
    ctx.count("Ideen", len(ConferenceIdea.objects.bulk_create(ideas)))
    ctx.count("Hilfevorschläge", len(HelpProposal.objects.bulk_create(proposals)))
    ctx.count("Stimmen", len(ConferenceVote.objects.bulk_create(votes)))


def _outcome(n: int, position: int, rng: random.Random) -> str:
    """What happened to the case: upcoming ones are planned or prepared; last week's one went back
    after a veto; older ones were decided, some only in the second round."""
    if n == 0:
        return "planned" if position > 2 else "started"
    if n == 1:
        return ["returned", "decided", "second_round", "returned"][(position - 1) % 4]
    return "second_round" if rng.random() < 0.25 else "decided"


def _votes(item: ConferenceItem, outcome: str, rng: random.Random, people: list[ConferenceParticipant]) -> list:
    if outcome not in ("decided", "second_round", "returned"):
        return []
    at = item.decided_at or item.conference.starts_at + dt.timedelta(minutes=30)
    rows = []
    rounds = [1, 2] if outcome == "second_round" else [1]
    for r in rounds:
        vetoed = r == 1 and outcome in ("second_round", "returned")
        veto_by = rng.choice(people) if vetoed else None
        for p in people:
            if p is veto_by:
                rows.append(ConferenceVote(item=item, participant=p, round=r, vote=Vote.VETO,
                                           reason=rng.choice(VETO_REASONS), recorded_at=at))
            else:
                rows.append(ConferenceVote(item=item, participant=p, round=r, vote=Vote.AGREE, recorded_at=at))
    return rows


def _district_resources(case_ids: list[int]) -> dict[int, list[int]]:
    result: dict[int, list[int]] = {}
    for rid, case_id in ResourceEntry.objects.filter(case_id__in=case_ids, area="district").values_list("id", "case_id"):
        result.setdefault(case_id, []).append(rid)
    return result
