"""Demo micro-projects shaped like Bremen: the 800,000 EUR prevention frame split across the districts,
the twelve example projects of the domain description and about 80 running projects in all, in
every state, with participant counts, referrals, quality reviews and the action budget.

Money as the services keep it: no approval above its request; payments out of the prevention frame
(quarterly, a few reversed) that never exceed a project's approved total; a few supplementary
approvals (granted within the frame, one rejected, one awaiting the demo coordinator); action
grants with their award criteria and proofs of use (most received, some due, one overdue).

Idempotent: a project is keyed on (title, district charged); budgets on (district, year); only
missing rows are written. `--scale N` multiplies projects and grants (and the frame, so that the
approvals still fit)."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from juwe.lib.money import format_eur, to_money
from juwe.lib.seeding import DEMO_PASSWORD, SeedContext
from juwe.models import District, DistrictIndicator, Provider, Team, User
from juwe.roles import Role
from microprojects.models import (
    ActionBudget,
    ActionGrant,
    AwardCriterion,
    Category,
    MicroProject,
    Outcome,
    ParticipationCount,
    PreventionBudget,
    ProjectEvent,
    ProjectPayment,
    QualityReview,
    Referral,
    Status,
    Supplement,
)

FRAME = Decimal("800000.00")  # Bremen's yearly prevention frame
ACTION_BUDGET = Decimal("5000.00")  # per district and year (Dresden: small, flexible sums)
DEMO_TEAM = "walle"

C = Category
# The examples of the domain description: title, category, provider, target group, ages, need, goals.
EXAMPLES = [
    ("Familienwohnzimmer", C.CASE_SPANNING, "Stadtteilhaus Gröpelingen e. V.", "Familien an der Schwelle zur SPFH", 0, 14,
     "In mehreren Fällen standen Familien kurz vor einer sozialpädagogischen Familienhilfe, weil ihnen ein Ort für Alltagsfragen fehlte.",
     "Familien finden einen offenen Treffpunkt mit Fachkraft, bevor eine Hilfe zur Erziehung nötig wird."),
    ("Familienrat", C.SPECIAL_METHOD, "Familienrat Bremen e. V.", "Familien mit Entscheidungen über Hilfen", 0, 17,
     "In Fallbesprechungen fehlte oft das Netzwerk der Familie; Entscheidungen wurden über ihren Kopf hinweg getroffen.",
     "Familien erarbeiten mit ihrem Netzwerk einen eigenen Plan (Familiengruppenkonferenz)."),
    ("Outdoor-Gruppe mit dem Förderzentrum", C.INSTITUTION, "Jugendhilfe Weserbogen gGmbH", "Schüler/innen des Förderzentrums", 9, 14,
     "Mehrere Kinder mit Förderbedarf zogen sich zurück und hatten keine Freizeitkontakte.",
     "Die Kinder erleben Erfolg in der Gruppe und knüpfen Kontakte außerhalb der Schule."),
    ("Kid-Cool-Training", C.INSTITUTION, "Intensivpädagogik Nord gGmbH", "gewaltbereite Kinder an Grundschulen", 8, 12,
     "In Fällen aus Schulen häuften sich Meldungen über Gewalt unter Kindern.",
     "Kinder lernen, Konflikte ohne Gewalt zu lösen; Lehrkräfte werden einbezogen."),
    ("Elterncafé", C.SEMI_PROFESSIONAL, "Haus der Familie Vahr e. V.", "Eltern von Kita- und Grundschulkindern", 0, 10,
     "Eltern in Beratungsfällen kannten keine anderen Eltern und keine Angebote im Stadtteil.",
     "Eltern treffen sich regelmäßig, tauschen sich aus und finden früh Beratung."),
    ("Eltern lernen von Eltern", C.SEMI_PROFESSIONAL, "Paritätische Familiendienste Süd e. V.", "Eltern in belasteten Lebenslagen", 0, 17,
     "Erfahrene Eltern aus abgeschlossenen Fällen wollten ihr Wissen weitergeben.",
     "Peer-Eltern begleiten andere Eltern, fachlich unterstützt."),
    ("Coaching für Eltern behinderter Kinder", C.CASE_SPANNING, "Lebenshilfe Kinder und Jugend gGmbH", "Eltern von Kindern mit Behinderung", 0, 17,
     "Eingliederungshilfefälle zeigten überforderte Eltern ohne Begleitung zwischen den Hilfesystemen.",
     "Eltern werden gecoacht, Hilfen selbst zu koordinieren und Entlastung zu finden."),
    ("Gruppe auf der Jugendfarm", C.CASE_SPANNING, "Jugendfarm Findorff e. V.", "Kinder mit besonderem Förderbedarf", 6, 12,
     "Kinder mit besonderem Förderbedarf fanden keinen Platz in offenen Angeboten.",
     "Die Kinder haben einen festen Gruppenplatz mit Tieren und Natur."),
    ("Familie im Stadtteil", C.SEMI_PROFESSIONAL, "Familiennetz Bremen-Nord e. V.", "Familien mit kleinen Kindern", 0, 6,
     "Junge Familien ohne Netzwerk brauchten Alltagshilfe, aber keine Hilfe zur Erziehung.",
     "Ehrenamtliche Familienbegleiter/innen werden geschult und unterstützen Familien im Alltag."),
    ("Kidstime", C.SPECIAL_METHOD, "Diakonische Jugendhilfe an der Weser gGmbH", "Kinder psychisch kranker Eltern", 6, 17,
     "In mehreren Fällen war die psychische Erkrankung eines Elternteils der Kern der Belastung der Kinder.",
     "Kinder verstehen die Erkrankung ihrer Eltern und sprechen in der Gruppe darüber."),
    ("Behördenlotsen", C.SEMI_PROFESSIONAL, "Stadtteilhaus Gröpelingen e. V.", "zugewanderte Familien", 0, 21,
     "Familien in Fällen scheiterten an Anträgen und Terminen bei Ämtern.",
     "Lotsinnen und Lotsen begleiten Familien zu Behörden und helfen bei Anträgen."),
    ("Stadtteilmütter", C.SEMI_PROFESSIONAL, "Stadtteilmütter Bremen e. V.", "Familien mit Migrationsgeschichte", 0, 12,
     "Familien wurden von Angeboten nicht erreicht, weil Sprache und Vertrauen fehlten.",
     "Geschulte Mütter aus dem Stadtteil besuchen Familien und informieren über Angebote."),
]

# Further project ideas for the other districts (title stem, category, target group, ages).
MORE = [
    ("Hausaufgabenhilfe mit Elternarbeit", C.INSTITUTION, "Grundschulkinder", 6, 10),
    ("Mädchengruppe", C.CASE_SPANNING, "Mädchen", 10, 16),
    ("Jungenarbeit im Quartier", C.CASE_SPANNING, "Jungen", 10, 16),
    ("Babylotsen", C.SEMI_PROFESSIONAL, "Eltern von Säuglingen", 0, 1),
    ("Schulverweigerer-Projekt", C.INSTITUTION, "schulmüde Jugendliche", 12, 16),
    ("Lernpaten", C.SEMI_PROFESSIONAL, "Schüler/innen der Sekundarstufe I", 10, 16),
    ("Elternkurs Starke Eltern", C.CASE_SPANNING, "Eltern", 0, 17),
    ("Bewegungsgruppe in der Kita", C.INSTITUTION, "Kita-Kinder", 3, 6),
    ("Familienfrühstück", C.SEMI_PROFESSIONAL, "Familien mit kleinen Kindern", 0, 6),
    ("Medienkompetenz für Familien", C.CASE_SPANNING, "Familien mit Jugendlichen", 11, 17),
    ("Trennungskinder-Gruppe", C.SPECIAL_METHOD, "Kinder getrennter Eltern", 6, 12),
    ("Marte Meo im Stadtteil", C.SPECIAL_METHOD, "Eltern mit Kleinkindern", 0, 4),
    ("Ferienprogramm für Familien", C.CASE_SPANNING, "Familien ohne Urlaub", 6, 14),
    ("Übergang Kita–Schule", C.INSTITUTION, "Vorschulkinder", 5, 7),
]

NEED = "In Fallbesprechungen des Stadtteilteams zeigte sich wiederholt derselbe Bedarf: {group} fehlte ein passendes Angebot im Stadtteil."
GOALS = "{group} nehmen regelmäßig teil; das Fallmanagement meldet weniger Anfragen nach formalen Hilfen."
REVIEW_FINDINGS = [
    "Das Angebot wird gut angenommen; die Zuweisungen durch das Fallmanagement funktionieren.",
    "Die Gruppe ist voll; eine zweite Gruppe wird geprüft.",
    "Niedrigschwelliger Zugang gelingt über die Kita; Zuweisungen durch das Fallmanagement sind zurückgegangen.",
    "Der Träger berichtet von Personalwechsel; die Verstetigung wird später entschieden.",
]
GRANTS = [
    ("Nachbarschaftsfest", "Bürgerverein", "Spielmobil, Getränke und Material"),
    ("Ausflug der Elterngruppe", "Elterncafé", "Fahrkarten und Eintritt"),
    ("Laternenumzug", "Kita-Elternbeirat", "Laternen und Musik"),
    ("Graffiti-Workshop", "Jugendtreff", "Farben und Honorar"),
    ("Spielplatzaktion", "Initiative Spielplatz", "Werkzeug und Pflanzen"),
    ("Kochabend für Familien", "Familienzentrum", "Lebensmittel"),
]
# Share of projects per state besides the running ones (per 80 running projects).
OTHER_STATES = {Status.DRAFT: 8, Status.SUBMITTED: 10, Status.APPROVED: 6, Status.REJECTED: 5, Status.COMPLETED: 22}
RUNNING = 80


@dataclass
class Plan:
    title: str
    category: str
    provider_id: int
    target_group: str
    age_from: int
    age_to: int
    need: str
    goals: str
    districts: list[District]
    status: str
    start: dt.date
    end: dt.date
    requested: Decimal
    approved: Decimal | None = None
    over_budget: bool = False
    stem: str = ""  # the title without the district, for projects named after their district
    candidates: list[District] = field(default_factory=list)  # where it may move when its district has no room


def seed(ctx: SeedContext) -> None:
    districts = list(District.objects.select_related("team").order_by("code"))
    if not districts:
        return
    with transaction.atomic():
        staff = _seed_staff(ctx)
        _seed_budgets(ctx, districts)
    with transaction.atomic():
        _seed_projects(ctx, districts, staff)
    with transaction.atomic():
        _seed_action_budget(ctx, districts, staff)


# --- Staff: a coordinator and a team lead per team (the juwe demo has them only for Walle) -------------


def _seed_staff(ctx: SeedContext) -> dict:
    groups = {g.name: g for g in Group.objects.filter(name__in=[Role.DISTRICT_COORDINATOR, Role.TEAM_LEAD, Role.LEADERSHIP])}
    teams = list(Team.objects.order_by("code"))
    password = make_password(DEMO_PASSWORD)
    rng = ctx.rng("microprojects-staff")
    first = ["Birte", "Hanna", "Jörg", "Karin", "Malte", "Nadine", "Ole", "Petra", "Silke", "Timo", "Ulrike", "Wolfgang"]
    last = ["Behrens", "Carstens", "Diekmann", "Fischer", "Grote", "Heuer", "Knoop", "Mahnken", "Rosenbrock", "Stührmann"]
    users = []
    for team in teams:
        if team.code == DEMO_TEAM:
            continue
        for prefix in ("srk", "rl"):
            users.append(User(username=f"{prefix}-{team.code}", first_name=rng.choice(first), last_name=rng.choice(last),
                              team=team if prefix == "rl" else None, password=password))
    ctx.bulk(User, users, "Sozialraumkoordination und Referatsleitungen")
    by_name = {u.username: u for u in User.objects.filter(username__regex=r"^(srk|rl)-|^(koordination|referatsleitung|leitung)$")}
    Membership, Coordinated = User.groups.through, User.districts.through
    memberships, coordinated = [], []
    coordinators: dict[int, User] = {}
    leads: dict[int, User] = {}
    for team in teams:
        srk = by_name.get("koordination" if team.code == DEMO_TEAM else f"srk-{team.code}")
        rl = by_name.get("referatsleitung" if team.code == DEMO_TEAM else f"rl-{team.code}")
        if srk:
            coordinators[team.pk] = srk
            memberships.append(Membership(user_id=srk.pk, group_id=groups[Role.DISTRICT_COORDINATOR].pk))
            coordinated += [Coordinated(user_id=srk.pk, district_id=d) for d in team.districts.values_list("id", flat=True)]
        if rl:
            leads[team.pk] = rl
            memberships.append(Membership(user_id=rl.pk, group_id=groups[Role.TEAM_LEAD].pk))
    Membership.objects.bulk_create(memberships, ignore_conflicts=True)
    Coordinated.objects.bulk_create(coordinated, ignore_conflicts=True)
    case_managers: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(groups__name=Role.CASE_MANAGER, team__isnull=False).order_by("username"):
        case_managers[user.team_id].append(user)
    return {"coordinators": coordinators, "leads": leads, "case_managers": case_managers,
            "leadership": by_name.get("leitung"), "fallback": User.objects.order_by("pk").first()}


# --- Prevention budgets: the frame split by socially weighted youth population ---------------------------


def _weights(districts: list[District]) -> dict[int, Decimal]:
    latest = DistrictIndicator.objects.values("district_id").annotate(y=Max("year"))
    years = {row["district_id"]: row["y"] for row in latest}
    weights = {d.pk: Decimal(1) for d in districts}
    for ind in DistrictIndicator.objects.filter(district_id__in=years.keys()):
        if years[ind.district_id] == ind.year:
            weights[ind.district_id] = Decimal(ind.youth_population) * max(Decimal("0.2"), 1 + ind.precarity_index)
    return weights


def split_frame(frame: Decimal, weights: dict[int, Decimal]) -> dict[int, Decimal]:
    """Split to the cent: shares rounded down, the rest to the largest weights, so the sum is exact."""
    total = sum(weights.values())
    shares = {k: (frame * w / total).quantize(Decimal("0.01"), rounding="ROUND_DOWN") for k, w in weights.items()}
    rest = int((frame - sum(shares.values())) * 100)
    for k in sorted(weights, key=lambda k: -weights[k])[:rest]:
        shares[k] += Decimal("0.01")
    return shares


def _seed_budgets(ctx: SeedContext, districts: list[District]) -> None:
    this_year = timezone.localdate().year
    shares = split_frame(FRAME * ctx.scale, _weights(districts))
    rows = [
        PreventionBudget(district_id=d, year=year, amount=amount, note="Anteil am Präventionsrahmen (800.000 EUR)")
        for year in range(this_year - 3, this_year + 2)
        for d, amount in shares.items()
    ]
    ctx.bulk(PreventionBudget, rows, "Präventionsbudgets")
    ctx.bulk(ActionBudget, [ActionBudget(district=d, year=y, amount=ACTION_BUDGET * ctx.scale) for d in districts
                            for y in (this_year - 1, this_year)], "Aktionsbudgets")


# --- Projects ------------------------------------------------------------------------------------------------------


def _month(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _dates(rng: random.Random, status: str, today: dt.date) -> tuple[dt.date, dt.date]:
    if status == Status.RUNNING:
        start = _month(today, -rng.randint(1, 22))
        return start, _month(start, rng.randint(12, 36)) - dt.timedelta(days=1)
    if status == Status.COMPLETED:
        start = _month(today, -rng.randint(20, 40))
        return start, min(_month(start, rng.randint(9, 18)), _month(today, -1)) - dt.timedelta(days=1)
    if status == Status.APPROVED:
        start = _month(today, rng.randint(0, 2))
    else:
        start = _month(today, rng.randint(1, 4))
    return start, _month(start, rng.randint(10, 24)) - dt.timedelta(days=1)


def _plans(ctx: SeedContext, districts: list[District]) -> list[Plan]:
    rng = ctx.rng("microprojects")
    today = timezone.localdate()
    providers = {p.name: p.pk for p in Provider.objects.all()}
    independent = sorted(pk for name, pk in providers.items() if "öffentlich" not in name)
    walle = [d for d in districts if d.team.code == DEMO_TEAM] or districts
    statuses = [Status.RUNNING] * RUNNING + [s for s, n in OTHER_STATES.items() for _ in range(n)]
    plans: list[Plan] = []
    # The twelve examples: running, most of them in the demo team's districts, two across districts.
    for i, (title, category, provider, group, age_from, age_to, need, goals) in enumerate(EXAMPLES):
        home = walle[i % len(walle)] if i % 3 != 2 else districts[(i * 7) % len(districts)]
        extra = [walle[(i + 1) % len(walle)]] if i in (0, 9) and home in walle else []
        start, end = _dates(rng, Status.RUNNING, today)
        plans.append(Plan(title, category, providers.get(provider, independent[0]), group, age_from, age_to, need, goals,
                          [home, *extra], Status.RUNNING, start, end, to_money(rng.randrange(40, 120) * 100),
                          candidates=walle if home in walle else []))
    for n in range(ctx.scale * len(statuses) - len(EXAMPLES)):
        status = statuses[(n + len(EXAMPLES)) % len(statuses)]
        stem, category, group, age_from, age_to = MORE[n % len(MORE)]
        district = districts[(n * 11 + 3) % len(districts)]
        if status in (Status.SUBMITTED, Status.DRAFT) and n % 3 == 0:
            district = walle[n % len(walle)]  # the demo coordinator has approvals to decide
        start, end = _dates(rng, status, today)
        plans.append(Plan(f"{stem} {district.name}", category, rng.choice(independent), group, age_from, age_to,
                          NEED.format(group=group.capitalize()), GOALS.format(group=group.capitalize()),
                          [district], status, start, end, to_money(rng.randrange(30, 140) * 100), stem=stem,
                          candidates=districts))
    return plans


def _charge(plans: list[Plan], districts: list[District], scale: int) -> None:
    """Approve committed plans within the budgets: a plan whose district has no room moves to the
    candidate district with the most left, else it gets what is left; two go over the budget with
    leadership's note (as in real life, and so the demo shows it)."""
    shares = split_frame(FRAME * scale, _weights(districts))
    remaining: dict[tuple[int, int], Decimal] = {}

    def left(district: District, year: int) -> Decimal:
        return remaining.setdefault((district.pk, year), shares[district.pk])

    over_budget_left = 2
    for plan in plans:
        if plan.status not in (Status.APPROVED, Status.RUNNING, Status.COMPLETED):
            continue
        year = plan.start.year
        if plan.requested > left(plan.districts[0], year) and plan.candidates:
            best = max(plan.candidates, key=lambda d: left(d, year))
            if best not in plan.districts and plan.requested <= left(best, year):
                plan.districts = [best]
                if plan.stem:
                    plan.title = f"{plan.stem} {best.name}"
        room = left(plan.districts[0], year)
        if plan.requested <= room:
            plan.approved = plan.requested
        elif over_budget_left and plan.status == Status.RUNNING:
            plan.approved, plan.over_budget = plan.requested, True
            over_budget_left -= 1
        else:
            plan.approved = max(Decimal("0.00"), (room / 100).quantize(Decimal("1"), rounding=ROUND_DOWN) * 100)
        remaining[(plan.districts[0].pk, year)] = room - plan.approved


