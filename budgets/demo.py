"""Demo budgets: every demo district has a youth-help and an integration-help budget for the last
two years and this one; five large districts carry budgets of 0.5–3.0 million EUR as in
Nordfriesland. Each budget has its instalments and a year of cost entries in all categories; the
past years are settled (final), one deficit is covered from the equalisation pot.
Volumes of cost entries × scale."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from budgets.models import Area, Budget, CostCategory, CostEntry, Instalment, PotTransfer, Settlement
from budgets.services import instalment_plan
from budgets.settlement import compute
from juwe.lib.money import to_money
from juwe.lib.seeding import SeedContext
from juwe.models import District, Provider, User

# Five large districts (Nordfriesland's district budgets range from 0.5 to 3.0 million EUR).
FEATURED = {
    "Gröpelingen": Decimal("3000000"),
    "Tenever": Decimal("2600000"),
    "Walle": Decimal("2200000"),
    "Vegesack": Decimal("1100000"),
    "Findorff-Bürgerweide": Decimal("500000"),
}
# Share of each category in a year's costs (youth help); integration help has more case costs.
SHARES = {
    Area.YOUTH_HELP: {
        CostCategory.ADVANCE_DEDUCTIONS: 7, CostCategory.PERSONNEL: 30, CostCategory.OVERHEAD: 8,
        CostCategory.EXTERNAL_INVOICES: 25, CostCategory.RESIDENTIAL: 20, CostCategory.CASE_INDEPENDENT: 5,
        CostCategory.CASE_MATERIAL: 5,
    },
    Area.INTEGRATION_HELP: {
        CostCategory.ADVANCE_DEDUCTIONS: 3, CostCategory.PERSONNEL: 25, CostCategory.OVERHEAD: 6,
        CostCategory.EXTERNAL_INVOICES: 40, CostCategory.RESIDENTIAL: 12, CostCategory.CASE_INDEPENDENT: 4,
        CostCategory.CASE_MATERIAL: 10,
    },
}
NOTES = {
    CostCategory.ADVANCE_DEDUCTIONS: "Vorwegabzug Pflegekinder (Pflegegeld)",
    CostCategory.PERSONNEL: "Personalkosten Fachkraft {name}",
    CostCategory.OVERHEAD: "Verwaltungs- und Sachkostenpauschale",
    CostCategory.EXTERNAL_INVOICES: "Rechnung SPFH / Erziehungsbeistand",
    CostCategory.RESIDENTIAL: "Wohngruppe (HÜTN), Entgelt Monat",
    CostCategory.CASE_INDEPENDENT: "Honorar Elterncafé / Material Stadtteilarbeit",
    CostCategory.CASE_MATERIAL: "Sachkosten im Fall (Fahrtkosten, Material)",
}
STAFF = ["A. Janssen", "B. Ahrens", "C. Dierks", "D. Peters", "E. Yıldız", "F. Wessels"]
AREA_CODE = {Area.YOUTH_HELP: "JH", Area.INTEGRATION_HELP: "EGH"}


def seed(ctx: SeedContext) -> None:
    today = timezone.localdate()
    years = [today.year - 2, today.year - 1, today.year]
    wjh = User.objects.filter(username="wjh").first()
    lead = User.objects.filter(username="leitung").first()
    if wjh is None or lead is None:
        return
    with transaction.atomic():
        budgets = _seed_budgets(ctx, years)
        _seed_instalments(ctx, budgets, today)
    with transaction.atomic():
        _seed_entries(ctx, budgets, today, wjh)
    with transaction.atomic():
        _seed_settlements(ctx, budgets, today, wjh, lead)


def _amount(ctx: SeedContext, district: District, area: str, year: int, this_year: int) -> Decimal:
    rng = ctx.rng(f"budget-amount-{district.code}-{area}")
    base = FEATURED.get(district.name) or Decimal(rng.randrange(150, 900)) * 1000
    if area == Area.INTEGRATION_HELP:
        base = (base * Decimal("0.22")).quantize(Decimal("1000"))
    # Budgets grew about 2.6 % a year (Bremen's cost growth).
    return to_money(base * (Decimal("1.026") ** (year - this_year)))


def _seed_budgets(ctx: SeedContext, years: list[int]) -> list[Budget]:
    objs = []
    districts = District.objects.prefetch_related("lead_providers").order_by("code")
    for district in districts:
        leads = list(district.lead_providers.all())
        if not leads:
            continue
        for year in years:
            for area in Area.values:
                objs.append(Budget(district=district, year=year, area=area, provider=leads[0],
                                   amount=_amount(ctx, district, area, year, years[-1])))
    ctx.bulk(Budget, objs, "Budgets")
    return list(Budget.objects.filter(year__in=years).select_related("district", "provider"))


def _seed_instalments(ctx: SeedContext, budgets: list[Budget], today: date) -> None:
    objs = []
    for b in budgets:
        for month, amount in enumerate(instalment_plan(b.amount), start=1):
            due = date(b.year, month, 5)
            objs.append(Instalment(budget=b, month=month, amount=amount, paid_on=due if due <= today else None))
    ctx.bulk(Instalment, objs, "Abschläge")


def _seed_entries(ctx: SeedContext, budgets: list[Budget], today: date, wjh: User) -> None:
    from cases.models import Case
    from microprojects.models import COMMITTED_STATUSES, MicroProject

    final = set(Settlement.objects.filter(status=Settlement.Status.FINAL).values_list("budget_id", flat=True))
    others = list(Provider.objects.exclude(lead_districts__isnull=False).order_by("name"))
    foster = Provider.objects.filter(name__startswith="Pflegekinderdienst").first()
    cases_by_district: dict[int, list[int]] = {}
    for case_id, district_id in Case.objects.values_list("id", "district_id").order_by("id"):
        cases_by_district.setdefault(district_id, []).append(case_id)
    projects: dict[tuple[int, int], list[int]] = {}
    for pk, district_id, year in MicroProject.objects.filter(status__in=COMMITTED_STATUSES).values_list(
        "id", "budget_district_id", "budget_year"
    ).order_by("id"):
        projects.setdefault((district_id, year), []).append(pk)
    objs = []
    for b in budgets:
        if b.pk in final:
            continue  # a finalized budget takes no bookings (the database refuses them)
        links = (cases_by_district.get(b.district_id, []), projects.get((b.district_id, b.year), []))
        objs.extend(_entries_for(ctx, b, today, wjh, others, foster, links))
    ctx.bulk(CostEntry, objs, "Ist-Kosten")


def _entries_for(ctx, b: Budget, today: date, wjh, others, foster, links) -> list[CostEntry]:
    case_ids, project_ids = links
    rng = ctx.rng(f"entries-{b.district.code}-{b.year}-{b.area}")
    months = 12 if b.year < today.year else today.month - 1 if b.year == today.year else 0
    # Most districts stay within budget, some overrun (the pot covers their deficit).
    pace = Decimal(rng.choice(["0.86", "0.90", "0.93", "0.95", "0.97", "1.04"]))
    yearly = b.amount * pace
    per_month = (10 if b.district.name in FEATURED else 2) * ctx.scale
    entries, seq = [], 0
    for month in range(1, months + 1):
        for n in range(per_month):
            category = rng.choices(list(SHARES[b.area]), weights=list(SHARES[b.area].values()))[0]
            seq += 1
            # each entry's expected value: yearly / (12 × per_month), spread ±35 %
            amount = to_money(yearly / (12 * per_month) * Decimal(rng.randint(65, 135)) / 100)
            provider = b.provider
            if category in (CostCategory.EXTERNAL_INVOICES, CostCategory.RESIDENTIAL) and others:
                provider = rng.choice(others)
            elif category == CostCategory.ADVANCE_DEDUCTIONS and foster:
                provider = foster
            case_id = project_id = None
            if project_ids and b.area == Area.YOUTH_HELP and category == CostCategory.CASE_INDEPENDENT:
                project_id = rng.choice(project_ids)
            if case_ids and category in (CostCategory.EXTERNAL_INVOICES, CostCategory.CASE_MATERIAL,
                                         CostCategory.RESIDENTIAL):
                case_id = rng.choice(case_ids)
            entries.append(CostEntry(
                budget=b, booking_date=date(b.year, month, rng.randint(1, 28)), category=category, amount=amount,
                provider=provider, case_id=case_id, microproject_id=project_id, created_by=wjh,
                invoice_number=f"{b.district.code}-{b.year}-{AREA_CODE[b.area]}-{seq:05d}",
                note=NOTES[category].format(name=rng.choice(STAFF)),
            ))
    return entries


def _seed_settlements(ctx: SeedContext, budgets: list[Budget], today: date, wjh: User, lead: User) -> None:
    from django.db.models import Sum

    past = [b for b in budgets if b.year < today.year]
    sums: dict[int, dict[str, Decimal]] = {}
    for budget_id, category, total in (
        CostEntry.objects.filter(budget__in=past).values_list("budget_id", "category").annotate(t=Sum("amount")).order_by()
    ):
        sums.setdefault(budget_id, {})[category] = total
    objs = []
    for b in past:
        costs = {c: to_money(sums.get(b.pk, {}).get(c, Decimal("0"))) for c in CostCategory.values}
        fig = compute(b.amount, costs, b.provider_rate)
        prepared = timezone.make_aware(datetime.combine(date(b.year + 1, 2, 10), time(9)))
        objs.append(Settlement(
            budget=b, status=Settlement.Status.FINAL, amount=fig.amount, provider_rate=b.provider_rate,
            costs={k: str(v) for k, v in costs.items()}, total_costs=fig.total_costs, remainder=fig.remainder,
            provider_share=fig.provider_share, county_share=fig.county_share, prepared_at=prepared, prepared_by=wjh,
            finalized_at=prepared.replace(day=24), finalized_by=lead,
        ))
    ctx.bulk(Settlement, objs, "Abrechnungen")
    _seed_pot_transfer(ctx, today.year - 1, wjh, lead)


def _seed_pot_transfer(ctx: SeedContext, year: int, wjh: User, lead: User) -> None:
    if PotTransfer.objects.filter(year=year).exists():
        return
    deficit = Settlement.objects.filter(budget__year=year, status=Settlement.Status.FINAL, county_share__lt=0) \
        .order_by("county_share").first()
    if deficit is None:
        return
    amount = min(-deficit.county_share, Decimal("50000.00"))
    transfer = PotTransfer.objects.create(
        year=year, settlement=deficit, amount=amount, requested_by=wjh, decided_by=lead,
        status=PotTransfer.Status.APPROVED, decided_at=timezone.now(),
        reason="Mehrere stationäre Unterbringungen (HÜTN) im Herbst; Ausgleich aus dem Überschuss anderer Stadtteile.",
    )
    ctx.count("Umbuchungen Ausgleichstopf", 1 if transfer else 0)
