"""Every write of the budgets app: budgets and instalments, cost entries, settlements, the pot.

Each service runs in one transaction and locks the budget row it changes, so a cost entry and
the finalizing of the same budget's settlement are serialised (no booking slips in between).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from budgets import legal_basis
from budgets import settlement as arithmetic
from budgets.models import Budget, CostCategory, CostEntry, Instalment, PotTransfer, Settlement
from juwe.audit import Action, audit_log
from juwe.lib.money import CENT, format_eur, to_money

NEGATIVE_BUDGET = _("The budget amount must not be negative.")
SHARES_NOT_100 = _("Provider share and county share must add up to 100 %.")
RATE_OUT_OF_RANGE = _("A share must lie between 0 and 100 %.")
NO_LEAD_PROVIDER = _("The budget must be held by a lead provider of the district.")
BUDGET_EXISTS = _("There is already a budget for this district, year and area.")
BUDGET_FINAL = _("The settlement of this budget is final; the budget can no longer be changed.")
BELOW_PAID = _("The new amount is lower than the instalments already paid (%(paid)s).")
ALREADY_PAID = _("This instalment is already marked as paid.")
BOOKING_FINAL = _("The settlement for this budget is final; no more bookings can be made into it. Book a correction into an open budget.")
BOOKING_WRONG_YEAR = _("The booking date must lie in the budget year %(year)s.")
AMOUNT_ZERO = _("The amount must not be 0.")
REVERSAL_AMOUNT = _("A reversal books the negative amount of the reversed entry (%(amount)s).")
AMOUNT_NEGATIVE_NOT_REVERSAL = _("A negative amount is only booked as the reversal of an existing entry: "
                                 "choose “Reverse” on that entry in the list of cost entries.")
DUPLICATE_INVOICE = _("Invoice number %(number)s has already been booked for this provider.")
INVOICE_REQUIRED = _("Please enter the invoice number.")
CASE_OTHER_DISTRICT = _("The case belongs to another district than the budget.")
EXCEPTION_ONLY_ECONOMIC_AID = _("Only economic youth aid may book a cost on a case without a legal basis.")
EXCEPTION_WITHOUT_CASE = _("A reason for booking without a legal basis only goes with a case reference.")
MICROPROJECT_NOT_HERE = _(
    "Micro-projects are not paid out of the youth-help budget: book the payment on the micro-project's page, "
    "out of the district's prevention budget."
)
ALREADY_REVERSED = _("This entry has already been reversed.")
CANNOT_REVERSE_REVERSAL = _("A reversing entry cannot be reversed again; book a new entry instead.")
NO_OPEN_BUDGET = _("There is no open budget for %(district)s in %(year)s to book the correction into.")
SETTLEMENT_FINAL = _("The settlement is final and cannot be changed.")
SETTLEMENT_NOT_PREPARED = _("Only a prepared settlement can be finalized.")
SETTLEMENT_STALE = _("The bookings or the paid instalments have changed since the settlement was prepared. Prepare it again before finalizing.")
SETTLEMENT_TOO_EARLY = _("A settlement can only be finalized after the end of the budget year.")
SETTLEMENT_PREPARE_TOO_EARLY = _("A settlement can only be prepared after the end of the budget year, from %(date)s. Until then the page shows a preview of the current figures.")
TRANSFER_NOT_DEFICIT = _("Transfers from the equalisation pot only cover the deficit of a final settlement.")
TRANSFER_TOO_HIGH = _("The transfer exceeds the open deficit (%(open)s).")
TRANSFER_POT_EMPTY = _("The equalisation pot of %(year)s holds only %(balance)s.")
TRANSFER_NOT_POSITIVE = _("The amount must be greater than zero.")
TRANSFER_REASON = _("Please give a reason for the transfer.")
TRANSFER_DECIDED = _("This transfer has already been decided.")

HUNDRED = Decimal("100")


# --- Budgets and instalments ----------------------------------------------------------------------


def instalment_plan(amount: Decimal, months: int = 12) -> list[Decimal]:
    """Split `amount` into `months` instalments; leftover cents go to the first months, sum exact."""
    cents = int(to_money(amount) / CENT)
    base, extra = divmod(cents, months)
    return [(Decimal(base + (1 if i < extra else 0)) * CENT) for i in range(months)]


def check_amount_and_shares(amount: Decimal, provider_rate: Decimal, county_rate: Decimal) -> None:
    errors: dict[str, list] = {}
    if amount < 0:
        errors["amount"] = [NEGATIVE_BUDGET]
    for name, rate in (("provider_rate", provider_rate), ("county_rate", county_rate)):
        if not Decimal("0") <= rate <= HUNDRED:
            errors[name] = [RATE_OUT_OF_RANGE]
    if "provider_rate" not in errors and "county_rate" not in errors and provider_rate + county_rate != HUNDRED:
        errors["county_rate"] = [SHARES_NOT_100]
    if errors:
        raise ValidationError(errors)


def budget_create(
    *,
    user,
    district,
    year: int,
    area: str,
    amount: Decimal,
    provider=None,
    provider_rate: Decimal = Decimal("30"),
    county_rate: Decimal = Decimal("70"),
) -> Budget:
    """Set a district's budget for a year and area and plan its 12 monthly instalments."""
    amount = to_money(amount)
    check_amount_and_shares(amount, provider_rate, county_rate)
    leads = list(district.lead_providers.all())
    if provider is None and len(leads) == 1:
        provider = leads[0]
    if provider is None or provider not in leads:
        raise ValidationError({"provider": [NO_LEAD_PROVIDER]})
    with transaction.atomic():
        if Budget.objects.filter(district=district, year=year, area=area).exists():
            raise ValidationError(BUDGET_EXISTS)
        try:
            with transaction.atomic():
                budget = Budget.objects.create(
                    district=district, year=year, area=area, provider=provider, amount=amount,
                    provider_rate=provider_rate, county_rate=county_rate,
                )
        except IntegrityError:
            raise ValidationError(BUDGET_EXISTS) from None
        Instalment.objects.bulk_create(
            Instalment(budget=budget, month=m, amount=a) for m, a in enumerate(instalment_plan(amount), start=1)
        )
        audit_log(action=Action.CREATE, name="budgets.budget.created", user=user, obj=budget,
                  data={"amount": str(amount), "provider_rate": str(provider_rate)})
    return budget


