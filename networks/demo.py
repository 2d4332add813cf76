"""Demo data: member organisations in every district, one network per social centre and age cohort
(with members, a year of meetings and attendance), and several hundred offers × scale.

Idempotent: organisations, networks and memberships have natural keys; meetings, contacts and
offers are only added where none exist yet.
"""

from __future__ import annotations

from datetime import time, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from juwe.lib.seeding import DEMO_PASSWORD, SeedContext
from juwe.models import District, Provider, SocialCenter, User
from juwe.roles import Role
from networks.models import (
    AgeCohort,
    Attendance,
    ContactPerson,
    Meeting,
    MeetingTopic,
    MemberOrganisation,
    Membership,
    MembershipRole,
    ModelRules,
    Network,
    Offer,
    OfferStatus,
    OfferTopic,
    OrganisationKind as K,
)

# The demo coordinator of juwe.demo works for team Walle (social centre Gröpelingen/Walle).
DEMO_COORDINATOR = "koordination"
DEMO_CASE_MANAGER = "fallmanagement"

# Which organisation kinds work with which cohorts (by cohort code).
KIND_COHORTS = {
    K.KITA: ["fruehe-hilfen", "kita"],
    K.SCHOOL: ["grundschule", "10-14", "14-18"],
    K.HEALTH_OFFICE: ["fruehe-hilfen", "kita", "grundschule"],
    K.EARLY_INTERVENTION: ["fruehe-hilfen", "kita"],
    K.PROVIDER: ["fruehe-hilfen", "kita", "grundschule", "10-14", "14-18", "junge-volljaehrige"],
    K.POLICE: ["10-14", "14-18", "junge-volljaehrige"],
    K.CHILD_PSYCHIATRY: ["grundschule", "10-14", "14-18"],
    K.JOB_CENTRE: ["14-18", "junge-volljaehrige"],
    K.FAMILY_CENTRE: ["fruehe-hilfen", "kita", "grundschule"],
    K.COUNSELLING_CENTRE: ["kita", "grundschule", "10-14", "14-18"],
    K.CLUB: ["grundschule", "10-14", "14-18"],
    K.YOUTH_OFFICE: ["fruehe-hilfen", "kita", "grundschule", "10-14", "14-18", "junge-volljaehrige"],
}

# Organisations in every district: (kind, name pattern)
DISTRICT_ORGS = [
    (K.KITA, "Kita {d}"),
    (K.KITA, "Ev. Kindergarten {d}"),
    (K.SCHOOL, "Grundschule {d}"),
    (K.SCHOOL, "Oberschule {d}"),
    (K.CLUB, "Sportverein {d} e. V."),
]
# Organisations once per social centre, located in its first district.
CENTRE_ORGS = [
    (K.HEALTH_OFFICE, "Gesundheitsamt – Kinder- und Jugendgesundheitsdienst {c}"),
    (K.EARLY_INTERVENTION, "Frühförderstelle {c}"),
    (K.POLICE, "Polizeirevier {c}"),
    (K.CHILD_PSYCHIATRY, "Kinder- und Jugendpsychiatrische Beratungsstelle {c}"),
    (K.JOB_CENTRE, "Jobcenter – Team U25 {c}"),
    (K.FAMILY_CENTRE, "Haus der Familie {c}"),
    (K.COUNSELLING_CENTRE, "Erziehungsberatungsstelle {c}"),
    (K.YOUTH_OFFICE, "Jugendamt – Sozialzentrum {c}"),
]
FUNCTIONS = ["Leitung", "Stellvertretende Leitung", "Schulsozialarbeit", "Beratung", "Koordination", "Fachkraft Kinderschutz"]
FIRST = ["Anke", "Birte", "Cem", "Dörte", "Emre", "Frauke", "Gülsen", "Heiko", "Imke", "Jörn", "Katja", "Lars", "Merle",
         "Nadine", "Ole", "Petra", "Rabia", "Stefan", "Tomke", "Uwe", "Wiebke", "Yasemin"]
