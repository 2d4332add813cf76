"""Demo § 8a assessments (called from cases/demo.py after the case files exist).

Every case in Gefährdungsbereich gets one to three assessments (the safety scale rising over them,
protection plans with measures, some done), some Graubereich and a few Leistungsbereich cases one
or two with "no endangerment" or "need for help". A few are still open, and the demo case manager
(`fallmanagement`) always has one due soon and one late, so both worklists show them.

Idempotent: a case that has assessments gets none added; the decision per case is drawn from its
reference, so --scale only adds assessments to the new cases.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from juwe.lib.seeding import SeedContext
from juwe.models import Team, User
from juwe.roles import Role

from .models import Case, CaseState, Classification, ProtectionAssessment, ProtectionMeasure, ProtectionResult, Urgency
from .protection import due_at_for

DEMO_CASE_MANAGER = "fallmanagement"
DEMO_TEAM_CODE = "walle"  # as cases.demo

REPORTERS = [
    "Frau Jacobs, Klassenlehrerin", "Kita Regenbogen, Leitung", "Polizeirevier Walle", "Dr. Stein, Kinderarzt",
    "Nachbarin (anonym)", "Schulsozialarbeit, Herr Can", "Großmutter mütterlicherseits", "Klinikum Bremen-Mitte, Sozialdienst",
]
REPORTS = [
    "{child} kam mit blauen Flecken am Oberarm in die Schule und wollte nicht nach Hause.",
    "{child} wird seit Tagen ohne Frühstück und bei Kälte ohne Jacke in die Kita gebracht.",
    "Einsatz wegen häuslicher Gewalt in der Nacht; {child} und Geschwister waren in der Wohnung.",
    "Die Wohnung ist verwahrlost; {child} hat seit Wochen keine Vorsorgetermine wahrgenommen.",
    "Nachts lautes Schreien und Poltern aus der Wohnung, {child} weint lange.",
    "{child} erzählt, dass der Freund der Mutter ihn/sie schlägt, wenn er getrunken hat.",
]
HARM = ["Hämatome am Oberarm, von {child} als Griff des Vaters beschrieben.",
        "Unterernährung und wiederholt unversorgte Wunden.", "{child} hat Gewalt zwischen den Eltern miterlebt."]
DANGER = ["Weitere Gewalt, wenn der Vater unter Alkohol steht.", "Anhaltende Vernachlässigung bei Überforderung der Mutter.",
          "Eskalierende Konflikte der Eltern mit {child} mittendrin."]
COMPLICATING = ["Alkoholkonsum des Vaters", "Mutter psychisch belastet, lehnt bisher Hilfe ab",
                "Beengte Wohnung, kein Rückzugsort", "Familie sozial isoliert"]
WORKING_WELL = ["Die Großmutter wohnt in der Nähe und ist für {child} eine sichere Person.",
                "Die Mutter sucht selbst Kontakt zur Kita und spricht offen über ihre Überforderung.",
                "{child} geht regelmäßig zur Schule und hat eine vertraute Lehrerin.",
                "Der Vater hat sich nach dem Vorfall selbst gemeldet und will ein Anti-Gewalt-Training machen."]
NEXT_STEPS = ["Die Mutter nimmt die Erziehungsberatung an; die Großmutter betreut {child} nachmittags.",
              "Der Vater zieht vorübergehend aus; Kontakte zu {child} nur begleitet.",
              "Tägliche Rückmeldung der Kita; Hausbesuch in zwei Wochen.",
              "Die Familie vereinbart einen Sicherheitsplan: wer hilft, wenn es eskaliert."]
MEASURES = [
    ("Tägliche Anwesenheits- und Versorgungskontrolle in der Kita", "Kita Regenbogen"),
    ("Kinderärztliche Untersuchung und Nachholen der Vorsorge", "Mutter"),
    ("Anti-Gewalt-Training beginnen", "Vater"),
    ("Unangekündigter Hausbesuch", "Fallmanagement"),
    ("Erstgespräch in der Erziehungsberatung", "Mutter"),
    ("Sicherheitsplan mit der Großmutter absprechen", "Fallmanagement"),
    ("Rückmeldung der Schule über Fehlzeiten", "Schulsozialarbeit"),
]
FAMILY_COURT = ["Familiengericht am {date} angerufen (§ 8a Abs. 2, § 1666 BGB); Erörterungstermin angesetzt.",
                "Familiengericht informiert; Auflage an die Eltern, Beratung anzunehmen."]
CARE_NOTE = "Inobhutnahme am {date} durch den Kinder- und Jugendnotdienst, Unterbringung in einer Bereitschaftspflegefamilie."


# Hours from the due time to the assessment (negative: before it), with their weights.
ASSESSED_WEIGHTS = [(-30, 15), (-12, 25), (-6, 25), (-2, 15), (0, 10), (3, 6), (20, 4)]
ASSESSED_HOURS = [h for h, _w in ASSESSED_WEIGHTS]


def seed(ctx: SeedContext) -> None:
    """Add § 8a assessments to the demo cases (idempotent, scaled with the cases by ctx.scale)."""
    now = timezone.now()
    assessments: list[tuple[ProtectionAssessment, list[int], list[ProtectionMeasure]]] = []
    for team in Team.objects.order_by("code"):
        assessors = list(
            User.objects.filter(team=team, groups__name__in=[Role.CASE_MANAGER, Role.TEAM_LEAD])
            .distinct().order_by("username").values_list("id", flat=True)
        )
        if len(assessors) < 2:
            continue
        cases = (
            Case.objects.filter(team=team, protection_assessments__isnull=True)
            .order_by("reference")
            .only("id", "reference", "state", "classification", "case_manager_id", "opened_on", "closed_on", "member_names")
        )
        for case in cases:
            assessments += _for_case(case, assessors, now, intense=team.code == DEMO_TEAM_CODE)
        assessments += _demo_open(team, assessors, now)
    with transaction.atomic():
        _insert(ctx, assessments)


def _child(case: Case) -> str:
    return (case.member_names.split(" ") or ["das Kind"])[0] or "das Kind"


def _pick(rng: random.Random, texts: list[str], case: Case) -> str:
    return rng.choice(texts).format(child=_child(case))


def _pair(rng: random.Random, case: Case, assessors: list[int]) -> list[int]:
    others = [a for a in assessors if a != case.case_manager_id]
    return [case.case_manager_id, rng.choice(others)]


def _for_case(case: Case, assessors: list[int], now: dt.datetime, intense: bool = False) -> list:
    """The case's assessments; `intense` (the demo team): every grey-area case and more service cases
    have one, so the demo logins' worklists and the § 8a pages are well filled."""
    rng = random.Random(f"protection:{case.reference}")
    if case.classification == Classification.DANGER:
        n, results = rng.choice([1, 2, 2, 3]), "danger"
    elif case.classification == Classification.GREY and rng.random() < (1 if intense else 0.35):
        n, results = rng.choice([1, 1, 2]), "grey"
    elif case.classification == Classification.SERVICE and rng.random() < (0.3 if intense else 0.05):
        n, results = 1, "service"
    else:
        return []
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(case.opened_on, dt.time(9, 0), tzinfo=tz)
    # Reports come in while the case is open: from its opening to its closing (or now).
    end = min(dt.datetime.combine(case.closed_on, dt.time(9, 0), tzinfo=tz), now) if case.closed_on else now
    # The first report soon after the opening (often its reason), later ones months apart – the same
    # pattern for every case, whenever it opened; none after the case closed.
    latest = max(end - dt.timedelta(hours=6), start + dt.timedelta(hours=1))
    offsets, at = [], dt.timedelta(days=rng.uniform(0, 15))
    for _i in range(n):
        if start + at > latest:
            break
        offsets.append(at)
        at += dt.timedelta(days=rng.uniform(30, 180))
    offsets = offsets or [min(at, latest - start)]
    n = len(offsets)
    scale = rng.randint(1, 3) if results == "danger" else rng.randint(5, 7)
    rows = []
    for i in range(n):
        received = min(start + offsets[i], now - dt.timedelta(hours=1))
        last = i == n - 1
        still_open = last and case.state != CaseState.CLOSED and rng.random() < 0.06
        if still_open:
            received = now - dt.timedelta(hours=rng.uniform(2, 60))
        if results == "danger":
            result = ProtectionResult.ENDANGERMENT if not last or rng.random() < 0.6 else ProtectionResult.NEED_FOR_HELP
        else:
            result = rng.choice([ProtectionResult.NONE, ProtectionResult.NEED_FOR_HELP]) if results == "grey" else ProtectionResult.NONE
        rows.append(_assessment(rng, case, assessors, received, None if still_open else result, scale, now))
        scale = min(10, scale + rng.randint(1, 3))
    return rows