def budget_update(
    *, user, budget: Budget, amount: Decimal, provider_rate: Decimal, county_rate: Decimal
) -> Budget:
    """Change amount or shares. Paid instalments stay; the open ones are re-planned to the new amount."""
    amount = to_money(amount)
    check_amount_and_shares(amount, provider_rate, county_rate)
    with transaction.atomic():
        budget = Budget.objects.select_for_update().get(pk=budget.pk)
        if Settlement.objects.filter(budget=budget, status=Settlement.Status.FINAL).exists():
            raise ValidationError(BUDGET_FINAL)
        instalments = list(budget.instalments.select_for_update().order_by("month"))
        paid = sum((i.amount for i in instalments if i.paid_on), Decimal("0.00"))
        if amount < paid:
            raise ValidationError({"amount": [ValidationError(BELOW_PAID, params={"paid": format_eur(paid)})]})
        open_ = [i for i in instalments if not i.paid_on]
        if open_:
            for inst, part in zip(open_, instalment_plan(amount - paid, len(open_)), strict=True):
                inst.amount = part
            Instalment.objects.bulk_update(open_, ["amount"])
        old = budget.amount
        budget.amount, budget.provider_rate, budget.county_rate = amount, provider_rate, county_rate
        budget.save(update_fields=["amount", "provider_rate", "county_rate", "updated_at"])
        audit_log(action=Action.UPDATE, name="budgets.budget.changed", user=user, obj=budget,
                  data={"amount_before": str(old), "amount": str(amount), "provider_rate": str(provider_rate)})
    return budget