LAST = ["Albers", "Bischoff", "Claussen", "Döhle", "Ehlers", "Fischer", "Grote", "Hillmann", "Iwanow", "Jürgens",
        "Kaya", "Lüken", "Meiners", "Nowak", "Otten", "Pape", "Ramke", "Siemers", "Thiele", "Wilkens"]

COHORT_NETWORK_NAMES = {
    "fruehe-hilfen": "Netzwerk Frühe Hilfen",
    "kita": "Netzwerk Kita und Familie",
    "grundschule": "Netzwerk Grundschulalter",
    "10-14": "Netzwerk Kinder 10–14",
    "14-18": "Netzwerk Jugend 14–18",
    "junge-volljaehrige": "Netzwerk Junge Volljährige",
}
AGENDA = """1. Begrüßung und Protokoll der letzten Sitzung
2. Bericht aus den Einrichtungen: Was ist neu im Stadtteil?
3. {topic}
4. Übergänge gestalten: Absprachen für das kommende Halbjahr
5. Verschiedenes und nächste Termine"""
MEETING_TOPICS = [
    ("Kinderschutz: Ablauf bei gewichtigen Anhaltspunkten (§ 8a SGB VIII) und Ansprechpersonen", MeetingTopic.CHILD_PROTECTION),
    ("Übergang Kita – Grundschule: gemeinsame Elternabende", MeetingTopic.TRANSITIONS),
    ("Prävention: Angebote für Familien in den Sommerferien", MeetingTopic.PREVENTION),
    ("Übergang Schule – Beruf: Jugendberufsagentur stellt sich vor", MeetingTopic.TRANSITIONS),
    ("Prävention: Medienkompetenz und Cybermobbing", MeetingTopic.PREVENTION),
    ("Kinderschutz: Fallbesprechung (anonymisiert) und Auswertung", MeetingTopic.CHILD_PROTECTION),
    ("Stadtteilfest und Vernetzung mit Vereinen", MeetingTopic.OTHER),
]
MINUTES = (
    "Die Teilnehmenden berichten aus ihren Einrichtungen. {topic} wurde ausführlich besprochen.\n\n"
    "Vereinbarungen: Die Einrichtungen benennen bis zur nächsten Sitzung je eine Ansprechperson; die "
    "Sozialraumkoordination stellt die aktualisierte Angebotsübersicht (Stadtteilkarte) zur Verfügung.\n\n"
    "Offene Fragen werden in der nächsten Sitzung aufgegriffen."
)
PLACES = ["Haus der Familie, Gruppenraum", "Ortsamt, Sitzungssaal", "Grundschule, Lehrerzimmer", "Stadtteilbibliothek",
          "Jugendfreizeitheim, Saal", "Bürgerhaus, Raum 2"]