def _assessment(rng, case, assessors, received, result, scale, now, urgency=None):
    urgency = urgency or rng.choices(Urgency.values, [2, 5, 3])[0]
    a = ProtectionAssessment(
        case_id=case.pk, received_at=received, reported_by=rng.choice(REPORTERS), report=_pick(rng, REPORTS, case),
        urgency=urgency, due_at=due_at_for(received, urgency), created_by_id=case.case_manager_id,
    )
    if result is None:
        return a, [], []
    # Most are assessed in time, about one in ten late (hours, now and then a day).
    late = rng.choices(ASSESSED_HOURS, [w for _h, w in ASSESSED_WEIGHTS])[0]
    assessed = min(a.due_at + dt.timedelta(hours=late), now - dt.timedelta(minutes=30))
    a.assessed_at = max(assessed, received)
    a.home_visit = rng.random() < 0.8
    a.home_visit_on = timezone.localdate(a.assessed_at) if a.home_visit else None
    a.result, a.safety_scale, a.completed_by_id = result, scale, case.case_manager_id
    a.harm, a.danger = _pick(rng, HARM, case), _pick(rng, DANGER, case)
    a.complicating_factors = ", ".join(rng.sample(COMPLICATING, 2))
    a.working_well, a.next_steps = _pick(rng, WORKING_WELL, case), _pick(rng, NEXT_STEPS, case)
    measures = []
    if result == ProtectionResult.ENDANGERMENT:
        day = timezone.localdate(a.assessed_at)
        if rng.random() < 0.35:
            a.family_court = rng.choice(FAMILY_COURT).format(date=f"{day:%d.%m.%Y}")
        if scale <= 2 and rng.random() < 0.4:
            a.taken_into_care, a.taken_into_care_note = True, CARE_NOTE.format(date=f"{day:%d.%m.%Y}")
        for text, owner in rng.sample(MEASURES, rng.randint(2, 4)):
            due = day + dt.timedelta(days=rng.randint(3, 42))
            done = due - dt.timedelta(days=rng.randint(0, 3)) if due < timezone.localdate() and rng.random() < 0.75 else None
            measures.append(ProtectionMeasure(measure=text, owner=owner, due_on=due, done_on=max(done, day) if done else None))
    return a, _pair(rng, case, assessors), measures