def _seed_projects(ctx: SeedContext, districts: list[District], staff: dict) -> None:
    plans = _plans(ctx, districts)
    _charge(plans, districts, ctx.scale)
    existing = set(MicroProject.objects.values_list("title", "budget_district_id"))
    plans = [p for p in plans if (p.title, p.districts[0].pk) not in existing]
    if not plans:
        return
    rng = ctx.rng("microprojects-life")
    outcomes = [Outcome.CONTINUED, Outcome.CONTINUED, Outcome.EXTENDED, Outcome.ENDED]
    projects = []
    for i, plan in enumerate(plans):
        team = plan.districts[0].team_id
        cms = staff["case_managers"].get(team) or [staff["fallback"]]
        creator = cms[i % len(cms)]
        coordinator = staff["coordinators"].get(team)
        decider = (staff["leadership"] if plan.over_budget else coordinator) or creator
        # Projects starting soon were submitted in the past weeks, never in the future.
        submitted_at = min(
            _at(plan.start - dt.timedelta(days=rng.randint(30, 60))),
            timezone.now() - dt.timedelta(days=rng.randint(2, 20)),
        )
        decided = plan.status in (Status.APPROVED, Status.RUNNING, Status.COMPLETED, Status.REJECTED)
        projects.append(MicroProject(
            title=plan.title, budget_district=plan.districts[0], category=plan.category, provider_id=plan.provider_id,
            need_description=plan.need, need_case_count=rng.randint(3, 15), target_group=plan.target_group,
            age_from=plan.age_from, age_to=plan.age_to, goals=plan.goals, start_date=plan.start, end_date=plan.end,
            requested_amount=plan.requested, approved_amount=plan.approved,
            budget_year=plan.start.year if plan.approved is not None else None,
            coordinator=coordinator, lead=staff["leads"].get(team), status=plan.status,
            outcome=outcomes[i % len(outcomes)] if plan.status == Status.COMPLETED else "",
            rejection_reason="Ein vergleichbares Angebot besteht bereits im Stadtteil." if plan.status == Status.REJECTED else "",
            over_budget=plan.over_budget,
            approval_note="Modellvorhaben der Leitung; Mehrbedarf aus Restmitteln anderer Stadtteile gedeckt." if plan.over_budget else "",
            created_by=creator,
            submitted_by=creator if plan.status != Status.DRAFT else None,
            submitted_at=submitted_at if plan.status != Status.DRAFT else None,
            decided_by=decider if decided else None,
            decided_at=min(submitted_at + dt.timedelta(days=rng.randint(3, 14)), timezone.now()) if decided else None,
            started_at=_at(plan.start) if plan.status in (Status.RUNNING, Status.COMPLETED) else None,
            completed_at=_at(plan.end) if plan.status == Status.COMPLETED else None,
        ))
    projects = MicroProject.objects.bulk_create(projects)
    through = MicroProject.districts.through
    through.objects.bulk_create([through(microproject_id=p.pk, district_id=d.pk)
                                 for p, plan in zip(projects, plans) for d in plan.districts], ignore_conflicts=True)
    developers = MicroProject.developed_by.through
    developers.objects.bulk_create([developers(microproject_id=p.pk, user_id=p.created_by_id) for p in projects],
                                   ignore_conflicts=True)
    projects += _extension_copies(projects, districts)
    ctx.count("Mikroprojekte", len(projects))
    _seed_history(ctx, projects)
    _seed_participation(ctx, projects)
    _seed_reviews(ctx, projects)
    _seed_referrals(ctx, projects)
    _seed_supplements(ctx, projects, staff)
    _seed_payments(ctx, projects)