def instalment_mark_paid(*, user, instalment: Instalment, paid_on: date) -> Instalment:
    with transaction.atomic():
        instalment = Instalment.objects.select_for_update().get(pk=instalment.pk)
        if instalment.paid_on:
            raise ValidationError(ALREADY_PAID)
        instalment.paid_on, instalment.paid_by = paid_on, user
        instalment.save(update_fields=["paid_on", "paid_by"])
        audit_log(action=Action.UPDATE, name="budgets.instalment.paid", user=user, obj=instalment,
                  data={"amount": str(instalment.amount), "paid_on": paid_on.isoformat()})
    return instalment


# --- Cost entries ---------------------------------------------------------------------------------


def _lock_open_budget(budget_id: int) -> Budget:
    budget = Budget.objects.select_for_update().select_related("district").get(pk=budget_id)
    if Settlement.objects.filter(budget_id=budget_id, status=Settlement.Status.FINAL).exists():
        raise ValidationError(BOOKING_FINAL)
    return budget


def cost_entry_create(
    *,
    user,
    budget: Budget,
    booking_date: date,
    category: str,
    amount: Decimal,
    provider,
    invoice_number: str,
    case=None,
    microproject=None,
    note: str = "",
    reverses: CostEntry | None = None,
    service_date: date | None = None,
    exception_reason: str = "",
) -> CostEntry:
    """Book one actual cost into an open budget.

    A cost on a case needs its legal basis on the service date (empty: the booking date), found by
    `legal_basis.find_legal_basis` and stored with the entry (contract or § 42 assessment). Without
    one, economic youth aid may book it with `exception_reason` (listed as an exception); anybody
    else is refused. A reason given although a basis exists is not kept – that booking is no
    exception. A reversal (`reverses`) takes over the basis, service date and reason of the original.
    A micro-project's cost (`microproject`) is refused: micro-projects are paid out of the district's
    prevention frame (microprojects.services.payment_book), not out of the lead provider's budget."""
    amount = to_money(amount)
    invoice_number = invoice_number.strip()
    exception_reason = exception_reason.strip()
    errors: dict[str, list] = {}
    if amount == 0:
        errors["amount"] = [AMOUNT_ZERO]
    elif amount < 0 and reverses is None:
        errors["amount"] = [AMOUNT_NEGATIVE_NOT_REVERSAL]
    elif reverses is not None and amount != -reverses.amount:
        errors["amount"] = [ValidationError(REVERSAL_AMOUNT, params={"amount": format_eur(-reverses.amount)})]
    if not invoice_number:
        errors["invoice_number"] = [INVOICE_REQUIRED]
    if booking_date.year != budget.year:
        errors["booking_date"] = [ValidationError(BOOKING_WRONG_YEAR, params={"year": budget.year})]
    if case is not None and case.district_id != budget.district_id:
        errors["case_reference"] = [CASE_OTHER_DISTRICT]
    if microproject is not None:  # paid out of the prevention frame (microprojects.services.payment_book)
        errors["microproject"] = [MICROPROJECT_NOT_HERE]
    if category not in CostCategory.values:
        errors["category"] = [ValidationError(_("Unknown category."))]
    if exception_reason and case is None:
        errors["exception_reason"] = [EXCEPTION_WITHOUT_CASE]
    if errors:
        raise ValidationError(errors)
    if reverses is not None:
        basis = legal_basis.LegalBasis(reverses.contract_id, reverses.protection_id)
        service_date, exception_reason = reverses.service_date, reverses.exception_reason
    elif case is not None:
        basis, exception_reason = _legal_basis(user, case, service_date or booking_date, budget, category,
                                               exception_reason)
    else:
        basis = legal_basis.LegalBasis()
    with transaction.atomic():
        budget = _lock_open_budget(budget.pk)
        if CostEntry.objects.filter(provider=provider, invoice_number=invoice_number).exists():
            raise ValidationError(
                {"invoice_number": [ValidationError(DUPLICATE_INVOICE, params={"number": invoice_number})]}
            )
        entry = CostEntry.objects.create(
            budget=budget, booking_date=booking_date, category=category, amount=amount, provider=provider,
            invoice_number=invoice_number, case=case, note=note.strip(), reverses=reverses,
            # Only the reversal of a booking from before micro-projects left this budget keeps its link.
            microproject_id=reverses.microproject_id if reverses is not None else None,
            created_by=user, service_date=service_date, contract_id=basis.contract_id,
            protection_id=basis.protection_id, exception_reason=exception_reason,
        )
        data = {"amount": str(amount), "category": category, "budget": budget.pk}
        if exception_reason:
            data["exception_reason"] = exception_reason
        audit_log(action=Action.CREATE, name="budgets.cost_entry.booked", user=user, obj=entry, data=data)
    return entry


