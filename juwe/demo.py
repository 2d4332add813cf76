"""Demo organisation shaped like Bremen: 6 social centres, 17 district teams, 85 districts
(Bremen's Ortsteile), three years of district indicators, 20 providers and the demo users."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from juwe.lib.seeding import DEMO_PASSWORD, SeedContext
from juwe.models import District, DistrictIndicator, DistrictType, Provider, SocialCenter, Team, TeamPosts, User
from juwe.roles import Role, ensure_role_groups

# social centre -> team -> Stadtteil number, [Ortsteile]
ORGANISATION: dict[str, dict[str, list[tuple[int, list[str]]]]] = {
    "Sozialzentrum Nord": {
        "Burglesum": [(41, ["Burg-Grambke", "Werderland", "Burgdamm", "Lesum", "St. Magnus"])],
        "Vegesack": [(42, ["Vegesack", "Grohn", "Schönebeck", "Aumund-Hammersbeck", "Fähr-Lobbendorf"])],
        "Blumenthal": [(43, ["Blumenthal", "Rönnebeck", "Lüssum-Bockhorn", "Farge", "Rekum"])],
    },
    "Sozialzentrum Gröpelingen/Walle": {
        "Gröpelingen-Nord": [(31, ["Gröpelingen", "Oslebshausen", "In den Wischen"])],
        "Gröpelingen-Süd": [(32, ["Lindenhof", "Ohlenhof"])],
        "Walle": [(33, ["Utbremen", "Steffensweg", "Westend", "Walle", "Osterfeuerberg", "Hohweg", "Überseestadt"])],
    },
    "Sozialzentrum Mitte/Östliche Vorstadt/Findorff": {
        "Mitte": [(11, ["Altstadt", "Bahnhofsvorstadt", "Ostertor"])],
        "Östliche Vorstadt": [(12, ["Steintor", "Fesenfeld", "Peterswerder", "Hulsberg"])],
        "Findorff": [(13, ["Regensburger Straße", "Findorff-Bürgerweide", "Weidedamm", "In den Hufen"]), (14, ["Blockland"])],
    },
    "Sozialzentrum Süd": {
        "Neustadt": [(21, ["Alte Neustadt", "Hohentor", "Neustadt", "Südervorstadt", "Gartenstadt Süd", "Buntentor", "Neuenland", "Huckelriede"])],
        "Obervieland": [(22, ["Habenhausen", "Arsten", "Kattenturm", "Kattenesch"])],
        "Huchting": [(23, ["Mittelshuchting", "Sodenmatt", "Kirchhuchting", "Grolland"])],
        "Woltmershausen": [(24, ["Woltmershausen", "Rablinghausen"]), (25, ["Strom"]), (26, ["Seehausen"])],
    },
    "Sozialzentrum Vahr/Schwachhausen/Horn-Lehe": {
        "Vahr": [(51, ["Gartenstadt Vahr", "Neue Vahr Nord", "Neue Vahr Südwest", "Neue Vahr Südost"])],
        "Schwachhausen/Horn-Lehe": [
            (52, ["Bürgerpark", "Barkhof", "Riensberg", "Radio Bremen", "Schwachhausen", "Neu-Schwachhausen", "Gete"]),
            (53, ["Horn", "Lehe", "Lehesterdeich"]),
            (54, ["Oberneuland"]),
            (55, ["Borgfeld"]),
        ],
    },
    "Sozialzentrum Hemelingen/Osterholz": {
        "Hemelingen": [(61, ["Hastedt", "Sebaldsbrück", "Hemelingen", "Arbergen", "Mahndorf"])],
        "Osterholz": [(62, ["Ellenerbrok-Schevemoor", "Tenever", "Osterholz", "Blockdiek", "Ellener Feld"])],
    },
}

# Districts known for high social burden get a high precarisation index (Stadtraumtyp C or D).
BURDENED = {
    "Gröpelingen", "Ohlenhof", "Lindenhof", "Oslebshausen", "Tenever", "Neue Vahr Nord", "Neue Vahr Südost",
    "Lüssum-Bockhorn", "Kattenturm", "Mittelshuchting", "Sodenmatt", "Blockdiek", "Grohn", "Hemelingen",
    "Westend", "Osterfeuerberg", "Huckelriede",
}
WELL_OFF = {"Borgfeld", "Oberneuland", "Horn", "Riensberg", "Bürgerpark", "Barkhof", "Habenhausen", "Lehesterdeich", "Gete"}

PROVIDERS = [
    ("Amt für Soziale Dienste (öffentlicher Träger)", Provider.Kind.PUBLIC),
    ("Jugendhilfe Weserbogen gGmbH", Provider.Kind.INDEPENDENT),
    ("Familiennetz Bremen-Nord e. V.", Provider.Kind.INDEPENDENT),
    ("Kinder- und Familienhilfe Hansestadt gGmbH", Provider.Kind.INDEPENDENT),
    ("Stadtteilhaus Gröpelingen e. V.", Provider.Kind.INDEPENDENT),
    ("Diakonische Jugendhilfe an der Weser gGmbH", Provider.Kind.INDEPENDENT),
    ("Caritative Erziehungshilfe Bremen gGmbH", Provider.Kind.INDEPENDENT),
    ("Paritätische Familiendienste Süd e. V.", Provider.Kind.INDEPENDENT),
    ("Jugendwerkstatt Ostertor e. V.", Provider.Kind.INDEPENDENT),
    ("Haus der Familie Vahr e. V.", Provider.Kind.INDEPENDENT),
    ("Sozialpädagogische Dienste Osterholz gGmbH", Provider.Kind.INDEPENDENT),
    ("Erziehungsberatung Hemelingen e. V.", Provider.Kind.INDEPENDENT),
    ("Lebenshilfe Kinder und Jugend gGmbH", Provider.Kind.INDEPENDENT),
    ("Pflegekinderdienst Weser-Ems gGmbH", Provider.Kind.INDEPENDENT),
    ("Wohngruppen Huchting gGmbH", Provider.Kind.INDEPENDENT),
    ("Jugendfarm Findorff e. V.", Provider.Kind.INDEPENDENT),
    ("Stadtteilmütter Bremen e. V.", Provider.Kind.INDEPENDENT),
    ("Mädchenhaus Neustadt e. V.", Provider.Kind.INDEPENDENT),
    ("Intensivpädagogik Nord gGmbH", Provider.Kind.INDEPENDENT),
    ("Familienrat Bremen e. V.", Provider.Kind.INDEPENDENT),
]

# Lead provider (Sozialraumträger) per social centre.
LEAD_PROVIDER = {
    "Sozialzentrum Nord": "Familiennetz Bremen-Nord e. V.",
    "Sozialzentrum Gröpelingen/Walle": "Stadtteilhaus Gröpelingen e. V.",
    "Sozialzentrum Mitte/Östliche Vorstadt/Findorff": "Jugendhilfe Weserbogen gGmbH",
    "Sozialzentrum Süd": "Paritätische Familiendienste Süd e. V.",
    "Sozialzentrum Vahr/Schwachhausen/Horn-Lehe": "Haus der Familie Vahr e. V.",
    "Sozialzentrum Hemelingen/Osterholz": "Sozialpädagogische Dienste Osterholz gGmbH",
}

DEMO_TEAM = "Walle"
# username, first name, last name, role
DEMO_USERS = [
    ("fallmanagement", "Fatma", "Yılmaz", Role.CASE_MANAGER),
    ("referatsleitung", "Jens", "Brinkmann", Role.TEAM_LEAD),
    ("koordination", "Sabine", "Meyer-Hoffmann", Role.DISTRICT_COORDINATOR),
    ("wjh", "Thomas", "Kruse", Role.ECONOMIC_AID),
    ("leitung", "Dr. Anke", "Lührs", Role.LEADERSHIP),
    ("traeger", "Mehmet", "Demir", Role.PROVIDER_STAFF),
    ("admin", "Ute", "Schröder", Role.ADMINISTRATOR),
]

FIRST_NAMES = ["Anna", "Birgit", "Claudia", "Dirk", "Elif", "Frank", "Gesa", "Hauke", "Ines", "Jana", "Kai", "Lena",
               "Maren", "Nils", "Olga", "Peter", "Rieke", "Sven", "Tanja", "Ulf", "Vera", "Wiebke", "Yusuf", "Zeynep"]
LAST_NAMES = ["Ahrens", "Bruns", "Cordes", "Dierks", "Eggers", "Freese", "Gerdes", "Hinrichs", "Janssen", "Kuhlmann",
              "Lange", "Meyer", "Nolte", "Oltmanns", "Peters", "Rohde", "Schütte", "Tietjen", "Vogt", "Wessels"]


def _slug(name: str) -> str:
    return (
        name.lower()
        .replace("ö", "oe").replace("ä", "ae").replace("ü", "ue").replace("ß", "ss")
        .replace("/", "-").replace(" ", "-").replace(".", "")
    )[:20]


def demo_logins() -> list[tuple[str, str, str]]:
    """(role label, user name, password) of the demo users, for the start-up banner."""
    return [(role.value, username, DEMO_PASSWORD) for username, _f, _l, role in DEMO_USERS]


def seed(ctx: SeedContext) -> None:
    with transaction.atomic():
        districts = _seed_org(ctx)
        _seed_indicators(ctx, districts)
        _seed_descriptions(districts)
        _seed_team_posts(ctx)
        _seed_providers(ctx)
    with transaction.atomic():
        _seed_users(ctx)


def _seed_org(ctx: SeedContext) -> list[District]:
    districts = []
    for center_no, (center_name, teams) in enumerate(ORGANISATION.items(), start=1):
        center, _ = SocialCenter.objects.update_or_create(code=f"sz{center_no}", defaults={"name": center_name})
        for team_name, stadtteile in teams.items():
            team, _ = Team.objects.update_or_create(
                code=_slug(team_name), defaults={"name": f"Stadtteilteam {team_name}", "social_center": center}
            )
            for number, ortsteile in stadtteile:
                for i, name in enumerate(ortsteile, start=1):
                    district, _ = District.objects.update_or_create(
                        name=name, defaults={"code": f"{number}{i}", "team": team, "social_center": center}
                    )
                    districts.append(district)
    return districts


def _seed_indicators(ctx: SeedContext, districts: list[District]) -> None:
    rng = ctx.rng("indicators")
    this_year = timezone.localdate().year
    rows = []
    for district in districts:
        if district.name in BURDENED:
            base_index = rng.uniform(0.45, 0.95)
        elif district.name in WELL_OFF:
            base_index = rng.uniform(-0.9, -0.4)
        else:
            base_index = rng.uniform(-0.35, 0.4)
        youth = rng.randint(900, 6500)
        # Infrastructure changes slowly: fixed per district, now and then one more or less.
        infrastructure = {
            "youth_clubs": rng.randint(0, 3), "school_social_work": rng.randint(0, 5),
            "counselling_centres": rng.randint(0, 2), "after_school_care": rng.randint(0, 6),
            "kitas": rng.randint(2, 14), "schools": rng.randint(1, 8),
        }
        # Full-time posts working in the district: more where the burden is higher.
        quarters = round(youth / 1000 * (1.2 if district.name in BURDENED else 0.7) * 4)
        staff = (Decimal(quarters) / 4).quantize(Decimal("0.01"))  # in quarter posts
        for offset in (3, 2, 1):
            if rng.random() < 0.3:
                key = rng.choice(list(infrastructure))
                infrastructure[key] = max(0, infrastructure[key] + rng.choice((-1, 1)))
            year = this_year - offset
            index = Decimal(f"{base_index + rng.uniform(-0.04, 0.04):.3f}")
            youth_year = int(youth * (1 + 0.01 * (3 - offset)))
            burden = max(float(index) + 1, 0.2)
            ambulant = int(youth_year / 1000 * 6 * burden) + rng.randint(0, 4)
            rows.append(
                DistrictIndicator(
                    district=district,
                    year=year,
                    youth_population=youth_year,
                    youth_population_forecast=int(youth_year * rng.uniform(0.97, 1.06)),
                    precarity_index=index,
                    cases_ambulant=ambulant,
                    cases_residential=int(ambulant * rng.uniform(0.3, 0.6)),
                    district_type=district_type(index),
                    staff_posts=max(staff + Decimal("0.25") * rng.choice((-1, 0, 0, 1)) * (3 - offset), Decimal("0.25")),
                    **infrastructure,
                )
            )
    ctx.bulk(DistrictIndicator, rows, "Stadtteilkennzahlen")


def district_type(index: Decimal) -> str:
    """The demo's Stadtraumtyp by precarisation index, so that all five types occur."""
    if index >= Decimal("0.6"):
        return DistrictType.D
    if index >= Decimal("0.3"):
        return DistrictType.C
    if index >= Decimal("-0.3"):
        return DistrictType.E
    if index >= Decimal("-0.6"):
        return DistrictType.B
    return DistrictType.A