# (title, topics, age_from, age_to, times, low_threshold, free, description, preferred kinds)
OFFER_TEMPLATES = [
    ("Elterncafé", [OfferTopic.PARENTING, OfferTopic.EARLY_HELP], 0, 6, "Di 9:30–11:30 Uhr", True, True,
     "Offener Treffpunkt für Eltern mit Kindern bis sechs Jahre. Austausch bei Kaffee und Tee, Spielecke für die Kinder, "
     "Fachkräfte beantworten Fragen zu Erziehung, Schlaf und Ernährung.", [K.FAMILY_CENTRE, K.KITA]),
    ("Krabbelgruppe", [OfferTopic.EARLY_HELP, OfferTopic.PARENTING], 0, 2, "Mi 10–11:30 Uhr", True, True,
     "Eltern mit Babys und Kleinkindern treffen sich zum Spielen, Singen und Austauschen. Eine Hebamme kommt einmal im Monat.",
     [K.FAMILY_CENTRE]),
    ("Hebammensprechstunde", [OfferTopic.HEALTH, OfferTopic.EARLY_HELP], 0, 1, "Do 14–16 Uhr", True, True,
     "Beratung rund um Schwangerschaft, Geburt und das erste Lebensjahr, ohne Termin und kostenlos.", [K.HEALTH_OFFICE]),
    ("Hausaufgabenhilfe", [OfferTopic.LEARNING], 6, 14, "Mo–Do 14–16 Uhr", True, True,
     "Ehrenamtliche und Honorarkräfte unterstützen Schülerinnen und Schüler bei den Hausaufgaben und beim Lernen für Klassenarbeiten.",
     [K.SCHOOL, K.CLUB]),
    ("Offener Jugendtreff", [OfferTopic.LEISURE], 12, 21, "Mo–Fr 15–20 Uhr", True, True,
     "Kicker, Billard, Musik und Gespräche: Der Jugendtreff ist Anlaufstelle für Jugendliche im Stadtteil. Pädagogische Fachkräfte sind ansprechbar.",
     [K.PROVIDER, K.CLUB]),
    ("Mädchentreff", [OfferTopic.LEISURE, OfferTopic.PREVENTION], 10, 17, "Mi 16–19 Uhr", True, True,
     "Ein geschützter Raum nur für Mädchen: Kreativangebote, Selbstbehauptung, Ausflüge und Beratung.", [K.PROVIDER]),
    ("Deutschkurs für Mütter mit Kinderbetreuung", [OfferTopic.LANGUAGE, OfferTopic.PARENTING], 0, 6, "Di und Do 9–12 Uhr", True, True,
     "Sprachkurs für Mütter, während die Kinder nebenan betreut werden. Einstieg jederzeit möglich.", [K.FAMILY_CENTRE]),
    ("Bewerbungstraining", [OfferTopic.WORK, OfferTopic.TRANSITIONS], 15, 25, "nach Vereinbarung", False, True,
     "Unterstützung bei Bewerbungsmappe, Vorstellungsgespräch und Ausbildungsplatzsuche.", [K.JOB_CENTRE, K.PROVIDER]),
    ("Schwimmkurs für Kinder", [OfferTopic.SPORT], 5, 10, "Sa 10–11 Uhr", False, False,
     "Seepferdchen-Kurs in kleinen Gruppen; Ermäßigung mit Bremen-Pass möglich.", [K.CLUB]),
    ("Offene Sprechstunde Erziehungsberatung", [OfferTopic.COUNSELLING, OfferTopic.PARENTING], 0, 18, "Mo 15–17 Uhr", True, True,
     "Eltern, Kinder und Jugendliche können ohne Anmeldung mit einer Beraterin sprechen – vertraulich und kostenlos.",
     [K.COUNSELLING_CENTRE]),
    ("Familienfrühstück", [OfferTopic.PARENTING], 0, 10, "jeden 1. Samstag 10–12 Uhr", True, True,
     "Gemeinsames Frühstück für Familien aus dem Quartier, mit Informationen zu Angeboten im Stadtteil.", [K.FAMILY_CENTRE, K.KITA]),
    ("Theater-AG", [OfferTopic.CULTURE], 8, 14, "Fr 14–16 Uhr", True, True,
     "Kinder entwickeln eigene Stücke und führen sie am Schuljahresende auf.", [K.SCHOOL]),
    ("Lerncoaching für den Schulabschluss", [OfferTopic.LEARNING, OfferTopic.TRANSITIONS], 14, 18, "Di und Do 15–17 Uhr", False, True,
     "Gezielte Vorbereitung auf die Abschlussprüfungen in Deutsch, Mathematik und Englisch.", [K.SCHOOL, K.PROVIDER]),
    ("Väterwerkstatt", [OfferTopic.PARENTING], 3, 12, "Sa 10–13 Uhr (monatlich)", True, True,
     "Väter bauen, basteln und reparieren mit ihren Kindern – und tauschen sich über ihre Rolle aus.", [K.FAMILY_CENTRE]),
    ("Kindergesundheitssprechstunde", [OfferTopic.HEALTH], 0, 6, "Mi 9–12 Uhr", True, True,
     "Die Kinderärztin des Gesundheitsamts berät zu Impfungen, Entwicklung und Vorsorgeuntersuchungen.", [K.HEALTH_OFFICE]),
    ("Fußball-Mitternachtsliga", [OfferTopic.SPORT, OfferTopic.PREVENTION], 14, 21, "Sa 20–24 Uhr", True, True,
     "Fußball am Samstagabend in der Sporthalle, begleitet von Streetworkern.", [K.CLUB, K.PROVIDER]),
    ("Elternkurs „Starke Eltern – starke Kinder“", [OfferTopic.PARENTING, OfferTopic.PREVENTION], 0, 14, "8 Abende, Mi 19–21 Uhr", False, False,
     "Kurs zur Stärkung der Erziehungskompetenz: Grenzen setzen, Konflikte lösen, Familienalltag gestalten.", [K.COUNSELLING_CENTRE]),
    ("Sprachförderung im Vorschulalter", [OfferTopic.LANGUAGE, OfferTopic.CHILDCARE], 4, 6, "Mo–Fr vormittags", False, True,
     "Spielerische Sprachförderung in kleinen Gruppen für Kinder vor der Einschulung.", [K.KITA]),
    ("Beratung bei Schulangst und Schulvermeidung", [OfferTopic.COUNSELLING, OfferTopic.LEARNING], 6, 16, "nach Vereinbarung", False, True,
     "Beratung für Kinder, Jugendliche und Eltern, wenn der Schulbesuch schwerfällt; enge Zusammenarbeit mit den Schulen.",
     [K.CHILD_PSYCHIATRY, K.COUNSELLING_CENTRE]),
    ("Ferienprogramm", [OfferTopic.LEISURE, OfferTopic.CULTURE], 6, 12, "in den Sommerferien, Mo–Fr 9–15 Uhr", True, False,
     "Ausflüge, Spiele und Werkstätten in den Ferien mit Mittagessen; Kostenbeitrag nach Einkommen.", [K.CLUB, K.PROVIDER]),
    ("Babymassage-Kurs", [OfferTopic.EARLY_HELP, OfferTopic.HEALTH], 0, 1, "Fr 10–11 Uhr", True, True,
     "Eltern lernen Massagegriffe für ihr Baby und kommen mit anderen Eltern ins Gespräch.", [K.FAMILY_CENTRE]),
    ("Streetwork und mobile Jugendarbeit", [OfferTopic.LEISURE, OfferTopic.PREVENTION, OfferTopic.COUNSELLING], 14, 27, "Di–Sa nachmittags und abends", True, True,
     "Streetworker sind auf Plätzen im Stadtteil unterwegs, beraten und begleiten junge Menschen.", [K.PROVIDER]),
    ("Übergangsbegleitung Kita – Schule", [OfferTopic.TRANSITIONS, OfferTopic.PARENTING], 5, 7, "Elternabende im Frühjahr", False, True,
     "Kita und Grundschule begleiten Familien gemeinsam beim Schulstart.", [K.KITA, K.SCHOOL]),
    ("Kinderschutz-Fachberatung für Fachkräfte", [OfferTopic.CHILD_PROTECTION], 0, 18, "nach Vereinbarung", False, True,
     "Insoweit erfahrene Fachkräfte beraten Einrichtungen bei der Einschätzung einer Kindeswohlgefährdung.",
     [K.COUNSELLING_CENTRE, K.YOUTH_OFFICE]),
    ("Wohnungslosenberatung für junge Erwachsene", [OfferTopic.COUNSELLING, OfferTopic.WORK], 18, 27, "Mo, Mi, Fr 10–13 Uhr", True, True,
     "Beratung und Begleitung für junge Menschen ohne eigene Wohnung, Hilfe bei Anträgen.", [K.PROVIDER]),
]

