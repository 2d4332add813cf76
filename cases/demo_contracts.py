"""Demo data for cases.contracts (called from cases/demo.py after the case files exist).

Every case in "help" gets an active contract – some with an ended contract before it (a follow-up
chain), some ending within the next four weeks, some already past their approval end so that the
review worklist has due and overdue reviews. Cases in "case conference" get drafts and signed
contracts waiting for the team lead. Most help is youth help (SGB VIII, § 35a included); some
children get integration help under SGB IX (chosen by the child's age: curative education before
school, school assistance or assistance services at school age), and in every district the first
case in help gets SGB IX help and the second SGB VIII help, so both budgets of each district have
decided help. The demo team (walle) gets all its cases covered, other teams
about a third. Idempotent: only cases without any contract get rows; the amount follows the cases,
which follow ctx.scale. Bulk inserts, a handful of queries per table.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from juwe.lib.seeding import SeedContext
from juwe.models import Provider, User
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
    TaskParty,
)

CS = ContractState
DEMO_TEAM_CODE = "walle"  # as cases.demo (which imports this module)
PLACES = ["bei der Familie zu Hause", "im Familienzentrum", "im Jugendtreff", "bei der Oma in der Küche",
          "im Büro des Jugendamts", "im Stadtteilcafé", "in der Schule (Besprechungsraum)"]
# (help type, monthly cost range in EUR, hours per week)
HELPS = [(HelpType.SPFH, (1400, 2600), "6"), (HelpType.ASSISTANT, (900, 1600), "4"),
         (HelpType.FLEXIBLE, (500, 1400), "3"), (HelpType.DISTRICT, (0, 300), None),
         (HelpType.GROUP_WORK, (350, 700), "2"), (HelpType.INTEGRATION, (1200, 2400), "5"),
         (HelpType.RESIDENTIAL, (5200, 7400), None), (HelpType.INTENSIVE, (2800, 4200), "10"),
         (HelpType.DAY_GROUP, (1900, 2700), None)]
# Integration help under SGB IX, for a child not yet at school and for a child at school.
SGB9_BEFORE_SCHOOL = [(HelpType.CURATIVE_EDUCATION, (900, 1800), "4"), (HelpType.FOSTER_FAMILY, (1100, 1700), None)]
SGB9_AT_SCHOOL = [(HelpType.SCHOOL, (1800, 3400), "20"), (HelpType.ASSISTANCE, (700, 1500), "6")]
SGB9_SHARE = 0.15  # of the cases without a fixed law
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


def seed(ctx: SeedContext) -> None:
    """Add this part's demo rows (idempotent, scaled by ctx.scale through the cases)."""
    cases = list(
        Case.objects.filter(state__in=[CaseState.CONFERENCE, CaseState.HELP], contracts__isnull=True)
        .select_related("team", "district", "case_manager")
        .order_by("id")
    )
    cases = [c for c in cases if c.team.code == DEMO_TEAM_CODE or c.pk % 3 == 0]
    if not cases:
        return
    with transaction.atomic():
        _seed(ctx, cases)


def _seed(ctx: SeedContext, cases: list[Case]) -> None:
    rng = ctx.rng("contracts")
    today = timezone.localdate()
    now = timezone.now()
    leads = {u.team_id: u for u in User.objects.filter(groups__name=Role.TEAM_LEAD, team__isnull=False).order_by("username")}
    lead_providers: dict[int, list[int]] = defaultdict(list)
    for district_id, provider_id in Provider.lead_districts.through.objects.values_list("district_id", "provider_id"):
        lead_providers[district_id].append(provider_id)
    all_providers = list(Provider.objects.order_by("id").values_list("id", flat=True))
    members: dict[int, list[CaseMember]] = defaultdict(list)
    for m in CaseMember.objects.filter(case__in=cases).select_related("person").order_by("id"):
        members[m.case_id].append(m)

    disability_providers = list(Provider.objects.filter(name__startswith=SGB9_PROVIDER).values_list("id", flat=True))
    # Both budgets of a district get decided help: its first case in help SGB IX, its second SGB VIII.
    fixed_law: dict[int, str] = {}
    helping: dict[int, int] = defaultdict(int)
    for case in cases:
        if case.state == CaseState.HELP and case.team_id in leads:
            fixed_law[case.pk] = {0: HelpLaw.SGB9, 1: HelpLaw.SGB8}.get(helping[case.district_id], "")
            helping[case.district_id] += 1

    providers = (lead_providers, all_providers, disability_providers)
    first, follow = [], []  # contracts without and with a previous contract
    for case in cases:
        lead = leads.get(case.team_id)
        roll = rng.random()
        if case.state == CaseState.CONFERENCE or lead is None:
            state, start = (CS.DRAFT if roll < 0.5 else CS.SIGNED), today - dt.timedelta(days=rng.randint(0, 12))
        elif roll < 0.2:  # ends within four weeks: the review is due
            state, start = CS.ACTIVE, default_approval_end(today, -6) + dt.timedelta(days=rng.randint(1, 27))
        elif roll < 0.3:  # past its approval end: the review is overdue
            state, start = CS.ACTIVE, today - dt.timedelta(days=rng.randint(190, 240))
        else:
            state, start = CS.ACTIVE, today - dt.timedelta(days=rng.randint(10, 150))
        start = max(start, case.opened_on)
        aid = _help(rng, fixed_law.get(case.pk, ""), members.get(case.pk, []), start)
        contract = _contract(rng, case, aid, state, start, lead, providers, now)
        if state == CS.ACTIVE and roll > 0.75 and case.opened_on < start - dt.timedelta(days=120):
            # a chain: an ended contract before this one
            before_start = max(default_approval_end(start, -6) + dt.timedelta(days=1), case.opened_on)
            previous = _contract(rng, case, aid, CS.ENDED, before_start, lead, providers, now)  # the same help
            previous.approved_until = previous.ended_on = start - dt.timedelta(days=1)
            previous.end_note = "Fortgesetzt mit neuem Kontrakt nach dem Rückblick."
            first.append(previous)
            follow.append((contract, previous))
        else:
            first.append(contract)
    Contract.objects.bulk_create(first)
    for contract, previous in follow:
        contract.previous_id = previous.pk
    Contract.objects.bulk_create([c for c, _p in follow])
    ctx.count("Kontrakte", len(first) + len(follow))
    _parts(ctx, rng, [*first, *(c for c, _p in follow)], members)