def _demo_open(team: Team, assessors: list[int], now: dt.datetime) -> list:
    """The demo case manager's worklist: one assessment due in a few hours, one late."""
    cases = list(
        Case.objects.filter(team=team, case_manager__username=DEMO_CASE_MANAGER)
        .exclude(state=CaseState.CLOSED).order_by("reference")[:2]
    )
    if len(cases) < 2 or ProtectionAssessment.objects.filter(case__in=cases, result="").exists():
        return []
    rng = random.Random(f"protection:demo:{team.code}")
    return [
        _assessment(rng, cases[0], assessors, now - dt.timedelta(hours=19), None, 0, now, urgency=Urgency.HOURS_24),
        _assessment(rng, cases[1], assessors, now - dt.timedelta(hours=80), None, 0, now, urgency=Urgency.HOURS_72),
    ]


def _insert(ctx: SeedContext, rows: list) -> None:
    # Plain bulk_create (not ctx.bulk): assessments have no natural key, and their new ids are
    # needed for the professionals and measures. Idempotency comes from choosing only cases
    # without assessments above.
    created = ProtectionAssessment.objects.bulk_create([a for a, _p, _m in rows], batch_size=2000)
    ctx.count("§-8a-Prüfungen", len(created))
    through = ProtectionAssessment.professionals.through
    ctx.bulk(through, [through(protectionassessment_id=a.pk, user_id=u) for a, pros, _m in rows for u in pros],
             "§-8a-Fachkräfte")
    measures = []
    for a, _p, ms in rows:
        for m in ms:
            m.assessment_id = a.pk
            measures.append(m)
    ctx.bulk(ProtectionMeasure, measures, "Schutzplan-Maßnahmen")
    # The § 8a mark (what the services keep): while an assessment is open, after an endangerment,
    # and always in Gefährdungsbereich.
    marked = {a.case_id for a, _p, _m in rows if a.is_open or a.result == ProtectionResult.ENDANGERMENT}
    Case.objects.filter(pk__in=marked, child_protection=False).update(child_protection=True)