DESCRIPTIONS = {
    DistrictType.A: "Ruhiges Wohngebiet mit Einfamilienhäusern und viel Grün. Wenige Familien brauchen Hilfe, "
    "Angebote für Jugendliche liegen eher in den Nachbarstadtteilen.",
    DistrictType.B: "Gewachsenes Quartier mit stabiler Nachbarschaft, Vereinen und guter Schulversorgung. "
    "Der Bedarf entsteht vor allem bei Trennung und in Übergängen (Kita–Schule).",
    DistrictType.C: "Stadtteil im Wandel: Neubau und Zuzug junger Familien neben alten Sozialwohnungen. "
    "Die Angebote wachsen langsamer als die Zahl der Kinder.",
    DistrictType.D: "Buntes Viertel mit vielen Sprachen, dichter Bebauung und hoher Armutsquote. Starke "
    "Netzwerke aus Familienzentrum, Schulen und Moscheegemeinden; hoher Bedarf an früher Hilfe.",
    DistrictType.E: "Unauffälliger Alltag: gemischte Bebauung, durchschnittliche Belastung. Die Familien "
    "finden Hilfe meist in den Regelangeboten.",
}


def _seed_descriptions(districts: list[District]) -> None:
    """A qualitative description per district, from its latest Stadtraumtyp (kept when already written)."""
    latest = {
        ind.district_id: ind.district_type
        for ind in DistrictIndicator.objects.filter(district__in=districts)
        .order_by("district_id", "-year")
        .distinct("district_id")
    }
    changed = []
    for district in districts:
        if not district.description and district.pk in latest:
            district.description = DESCRIPTIONS[latest[district.pk]]
            changed.append(district)
    District.objects.bulk_update(changed, ["description"])


