"""Demo data for cases.contracts (called from cases/demo.py after the case files exist).

Every case that reached help (cases.demo planned its course) gets its help as a chain of contracts
from the day the help began: approvals of six months, each continued after its review, the last one
ended on the day the help ended – or still active, some ending within the next four weeks and a few
past their approval end without a review (due and overdue reviews). All teams' contracts are
approved by their team lead. The help type follows the help's length, so that the mix is that of
HELPS (§ 31 and § 30 the most frequent, §§ 33/34 about 30 % of the youth helps); some children get
integration help under SGB IX (by the child's age: curative education before school, school
assistance or assistance services at school age), and wherever a district has two or more helps
running (today and a year ago) both budgets of the district have decided help. Cases in "case
conference" get drafts and signed contracts waiting for the team lead. Idempotent: only cases
without any contract get rows; the amount follows the cases, which follow ctx.scale. Bulk inserts,
a handful of queries per table.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from juwe.lib.seeding import DEMO_PASSWORD, SeedContext
from juwe.models import Provider, Team, User
from juwe.roles import Role

from .contracts import default_approval_end
from .models import (
    SGB9_HELP_TYPES,
    Case,
    CaseMember,
    CaseRole,
    CaseState,
    Contract,
    ContractGoal,
    ContractParticipant,
    ContractState,
    ContractTask,
    HelpLaw,
    HelpType,
    StateChange,
    TaskParty,
)

CS = ContractState
DEMO_TEAM_CODE = "walle"  # as cases.demo (which imports this module)
LEAD_FIRST = ["Birte", "Jörg", "Karin", "Malte", "Petra", "Silke", "Timo", "Ulrike"]
LEAD_LAST = ["Behrens", "Carstens", "Diekmann", "Grote", "Heuer", "Knoop", "Mahnken", "Stührmann"]
PLACES = ["bei der Familie zu Hause", "im Familienzentrum", "im Jugendtreff", "bei der Oma in der Küche",
          "im Büro des Jugendamts", "im Stadtteilcafé", "in der Schule (Besprechungsraum)"]
# (help type, monthly cost range in EUR, hours per week, duration range in days, weight in the mix):
# § 31 and § 30 the most frequent ambulant helps, §§ 33/34 about 30 % of the youth helps (as in the
# comparison rings), help in the district short and cheap.
HELPS = [(HelpType.SPFH, (1600, 2900), "6", (180, 720), 22), (HelpType.ASSISTANT, (900, 1700), "4", (180, 600), 15),
         (HelpType.FLEXIBLE, (500, 1400), "3", (90, 365), 5), (HelpType.GROUP_WORK, (350, 700), "2", (120, 365), 4),
         (HelpType.DAY_GROUP, (1900, 2800), None, (180, 540), 4), (HelpType.FOSTER_CARE, (900, 1600), None, (365, 900), 7),
         (HelpType.RESIDENTIAL, (5200, 7800), None, (240, 720), 13), (HelpType.INTENSIVE, (2800, 4400), "10", (180, 540), 3),
         (HelpType.INTEGRATION, (1200, 2600), "5", (180, 720), 8), (HelpType.YOUNG_ADULT, (1500, 4800), "5", (180, 540), 4),
         (HelpType.DISTRICT, (0, 300), None, (60, 240), 6)]
# Integration help under SGB IX, for a child not yet at school and for a child at school.
SGB9_BEFORE_SCHOOL = [(HelpType.CURATIVE_EDUCATION, (900, 1800), "4"), (HelpType.FOSTER_FAMILY, (1100, 1700), None)]
SGB9_AT_SCHOOL = [(HelpType.SCHOOL, (1800, 3400), "20"), (HelpType.ASSISTANCE, (700, 1500), "6")]
SGB9_SHARE = 0.1  # of the helps by their length (more where a district needs one, see _seed)
SGB9_DURATION = (180, 720)
# Every kind of help with its duration range and weight: SGB VIII types one by one, SGB IX as one.
KINDS = [*((i, d, w * (1 - SGB9_SHARE)) for i, (_t, _c, _h, d, w) in enumerate(HELPS)),
         (None, SGB9_DURATION, 100 * SGB9_SHARE)]
SGB9_PROVIDER = "Lebenshilfe"  # the demo's provider for children with disabilities (name prefix)
SCHOOL_AGE = 6
GOALS = [
    ("Wir wollen morgens ohne Streit aus dem Haus kommen.", "An vier von fünf Tagen ist Lea pünktlich in der Schule."),
    ("Ich will wieder gern zur Schule gehen.", "Keine unentschuldigten Fehltage mehr im Monat."),
    ("Mama und ich wollen weniger schreien.", "Wir reden einmal pro Woche in Ruhe, ohne dass einer wegläuft."),
    ("Ich möchte wissen, wie ich die Rechnungen schaffe.", "Strom und Miete sind jeden Monat pünktlich bezahlt."),
    ("Wir wollen am Wochenende etwas zusammen machen.", "Mindestens ein gemeinsamer Ausflug im Monat."),
    ("Jonas soll Freunde im Stadtteil finden.", "Jonas geht regelmäßig zum Fußball im Sportverein."),
    ("Ich will abends zur Ruhe kommen und schlafen.", "Die Kinder sind um 20 Uhr im Bett, ich habe eine Stunde für mich."),
    ("Papa soll wieder regelmäßig kommen dürfen.", "Besuche jeden zweiten Samstag finden statt."),
]
TASKS = {
    TaskParty.FAMILY: [("Frau {name}", "stellt zwei Wecker und weckt die Kinder um 6:45 Uhr", "jeden Schultag"),
                       ("{child}", "packt abends die Schultasche selbst", "jeden Abend"),
                       ("Familie {name}", "hängt den Wochenplan an den Kühlschrank und hakt ab", "jede Woche")],
    TaskParty.OFFICE: [("Jugendamt ({cm})", "klärt die Kostenübernahme für das Ferienangebot", "bis Ende des Monats"),
                       ("Jugendamt ({cm})", "lädt zum Rückblick nach drei Monaten ein", "in drei Monaten")],
    TaskParty.PROVIDER: [("Fachkraft des Trägers", "kommt zweimal pro Woche zum Hausbesuch und übt die Morgenroutine", "ab sofort"),
                         ("Fachkraft des Trägers", "begleitet Frau {name} zum Elterncafé im Familienzentrum", "dienstags")],
    TaskParty.OTHER: [("Klassenlehrerin", "meldet sich bei Fehlzeiten noch am selben Tag", "laufend"),
                      ("Oma", "holt {child} donnerstags von der Schule ab", "donnerstags")],
}


def help_duration(rng) -> int:
    """Days a help lasts, drawn from the mix of help types (cases.demo plans the case's course with it)."""
    _index, (low, high), _w = rng.choices(KINDS, [w for _i, _d, w in KINDS])[0]
    return rng.randint(low, high)


def _kind(rng, days: int, ended: bool):
    """The kind of help (index into HELPS, None for SGB IX) of a help that lasted `days` (ended) or
    has lasted `days` so far: drawn by how likely each kind is to last so long, so that the mix of
    helps is that of KINDS although cases.demo only planned the duration."""
    weights = []
    for _i, (low, high), w in KINDS:
        if ended:
            weights.append(w / (high - low + 1) if low <= days <= high else 0)
        else:
            weights.append(w * min(1, max(0, (high - days) / (high - low))))
    if not any(weights):
        return None if ended and SGB9_DURATION[0] <= days <= SGB9_DURATION[1] else HELPS.index(
            max(HELPS, key=lambda h: h[3][1]))
    return rng.choices([i for i, _d, _w in KINDS], weights)[0]


def seed(ctx: SeedContext) -> None:
    """Add this part's demo rows (idempotent, scaled by ctx.scale through the cases)."""
    conference = Q(state=CaseState.CONFERENCE)
    helped = Q(state_changes__to_state=CaseState.HELP)
    cases = list(
        Case.objects.filter(conference | helped, contracts__isnull=True)
        .select_related("team", "district", "case_manager")
        .distinct()
        .order_by("id")
    )
    if not cases:
        return
    with transaction.atomic():
        _seed(ctx, cases)


def _help_periods(cases: list[Case]) -> dict[int, tuple[dt.date, dt.date | None]]:
    """Per case that reached help: the day the help began and the day it ended (None: still running)."""
    periods: dict[int, list] = {}
    rows = (
        StateChange.objects.filter(Q(to_state=CaseState.HELP) | Q(from_state=CaseState.HELP), case__in=cases)
        .order_by("case_id", "changed_at", "id")
        .values_list("case_id", "to_state", "changed_at")
    )
    for case_id, to_state, at in rows:
        day = timezone.localdate(at)
        if to_state == CaseState.HELP:
            periods[case_id] = [day, None]
        elif case_id in periods:
            periods[case_id][1] = day
    return {pk: (start, end) for pk, (start, end) in periods.items()}


def _team_leads(ctx: SeedContext) -> dict[int, User]:
    """The team lead of every team, who approves its contracts. The demo team's is a demo login;
    the other teams' (rl-<team>, as microprojects.demo names them) are created here when missing,
    since the contracts of all teams need their approval before microprojects.demo runs."""
    leads = {u.team_id: u for u in User.objects.filter(groups__name=Role.TEAM_LEAD, team__isnull=False).order_by("username")}
    missing = list(Team.objects.exclude(pk__in=list(leads)).order_by("code"))
    if missing:
        rng = ctx.rng("contracts:leads")
        password = make_password(DEMO_PASSWORD)
        ctx.bulk(User, [User(username=f"rl-{t.code}", first_name=rng.choice(LEAD_FIRST), last_name=rng.choice(LEAD_LAST),
                             team=t, password=password) for t in missing], "Referatsleitungen")
        group, _ = Group.objects.get_or_create(name=Role.TEAM_LEAD)
        for user in User.objects.filter(username__in=[f"rl-{t.code}" for t in missing]):
            user.groups.add(group)
            leads.setdefault(user.team_id, user)
    return leads


def _seed(ctx: SeedContext, cases: list[Case]) -> None:
    rng = ctx.rng("contracts")
    today = timezone.localdate()
    now = timezone.now()
    leads = _team_leads(ctx)
    lead_providers: dict[int, list[int]] = defaultdict(list)
    for district_id, provider_id in Provider.lead_districts.through.objects.values_list("district_id", "provider_id"):
        lead_providers[district_id].append(provider_id)
    all_providers = list(Provider.objects.order_by("id").values_list("id", flat=True))
    members: dict[int, list[CaseMember]] = defaultdict(list)
    for m in CaseMember.objects.filter(case__in=cases).select_related("person").order_by("id"):
        members[m.case_id].append(m)
    periods = _help_periods(cases)

    disability_providers = list(Provider.objects.filter(name__startswith=SGB9_PROVIDER).values_list("id", flat=True))
    # The kind of each help by its length; then both budgets of a district get decided help: where
    # two or more helps run (today, and a year ago alike) and none is SGB IX (or none SGB VIII), one is made so.
    kinds = {}
    for case in cases:
        if case.pk in periods and case.team_id in leads:
            start, end = periods[case.pk]
            kinds[case.pk] = _kind(rng, ((end or today) - start).days, end is not None)
    for day in (today - dt.timedelta(days=365), today):  # today last: its choice stands
        running: dict[int, list[int]] = defaultdict(list)
        for case in cases:
            if case.pk in kinds:
                start, end = periods[case.pk]
                if start <= day and (end is None or end > day):
                    running[case.district_id].append(case.pk)
        for ids in running.values():
            if len(ids) < 2:
                continue
            if all(kinds[pk] is not None for pk in ids):
                kinds[ids[0]] = None
            if all(kinds[pk] is None for pk in ids):
                kinds[ids[-1]] = 0

    providers = (lead_providers, all_providers, disability_providers)
    chains: list[list[Contract]] = []
    conferences: dict[int, int] = {}
    for case in cases:
        lead = leads.get(case.team_id)
        if case.state == CaseState.CONFERENCE:
            # every team lead's worklist has both: the team's first such case a draft, its second signed
            n = conferences[case.team_id] = conferences.get(case.team_id, -1) + 1
            state = CS.DRAFT if n == 0 or (n > 1 and rng.random() < 0.5) else CS.SIGNED
            start = max(today - dt.timedelta(days=rng.randint(0, 12)), case.opened_on)
            aid = _help(rng, "", members.get(case.pk, []), start)
            chains.append([_contract(rng, case, aid, state, start, lead, providers, now)])
            continue
        if case.pk not in kinds:
            continue
        start, end = periods[case.pk]
        kind = kinds[case.pk]
        if kind is None:
            aid = _help(rng, HelpLaw.SGB9, members.get(case.pk, []), start)
        else:
            help_type, cost, hours, _d, _w = HELPS[kind]
            aid = (help_type, cost, hours)
        chains.append(_chain(rng, case, aid, start, end, today, lead, providers, now))
    # A follow-up points to the contract before it: insert the chains link by link.
    level, written = 0, 0
    while True:
        wave = [chain[level] for chain in chains if len(chain) > level]
        if not wave:
            break
        for chain in chains:
            if len(chain) > level and level:
                chain[level].previous_id = chain[level - 1].pk
        Contract.objects.bulk_create(wave)
        written += len(wave)
        level += 1
    ctx.count("Kontrakte", written)
    _parts(ctx, rng, [c for chain in chains for c in chain], members)


def _chain(rng, case, aid, start, end, today, lead, providers, now) -> list[Contract]:
    """The contracts of one help from `start` to `end` (None: still running): approvals of six months,
    each continued at its review, the last one ended with the help or still active – a few of them
    past their approval end without a review yet (overdue)."""
    chain: list[Contract] = []
    first = _contract(rng, case, aid, CS.ACTIVE, start, lead, providers, now)
    contract = first
    while True:
        until = contract.approved_until
        if end is not None and end <= until:
            contract.state, contract.ended_on = CS.ENDED, end
            chain.append(contract)
            return chain
        if until >= today or (end is None and until >= today - dt.timedelta(days=60) and rng.random() < 0.35):
            chain.append(contract)  # running (the approval may have run out: its review is overdue)
            return chain
        contract.state, contract.ended_on = CS.ENDED, until
        contract.end_note = "Fortgesetzt mit neuem Kontrakt nach dem Rückblick."
        chain.append(contract)
        contract = _contract(rng, case, aid, CS.ACTIVE, until + dt.timedelta(days=1), lead, providers, now,
                             cost=contract.monthly_cost * Decimal(rng.choice(["1", "1.01", "1.02", "1.03"])))


def _help(rng, law: str, family: list[CaseMember], on: dt.date) -> tuple:
    """(help type, monthly cost range, hours) for a case: SGB IX or SGB VIII as `law` says, else
    SGB IX for about one case in seven; SGB IX help by the age of the case's (first) child."""
    if law == HelpLaw.SGB8 or (not law and rng.random() >= SGB9_SHARE):
        help_type, cost, hours, _days, _w = rng.choices(HELPS, [h[4] for h in HELPS])[0]
        return help_type, cost, hours
    child = next((m.person for m in family if m.role in (CaseRole.CHILD, CaseRole.YOUNG_PERSON)), None)
    birth = child.birth_date if child else None
    before_school = birth is not None and (on - birth).days < SCHOOL_AGE * 365
    return rng.choice(SGB9_BEFORE_SCHOOL if before_school else SGB9_AT_SCHOOL)


def _contract(rng, case, aid, state, start, lead, providers, now, cost=None) -> Contract:
    help_type, (low, high), hours = aid
    lead_providers, all_providers, disability_providers = providers
    own = lead_providers.get(case.district_id) or all_providers
    if help_type in SGB9_HELP_TYPES and disability_providers and rng.random() < 0.6:
        provider = rng.choice(disability_providers)
    elif help_type in (HelpType.RESIDENTIAL, HelpType.INTEGRATION, HelpType.FOSTER_CARE) or rng.random() < 0.45:
        # Wunsch- und Wahlrecht, specialised helps: often another provider than the district's own
        provider = rng.choice([p for p in all_providers if p not in own] or all_providers)
    else:
        provider = rng.choice(own)
    until = default_approval_end(start)
    signed = state != CS.DRAFT
    approved_at = dt.datetime.combine(start, dt.time(11), tzinfo=timezone.get_current_timezone())
    return Contract(
        case=case, team_id=case.team_id, case_manager_id=case.case_manager_id,  # bulk insert: no save()
        state=state, talk_on=start, talk_place=rng.choice(PLACES),
        own_proposal="" if rng.random() < 0.7 else "Die Familie wünscht sich Hilfe, die nachmittags kommt.",
        help_type=help_type, provider_id=provider if help_type != HelpType.DISTRICT else None,
        provider_wish=rng.choice(["", "Die Familie kennt den Träger aus dem Stadtteilhaus.",
                                  "Frau und Herr kennen die Fachkraft schon von der Schwester."]),
        approved_from=start, approved_until=until, hours_per_week=Decimal(hours) if hours else None,
        monthly_cost=(cost or Decimal(rng.randrange(low, high + 1, 50))).quantize(Decimal("0.01")),
        internal_note=rng.choice(["", "Vater nur nach Absprache einbeziehen.", "WJH: Kostenzusage liegt vor."]),
        signed_on=start if signed else None, signed_recorded_at=min(approved_at, now) if signed else None,
        signed_recorded_by=case.case_manager if signed else None,
        approved_at=min(approved_at, now) if state in (CS.ACTIVE, CS.ENDED) else None,
        approved_by=lead if state in (CS.ACTIVE, CS.ENDED) else None,
        ended_on=until if state == CS.ENDED else None, created_by=case.case_manager,
    )


def _parts(ctx: SeedContext, rng, contracts: list[Contract], members: dict[int, list[CaseMember]]) -> None:
    participants, goals, planned = [], [], []
    # Contracts ended more than a year ago keep the essentials only (fewer rows, a faster demo).
    old = timezone.localdate() - dt.timedelta(days=365)
    for c in contracts:
        brief = c.ended_on is not None and c.ended_on < old
        family = members.get(c.case_id, [])
        name = family[0].person.last_name if family else "Familie"
        child = next((m.person.first_name for m in family if m.role in (CaseRole.CHILD, CaseRole.YOUNG_PERSON)), "das Kind")
        for m in family:
            participants.append(ContractParticipant(contract=c, name=m.person.full_name, party="family",
                                                    relation=m.note or m.get_role_display(), signs=True))
        participants.append(ContractParticipant(contract=c, name=str(c.case.case_manager), party="office",
                                                relation="Fallmanagement", signs=True))
        if c.provider_id and not brief:
            participants.append(ContractParticipant(contract=c, name="Fachkraft des Trägers", party="provider",
                                                    relation="Familienhilfe", signs=True))
        if rng.random() < 0.4 and not brief:
            participants.append(ContractParticipant(contract=c, name="Erika (Oma)", party="invited", relation="Großmutter",
                                                    signs=False))
        chosen = rng.sample(GOALS, 2 if brief else rng.randint(2, 4))
        contract_goals = [ContractGoal(contract=c, position=i, text=t, indicator=ind)
                          for i, (t, ind) in enumerate(chosen, start=1)]
        goals.extend(contract_goals)
        parties = [TaskParty.FAMILY, TaskParty.FAMILY, TaskParty.OFFICE]
        if brief:
            parties = [TaskParty.FAMILY, TaskParty.OFFICE if rng.random() < 0.5 or not c.provider_id else TaskParty.PROVIDER]
        else:
            parties += [TaskParty.PROVIDER, TaskParty.PROVIDER] if c.provider_id else []
            parties += [TaskParty.OTHER] if rng.random() < 0.5 else []
        # Each party's tasks differ (a family has two tasks, not the same one twice).
        picks = {party: rng.sample(TASKS[party], parties.count(party)) for party in dict.fromkeys(parties)}
        for pos, party in enumerate(parties, start=1):
            who, what, due = picks[party].pop()
            fill = {"name": name, "child": child, "cm": c.case.case_manager.last_name}
            planned.append((ContractTask(contract=c, position=pos, party=party, who=who.format(**fill),
                                         what=what.format(**fill), due=due), rng.choice(contract_goals)))
    ctx.bulk(ContractParticipant, participants, "Kontraktbeteiligte")
    ContractGoal.objects.bulk_create(goals)  # not ctx.bulk: the tasks need the goals' ids
    ctx.count("Kontraktziele", len(goals))
    for task, goal in planned:
        task.goal_id = goal.pk
    ctx.bulk(ContractTask, [t for t, _g in planned], "Kontraktaufgaben")