def _help(rng, law: str, family: list[CaseMember], on: dt.date) -> tuple:
    """(help type, monthly cost range, hours) for a case: SGB IX or SGB VIII as `law` says, else
    SGB IX for about one case in seven; SGB IX help by the age of the case's (first) child."""
    if law == HelpLaw.SGB8 or (not law and rng.random() >= SGB9_SHARE):
        return rng.choice(HELPS)
    child = next((m.person for m in family if m.role in (CaseRole.CHILD, CaseRole.YOUNG_PERSON)), None)
    birth = child.birth_date if child else None
    before_school = birth is not None and (on - birth).days < SCHOOL_AGE * 365
    return rng.choice(SGB9_BEFORE_SCHOOL if before_school else SGB9_AT_SCHOOL)


def _contract(rng, case, aid, state, start, lead, providers, now) -> Contract:
    help_type, (low, high), hours = aid
    lead_providers, all_providers, disability_providers = providers
    own = lead_providers.get(case.district_id) or all_providers
    if help_type in SGB9_HELP_TYPES and disability_providers and rng.random() < 0.6:
        provider = rng.choice(disability_providers)
    elif help_type in (HelpType.RESIDENTIAL, HelpType.INTEGRATION) or rng.random() < 0.25:
        provider = rng.choice(all_providers)  # Wunsch- und Wahlrecht: sometimes another provider
    else:
        provider = rng.choice(own)
    until = default_approval_end(start)
    signed = state != CS.DRAFT
    return Contract(
        case=case, team_id=case.team_id, case_manager_id=case.case_manager_id,  # bulk insert: no save()
        state=state, talk_on=start, talk_place=rng.choice(PLACES),
        own_proposal="" if rng.random() < 0.7 else "Die Familie wünscht sich Hilfe, die nachmittags kommt.",
        help_type=help_type, provider_id=provider if help_type != HelpType.DISTRICT else None,
        provider_wish=rng.choice(["", "Die Familie kennt den Träger aus dem Stadtteilhaus.",
                                  "Frau und Herr kennen die Fachkraft schon von der Schwester."]),
        approved_from=start, approved_until=until, hours_per_week=Decimal(hours) if hours else None,
        monthly_cost=Decimal(rng.randrange(low, high + 1, 50)).quantize(Decimal("0.01")),
        internal_note=rng.choice(["", "Vater nur nach Absprache einbeziehen.", "WJH: Kostenzusage liegt vor."]),
        signed_on=start if signed else None, signed_recorded_at=now if signed else None,
        signed_recorded_by=case.case_manager if signed else None,
        approved_at=now if state in (CS.ACTIVE, CS.ENDED) else None,
        approved_by=lead if state in (CS.ACTIVE, CS.ENDED) else None,
        ended_on=until if state == CS.ENDED else None, created_by=case.case_manager,
    )


def _parts(ctx: SeedContext, rng, contracts: list[Contract], members: dict[int, list[CaseMember]]) -> None:
    participants, goals, planned = [], [], []
    for c in contracts:
        family = members.get(c.case_id, [])
        name = family[0].person.last_name if family else "Familie"
        child = next((m.person.first_name for m in family if m.role in (CaseRole.CHILD, CaseRole.YOUNG_PERSON)), "das Kind")
        for m in family:
            participants.append(ContractParticipant(contract=c, name=m.person.full_name, party="family",
                                                    relation=m.note or m.get_role_display(), signs=True))
        participants.append(ContractParticipant(contract=c, name=str(c.case.case_manager), party="office",
                                                relation="Fallmanagement", signs=True))
        if c.provider_id:
            participants.append(ContractParticipant(contract=c, name="Fachkraft des Trägers", party="provider",
                                                    relation="Familienhilfe", signs=True))
        if rng.random() < 0.4:
            participants.append(ContractParticipant(contract=c, name="Erika (Oma)", party="invited", relation="Großmutter",
                                                    signs=False))
        chosen = rng.sample(GOALS, rng.randint(2, 4))
        contract_goals = [ContractGoal(contract=c, position=i, text=t, indicator=ind)
                          for i, (t, ind) in enumerate(chosen, start=1)]
        goals.extend(contract_goals)
        parties = [TaskParty.FAMILY, TaskParty.FAMILY, TaskParty.OFFICE]
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