OFFERS_PER_SCALE = 420


def seed(ctx: SeedContext) -> None:
    cohorts = {c.code: c for c in AgeCohort.objects.all()}
    if not cohorts or not District.objects.exists():
        return
    with transaction.atomic():
        coordinators = _seed_coordinators(ctx)
        orgs = _seed_organisations(ctx, cohorts)
        networks = _seed_networks(ctx, cohorts, coordinators, orgs)
    with transaction.atomic():
        _seed_meetings(ctx, networks)
    with transaction.atomic():
        _seed_offers(ctx, orgs)


def _centres() -> list[SocialCenter]:
    return list(SocialCenter.objects.order_by("code").prefetch_related("districts"))


def _seed_coordinators(ctx: SeedContext) -> dict[int, User]:
    """One district coordinator per social centre; the demo coordinator keeps team Walle's centre."""
    group, _ = Group.objects.get_or_create(name=Role.DISTRICT_COORDINATOR.value)
    demo = User.objects.filter(username=DEMO_COORDINATOR).first()
    password = make_password(DEMO_PASSWORD)
    rng = ctx.rng("networks-coordinators")
    demo_districts = set(demo.districts.values_list("id", flat=True)) if demo else set()
    result = {}
    for centre in _centres():
        districts = list(centre.districts.all())
        if demo_districts & {d.id for d in districts}:
            # The demo coordinator's colleague covers the other teams of the centre.
            result[centre.id] = demo
        user, created = User.objects.get_or_create(
            username=f"srk-{centre.code}",
            defaults={"first_name": rng.choice(FIRST), "last_name": rng.choice(LAST), "password": password,
                      "email": f"srk-{centre.code}@jugendamt.example"},
        )
        user.groups.add(group)
        own = [d for d in districts if d.id not in demo_districts]
        user.districts.add(*own)
        result.setdefault(centre.id, user)
        if created:
            ctx.count("Sozialraumkoordination", 1)
    return result