def _extension_copies(projects: list[MicroProject], districts: list[District]) -> list[MicroProject]:
    """Projects completed as "extended" continue as a linked proposal in a neighbouring district."""
    copies = []
    for p in projects:
        if p.outcome != Outcome.EXTENDED:
            continue
        neighbour = districts[(districts.index(p.budget_district) + 1) % len(districts)]
        start = _month(p.end_date, 2)
        copies.append(MicroProject(
            title=p.title, budget_district=neighbour, category=p.category, provider_id=p.provider_id,
            need_description=p.need_description, target_group=p.target_group, age_from=p.age_from, age_to=p.age_to,
            goals=p.goals, start_date=start, end_date=_month(start, 12) - dt.timedelta(days=1),
            requested_amount=p.approved_amount or p.requested_amount, lead_id=p.lead_id, extended_from=p,
            status=Status.SUBMITTED, created_by_id=p.coordinator_id or p.created_by_id,
            submitted_by_id=p.coordinator_id or p.created_by_id, submitted_at=p.completed_at,
        ))
    copies = MicroProject.objects.bulk_create(copies)
    through = MicroProject.districts.through
    through.objects.bulk_create([through(microproject_id=c.pk, district_id=c.budget_district_id) for c in copies])
    return copies


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))


def _seed_history(ctx: SeedContext, projects: list[MicroProject]) -> None:
    A = ProjectEvent.Action
    events = []
    for p in projects:
        created = (p.submitted_at or timezone.now()) - dt.timedelta(days=14)
        if p.extended_from_id:
            events.append(ProjectEvent(project=p, action=A.EXTENDED_FROM, actor_id=p.created_by_id, at=created, note=p.title))
        else:
            events.append(ProjectEvent(project=p, action=A.CREATED, actor_id=p.created_by_id, at=created))
        if p.submitted_at:
            events.append(ProjectEvent(project=p, action=A.SUBMITTED, actor_id=p.submitted_by_id, at=p.submitted_at))
        if p.status == Status.REJECTED:
            events.append(ProjectEvent(project=p, action=A.REJECTED, actor_id=p.decided_by_id, at=p.decided_at, note=p.rejection_reason))
        elif p.decided_at:
            action = A.APPROVED_OVER_BUDGET if p.over_budget else A.APPROVED
            events.append(ProjectEvent(project=p, action=action, actor_id=p.decided_by_id, at=p.decided_at, note=p.approval_note))
        if p.started_at:
            events.append(ProjectEvent(project=p, action=A.STARTED, actor_id=p.coordinator_id or p.created_by_id, at=p.started_at))
        if p.completed_at:
            events.append(ProjectEvent(project=p, action=A.COMPLETED, actor_id=p.coordinator_id or p.created_by_id,
                                       at=p.completed_at, note=str(Outcome(p.outcome).label)))
    ctx.bulk(ProjectEvent, events, "Projektverlauf")