def _legal_basis(user, case, service_date: date, budget: Budget, category: str,
                 exception_reason: str) -> tuple[legal_basis.LegalBasis, str]:
    """The basis of a booking on `case`, and the exception reason to keep (empty when there is a basis)."""
    try:
        return legal_basis.find_legal_basis(case=case, service_date=service_date, budget=budget,
                                            category=category), ""
    except legal_basis.NoLegalBasis as refusal:
        if not (refusal.exception_allowed and exception_reason):
            raise
        if not user.has_perm("budgets.book_without_legal_basis"):
            raise ValidationError({**refusal.error_dict, "exception_reason": [EXCEPTION_ONLY_ECONOMIC_AID]}) from None
        return legal_basis.LegalBasis(), exception_reason


def cost_entry_reverse(*, user, entry: CostEntry, booking_date: date, note: str = "") -> CostEntry:
    """Correct a booking by a reversing entry (same amount, negative) in the open budget of the
    same district and area for `booking_date` – the original stays as it was."""
    if entry.reverses_id:
        raise ValidationError(CANNOT_REVERSE_REVERSAL)
    if CostEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(ALREADY_REVERSED)
    original = entry.budget
    target = Budget.objects.filter(district_id=original.district_id, area=original.area, year=booking_date.year).first()
    if target is None or Settlement.objects.filter(budget=target, status=Settlement.Status.FINAL).exists():
        raise ValidationError(NO_OPEN_BUDGET, params={"district": original.district, "year": booking_date.year})
    try:
        return cost_entry_create(
            user=user, budget=target, booking_date=booking_date, category=entry.category, amount=-entry.amount,
            provider=entry.provider, invoice_number=f"{entry.invoice_number}-ST", case=entry.case,
            note=note or _("Reversal of %(number)s") % {"number": entry.invoice_number}, reverses=entry,
        )
    except IntegrityError:  # a concurrent reversal won the race on the one-to-one link
        raise ValidationError(ALREADY_REVERSED) from None


# --- Settlement -----------------------------------------------------------------------------------


def booked_costs(budget: Budget) -> dict[str, Decimal]:
    """Sum of the actual costs per category (every category present, zero where nothing is booked)."""
    sums = dict(
        CostEntry.objects.filter(budget=budget).values_list("category").annotate(total=Sum("amount")).order_by()
    )
    return {c: to_money(sums.get(c, Decimal("0"))) for c in CostCategory.values}


def instalments_paid(budget: Budget) -> Decimal:
    """What the provider has received: the sum of the budget's instalments with a payment date."""
    paid = Instalment.objects.filter(budget=budget, paid_on__isnull=False).aggregate(s=Sum("amount"))["s"]
    return to_money(paid or Decimal("0"))


def settlement_figures(budget: Budget) -> tuple[dict[str, Decimal], arithmetic.SettlementFigures]:
    """The settlement as it would be from the current bookings and paid instalments (two queries)."""
    costs = booked_costs(budget)
    return costs, arithmetic.compute(budget.amount, costs, budget.provider_rate, instalments_paid(budget))


