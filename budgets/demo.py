"""Demo budgets: every demo district has a youth-help and an integration-help budget for the last
two years and this one, planned from the district's helps (what last year's approved contracts cost
when invoiced on their cases, plus the lead provider's flat part), growing 2.6 % a year. Each budget
has its instalments and its cost entries up to yesterday; the past years are settled (final), one
deficit is covered from the equalisation pot.

Most case costs are booked on their cases, keeping § 36a SGB VIII as a booking does
(budgets.legal_basis): per month of an approved contract its monthly cost (pro rata in the first and
last month), dated on a service day inside the approval, linked to it, in the category that fits
the help (§ 34 residential, § 33 foster money, other helps invoices of a provider other than the
lead provider – the lead provider's own help is paid through its personnel costs); emergency
placements on their taking into care (§ 42); some material costs. The rest of a year's costs are
flat payments, so that the year ends near its budget. A handful of exceptions (costs before a
contract began, with economic youth aid's reason) fill the exceptions page. Volumes follow the
helps (and so --scale); flat entries × scale.

Micro-projects are not booked here: they are paid out of the district's prevention frame
(microprojects.demo seeds those payments); case-independent work is the lead provider's own."""

from __future__ import annotations

from calendar import monthrange
from datetime import date, datetime, time, timedelta
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


# The flat payments (not booked on a case): the lead provider's personnel and overhead, its work
# in the district, foster money of long-term foster children, invoices paid as lump sums.
FLAT_SHARES = {
    CostCategory.PERSONNEL: 30, CostCategory.OVERHEAD: 8, CostCategory.CASE_INDEPENDENT: 5,
    CostCategory.ADVANCE_DEDUCTIONS: 4, CostCategory.EXTERNAL_INVOICES: 5, CostCategory.CASE_MATERIAL: 2,
}
CASE_PART = Decimal("0.55")  # the budget planned for the helps booked on cases; the rest is flat
MIN_FLAT_PART = Decimal("0.2")  # of a year's costs, at least (the lead provider's staff is paid anyway)
FLOOR = {Area.YOUTH_HELP: Decimal("80000"), Area.INTEGRATION_HELP: Decimal("20000")}  # a district's least budget
GROWTH = Decimal("1.026")  # budgets grew about 2.6 % a year (Bremen's cost growth)
CARE_PER_DAY = 185  # EUR per day in an emergency placement (§ 42)
MATERIAL_SHARE = 0.15  # of the months of a help with material costs on the case besides the invoice


def seed(ctx: SeedContext) -> None:
    today = timezone.localdate()
    years = [today.year - 2, today.year - 1, today.year]
    wjh = User.objects.filter(username="wjh").first()
    lead = User.objects.filter(username="leitung").first()
    if wjh is None or lead is None:
        return
    bases = _decided_help_by_district()
    with transaction.atomic():
        budgets = _seed_budgets(ctx, years, bases)
        _seed_instalments(ctx, budgets, today)
    with transaction.atomic():
        _seed_entries(ctx, budgets, today, wjh, bases)
        _seed_exceptions(ctx, budgets, today, wjh)
    with transaction.atomic():
        _seed_settlements(ctx, budgets, today, wjh, lead)


def _invoice_category(basis, lead_provider_id: int | None) -> str | None:
    """The category a contract's monthly cost is invoiced under in a budget held by `lead_provider_id`
    (None: the lead provider's own help, paid through its personnel costs, not invoiced per case)."""
    from cases.models import HelpType

    if basis.help_type == HelpType.RESIDENTIAL:
        return CostCategory.RESIDENTIAL
    if basis.help_type == HelpType.FOSTER_CARE:
        return CostCategory.ADVANCE_DEDUCTIONS  # foster money
    if basis.help_type == HelpType.DISTRICT:
        return CostCategory.CASE_MATERIAL
    if basis.provider_id is not None and basis.provider_id != lead_provider_id:
        return CostCategory.EXTERNAL_INVOICES
    return None


def _months_of(basis, year: int, until: date):
    """(month, first covered day, last covered day, days in month) of `basis` in `year`, up to `until`."""
    for month in range(1, 13):
        first, days = date(year, month, 1), monthrange(year, month)[1]
        last = date(year, month, days)
        if first > until:
            return
        start, end = max(basis.start, first), min(basis.end, last, until)
        if start <= end:
            yield month, start, end, days


