"""Demo case files: realistic cases in every state with members, contacts, classifications and maps.

Every team gets new cases evenly over the last years (about 65 a year, the demo team Walle, where
the demo logins work, about 120; times --scale), with seasonal noise and a slight growth. Each case
runs a course – closed after the intake, closed after counselling, or on to a case conference and a
help of months to years – cut at today, so that the open stock (and the share in help, about a
third) is about the same last year and today, as the controlling compares them. Idempotent: each
case is keyed on its reference (year/district/number); child rows are only written for cases
inserted in this run. Reference counters are raised to the highest seeded number, so new cases
continue the sequence gap-free.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from juwe.lib.seeding import SeedContext
from juwe.models import District, Team, User
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
    ContactKind,
    FirstContactSource,
    Gender,
    NetworkPerson,
    Person,
    ReferenceCounter,
    ResourceEntry,
    StateChange,
)
from . import demo_conference, demo_contracts, demo_protection, demo_reviews
from .services import TRANSITIONS

DEMO_TEAM_CODE = "walle"
# New cases per team and year, times --scale: the demo team (where the demo logins work) has more.
CASES_PER_YEAR_DEMO_TEAM = 100
CASES_PER_YEAR_OTHER_TEAMS = 22
YEARS_BACK = 4  # openings are drawn over four years; the oldest year keeps only the long cases

FAMILY_NAMES = [
    "Müller", "Schmidt", "Meyer", "Janssen", "Hinrichs", "Kuhlmann", "Wessels", "Brinkmann", "Lange", "Peters",
    "Yılmaz", "Kaya", "Demir", "Öztürk", "Şahin", "Nowak", "Kowalski", "Wiśniewski", "Popescu", "Ivanova",
    "Petrov", "Haddad", "Al-Hassan", "Rahimi", "Ahmadi", "Osei", "Mensah", "Nguyen", "Schröder", "Kruse",
    "Albers", "Tietjen", "Gerdes", "Bruns", "Eilers", "Wittkowski", "Krüger", "Hoffmann", "Becker", "Wolf",
]
GIRLS = ["Mia", "Emma", "Lina", "Leonie", "Zeynep", "Elif", "Amira", "Hanna", "Lea", "Marie", "Sofia", "Maja",
         "Aylin", "Lara", "Nele", "Jana", "Milena", "Mariam", "Emilia", "Paula"]
BOYS = ["Ben", "Finn", "Jonas", "Luca", "Noah", "Emir", "Yusuf", "Leon", "Paul", "Elias", "Mats", "Ali", "Omar",
        "Tim", "Kacper", "Mehmet", "Niklas", "Hamza", "Jannik", "Milan"]
MOTHERS = ["Sandra", "Nicole", "Katharina", "Fatma", "Ayşe", "Anna", "Olga", "Sabine", "Julia", "Rania", "Magdalena",
           "Tanja", "Melanie", "Svetlana", "Nadine", "Jessica", "Sarah", "Derya"]
FATHERS = ["Thomas", "Michael", "Sven", "Ahmet", "Mustafa", "Piotr", "Andreas", "Dennis", "Marco", "Khaled", "Sergej",
           "Daniel", "Stefan", "Hakan", "Jan", "Oliver"]
STREETS = ["Waller Heerstraße", "Vegesacker Straße", "Nordstraße", "Steffensweg", "Utbremer Straße", "Hansestraße",
           "Osterfeuerberger Ring", "Elisabethstraße", "Gröpelinger Heerstraße", "Lindenhofstraße", "Vahrer Straße",
           "Kattenturmer Heerstraße", "Hemelinger Heerstraße", "Otto-Brenner-Allee", "Huchtinger Heerstraße"]

CONCERNS = [
    "Die Mutter ruft an, weil {child} seit drei Wochen nicht mehr zur Schule geht und sie nicht weiterweiß.",
    "Die Kita meldet, dass {child} häufig hungrig und ohne Wechselkleidung kommt.",
    "Der Vater sagt, die Streitereien zu Hause eskalieren, seit er arbeitslos ist.",
    "Die Schule berichtet von Wutausbrüchen von {child} im Unterricht und bittet um ein Gespräch.",
    "Die Familie ist neu in Bremen, versteht die Briefe der Schule nicht und fühlt sich allein.",
    "Die Mutter ist nach der Trennung überlastet und schafft den Alltag mit den Kindern kaum.",
    "Die Polizei meldet einen nächtlichen Einsatz wegen häuslicher Gewalt; die Kinder waren anwesend.",
    "{child} ist zweimal von zu Hause weggelaufen und hat bei Freunden übernachtet.",
    "Der Kinderarzt sorgt sich um das Gewicht von {child} und verpasste Vorsorgetermine.",
    "Die Nachbarn hören seit Wochen Schreien aus der Wohnung und machen sich Sorgen.",
]
WILLS = [
    "Wir wollen, dass es zu Hause wieder ruhiger wird und wir nicht mehr so viel streiten.",
    "Ich will, dass {child} wieder gern zur Schule geht und Freunde findet.",
    "Ich möchte meinen Alltag wieder selbst schaffen, ohne dass mir alles über den Kopf wächst.",
    "Wir wollen als Familie zusammenbleiben und lernen, wie wir mit der Wut umgehen.",
    "Ich will eine eigene Wohnung, in der die Kinder ein eigenes Zimmer haben.",
    "Wir wollen, dass das Jugendamt uns nicht mehr kontrollieren muss.",
]
GOALS = [
    "{child} geht an mindestens vier von fünf Tagen zur Schule.\nDie Mutter hat einmal pro Woche Zeit für sich.",
    "Es gibt feste Abendrituale; {child} ist um 20 Uhr im Bett.\nStreit wird ohne Schreien geklärt.",
    "Die Familie kennt zwei Angebote im Stadtteil und nutzt eins davon regelmäßig.",
    "Der Vater nimmt an einem Anti-Gewalt-Training teil.\nDie Kinder erleben keine Gewalt mehr.",
    "Die Briefe von Schule und Ämtern werden gemeinsam mit der Stadtteilmutter gelesen und beantwortet.",
]
RESOURCES = {
    "young_person": ["spielt Fußball im Verein", "malt gern und viel", "hilft zuverlässig bei den Geschwistern",
                     "hat eine beste Freundin in der Klasse", "ist neugierig und fragt viel", "kann gut zuhören"],
    "family": ["Die Mutter kocht jeden Tag für alle", "Geschwister halten zusammen", "Oma wohnt zwei Straßen weiter",
               "Der Vater will sich ändern", "Die Familie feiert gern gemeinsam", "Klare Sprache über Regeln"],
    "social_network": ["Nachbarin passt manchmal auf die Kinder auf", "Moscheegemeinde bietet Hausaufgabenhilfe",
                       "Patenonkel meldet sich regelmäßig", "Freundin der Mutter aus dem Sprachkurs",
                       "Trainer im Sportverein"],
    "district": ["Jugendtreff im Stadtteil", "Elterncafé im Familienzentrum", "Stadtteilbibliothek", "Spielplatz am Park",
                 "Schulsozialarbeit", "Stadtteilmütter", "Beratungsstelle im Quartier"],
    "material": ["Eigene Wohnung mit Balkon", "Fahrräder für alle Kinder", "Bildungs- und Teilhabepaket bewilligt",
                 "Laptop für die Schule", "Monatskarte für den Bus"],
}
NETWORK = {
    "family": [("Oma Hilde", "Großmutter"), ("Opa Kurt", "Großvater"), ("Onkel Murat", "Onkel"), ("Tante Agnieszka", "Tante"),
               ("Leon", "älterer Bruder"), ("Herr K.", "Vater (getrennt lebend)")],
    "friends": [("Frau Baumann", "Nachbarin"), ("Selin", "Freundin der Mutter"), ("Familie Osei", "Nachbarn"),
                ("Max", "bester Freund"), ("Herr Lüders", "Trainer")],
    "school_work": [("Frau Jacobs", "Klassenlehrerin"), ("Herr Can", "Schulsozialarbeiter"), ("Kita Regenbogen", "Kita"),
                    ("Chefin der Mutter", "Arbeitgeberin")],
    "professionals": [("Dr. Stein", "Kinderarzt"), ("Erziehungsberatung", "Beratungsstelle"), ("Jobcenter", "Fallmanagerin"),
                      ("Familienhelferin", "SPFH")],
}
PARTICIPANTS = ["Mutter", "Mutter, Kind", "Eltern", "Vater", "Mutter, Klassenlehrerin", "Familie", "Mutter, Großmutter"]
CONTACT_NOTES = [
    "Auftragsklärung: Was will die Familie verändern? Mutter nennt Schule als größtes Thema.",
    "Ressourcencheck mit der Familie, Ressourcenkarte gemeinsam ergänzt.",
    "Netzwerkkarte erstellt; Großmutter ist wichtige Unterstützung.",
    "Hausbesuch: Wohnung ordentlich, Kinder offen, Stimmung angespannt.",
    "Telefonat mit der Schule: Fehlzeiten seit den Herbstferien deutlich gestiegen.",
    "Gespräch über Ziele in eigenen Worten; Familie formuliert zwei Ziele.",
    "Kurzer Anruf, Termin verschoben wegen Krankheit.",
    "Gemeinsamer Besuch im Elterncafé des Familienzentrums.",
]
CLASSIFICATION_REASONS = {
    Classification.SERVICE: ["Familie bittet selbst um Unterstützung; keine Hinweise auf Gefährdung.",
                             "Freiwillige Beratung gewünscht, Eltern kooperieren."],
    Classification.GREY: ["Wiederholte Meldungen der Kita, Versorgung zeitweise unzureichend.",
                          "Schulabsentismus und Überforderung der Mutter; Entwicklung beobachten."],
    Classification.DANGER: ["Polizeimeldung häusliche Gewalt, Kinder anwesend.",
                            "Sichtbare Verletzungen, widersprüchliche Erklärungen der Eltern."],
}
# New cases per calendar month, relative (fewer in the summer holidays and at Christmas).
SEASON = [1.0, 1.05, 1.1, 1.05, 1.0, 0.95, 0.78, 0.82, 1.1, 1.15, 1.05, 0.85]
GROWTH = 0.03  # more new cases each year (a few per cent, as the comparison rings report)
# A case's course: closed after the intake, closed after counselling, or on to a help.
AFTER_INTAKE, AFTER_COUNSELLING = 0.40, 0.76  # cumulative shares; the rest (24 %) reach a help
# Service / grey area / danger: the demo team (Walle, a burdened area) has more grey and danger cases.
CLASSIFICATION_WEIGHTS = {True: [35, 40, 25], False: [62, 30, 8]}
HELP_END_TO_COUNSELLING = 0.2  # after a help some families stay in counselling for a while


# The searchable names of the members (what services.case_refresh_member_names keeps).
MEMBER_NAMES_SQL = """
    UPDATE cases_case c SET member_names = s.names
    FROM (SELECT m.case_id, string_agg(p.first_name || ' ' || p.last_name, ', ' ORDER BY m.id) AS names
          FROM cases_casemember m JOIN cases_person p ON p.id = m.person_id
          WHERE m.case_id = ANY(%s) GROUP BY m.case_id) s
    WHERE c.id = s.case_id