def _quarters(start: dt.date, end: dt.date):
    year, quarter = start.year, (start.month - 1) // 3 + 1
    while dt.date(year, 3 * quarter - 2, 1) <= end:
        yield year, quarter
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def _seed_participation(ctx: SeedContext, projects: list[MicroProject]) -> None:
    rng = ctx.rng("microprojects-participation")
    today = timezone.localdate()
    rows = []
    for p in projects:
        if p.status not in (Status.RUNNING, Status.COMPLETED):
            continue
        cm_bias = rng.uniform(0.45, 0.85)  # Bremen's evaluation: a high share comes through case management
        for year, quarter in _quarters(p.start_date, min(p.end_date, today)):
            total = rng.randint(4, 18)
            cm = round(total * cm_bias)
            rows.append(ParticipationCount(project=p, year=year, quarter=quarter, referred_by_cm=cm,
                                           low_threshold=total - cm, recorded_by_id=p.coordinator_id or p.created_by_id))
    ctx.bulk(ParticipationCount, rows, "Teilnahmezahlen")


def _seed_reviews(ctx: SeedContext, projects: list[MicroProject]) -> None:
    rng = ctx.rng("microprojects-reviews")
    today = timezone.localdate()
    rows = []
    for i, p in enumerate(projects):
        if p.status not in (Status.RUNNING, Status.COMPLETED):
            continue
        # Every seventh running project has had no review for more than a year (the worklist shows it).
        overdue = p.status == Status.RUNNING and i % 7 == 3
        # Some completed projects went without a review in their last year, too (last year's figure).
        lapsed = p.status == Status.COMPLETED and i % 3 == 1
        stop = today - dt.timedelta(days=400) if overdue else p.end_date - dt.timedelta(days=380) if lapsed else None
        day = p.start_date + dt.timedelta(days=rng.randint(150, 300))
        kinds = [QualityReview.Kind.QUALITY_CIRCLE, QualityReview.Kind.JOINT_EVALUATION]
        n = 0
        while day <= min(p.end_date, today) and not (stop and day > stop):
            rows.append(QualityReview(
                project=p, kind=kinds[n % 2], date=day,
                participants="Sozialraumkoordination, Referatsleitung, Fallmanagement, Träger",
                findings=rng.choice(REVIEW_FINDINGS), rating=rng.choice([1, 2, 2, 2, 3, 3, 4]),
                tender_free_worked=rng.choice(["yes", "yes", "yes", "partly", "not_assessed"]),
                recorded_by_id=p.coordinator_id or p.created_by_id,
            ))
            day += dt.timedelta(days=rng.randint(170, 330))
            n += 1
    ctx.bulk(QualityReview, rows, "Qualitätsprüfungen")