def _seed_organisations(ctx: SeedContext, cohorts: dict) -> dict[int, list[MemberOrganisation]]:
    rng = ctx.rng("networks-organisations")
    providers = list(Provider.objects.order_by("name"))
    lead = {d_id: p for p in providers for d_id in p.lead_districts.values_list("id", flat=True)}
    objs = []
    for centre in _centres():
        districts = sorted(centre.districts.all(), key=lambda d: d.code)
        short = centre.name.replace("Sozialzentrum ", "")
        for kind, pattern in CENTRE_ORGS:
            objs.append(_org(rng, kind, pattern.format(c=short), districts[0]))
        for district in districts:
            for kind, pattern in DISTRICT_ORGS:
                objs.append(_org(rng, kind, pattern.format(d=district.name), district))
            # The district's lead provider runs the local office where there is one (demo provider staff see its networks).
            provider = lead.get(district.id) or rng.choice(providers)
            org = _org(rng, K.PROVIDER, f"{provider.name} – Stadtteilbüro {district.name}", district)
            org.provider = provider
            objs.append(org)
    ctx.bulk(MemberOrganisation, objs, "Netzwerk-Mitgliedsorganisationen")
    orgs = list(MemberOrganisation.objects.select_related("district").order_by("id"))
    through = MemberOrganisation.cohorts.through
    links = [
        through(memberorganisation_id=o.id, agecohort_id=cohorts[code].id)
        for o in orgs for code in KIND_COHORTS.get(o.kind, []) if code in cohorts
    ]
    through.objects.bulk_create(links, ignore_conflicts=True)
    with_contacts = set(ContactPerson.objects.values_list("organisation_id", flat=True).distinct())
    contacts = []
    for o in orgs:
        if o.id in with_contacts:
            continue
        for _ in range(rng.randint(1, 2)):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            contacts.append(ContactPerson(
                organisation=o, name=f"{first} {last}", function=rng.choice(FUNCTIONS),
                phone=f"0421 361-{rng.randint(10000, 99999)}",
                email=f"{first.lower()}.{last.lower()}@einrichtung.example".replace("ö", "oe").replace("ü", "ue").replace("ä", "ae"),
            ))
    ctx.bulk(ContactPerson, contacts, "Ansprechpersonen")
    by_district: dict[int, list[MemberOrganisation]] = {}
    for o in orgs:
        by_district.setdefault(o.district_id, []).append(o)
    return by_district