def settlement_can_be_prepared_from(budget: Budget) -> date:
    """The first day a settlement of `budget` can be prepared: 1 January of the following year."""
    return date(budget.year + 1, 1, 1)


def settlement_prepare(*, user, budget: Budget, today: date | None = None) -> Settlement:
    """Economic youth aid prepares (or re-prepares) the settlement from the current bookings and
    paid instalments – only once the budget year is over (during the year the page shows a preview)."""
    today = today or timezone.localdate()
    start = settlement_can_be_prepared_from(budget)
    if today < start:
        raise ValidationError(SETTLEMENT_PREPARE_TOO_EARLY, params={"date": formats.date_format(start, "DATE_FORMAT")})
    with transaction.atomic():
        budget = Budget.objects.select_for_update().get(pk=budget.pk)
        existing = Settlement.objects.filter(budget=budget).first()
        if existing and existing.is_final:
            raise ValidationError(SETTLEMENT_FINAL)
        costs, fig = settlement_figures(budget)
        values = {
            "amount": fig.amount, "provider_rate": budget.provider_rate,
            "costs": {k: str(v) for k, v in costs.items()}, "total_costs": fig.total_costs,
            "remainder": fig.remainder, "provider_share": fig.provider_share, "county_share": fig.county_share,
            "instalments_paid": fig.instalments_paid, "payment": fig.payment,
            "prepared_at": timezone.now(), "prepared_by": user, "status": Settlement.Status.PREPARED,
        }
        settlement, _created = Settlement.objects.update_or_create(budget=budget, defaults=values)
        audit_log(action=Action.UPDATE, name="budgets.settlement.prepared", user=user, obj=settlement,
                  data={"remainder": str(fig.remainder), "total_costs": str(fig.total_costs),
                        "instalments_paid": str(fig.instalments_paid), "payment": str(fig.payment)})
    return settlement


def settlement_is_stale(settlement: Settlement, costs: Mapping[str, Decimal],
                        fig: arithmetic.SettlementFigures, provider_rate: Decimal) -> bool:
    """Whether a prepared settlement no longer matches the bookings, the budget or the paid
    instalments (a settlement prepared before the instalments were kept counts as changed)."""
    return ({k: str(v) for k, v in costs.items()} != settlement.costs or fig.amount != settlement.amount
            or provider_rate != settlement.provider_rate or settlement.instalments_paid is None
            or fig.instalments_paid != settlement.instalments_paid)


def settlement_finalize(*, user, settlement: Settlement, today: date | None = None) -> Settlement:
    """Leadership finalizes a prepared settlement: its figures are frozen, the budget's bookings closed."""
    today = today or timezone.localdate()
    with transaction.atomic():
        budget = Budget.objects.select_for_update().get(pk=settlement.budget_id)
        settlement = Settlement.objects.select_for_update().get(pk=settlement.pk)
        if settlement.is_final:
            raise ValidationError(SETTLEMENT_FINAL)
        if today.year <= budget.year:
            raise ValidationError(SETTLEMENT_TOO_EARLY)
        costs, fig = settlement_figures(budget)
        if settlement_is_stale(settlement, costs, fig, budget.provider_rate):
            raise ValidationError(SETTLEMENT_STALE)
        settlement.status = Settlement.Status.FINAL
        settlement.finalized_at, settlement.finalized_by = timezone.now(), user
        # Frozen with the figures: what the statement shows around them (district, provider, chart).
        from budgets.selectors import budget_position  # late: the selectors read what services write

        settlement.snapshot = arithmetic.statement_snapshot(settlement, budget, budget_position(user, budget, today))
        settlement.save(update_fields=["status", "finalized_at", "finalized_by", "snapshot"])
        audit_log(action=Action.UPDATE, name="budgets.settlement.finalized", user=user, obj=settlement,
                  data={"remainder": str(settlement.remainder), "provider_share": str(settlement.provider_share),
                        "county_share": str(settlement.county_share)})
    return settlement