"""


def seed(ctx: SeedContext) -> None:
    teams = list(Team.objects.order_by("code"))
    if not teams:
        return
    managers = _case_managers(teams)
    with transaction.atomic():
        plan = _plan(ctx, teams, managers)
        _insert(ctx, plan)
    # Case file II builds on the case files above.
    for part in (demo_conference, demo_contracts, demo_reviews, demo_protection):
        ctx.analyze()
        part.seed(ctx)


def _case_managers(teams: list[Team]) -> dict[int, list[User]]:
    result: dict[int, list[User]] = defaultdict(list)
    qs = User.objects.filter(team__in=teams, groups__name=Role.CASE_MANAGER).order_by("username").distinct()
    for user in qs:
        result[user.team_id].append(user)
    return result


def _opening_day(rng: random.Random, today: dt.date) -> dt.date:
    """A day in the last YEARS_BACK years, evenly spread with seasonal noise and a slight growth."""
    while True:
        age = rng.randrange(365 * YEARS_BACK)
        day = today - dt.timedelta(days=age)
        weight = SEASON[day.month - 1] * (1 - GROWTH * age / 365)
        if rng.random() * max(SEASON) < weight:
            return day


def _course(rng: random.Random, opened: dt.date) -> list[tuple[str, dt.date]]:
    """The states a case goes through and the day it enters each, from opening to closing (also
    after today: the caller cuts at today). Intakes last days to weeks, counselling weeks to about a
    year, a help (after a case conference) months to years – its length by the mix of help types."""
    days = dt.timedelta
    steps = [(CaseState.INTAKE, opened)]
    decided = opened + days(rng.randint(3, 75))
    roll = rng.random()
    if roll < AFTER_INTAKE:
        return [*steps, (CaseState.CLOSED, decided)]
    steps.append((CaseState.COUNSELLING, decided))
    if roll < AFTER_COUNSELLING:
        return [*steps, (CaseState.CLOSED, decided + days(int(rng.triangular(30, 600, 150))))]
    conference = decided + days(rng.randint(14, 120))
    help_start = conference + days(rng.randint(21, 75))  # until the conference and the contract talk
    help_end = help_start + days(demo_contracts.help_duration(rng))
    steps += [(CaseState.CONFERENCE, conference), (CaseState.HELP, help_start)]
    if rng.random() < HELP_END_TO_COUNSELLING:
        return [*steps, (CaseState.COUNSELLING, help_end), (CaseState.CLOSED, help_end + days(rng.randint(30, 180)))]
    return [*steps, (CaseState.CLOSED, help_end)]


def _plan(ctx: SeedContext, teams: list[Team], managers: dict[int, list[User]]) -> list[dict]:
    """Which cases exist: district, course and number; deterministic per case so --scale only adds.

    Openings are spread over four years; of the oldest year only the cases still open two years
    ago are kept (long helps), so the open stock is about as large last year as today."""
    today = timezone.localdate()
    keep_after = today - dt.timedelta(days=730)
    window = today - dt.timedelta(days=365 * (YEARS_BACK - 1))
    plan = []
    for team in teams:
        districts = list(District.objects.filter(team=team).order_by("code"))
        staff = managers.get(team.pk) or []
        if not districts or not staff:
            continue
        demo_cm = next((u for u in staff if u.username == "fallmanagement"), None)
        per_year = CASES_PER_YEAR_DEMO_TEAM if team.code == DEMO_TEAM_CODE else CASES_PER_YEAR_OTHER_TEAMS
        per_district: dict[int, list[dict]] = defaultdict(list)
        for i in range(per_year * YEARS_BACK * ctx.scale):
            rng = random.Random(f"{ctx.seed}:case:{team.code}:{i}")
            opened = _opening_day(rng, today)
            course = [(state, day) for state, day in _course(rng, opened) if day <= today]
            state, last = course[-1]
            closed_on = last if state == CaseState.CLOSED else None
            if opened < window and closed_on is not None and closed_on < keep_after:
                continue  # long closed: in none of the figures of the last two years
            district = districts[i % len(districts)]
            if demo_cm and i % 6 == 0:
                manager = demo_cm  # the demo login gets a realistic caseload of its own
            else:
                manager = staff[i % len(staff)]
            per_district[district.pk].append(
                {"i": i, "rng": rng, "district": district, "team": team, "state": state, "manager": manager,
                 "opened_on": opened, "closed_on": closed_on, "course": course,
                 "reached_help": any(s == CaseState.HELP for s, _d in course)}
            )
        # Numbers follow the opening date within district and year, as real ones would.
        for entries in per_district.values():
            entries.sort(key=lambda e: (e["opened_on"], e["i"]))
            counters: dict[int, int] = defaultdict(int)
            for e in entries:
                counters[e["opened_on"].year] += 1
                e["number"] = counters[e["opened_on"].year]
                e["reference"] = f"{e['opened_on'].year}/{e['district'].code}/{e['number']:04d}"
                plan.append(e)
    return plan


def _insert(ctx: SeedContext, plan: list[dict]) -> None:
    now = timezone.now()
    cases = []
    for e in plan:
        rng = e["rng"]
        state = e["state"]
        closed = state == CaseState.CLOSED
        opened = e["opened_on"]
        e["child_first"] = rng.choice(GIRLS + BOYS)
        e["family"] = rng.choice(FAMILY_NAMES)
        weights = CLASSIFICATION_WEIGHTS[e["team"].code == DEMO_TEAM_CODE]
        classification = rng.choices(list(Classification), weights)[0] if state != CaseState.INTAKE or rng.random() < 0.5 else ""
        with_goals = e["reached_help"] or state == CaseState.CONFERENCE or (state != CaseState.INTAKE and rng.random() < 0.6)
        e["classification"] = classification
        e["close_reason"] = (
            (CloseReason.SELF_HELP if e["reached_help"] and rng.random() < 0.6 else rng.choice(CloseReason.values[:4]))
            if closed else ""
        )
        cases.append(
            Case(
                reference=e["reference"], year=opened.year, number=e["number"], district=e["district"], team=e["team"],
                case_manager=e["manager"], state=state, classification=classification,
                child_protection=classification == Classification.DANGER, opened_on=opened,
                closed_on=e["closed_on"], close_reason=e["close_reason"],
                first_contact_source=rng.choices(FirstContactSource.values, [30, 20, 12, 10, 8, 4, 6, 10])[0],
                concern=rng.choice(CONCERNS).format(child=e["child_first"]),
                will=rng.choice(WILLS).format(child=e["child_first"]) if with_goals else "",
                goals=rng.choice(GOALS).format(child=e["child_first"]) if with_goals else "",
                created_by=e["manager"],
            )
        )
    ctx.bulk(Case, cases, "Fallakten")
    ids = dict(Case.objects.filter(reference__in=[e["reference"] for e in plan], members__isnull=True).values_list("reference", "id"))
    fresh = [e for e in plan if e["reference"] in ids]
    for e in fresh:
        e["case_id"] = ids[e["reference"]]
    _insert_members(ctx, fresh)
    _insert_history(ctx, fresh, now)
    _insert_contacts(ctx, fresh, now)
    _insert_maps(ctx, fresh)
    _raise_counters()


def _insert_members(ctx: SeedContext, plan: list[dict]) -> None:
    persons, roles = [], []
    for e in plan:
        rng = e["rng"]
        street = f"{rng.choice(STREETS)} {rng.randint(1, 180)}"
        opened = e["opened_on"]
        people = []
        first_child_age = rng.randint(1, 17)
        for n in range(rng.choices([1, 2, 3], [50, 35, 15])[0]):
            age = max(0, first_child_age - 3 * n) if n else first_child_age
            girl = n == 0 and e["child_first"] in GIRLS or n and rng.random() < 0.5
            first = e["child_first"] if n == 0 else rng.choice(GIRLS if girl else BOYS)
            birth = opened - dt.timedelta(days=age * 365 + rng.randint(30, 330))
            role = CaseRole.YOUNG_PERSON if age >= 14 else CaseRole.CHILD
            people.append((first, birth, Gender.FEMALE if girl else Gender.MALE, role, "Tochter" if girl else "Sohn"))
        mother_birth = opened - dt.timedelta(days=(first_child_age + rng.randint(20, 38)) * 365)
        people.append((rng.choice(MOTHERS), mother_birth, Gender.FEMALE, CaseRole.PARENT, "Mutter"))
        if rng.random() < 0.45:
            people.append((rng.choice(FATHERS), mother_birth - dt.timedelta(days=rng.randint(0, 2500)), Gender.MALE, CaseRole.PARENT, "Vater"))
        for first, birth, gender, role, note in people:
            persons.append(Person(first_name=first, last_name=e["family"], birth_date=birth, gender=gender, street=street,
                                  postcode=f"28{rng.randint(100, 779)}", city="Bremen", district=e["district"],
                                  phone=f"0421 {rng.randint(100000, 999999)}" if role == CaseRole.PARENT else ""))
            roles.append((e["case_id"], role, note))
    # Persons have no natural key: they are only inserted together with their new case.
    created = Person.objects.bulk_create(persons, batch_size=5000)
    ctx.count("Personen", len(created))
    members = [CaseMember(case_id=case_id, person_id=p.pk, role=role, note=note) for p, (case_id, role, note) in zip(created, roles, strict=True)]
    ctx.bulk(CaseMember, members, "Fallbeteiligte")
    with connection.cursor() as cursor:
        cursor.execute(MEMBER_NAMES_SQL, [[e["case_id"] for e in plan]])


def _at(day: dt.date, hour: int, now: dt.datetime) -> dt.datetime:
    """`day` at `hour` o'clock, but never later than a minute ago (today's steps happened already)."""
    return min(dt.datetime.combine(day, dt.time(hour, 30), tzinfo=timezone.get_current_timezone()),
               now - dt.timedelta(minutes=1))


def _insert_history(ctx: SeedContext, plan: list[dict], now: dt.datetime) -> None:
    changes, classifications = [], []
    for e in plan:
        rng = e["rng"]
        previous = ""
        for step, day in e["course"]:
            assert not previous or step in TRANSITIONS[previous]
            changes.append(StateChange(case_id=e["case_id"], from_state=previous, to_state=step, changed_by=e["manager"],
                                       changed_at=_at(day, 9, now),
                                       reason=e["close_reason"] if step == CaseState.CLOSED else ""))
            previous = step
        if e["classification"]:
            classifications.append(ClassificationChange(case_id=e["case_id"], classification=e["classification"], previous="",
                                                        reason=rng.choice(CLASSIFICATION_REASONS[e["classification"]]),
                                                        changed_by=e["manager"],
                                                        changed_at=_at(e["opened_on"] + dt.timedelta(days=3), 11, now)))
    ctx.bulk(StateChange, changes, "Statuswechsel")
    ctx.bulk(ClassificationChange, classifications, "Falleinordnungen")


def _insert_contacts(ctx: SeedContext, plan: list[dict], now: dt.datetime) -> None:
    contacts = []
    tz = timezone.get_current_timezone()
    for e in plan:
        rng = e["rng"]
        if e["state"] == CaseState.INTAKE:
            n = rng.choice([1, 2, 3, 4, 5, 6, 7, 8, 11])
        elif e["state"] == CaseState.CLOSED:
            n = rng.randint(2, 8)
        else:
            n = rng.randint(3, 12)
        start = dt.datetime.combine(e["opened_on"], dt.time(9, 0), tzinfo=tz)
        end = dt.datetime.combine(e["closed_on"], dt.time(16, 0), tzinfo=tz) if e["closed_on"] else now
        span_hours = max(int((end - start).total_seconds() // 3600) - 2, n)
        times = sorted(min(start + dt.timedelta(hours=rng.randint(0, span_hours)), now) for _ in range(n))
        for at in times:
            kind = rng.choices(ContactKind.values, [35, 20, 25, 5, 10, 5])[0]
            contacts.append(Contact(case_id=e["case_id"], occurred_at=at, kind=kind, participants=rng.choice(PARTICIPANTS),
                                    duration_minutes=rng.choice([10, 15, 30, 45, 60, 90]), note=rng.choice(CONTACT_NOTES),
                                    created_by=e["manager"]))
    ctx.bulk(Contact, contacts, "Kontakte", chunk=10000)
    # The denormalised counters the worklist and the list read, in one statement.
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE cases_case c SET contact_count = s.n, last_contact_at = s.last
               FROM (SELECT case_id, count(*) AS n, max(occurred_at) AS last FROM cases_contact
                     WHERE case_id = ANY(%s) GROUP BY case_id) s
               WHERE c.id = s.case_id""",
            [[e["case_id"] for e in plan]],
        )