def _case_costs(bases, costs: dict[int, Decimal], area: str, lead_provider_id, year: int) -> Decimal:
    """What the contracts of a district cost in `year` when invoiced on their cases (the plan of its budget)."""
    from budgets import legal_basis
    from cases.contracts import TakingIntoCare

    total = Decimal("0")
    for _case_id, _ref, basis in bases:
        if isinstance(basis, TakingIntoCare) or legal_basis.basis_area(basis) != area:
            continue
        if _invoice_category(basis, lead_provider_id) is None:
            continue
        for _m, start, end, days in _months_of(basis, year, date(year, 12, 31)):
            total += costs.get(basis.pk, Decimal("0")) * ((end - start).days + 1) / days
    return total


def _amount(ctx: SeedContext, district: District, area: str, year: int, this_year: int, planned: Decimal) -> Decimal:
    """The budget of a year: what last year's helps booked on cases cost, plus the flat part, grown
    by GROWTH a year – so budgets fit the district's helps (and --scale); a little noise per district."""
    rng = ctx.rng(f"budget-amount-{district.code}-{area}")
    base = (planned / CASE_PART + FLOOR[area]) * Decimal(rng.randint(96, 106)) / 100
    base = base.quantize(Decimal("1000"))
    return to_money(base * (GROWTH ** (year - this_year + 1)))


def _seed_budgets(ctx: SeedContext, years: list[int], bases) -> list[Budget]:
    from cases.models import Contract

    costs = dict(Contract.objects.filter(approved_at__isnull=False).values_list("id", "monthly_cost"))
    objs = []
    districts = District.objects.prefetch_related("lead_providers").order_by("code")
    for district in districts:
        leads = list(district.lead_providers.all())
        if not leads:
            continue
        for area in Area.values:
            planned = _case_costs(bases.get(district.pk, []), costs, area, leads[0].pk, years[-1] - 1)
            for year in years:
                objs.append(Budget(district=district, year=year, area=area, provider=leads[0],
                                   amount=_amount(ctx, district, area, year, years[-1], planned)))
    ctx.bulk(Budget, objs, "Budgets")
    return list(Budget.objects.filter(year__in=years).select_related("district", "provider"))


def _seed_instalments(ctx: SeedContext, budgets: list[Budget], today: date) -> None:
    objs = []
    for b in budgets:
        for month, amount in enumerate(instalment_plan(b.amount), start=1):
            due = date(b.year, month, 5)
            objs.append(Instalment(budget=b, month=month, amount=amount, paid_on=due if due <= today else None))
    ctx.bulk(Instalment, objs, "Abschläge")


def _decided_help_by_district() -> dict[int, list[tuple[int, str, object]]]:
    """Per district: (case id, reference, basis) for every approved contract and taking into care (§ 42)."""
    from cases.contracts import decided_help
    from cases.models import Case

    cases = list(Case.objects.values_list("id", "district_id", "reference").order_by("id"))
    decided = decided_help(pk for pk, _d, _r in cases)
    result: dict[int, list[tuple[int, str, object]]] = {}
    for case_id, district_id, reference in cases:
        help_ = decided[case_id]
        for basis in [*help_.contracts, *help_.takings_into_care]:
            result.setdefault(district_id, []).append((case_id, reference, basis))
    return result


def _seed_entries(ctx: SeedContext, budgets: list[Budget], today: date, wjh: User, bases) -> None:
    from cases.models import Contract

    final = set(Settlement.objects.filter(status=Settlement.Status.FINAL).values_list("budget_id", flat=True))
    others = list(Provider.objects.exclude(lead_districts__isnull=False).order_by("name"))
    foster = Provider.objects.filter(name__startswith="Pflegekinderdienst").first()
    costs = dict(Contract.objects.filter(approved_at__isnull=False).values_list("id", "monthly_cost"))
    objs = []
    for b in budgets:
        if b.pk in final:
            continue  # a finalized budget takes no bookings (the database refuses them)
        objs.extend(_entries_for(ctx, b, today, wjh, others, foster, bases.get(b.district_id, []), costs))
    ctx.bulk(CostEntry, objs, "Ist-Kosten")