# --- Equalisation pot -----------------------------------------------------------------------------


def pot_balance(year: int) -> dict[str, Decimal]:
    """Inflow (county shares of the year's final settlements with a surplus), approved transfers, balance."""
    inflow = Settlement.objects.filter(
        budget__year=year, status=Settlement.Status.FINAL, county_share__gt=0
    ).aggregate(s=Sum("county_share"))["s"] or Decimal("0.00")
    out = PotTransfer.objects.filter(year=year, status=PotTransfer.Status.APPROVED).aggregate(s=Sum("amount"))["s"]
    out = out or Decimal("0.00")
    return {"inflow": inflow, "transferred": out, "balance": inflow - out}


def _open_deficit(settlement: Settlement, exclude: int | None = None) -> Decimal:
    covered = PotTransfer.objects.filter(settlement=settlement).filter(
        Q(status=PotTransfer.Status.APPROVED) | Q(status=PotTransfer.Status.REQUESTED)
    ).exclude(pk=exclude).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    return -settlement.county_share - covered


def _lock_pot(year: int) -> None:
    # One transaction at a time may move money out of a year's pot.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('budgets.pot'), %s)", [year])


def pot_transfer_request(*, user, settlement: Settlement, year: int, amount: Decimal, reason: str) -> PotTransfer:
    """Request money from the pot of `year` to cover the deficit of a final settlement."""
    amount = to_money(amount)
    if amount <= 0:
        raise ValidationError({"amount": [TRANSFER_NOT_POSITIVE]})
    if not reason.strip():
        raise ValidationError({"reason": [TRANSFER_REASON]})
    if not settlement.is_final or settlement.county_share >= 0:
        raise ValidationError(TRANSFER_NOT_DEFICIT)
    with transaction.atomic():
        _lock_pot(year)
        open_deficit = _open_deficit(settlement)
        if amount > open_deficit:
            raise ValidationError({"amount": [ValidationError(TRANSFER_TOO_HIGH, params={"open": format_eur(open_deficit)})]})
        balance = pot_balance(year)["balance"]
        if amount > balance:
            raise ValidationError({"amount": [ValidationError(TRANSFER_POT_EMPTY, params={"year": year, "balance": format_eur(balance)})]})
        transfer = PotTransfer.objects.create(
            year=year, settlement=settlement, amount=amount, reason=reason.strip(), requested_by=user
        )
        audit_log(action=Action.CREATE, name="budgets.pot_transfer.requested", user=user, obj=transfer,
                  data={"amount": str(amount), "year": year})
    return transfer


def pot_transfer_decide(*, user, transfer: PotTransfer, approve: bool) -> PotTransfer:
    """Leadership approves (the money leaves the pot) or rejects a requested transfer."""
    with transaction.atomic():
        _lock_pot(transfer.year)
        transfer = PotTransfer.objects.select_for_update().get(pk=transfer.pk)
        if transfer.status != PotTransfer.Status.REQUESTED:
            raise ValidationError(TRANSFER_DECIDED)
        if approve:
            balance = pot_balance(transfer.year)["balance"]
            if transfer.amount > balance:
                raise ValidationError(TRANSFER_POT_EMPTY, params={"year": transfer.year, "balance": format_eur(balance)})
        transfer.status = PotTransfer.Status.APPROVED if approve else PotTransfer.Status.REJECTED
        transfer.decided_at, transfer.decided_by = timezone.now(), user
        transfer.save(update_fields=["status", "decided_at", "decided_by"])
        audit_log(action=Action.UPDATE, name=f"budgets.pot_transfer.{transfer.status}", user=user, obj=transfer,
                  data={"amount": str(transfer.amount)})
    return transfer


def costs_as_decimals(costs: Mapping[str, str]) -> dict[str, Decimal]:
    """A frozen settlement's per-category figures (stored as strings) back as Decimals."""
    return {c: Decimal(costs.get(c, "0")) for c in CostCategory.values}