def _org(rng, kind, name, district) -> MemberOrganisation:
    return MemberOrganisation(
        name=name[:200], kind=kind, district=district, street=f"{rng.choice(['Haupt', 'Schul', 'Kirch', 'Park', 'Linden'])}straße {rng.randint(1, 120)}",
        postcode=f"28{rng.randint(100, 779)}", city="Bremen", phone=f"0421 {rng.randint(300000, 699999)}",
    )


def _seed_networks(ctx, cohorts, coordinators, orgs_by_district) -> list[Network]:
    rng = ctx.rng("networks-networks")
    rules = ModelRules.objects.filter(current=True).first()
    today = timezone.localdate()
    objs, wanted_districts = [], {}
    for centre in _centres():
        districts = sorted(centre.districts.all(), key=lambda d: d.code)
        short = centre.name.replace("Sozialzentrum ", "")
        for code, cohort in cohorts.items():
            # Most districts of the centre take part; a few stay out, so the coverage matrix shows gaps.
            covered = [d for d in districts if rng.random() > 0.18] or districts[:1]
            name = f"{COHORT_NETWORK_NAMES.get(code, cohort.name)} {short}"
            objs.append(Network(
                name=name[:200], social_center=centre, cohort=cohort, coordinator=coordinators[centre.id],
                rules_of_procedure=rules.text if rules and rng.random() > 0.25 else "",
                rules_source=rules if rules else None,
                rules_adopted_on=today - timedelta(days=rng.randint(200, 900)),
                active=rng.random() > 0.06,
            ))
            wanted_districts[(centre.id, name[:200])] = covered
    ctx.bulk(Network, objs, "Netzwerke")
    networks = list(Network.objects.select_related("cohort").order_by("id"))
    through = Network.districts.through
    links = []
    for n in networks:
        for d in wanted_districts.get((n.social_center_id, n.name), []):
            links.append(through(network_id=n.id, district_id=d.id))
    through.objects.bulk_create(links, ignore_conflicts=True)

    memberships = []
    for n in networks:
        districts = wanted_districts.get((n.social_center_id, n.name))
        if not districts:
            continue
        candidates = [
            o for d in districts for o in orgs_by_district.get(d.id, [])
            if n.cohort.code in KIND_COHORTS.get(o.kind, [])
        ]
        rng.shuffle(candidates)
        # Two offices of the lead provider sit in every network (demo provider staff see theirs).
        providers = [o for o in candidates if o.kind == K.PROVIDER]
        others = [o for o in candidates if o.kind != K.PROVIDER]
        chosen = providers[:2] + others[: rng.randint(6, 16)]
        for i, o in enumerate(chosen):
            since = today - timedelta(days=rng.randint(400, 2000))
            until = today - timedelta(days=rng.randint(30, 300)) if rng.random() < 0.08 else None
            role = MembershipRole.CHAIR if i == 0 else MembershipRole.DEPUTY_CHAIR if i == 1 else MembershipRole.MEMBER
            memberships.append(Membership(network=n, organisation=o, role=role, since=since, until=until))
    ctx.bulk(Membership, memberships, "Netzwerk-Mitgliedschaften")
    return networks