def _entries_for(ctx, b: Budget, today: date, wjh, others, foster, bases, costs) -> list[CostEntry]:
    """A budget year's bookings up to yesterday: the helps on their cases (the monthly cost of each
    approved contract per month of help, emergency placements on their taking into care), the rest
    flat – together about the budget (most districts a little below it, some above)."""
    if b.year > today.year:
        return []
    rng = ctx.rng(f"entries-{b.district.code}-{b.year}-{b.area}")
    until = min(date(b.year, 12, 31), today - timedelta(days=1))
    seq = 0

    def entry(**fields) -> CostEntry:
        nonlocal seq
        seq += 1
        return CostEntry(budget=b, created_by=wjh, invoice_number=f"{b.district.code}-{b.year}-{AREA_CODE[b.area]}-{seq:05d}",
                         **fields)

    entries = _case_entries(rng, b, until, bases, costs, others, entry)
    on_cases = sum((e.amount for e in entries), Decimal("0"))
    # The flat part: what is left of the year's costs, at least MIN_FLAT_PART of them.
    pace = Decimal(rng.choice(["0.90", "0.93", "0.95", "0.96", "0.97", "0.99", "1.03"]))
    elapsed = Decimal((until - date(b.year, 1, 1)).days + 1) / (366 if b.year % 4 == 0 else 365)
    yearly = b.amount * pace * elapsed
    flat = max(yearly - on_cases, yearly * MIN_FLAT_PART)
    per_month = (3 if b.district.name in FEATURED else 1) * ctx.scale
    months = until.month
    # A month under way gets its part so far (as many days as have passed), booked on those days.
    parts = [Decimal(1)] * (months - 1) + [Decimal(until.day) / monthrange(b.year, months)[1]]
    categories = list(FLAT_SHARES)
    weights = list(FLAT_SHARES.values())
    for month, part in enumerate(parts, start=1):
        last_day = min(until.day, 28) if month == until.month and part < 1 else 28
        for _n in range(per_month):
            category = rng.choices(categories, weights=weights)[0]
            amount = to_money(flat * part / (sum(parts) * per_month) * Decimal(rng.randint(70, 130)) / 100)
            provider = b.provider
            if category == CostCategory.EXTERNAL_INVOICES and others:
                provider = rng.choice(others)
            elif category == CostCategory.ADVANCE_DEDUCTIONS and foster:
                provider = foster
            entries.append(entry(booking_date=date(b.year, month, rng.randint(1, last_day)), category=category,
                                 amount=amount, provider=provider, note=NOTES[category].format(name=rng.choice(STAFF))))
    return entries


def _case_entries(rng, b: Budget, until: date, bases, costs, others, entry) -> list[CostEntry]:
    """The costs of the district's decided help booked on their cases (§ 36a: inside the approval,
    in a category that fits the help and the budget's area), per month of help up to `until`."""
    from budgets import legal_basis
    from cases.contracts import TakingIntoCare

    entries = []
    for case_id, _ref, basis in bases:
        if legal_basis.basis_area(basis) != b.area:
            continue
        care = isinstance(basis, TakingIntoCare)
        category = CostCategory.RESIDENTIAL if care else _invoice_category(basis, b.provider_id)
        for month, start, end, days in _months_of(basis, b.year, until):
            booked = start + timedelta(days=rng.randint(0, (end - start).days))
            booked = max(booked, end) if end.day == days else booked  # a whole month: invoiced at its end
            covered = (end - start).days + 1
            if care:
                entries.append(entry(booking_date=min(booked, until), service_date=start, category=category,
                                     amount=to_money(Decimal(CARE_PER_DAY * covered)), case_id=case_id,
                                     protection_id=basis.pk, note=CARE_NOTES[category],
                                     provider=rng.choice(others) if others else b.provider))
                continue
            if category is not None and costs.get(basis.pk):
                amount = to_money(costs[basis.pk] * covered / days)
                provider_id = basis.provider_id if category != CostCategory.CASE_MATERIAL else b.provider_id
                entries.append(entry(booking_date=min(booked, until), service_date=start, category=category,
                                     amount=amount, case_id=case_id, contract_id=basis.pk, provider_id=provider_id,
                                     note=CONTRACT_NOTES[category].format(month=f"{month:02d}/{b.year}")))
            if rng.random() < MATERIAL_SHARE:
                entries.append(entry(booking_date=min(booked, until), service_date=start,
                                     category=CostCategory.CASE_MATERIAL, amount=to_money(Decimal(rng.randrange(40, 400, 5))),
                                     case_id=case_id, contract_id=basis.pk, provider_id=b.provider_id,
                                     note=NOTES[CostCategory.CASE_MATERIAL]))
    return entries