def _seed_referrals(ctx: SeedContext, projects: list[MicroProject]) -> None:
    """Refer open cases of the project's district (if the cases demo has any) to running projects."""
    from cases.models import Case, CaseState

    rng = ctx.rng("microprojects-referrals")
    running = [p for p in projects if p.status == Status.RUNNING]
    if not running:
        return
    open_cases: dict[int, list[tuple[int, int, dt.date]]] = defaultdict(list)
    for case_id, district_id, manager_id, opened in (
        Case.objects.exclude(state=CaseState.CLOSED)
        .filter(district_id__in={p.budget_district_id for p in running})
        .values_list("id", "district_id", "case_manager_id", "opened_on")
    ):
        open_cases[district_id].append((case_id, manager_id, opened))
    today = timezone.localdate()
    rows = []
    for p in running:
        candidates = open_cases.get(p.budget_district_id, [])
        for case_id, manager_id, opened in rng.sample(candidates, min(len(candidates), rng.randint(2, 8))):
            first = max(opened, p.start_date)
            if first > today:
                continue
            day = first + dt.timedelta(days=rng.randint(0, max(0, (today - first).days)))
            rows.append(Referral(project=p, case_id=case_id, referred_on=day, referred_by_id=manager_id))
    ctx.bulk(Referral, rows, "Zuweisungen zu Mikroprojekten")