def _seed_meetings(ctx, networks: list[Network]) -> None:
    rng = ctx.rng("networks-meetings")
    today = timezone.localdate()
    have = set(Meeting.objects.values_list("network_id", flat=True).distinct())
    meetings = []
    for n in networks:
        if n.id in have:
            continue
        # Quarterly for the past year plus the next one; a few networks went quiet a year ago.
        dormant = rng.random() < 0.08 or not n.active
        offsets = [-455, -365] if dormant else [-350, -260, -170, -80, 10]
        for i, offset in enumerate(offsets):
            day = today + timedelta(days=offset + rng.randint(-10, 10))
            topic_text, topic = rng.choice(MEETING_TOPICS)
            past = day < today
            start = rng.choice([9, 10, 14, 15])
            meetings.append(Meeting(
                network=n, date=day, start_time=time(start, 0), end_time=time(start + 2, 0), place=rng.choice(PLACES),
                agenda=AGENDA.format(topic=topic_text), minutes=MINUTES.format(topic=topic_text) if past else "",
                topics=[topic], child_protection_training=(topic == MeetingTopic.CHILD_PROTECTION and i % 2 == 0),
                created_by=n.coordinator,
            ))
    ctx.bulk(Meeting, meetings, "Netzwerksitzungen")
    new = list(Meeting.objects.filter(attendances__isnull=True, date__lt=today).select_related("network"))
    members: dict[int, list[Membership]] = {}
    # A plain id list: joining memberships to a meeting subquery made the planner go quadratic
    # on a fresh (un-analysed) database – minutes instead of milliseconds.
    network_ids = {meeting.network_id for meeting in new}
    for m in Membership.objects.filter(network_id__in=network_ids).select_related("organisation"):
        members.setdefault(m.network_id, []).append(m)
    guests = list(MemberOrganisation.objects.filter(kind__in=[K.POLICE, K.JOB_CENTRE, K.CLUB]).order_by("id")[:50])
    rows = []
    for meeting in new:
        for m in members.get(meeting.network_id, []):
            current = m.since <= meeting.date and (m.until is None or m.until >= meeting.date)
            if current and rng.random() < 0.75:
                rows.append(Attendance(meeting=meeting, organisation=m.organisation,
                                       person=f"{rng.choice(FIRST)} {rng.choice(LAST)}", guest=False))
        if guests and rng.random() < 0.3:
            guest = rng.choice(guests)
            if not any(m.organisation_id == guest.id for m in members.get(meeting.network_id, [])):
                rows.append(Attendance(meeting=meeting, organisation=guest,
                                       person=f"{rng.choice(FIRST)} {rng.choice(LAST)}", guest=True))
    ctx.bulk(Attendance, rows, "Sitzungsteilnahmen")


def _seed_offers(ctx, orgs_by_district: dict[int, list[MemberOrganisation]]) -> None:
    target = OFFERS_PER_SCALE * ctx.scale
    existing = Offer.objects.count()
    if existing >= target:
        return
    rng = ctx.rng(f"networks-offers-{existing}")
    districts = list(District.objects.order_by("code"))
    case_manager = User.objects.filter(username=DEMO_CASE_MANAGER).first()
    walle_ids = set()
    if case_manager and case_manager.team_id:
        walle_ids = set(District.objects.filter(team_id=case_manager.team_id).values_list("id", flat=True))
    now = timezone.now()
    offers = []
    for i in range(target - existing):
        district = districts[i % len(districts)]
        title, topics, a, b, times, low, free, text, kinds = rng.choice(OFFER_TEMPLATES)
        local = orgs_by_district.get(district.id) or [o for os in orgs_by_district.values() for o in os][:1]
        fitting = [o for o in local if o.kind in kinds] or local
        org = rng.choice(fitting)
        age_from = max(0, a + rng.choice([0, 0, 1]) if a else 0)
        age_to = max(age_from, b + rng.choice([0, 0, -1, 1]))
        confirmed = now - timedelta(days=rng.randint(0, 600))
        status = OfferStatus.PUBLISHED
        suggested_by = None
        if district.id in walle_ids and rng.random() < 0.06:
            status, suggested_by, confirmed = OfferStatus.SUGGESTED, case_manager, None
        offers.append(Offer(
            organisation=org, district=district, title=f"{title} {district.name}"[:200],
            description=f"{text} Ort: {org.name}, {org.street}.", age_from=age_from, age_to=min(age_to, 27),
            topics=[str(t) for t in topics], times=times, low_threshold=low, free_of_charge=free,
            contact_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}", contact_phone=org.phone,
            contact_email=f"angebote@{district.code}.einrichtung.example",
            valid_from=(now - timedelta(days=rng.randint(60, 900))).date(),
            valid_until=(now + timedelta(days=rng.randint(90, 700))).date() if rng.random() < 0.2 else None,
            status=status, suggested_by=suggested_by, confirmed_at=confirmed,
        ))
    ctx.bulk(Offer, offers, "Angebote (Stadtteilkarte)")