def _insert_maps(ctx: SeedContext, plan: list[dict]) -> None:
    from networks.models import Offer, OfferStatus

    offers: dict[int, list[int]] = defaultdict(list)
    district_ids = {e["district"].pk for e in plan}
    for offer_id, district_id in Offer.objects.filter(district_id__in=district_ids, status=OfferStatus.PUBLISHED).values_list("id", "district_id"):
        offers[district_id].append(offer_id)
    resources, network = [], []
    recent = timezone.localdate() - dt.timedelta(days=180)
    for e in plan:
        rng = e["rng"]
        if e["closed_on"] is not None and e["closed_on"] < recent:
            continue  # the maps of long closed cases are not worth their rows in the demo
        for area, texts in RESOURCES.items():
            for text in rng.sample(texts, rng.randint(0, 2)):
                offer_id = None
                if area == "district" and offers[e["district"].pk] and rng.random() < 0.4:
                    offer_id = rng.choice(offers[e["district"].pk])
                description = f"{e['child_first']} {text}" if area == "young_person" else text
                resources.append(ResourceEntry(case_id=e["case_id"], area=area, description=description,
                                               named_by=rng.choice(["family", "professional"]), strength=rng.randint(1, 3),
                                               offer_id=offer_id))
        for sector, people in NETWORK.items():
            for name, relation in rng.sample(people, rng.randint(0, 3)):
                network.append(NetworkPerson(case_id=e["case_id"], name=name, relation=relation, sector=sector,
                                             ring=rng.randint(1, 3), quality=rng.choices(["supportive", "ambivalent", "conflict"], [60, 25, 15])[0]))
    ctx.bulk(ResourceEntry, resources, "Ressourcen")
    ctx.bulk(NetworkPerson, network, "Netzwerkpersonen")


def _raise_counters() -> None:
    """Counters continue after the highest number per district and year (never lowered)."""
    for row in Case.objects.values("district_id", "year").annotate(top=Max("number")):
        counter, _ = ReferenceCounter.objects.get_or_create(district_id=row["district_id"], year=row["year"])
        if counter.last_number < row["top"]:
            counter.last_number = row["top"]
            counter.save(update_fields=["last_number"])