# --- Supplementary approvals and payments out of the prevention frame ---------------------------------


def _seed_supplements(ctx: SeedContext, projects: list[MicroProject], staff: dict) -> None:
    """Every twelfth running project got more money where its frame had room; one request was
    rejected and one awaits the demo coordinator (a project of the demo team)."""
    from microprojects.selectors import prevention_budget_positions

    running = [p for p in projects if p.status == Status.RUNNING and not p.over_budget]
    if not running:
        return
    rng = ctx.rng("microprojects-supplements")
    keys = {(p.budget_district_id, p.budget_year) for p in running}
    room = {}
    for year in {y for _d, y in keys}:
        for d, pos in prevention_budget_positions({d for d, y in keys if y == year}, year).items():
            room[(d, year)] = pos.remaining
    demo_team = {d.pk for d in District.objects.filter(team__code=DEMO_TEAM)}
    rows, events = [], []
    pending = next((p for p in running if p.budget_district_id in demo_team), None)
    rejected = next((p for p in reversed(running) if p is not pending), None)
    for i, p in enumerate(running):
        coordinator = staff["coordinators"].get(p.budget_district.team_id) or staff["fallback"]
        requested_at = max(p.started_at or _at(p.start_date), timezone.now() - dt.timedelta(days=rng.randint(40, 120)))
        wanted = max(Decimal("500.00"), (p.approved_amount * Decimal(rng.choice(["0.10", "0.15", "0.20"])) / 100)
                     .quantize(Decimal("1"), rounding=ROUND_DOWN) * 100)
        reason = "Mehr Anmeldungen als geplant; eine zweite Gruppe braucht Honorar und Material."
        if p is pending:
            rows.append(Supplement(project=p, requested_amount=wanted, reason=reason, requested_by_id=p.created_by_id,
                                   requested_at=timezone.now() - dt.timedelta(days=3)))
            events.append(ProjectEvent(project=p, action=ProjectEvent.Action.SUPPLEMENT_REQUESTED, actor_id=p.created_by_id,
                                       at=timezone.now() - dt.timedelta(days=3), note=f"{format_eur(wanted)} – {reason}"))
        elif p is rejected:
            note = "Der Mehrbedarf kann aus dem bewilligten Betrag gedeckt werden."
            rows.append(Supplement(project=p, requested_amount=wanted, reason=reason, requested_by_id=p.created_by_id,
                                   requested_at=requested_at, status=Supplement.Status.REJECTED, decision_note=note,
                                   decided_by=coordinator, decided_at=requested_at + dt.timedelta(days=5)))
            events.append(ProjectEvent(project=p, action=ProjectEvent.Action.SUPPLEMENT_REJECTED, actor=coordinator,
                                       at=requested_at + dt.timedelta(days=5), note=note))
        elif i % 12 == 5 and room[(p.budget_district_id, p.budget_year)] >= wanted:
            room[(p.budget_district_id, p.budget_year)] -= wanted
            rows.append(Supplement(project=p, requested_amount=wanted, reason=reason, requested_by_id=p.created_by_id,
                                   requested_at=requested_at, status=Supplement.Status.APPROVED, approved_amount=wanted,
                                   decided_by=coordinator, decided_at=requested_at + dt.timedelta(days=4)))
            events.append(ProjectEvent(project=p, action=ProjectEvent.Action.SUPPLEMENT_APPROVED, actor=coordinator,
                                       at=requested_at + dt.timedelta(days=4), note=format_eur(wanted)))
    ctx.bulk(Supplement, rows, "Nachbewilligungen")
    ctx.bulk(ProjectEvent, events, "Projektverlauf (Nachbewilligungen)")


