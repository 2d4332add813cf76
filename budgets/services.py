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
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budgets import settlement as arithmetic
from budgets.models import Budget, CostCategory, CostEntry, Instalment, PotTransfer, Settlement
from juwe.audit import Action, audit_log
from juwe.lib.money import CENT, to_money

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
AMOUNT_ZERO = _("The amount must not be zero.")
DUPLICATE_INVOICE = _("Invoice number %(number)s has already been booked for this provider.")
INVOICE_REQUIRED = _("Please enter the invoice number.")
CASE_OTHER_DISTRICT = _("The case belongs to another district than the budget.")
PROJECT_OTHER_DISTRICT = _("The micro-project is charged to another district than the budget.")
ALREADY_REVERSED = _("This entry has already been reversed.")
CANNOT_REVERSE_REVERSAL = _("A reversing entry cannot be reversed again; book a new entry instead.")
NO_OPEN_BUDGET = _("There is no open budget for %(district)s in %(year)s to book the correction into.")
SETTLEMENT_FINAL = _("The settlement is final and cannot be changed.")
SETTLEMENT_NOT_PREPARED = _("Only a prepared settlement can be finalized.")
SETTLEMENT_STALE = _("The bookings have changed since the settlement was prepared. Prepare it again before finalizing.")
SETTLEMENT_TOO_EARLY = _("A settlement can only be finalized after the end of the budget year.")
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


def _check_amount_and_shares(amount: Decimal, provider_rate: Decimal, county_rate: Decimal) -> None:
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
    _check_amount_and_shares(amount, provider_rate, county_rate)
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
    _check_amount_and_shares(amount, provider_rate, county_rate)
    with transaction.atomic():
        budget = Budget.objects.select_for_update().get(pk=budget.pk)
        if Settlement.objects.filter(budget=budget, status=Settlement.Status.FINAL).exists():
            raise ValidationError(BUDGET_FINAL)
        instalments = list(budget.instalments.select_for_update().order_by("month"))
        paid = sum((i.amount for i in instalments if i.paid_on), Decimal("0.00"))
        if amount < paid:
            raise ValidationError({"amount": [ValidationError(BELOW_PAID, params={"paid": paid})]})
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
) -> CostEntry:
    """Book one actual cost into an open budget."""
    amount = to_money(amount)
    invoice_number = invoice_number.strip()
    errors: dict[str, list] = {}
    if amount == 0:
        errors["amount"] = [AMOUNT_ZERO]
    if not invoice_number:
        errors["invoice_number"] = [INVOICE_REQUIRED]
    if booking_date.year != budget.year:
        errors["booking_date"] = [ValidationError(BOOKING_WRONG_YEAR, params={"year": budget.year})]
    if case is not None and case.district_id != budget.district_id:
        errors["case"] = [CASE_OTHER_DISTRICT]
    if microproject is not None and microproject.budget_district_id != budget.district_id:
        errors["microproject"] = [PROJECT_OTHER_DISTRICT]
    if category not in CostCategory.values:
        errors["category"] = [ValidationError(_("Unknown category."))]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        budget = _lock_open_budget(budget.pk)
        if CostEntry.objects.filter(provider=provider, invoice_number=invoice_number).exists():
            raise ValidationError(
                {"invoice_number": [ValidationError(DUPLICATE_INVOICE, params={"number": invoice_number})]}
            )
        entry = CostEntry.objects.create(
            budget=budget, booking_date=booking_date, category=category, amount=amount, provider=provider,
            invoice_number=invoice_number, case=case, microproject=microproject, note=note.strip(), reverses=reverses,
            created_by=user,
        )
        audit_log(action=Action.CREATE, name="budgets.cost_entry.booked", user=user, obj=entry,
                  data={"amount": str(amount), "category": category, "budget": budget.pk})
    return entry


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
            microproject=entry.microproject,
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


def settlement_figures(budget: Budget) -> tuple[dict[str, Decimal], arithmetic.SettlementFigures]:
    costs = booked_costs(budget)
    return costs, arithmetic.compute(budget.amount, costs, budget.provider_rate)


def settlement_prepare(*, user, budget: Budget) -> Settlement:
    """Economic youth aid prepares (or re-prepares) the settlement from the current bookings."""
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
            "prepared_at": timezone.now(), "prepared_by": user, "status": Settlement.Status.PREPARED,
        }
        settlement, _created = Settlement.objects.update_or_create(budget=budget, defaults=values)
        audit_log(action=Action.UPDATE, name="budgets.settlement.prepared", user=user, obj=settlement,
                  data={"remainder": str(fig.remainder), "total_costs": str(fig.total_costs)})
    return settlement


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
        if {k: str(v) for k, v in costs.items()} != settlement.costs or fig.amount != settlement.amount \
                or budget.provider_rate != settlement.provider_rate:
            raise ValidationError(SETTLEMENT_STALE)
        settlement.status = Settlement.Status.FINAL
        settlement.finalized_at, settlement.finalized_by = timezone.now(), user
        settlement.save(update_fields=["status", "finalized_at", "finalized_by"])
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
            raise ValidationError({"amount": [ValidationError(TRANSFER_TOO_HIGH, params={"open": open_deficit})]})
        balance = pot_balance(year)["balance"]
        if amount > balance:
            raise ValidationError({"amount": [ValidationError(TRANSFER_POT_EMPTY, params={"year": year, "balance": balance})]})
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
                raise ValidationError(TRANSFER_POT_EMPTY, params={"year": transfer.year, "balance": balance})
        transfer.status = PotTransfer.Status.APPROVED if approve else PotTransfer.Status.REJECTED
        transfer.decided_at, transfer.decided_by = timezone.now(), user
        transfer.save(update_fields=["status", "decided_at", "decided_by"])
        audit_log(action=Action.UPDATE, name=f"budgets.pot_transfer.{transfer.status}", user=user, obj=transfer,
                  data={"amount": str(transfer.amount)})
    return transfer


def costs_as_decimals(costs: Mapping[str, str]) -> dict[str, Decimal]:
    """A frozen settlement's per-category figures (stored as strings) back as Decimals."""
    return {c: Decimal(costs.get(c, "0")) for c in CostCategory.values}
