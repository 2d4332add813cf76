"""Demo budgets: every demo district has a youth-help and an integration-help budget for the last
two years and this one; five large districts carry budgets of 0.5–3.0 million EUR as in
Nordfriesland. Each budget has its instalments and a year of cost entries in all categories; the
past years are settled (final), one deficit is covered from the equalisation pot.
Volumes of cost entries × scale.

Costs on a case keep § 36a SGB VIII as a booking does (budgets.legal_basis): they are booked only
inside an approved contract of the case or a taking into care (§ 42), dated on a service day in its
period, linked to it, in a category that fits its help and the budget's area; without such help
in the month the cost has no case. A handful of exceptions (costs before a contract began, with
economic youth aid's reason) fill the exceptions page.

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
        _seed_exceptions(ctx, budgets, today, wjh)
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


def _seed_entries(ctx: SeedContext, budgets: list[Budget], today: date, wjh: User) -> None:
    final = set(Settlement.objects.filter(status=Settlement.Status.FINAL).values_list("budget_id", flat=True))
    others = list(Provider.objects.exclude(lead_districts__isnull=False).order_by("name"))
    foster = Provider.objects.filter(name__startswith="Pflegekinderdienst").first()
    cases_by_district = _decided_help_by_district()
    objs = []
    for b in budgets:
        if b.pk in final:
            continue  # a finalized budget takes no bookings (the database refuses them)
        objs.extend(_entries_for(ctx, b, today, wjh, others, foster, cases_by_district.get(b.district_id, [])))
    ctx.bulk(CostEntry, objs, "Ist-Kosten")


def _entries_for(ctx, b: Budget, today: date, wjh, others, foster, bases) -> list[CostEntry]:
    case_links = _CaseLinks(b, bases)
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
            entry = CostEntry(
                budget=b, booking_date=date(b.year, month, rng.randint(1, 28)), category=category, amount=amount,
                provider=provider, created_by=wjh,
                invoice_number=f"{b.district.code}-{b.year}-{AREA_CODE[b.area]}-{seq:05d}",
                note=NOTES[category].format(name=rng.choice(STAFF)),
            )
            case_links.link(rng, entry, month, others)
            entries.append(entry)
    return entries


# A cost on a case only inside the legal basis of the case (§ 36a SGB VIII, budgets.legal_basis).
CASE_LINKED = (CostCategory.EXTERNAL_INVOICES, CostCategory.CASE_MATERIAL, CostCategory.RESIDENTIAL,
               CostCategory.ADVANCE_DEDUCTIONS)
CARE_SHARE = 0.2  # of the case costs in a month with a taking into care, the part booked on it
CARE_NOTES = {
    CostCategory.ADVANCE_DEDUCTIONS: "Bereitschaftspflege nach Inobhutnahme (§ 42)",
    CostCategory.RESIDENTIAL: "Inobhutnahmestelle (§ 42), Entgelt",
    CostCategory.EXTERNAL_INVOICES: "Kinder- und Jugendnotdienst (§ 42), Rechnung",
    CostCategory.CASE_MATERIAL: "Erstausstattung nach Inobhutnahme (§ 42)",
}


class _CaseLinks:
    """The decided help of a budget's district, by month and category: which cases a cost of that
    month and category may be booked on. The same rules as a booking (legal_basis)."""

    def __init__(self, budget: Budget, bases: list[tuple[int, str, object]]):
        from budgets import legal_basis

        self.budget = budget
        self.bases = [(case_id, basis, legal_basis.fitting_categories(basis, budget.provider_id))
                      for case_id, _ref, basis in bases if legal_basis.basis_area(basis) == budget.area]
        self.cache: dict[tuple[int, str], list] = {}

    def candidates(self, month: int, category: str) -> list:
        key = (month, category)
        if key not in self.cache:
            first = date(self.budget.year, month, 1)
            last = date(self.budget.year, month, monthrange(self.budget.year, month)[1])
            self.cache[key] = [(case_id, basis, max(basis.start, first), min(basis.end, last))
                               for case_id, basis, fits in self.bases
                               if category in fits and basis.start <= last and basis.end >= first]
        return self.cache[key]

    def link(self, rng, entry: CostEntry, month: int, others: list[Provider]) -> None:
        """Put `entry` on a case whose decided help covers a day of the month and fits its category,
        dated inside that help; leave it without a case when there is none."""
        from cases.contracts import TakingIntoCare

        if entry.category not in CASE_LINKED:
            return
        options = self.candidates(month, entry.category)
        contracts = [o for o in options if not isinstance(o[1], TakingIntoCare)]
        cares = [o for o in options if isinstance(o[1], TakingIntoCare)]
        if cares and (not contracts or rng.random() < CARE_SHARE):
            if not contracts and rng.random() >= CARE_SHARE:
                return  # e.g. foster money of long-term foster children: no case link in the demo
            options = cares
        elif contracts:
            options = contracts
        else:
            return
        case_id, basis, first, last = rng.choice(options)
        entry.case_id = case_id
        entry.service_date = first + timedelta(days=rng.randint(0, (last - first).days))
        month_end = date(self.budget.year, month, monthrange(self.budget.year, month)[1])
        entry.booking_date = entry.service_date + timedelta(days=rng.randint(0, (month_end - entry.service_date).days))
        if isinstance(basis, TakingIntoCare):
            entry.protection_id = basis.pk
            entry.note = CARE_NOTES[entry.category]
            if entry.category in (CostCategory.EXTERNAL_INVOICES, CostCategory.RESIDENTIAL) and others:
                entry.provider = rng.choice(others)
            return
        entry.contract_id = basis.pk
        if entry.category in (CostCategory.EXTERNAL_INVOICES, CostCategory.RESIDENTIAL) and basis.provider_id:
            entry.provider_id = basis.provider_id  # the provider that gives the help sends the invoice


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