def _seed_payments(ctx: SeedContext, projects: list[MicroProject]) -> None:
    """Quarterly payments of the approved total (supplements included) for the quarters begun so far;
    completed projects are paid out, some returned what they did not need; every tenth running
    project had a payment booked twice by mistake and reversed."""
    committed = [p for p in projects if p.status in (Status.APPROVED, Status.RUNNING, Status.COMPLETED)]
    if not committed:
        return
    rng = ctx.rng("microprojects-payments")
    wjh = User.objects.filter(username="wjh").first()
    today = timezone.localdate()
    granted = dict(
        Supplement.objects.filter(project__in=committed, status=Supplement.Status.APPROVED)
        .values_list("project_id").annotate(s=Sum("approved_amount"))
    )
    rows, mistakes = [], []
    for i, p in enumerate(committed):
        total = p.approved_amount + granted.get(p.pk, Decimal("0.00"))
        quarters = list(_quarters(p.start_date, p.end_date))
        if not total or not quarters:
            continue
        part = (total / len(quarters)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        begun = [(y, q) for y, q in quarters if dt.date(y, 3 * q - 2, 1) <= today]
        if p.status == Status.COMPLETED:
            begun = quarters
        paid = Decimal("0.00")
        for n, (year, quarter) in enumerate(begun, start=1):
            amount = total - paid if p.status == Status.COMPLETED and n == len(quarters) else part
            if p.status == Status.COMPLETED and n == len(quarters) and i % 3 == 0:
                amount = (amount * Decimal("0.6")).quantize(Decimal("0.01"))  # funds not needed were returned
            day = max(p.start_date, dt.date(year, 3 * quarter - 2, 1)) + dt.timedelta(days=rng.randint(3, 20))
            if amount <= 0 or day > today:
                continue
            paid += amount
            rows.append(ProjectPayment(project=p, paid_on=day, amount=amount, provider_id=p.provider_id,
                                       invoice_number=f"MP-{p.pk}-{n:02d}", note=f"Abschlag {quarter}. Quartal {year}",
                                       created_by=wjh, created_at=_at(day)))
        if p.status == Status.RUNNING and i % 10 == 0 and rows and rows[-1].project is p and paid + part <= total:
            mistakes.append(rows[-1])
    ctx.bulk(ProjectPayment, rows, "Zahlungen aus dem Präventionsbudget")
    # Booked twice by mistake, and reversed the next day.
    doubles = [ProjectPayment(project=m.project, paid_on=m.paid_on, amount=m.amount, provider_id=m.provider_id,
                              invoice_number=f"{m.invoice_number}-D", note="Doppelt erfasst", created_by=wjh,
                              created_at=_at(m.paid_on)) for m in mistakes]
    ctx.bulk(ProjectPayment, doubles, "Zahlungen aus dem Präventionsbudget")
    stored = {(x.provider_id, x.invoice_number): x.pk for x in ProjectPayment.objects.filter(
        invoice_number__in=[d.invoice_number for d in doubles]).only("id", "provider_id", "invoice_number")}
    reversals = [ProjectPayment(project=d.project, paid_on=min(d.paid_on + dt.timedelta(days=1), today), amount=-d.amount,
                                provider_id=d.provider_id, invoice_number=f"{d.invoice_number}-ST",
                                reverses_id=stored[(d.provider_id, d.invoice_number)],
                                note=f"Storno von {d.invoice_number}: doppelt erfasst", created_by=wjh,
                                created_at=_at(d.paid_on)) for d in doubles]
    ctx.bulk(ProjectPayment, reversals, "Stornos")
    A = ProjectEvent.Action
    events = [ProjectEvent(project=x.project, action=A.PAYMENT_REVERSED if x.amount < 0 else A.PAYMENT,
                           actor=wjh or x.project.created_by, at=_at(x.paid_on),
                           note=f"{format_eur(x.amount)}, {x.invoice_number}")
              for x in [*rows, *doubles, *reversals]]
    ctx.bulk(ProjectEvent, events, "Projektverlauf (Zahlungen)")


# --- Action budget -------------------------------------------------------------------------------------------------


def _seed_action_budget(ctx: SeedContext, districts: list[District], staff: dict) -> None:
    if ActionGrant.objects.exists():
        return  # grants have no natural key; seed them once
    from microprojects.services import default_proof_due

    rng = ctx.rng("microprojects-grants")
    today = timezone.localdate()
    span = (today - dt.date(today.year - 1, 1, 10)).days  # action budgets exist for last year and this one
    rows = []
    for n, district in enumerate(districts):
        coordinator = staff["coordinators"].get(district.team_id)
        requesters = staff["case_managers"].get(district.team_id) or [staff["fallback"]]
        # Two to five requests a year and district over the last two years, the open ones recent.
        for k in range(rng.randint(4, 10) * ctx.scale):
            title, applicant, purpose = GRANTS[(n + k) % len(GRANTS)]
            day = today - dt.timedelta(days=rng.randint(3, span))
            status = ActionGrant.Status.REQUESTED if k == 0 and n % 2 == 0 else rng.choice(
                [ActionGrant.Status.GRANTED] * 4 + [ActionGrant.Status.DECLINED])
            if status == ActionGrant.Status.REQUESTED:
                day = today - dt.timedelta(days=rng.randint(0, 20))
            decided = status != ActionGrant.Status.REQUESTED
            grant = ActionGrant(
                district=district, year=day.year, title=f"{title} {district.name}", applicant=f"{applicant} {district.name}",
                purpose=purpose, activity_date=day + dt.timedelta(days=21), amount=to_money(rng.randrange(10, 30) * 50),
                status=status, requested_by=requesters[k % len(requesters)],
                decline_reason="Das ist eine Daueraufgabe und gehört in die Regelfinanzierung." if status == ActionGrant.Status.DECLINED else "",
                decided_by=coordinator if decided else None,
                decided_at=min(_at(day + dt.timedelta(days=3)), timezone.now()) if decided else None,
            )
            if status == ActionGrant.Status.GRANTED:
                _grant_criteria_and_proof(rng, grant, today, default_proof_due(grant, day + dt.timedelta(days=3)))
            rows.append(grant)
    _due_and_overdue_in_demo_team(rng, rows, today)
    ctx.bulk(ActionGrant, rows, "Aktionsbudget-Anträge")


def _grant_criteria_and_proof(rng: random.Random, grant: ActionGrant, today: dt.date, due: dt.date) -> None:
    """A concrete activity in the district, and one or two further criteria; the proof of use came in
    around its due date when that has passed."""
    others = [c for c in AwardCriterion.values if c != AwardCriterion.CONCRETE_ACTIVITY]
    grant.criteria = [AwardCriterion.CONCRETE_ACTIVITY, *rng.sample(others, rng.randint(1, 2))]
    grant.proof_due = due
    if due < today:
        grant.proof_received_on = min(today, max(grant.activity_date, due - dt.timedelta(days=rng.randint(0, 14))))
        grant.proof_note = rng.choice(["Belege und Fotos liegen vor.", "Kurzbericht und Quittungen eingereicht.",
                                       "Quittungen geprüft; Restbetrag zurücküberwiesen."])
        grant.proof_recorded_by = grant.decided_by


def _due_and_overdue_in_demo_team(rng: random.Random, rows: list[ActionGrant], today: dt.date) -> None:
    """The demo coordinator's worklist shows a proof of use overdue and one due soon: the two decided
    grants of the demo team with the earliest activities become grants with an open proof."""
    decided = sorted((g for g in rows if g.decided_by_id and g.district.team.code == DEMO_TEAM), key=lambda g: g.activity_date)
    for grant, due in zip(decided, [today - dt.timedelta(days=9), today + dt.timedelta(days=10)]):
        grant.status, grant.decline_reason = ActionGrant.Status.GRANTED, ""
        _grant_criteria_and_proof(rng, grant, today, due)
        grant.proof_received_on, grant.proof_note, grant.proof_recorded_by = None, "", None
        grant.activity_date = min(grant.activity_date, due - dt.timedelta(days=1))