def _seed_team_posts(ctx: SeedContext) -> None:
    """Full-time case managers per team for last year and this year (about 9 per team, as the staff)."""
    rng = ctx.rng("posts")
    this_year = timezone.localdate().year
    rows = []
    for team in Team.objects.order_by("code"):
        posts = Decimal(rng.choice(("7.50", "8.00", "8.50", "8.75", "9.00", "9.50", "10.00", "10.50")))
        rows.append(TeamPosts(team=team, year=this_year - 1, case_manager_posts=posts))
        change = Decimal(rng.choice(("-0.50", "0", "0", "0.50", "1.00")))
        rows.append(TeamPosts(team=team, year=this_year, case_manager_posts=posts + change))
    ctx.bulk(TeamPosts, rows, "Vollzeitstellen je Team")


def _seed_providers(ctx: SeedContext) -> None:
    for name, kind in PROVIDERS:
        Provider.objects.update_or_create(name=name, defaults={"kind": kind})
    for center_name, provider_name in LEAD_PROVIDER.items():
        provider = Provider.objects.get(name=provider_name)
        provider.lead_districts.add(*District.objects.filter(social_center__name=center_name))


def _seed_users(ctx: SeedContext) -> None:
    ensure_role_groups()
    groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
    password = make_password(DEMO_PASSWORD)
    team = Team.objects.get(code=_slug(DEMO_TEAM))
    lead_provider = Provider.objects.get(name=LEAD_PROVIDER[team.social_center.name])
    for username, first, last, role in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@jugendamt.example", "password": password},
        )
        user.groups.add(groups[role])
        if role in (Role.CASE_MANAGER, Role.TEAM_LEAD):
            user.team = team
        elif role == Role.PROVIDER_STAFF:
            user.provider = lead_provider
        user.save()
        if role == Role.DISTRICT_COORDINATOR:
            user.districts.add(*team.districts.all())

    # Case management staff: about 9 per team (Bremen: ~150 FTE for 17 teams), times --scale.
    rng = ctx.rng("users")
    per_team = 9 * ctx.scale
    new_users = []
    for team in Team.objects.order_by("code"):
        for i in range(1, per_team + 1):
            new_users.append(
                User(
                    username=f"cm-{team.code}-{i:03d}",
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=rng.choice(LAST_NAMES),
                    team=team,
                    password=password,
                )
            )
    ctx.bulk(User, new_users, "Fachkräfte (Fallmanagement)")
    cm_group = groups[Role.CASE_MANAGER]
    ids = User.objects.filter(username__startswith="cm-").values_list("id", flat=True)
    Membership = User.groups.through
    Membership.objects.bulk_create(
        [Membership(user_id=uid, group_id=cm_group.id) for uid in ids], ignore_conflicts=True
    )