CONTRACT_NOTES = {
    CostCategory.RESIDENTIAL: "Wohngruppe (HÜTN), Entgelt {month}",
    CostCategory.ADVANCE_DEDUCTIONS: "Pflegegeld Vollzeitpflege {month}",
    CostCategory.EXTERNAL_INVOICES: "Rechnung des Trägers für die Hilfe, {month}",
    CostCategory.CASE_MATERIAL: "Hilfe im Sozialraum: Sachkosten {month}",
}
CARE_NOTES = {
    CostCategory.RESIDENTIAL: "Inobhutnahmestelle (§ 42), Entgelt",
}


# At most a handful of bookings on a case without a legal basis, each with the reason economic youth
# aid gave (listed on the exceptions page).
EXCEPTION_REASONS = [
    "Eilfall: Die Hilfe begann vor dem Kontraktgespräch; der Kontrakt wurde am {date} nachträglich bewilligt.",
    "Nachträgliche Entscheidung: Kostenzusage der Referatsleitung vom {date} für die Zeit vor dem Kontrakt.",
    "Selbstbeschaffte Hilfe (§ 36a Abs. 3 SGB VIII): Voraussetzungen geprüft, Kosten bis zum Kontrakt am {date} "
    "übernommen.",
    "Zuständigkeitswechsel: Leistungen des bisher zuständigen Jugendamts bis zum Kontraktbeginn am {date} erstattet.",
]


def _seed_exceptions(ctx: SeedContext, budgets: list[Budget], today: date, wjh: User) -> None:
    """In this year's youth-help budgets, the large districts first: a cost in the days before a
    contract began (the decision came afterwards), booked as an exception with its reason. Once."""
    from budgets import legal_basis
    from cases.contracts import DecidedHelp

    if CostEntry.objects.exclude(exception_reason="").exists():
        return
    final = set(Settlement.objects.filter(status=Settlement.Status.FINAL).values_list("budget_id", flat=True))
    targets = [b for b in budgets if b.year == today.year and b.area == Area.YOUTH_HELP and b.pk not in final]
    by_district = _decided_help_by_district()
    rng = ctx.rng("entries-exceptions")
    objs: list[CostEntry] = []
    for b in sorted(targets, key=lambda b: (b.district.name not in FEATURED, b.district.code)):
        if len(objs) == len(EXCEPTION_REASONS):
            break
        reason = EXCEPTION_REASONS[len(objs)]
        per_case: dict[int, tuple[str, DecidedHelp]] = {}
        for case_id, reference, basis in by_district.get(b.district_id, []):
            decided = per_case.setdefault(case_id, (reference, DecidedHelp([], [])))[1]
            (decided.takings_into_care if isinstance(basis, legal_basis.TakingIntoCare) else decided.contracts).append(basis)
        for case_id, (reference, decided) in sorted(per_case.items()):
            contract = next((c for c in decided.contracts if date(b.year, 1, 20) <= c.start < today), None)
            if contract is None:
                continue
            service = contract.start - timedelta(days=rng.randint(5, 15))
            try:
                legal_basis.match(reference=reference, decided=decided, service_date=service, area=b.area,
                                  lead_provider_id=b.provider_id, category=CostCategory.CASE_MATERIAL)
            except legal_basis.NoLegalBasis as refusal:
                if not refusal.exception_allowed:
                    continue
            else:
                continue  # covered after all: no exception
            objs.append(CostEntry(
                budget=b, booking_date=min(contract.start + timedelta(days=rng.randint(1, 10)), today),
                service_date=service, category=CostCategory.CASE_MATERIAL, provider=b.provider, case_id=case_id,
                amount=to_money(Decimal(rng.randint(80, 900))), created_by=wjh,
                invoice_number=f"{b.district.code}-{b.year}-{AREA_CODE[b.area]}-A{len(objs) + 1:02d}",
                note="Fahrtkosten und Material vor Kontraktbeginn",
                exception_reason=reason.format(date=f"{contract.start:%d.%m.%Y}"),
            ))
            break
    ctx.bulk(CostEntry, objs, "Ist-Kosten (Ausnahmen ohne Kontrakt)")


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
        fig = compute(b.amount, costs, b.provider_rate, b.amount)  # a past year's instalments are all paid
        prepared = timezone.make_aware(datetime.combine(date(b.year + 1, 2, 10), time(9)))
        objs.append(Settlement(
            budget=b, status=Settlement.Status.FINAL, amount=fig.amount, provider_rate=b.provider_rate,
            costs={k: str(v) for k, v in costs.items()}, total_costs=fig.total_costs, remainder=fig.remainder,
            provider_share=fig.provider_share, county_share=fig.county_share, instalments_paid=fig.instalments_paid,
            payment=fig.payment, prepared_at=prepared, prepared_by=wjh,
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
