"""District budgets held by a lead provider, settled by the Hausfrauenmodell.

A budget (district × year × area) is paid to the lead provider in 12 instalments. Every euro
spent is an actual-cost entry (Ist-Kosten). At year end the settlement compares the budget
with the actual costs: a surplus is split between provider and county by the budget's shares,
a deficit is carried by the county. A final settlement freezes its figures; the database
refuses any change to the cost entries of a budget whose settlement is final.
"""

import uuid
from datetime import timedelta
from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from juwe.lib.money import format_eur
from juwe.models import District, Provider

# What a form or service says when one of the rows' invariants below is hit (the services check
# first, with the same text on the field; these are the last line, so no constraint's name ever
# reaches a user).
BUDGET_EXISTS = _("There is already a budget for this district, year and area.")
NEGATIVE_BUDGET = _("The budget amount must not be negative.")
SHARES_NOT_100 = _("Provider share and county share must add up to 100 %.")
INSTALMENT_TWICE = _("The budget already has an instalment for this month.")
INSTALMENT_NEGATIVE = _("An instalment must not be negative.")
INSTALMENT_MONTH = _("The month of an instalment lies between 1 and 12.")
INVOICE_BOOKED = _("This invoice number has already been booked for this provider.")
INVOICE_REQUIRED = _("Please enter the invoice number.")
AMOUNT_ZERO = _("The amount must not be 0.")
SETTLEMENT_SHARES = _("Provider share and county share must add up to the remainder.")
SETTLEMENT_FINALIZER = _("A final settlement records who finalized it and when.")
TRANSFER_NOT_POSITIVE = _("The amount must be greater than zero.")
TRANSFER_REASON = _("Please give a reason for the transfer.")

MONEY = {"max_digits": 14, "decimal_places": 2}
RATE = {"max_digits": 5, "decimal_places": 2}
DEFAULT_PROVIDER_RATE = Decimal("30.00")
DEFAULT_COUNTY_RATE = Decimal("70.00")


class Area(models.TextChoices):
    """The two legal areas a district's money is split into; a help belongs to one of them by its
    help type (cases.models.help_type_law, budgets.commitments.contract_area)."""

    # Youth help under SGB VIII, § 35a (integration help for a mental disability) included.
    YOUTH_HELP = "youth_help", _("Youth help (SGB VIII)")
    # Integration help for children with a physical, intellectual or sensory disability (SGB IX) –
    # a legal area of its own. The stored value stays "integration_help".
    INTEGRATION_HELP = "integration_help", _("Integration help (SGB IX)")


class CostCategory(models.TextChoices):
    """The categories of actual costs a settlement lists (in this order)."""

    ADVANCE_DEDUCTIONS = "advance_deductions", _("Advance deductions (e.g. foster children)")
    PERSONNEL = "personnel", _("Personnel costs")
    OVERHEAD = "overhead", _("Overhead")
    EXTERNAL_INVOICES = "external_invoices", _("Invoices for cases from other providers")
    RESIDENTIAL = "residential", _("Residential help (HÜTN)")
    CASE_INDEPENDENT = "case_independent", _("Case-independent work (fees and material)")
    CASE_MATERIAL = "case_material", _("Material costs for cases")


class Budget(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="budgets", verbose_name=_("district"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    area = models.CharField(_("area"), max_length=20, choices=Area.choices)
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="budgets", verbose_name=_("lead provider")
    )
    amount = models.DecimalField(_("budget amount"), **MONEY)
    provider_rate = models.DecimalField(_("provider share (%)"), default=DEFAULT_PROVIDER_RATE, **RATE)
    county_rate = models.DecimalField(_("county share (%)"), default=DEFAULT_COUNTY_RATE, **RATE)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["-year", "district__name", "area"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year", "area"], name="budget_unique_per_district_year_area",
                                    violation_error_code="budget_exists", violation_error_message=BUDGET_EXISTS),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_not_negative",
                                   violation_error_code="negative", violation_error_message=NEGATIVE_BUDGET),
            models.CheckConstraint(
                condition=Q(provider_rate__gte=0, county_rate__gte=0)
                & Q(provider_rate=Decimal("100") - F("county_rate")),
                name="budget_shares_add_to_100",
                violation_error_code="shares_not_100", violation_error_message=SHARES_NOT_100,
            ),
        ]
        indexes = [models.Index(fields=["year", "provider"], name="budget_year_provider_idx")]

    def __str__(self) -> str:
        return f"{self.district} {self.year} – {self.get_area_display()}"


class Instalment(models.Model):
    """One monthly payment of the budget to the lead provider."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="instalments", verbose_name=_("budget"))
    month = models.PositiveSmallIntegerField(_("month"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    amount = models.DecimalField(_("amount"), **MONEY)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("paid by"),
    )

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["budget", "month"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "month"], name="instalment_unique_month",
                                    violation_error_code="instalment_twice", violation_error_message=INSTALMENT_TWICE),
            models.CheckConstraint(condition=Q(amount__gte=0), name="instalment_amount_not_negative",
                                   violation_error_code="negative", violation_error_message=INSTALMENT_NEGATIVE),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="instalment_month_1_12",
                                   violation_error_code="month", violation_error_message=INSTALMENT_MONTH),
        ]

    def __str__(self) -> str:
        return f"{self.budget} {self.month:02d}"


# A cost entry of a budget whose settlement is final must never change: the settlement's frozen
# figures would no longer match the bookings. Enforced here in the database (services check first
# and answer with a German message). Statement-level triggers with transition tables check a whole
# INSERT/UPDATE/DELETE with one join, so a COPY of 100,000 rows pays for one check, not 100,000.
# The same triggers keep CostMonthTotal, the sums per budget, month and category that the budget
# page, the projection and the worklist read – their cost does not grow with the number of entries.
def _frozen_guard(*tables: str) -> str:
    checks = " UNION ALL ".join(f"SELECT budget_id FROM {t}" for t in tables)
    return f"""
    IF EXISTS (
        SELECT 1 FROM ({checks}) AS changed
        JOIN budgets_settlement s ON s.budget_id = changed.budget_id AND s.status = 'final'
    ) THEN
        RAISE EXCEPTION 'budgets: cost entries of a finalized settlement cannot be booked, changed or deleted'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    """


def _rollup(table: str, sign: str) -> str:
    """Add (sign "") or subtract (sign "-") the rows of a transition table to the monthly totals."""
    return f"""
    INSERT INTO budgets_costmonthtotal (budget_id, month, category, total, entries)
    SELECT budget_id, EXTRACT(MONTH FROM booking_date)::smallint, category, {sign}SUM(amount), {sign}COUNT(*)
    FROM {table} GROUP BY 1, 2, 3
    ON CONFLICT (budget_id, month, category) DO UPDATE
    SET total = budgets_costmonthtotal.total + EXCLUDED.total,
        entries = budgets_costmonthtotal.entries + EXCLUDED.entries;
    """


def _cost_trigger(name: str, operation, referencing, old: str | None, new: str | None):
    body = _frozen_guard(*[t for t in (old, new) if t])
    body += _rollup(old, "-") if old else ""
    body += _rollup(new, "") if new else ""
    return pgtrigger.Trigger(
        name=name, when=pgtrigger.After, operation=operation, level=pgtrigger.Statement,
        referencing=referencing, func=body + "RETURN NULL;",
    )


class CostEntry(models.Model):
    """One actual-cost booking (Ist-Kosten). Corrections are reversing entries, never edits."""

    # Indexed by cost_budget_booking_idx (budget first) – no separate index.
    budget = models.ForeignKey(
        Budget, on_delete=models.PROTECT, related_name="cost_entries", verbose_name=_("budget"), db_index=False
    )
    booking_date = models.DateField(_("booking date"))
    category = models.CharField(_("category"), max_length=30, choices=CostCategory.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    # Indexed by the unique (provider, invoice_number) constraint.
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="cost_entries", verbose_name=_("provider"), db_index=False
    )
    invoice_number = models.CharField(_("invoice number"), max_length=40)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="cost_entries",
        verbose_name=_("case"), help_text=_("The case the cost belongs to, if any."),
    )
    # Only bookings of settled years from before micro-projects were paid out of the prevention frame
    # (microprojects.ProjectPayment; migration 0006 moved the open years'); new bookings are refused.
    microproject = models.ForeignKey(
        "microprojects.MicroProject", on_delete=models.PROTECT, null=True, blank=True, related_name="cost_entries",
        verbose_name=_("micro-project"), help_text=_("The micro-project the cost belongs to, if any."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    # § 36a SGB VIII: a cost booked on a case needs a help the office decided – an approved contract
    # covering the service date, or a taking into care (§ 42) recorded in a § 8a assessment. Only
    # economic youth aid may book without one, and only with a reason (listed as an exception).
    service_date = models.DateField(
        _("service date"), null=True, blank=True, help_text=_("Date the help was given; empty: the booking date."),
    )
    contract = models.ForeignKey(
        "cases.Contract", on_delete=models.PROTECT, null=True, blank=True, related_name="cost_entries",
        verbose_name=_("contract (legal basis)"),
    )
    protection = models.ForeignKey(
        "cases.ProtectionAssessment", on_delete=models.PROTECT, null=True, blank=True, related_name="cost_entries",
        verbose_name=_("taking into care (legal basis)"),
    )
    exception_reason = models.CharField(
        _("reason for booking without a legal basis"), max_length=300, blank=True, db_default="",
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by",
        verbose_name=_("reverses entry"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("recorded by"), db_index=False,
    )

    class Meta:
        verbose_name = _("cost entry")
        verbose_name_plural = _("cost entries")
        ordering = ["-booking_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "invoice_number"], name="cost_invoice_unique_per_provider",
                                    violation_error_code="duplicate_invoice", violation_error_message=INVOICE_BOOKED),
            models.CheckConstraint(condition=~Q(invoice_number=""), name="cost_invoice_number_not_empty",
                                   violation_error_code="invoice_required", violation_error_message=INVOICE_REQUIRED),
            models.CheckConstraint(condition=~Q(amount=0), name="cost_amount_not_zero",
                                   violation_error_code="zero", violation_error_message=AMOUNT_ZERO),
        ]
        indexes = [
            # Budget page and projection: sums per month and category of one budget, index-only.
            models.Index(
                fields=["budget", "booking_date", "category"], include=["amount"], name="cost_budget_booking_idx"
            ),
            models.Index(fields=["booking_date"], name="cost_booking_date_idx"),
        ]
        triggers = [
            _cost_trigger("cost_entry_frozen_insert", pgtrigger.Insert, pgtrigger.Referencing(new="new_rows"),
                          None, "new_rows"),
            _cost_trigger("cost_entry_frozen_update", pgtrigger.Update,
                          pgtrigger.Referencing(old="old_rows", new="new_rows"), "old_rows", "new_rows"),
            _cost_trigger("cost_entry_frozen_delete", pgtrigger.Delete, pgtrigger.Referencing(old="old_rows"),
                          "old_rows", None),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_number} ({self.booking_date:%d.%m.%Y})"


class CostMonthTotal(models.Model):
    """Sum of a budget's cost entries per booking month and category. Written only by the database
    triggers of CostEntry (in the same transaction as the entries), never by Python."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="month_totals", db_index=False)
    month = models.PositiveSmallIntegerField()
    category = models.CharField(max_length=30, choices=CostCategory.choices)
    total = models.DecimalField(max_digits=16, decimal_places=2)
    entries = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["budget", "month", "category"], name="cost_month_total_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.budget_id} {self.month:02d} {self.category}: {self.total}"


class Settlement(models.Model):
    """The year-end settlement of one budget. Final settlements keep their own copy of the figures."""

    class Status(models.TextChoices):
        PREPARED = "prepared", _("prepared")
        FINAL = "final", _("final")

    budget = models.OneToOneField(Budget, on_delete=models.PROTECT, related_name="settlement", verbose_name=_("budget"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PREPARED)
    amount = models.DecimalField(_("budget amount"), **MONEY)
    provider_rate = models.DecimalField(_("provider share (%)"), **RATE)
    costs = models.JSONField(_("actual costs per category"), default=dict)
    total_costs = models.DecimalField(_("actual costs"), **MONEY)
    remainder = models.DecimalField(_("remainder"), **MONEY)
    provider_share = models.DecimalField(_("provider share"), **MONEY)
    county_share = models.DecimalField(_("county share"), **MONEY)
    # What was paid to the provider and what follows from it: payment = actual costs + provider
    # share − instalments paid. Positive: the office pays the rest; negative: the provider refunds.
    # Empty only for settlements prepared before these figures were kept.
    instalments_paid = models.DecimalField(_("instalments paid"), null=True, blank=True, **MONEY)
    payment = models.DecimalField(_("resulting payment"), null=True, blank=True, **MONEY)
    prepared_at = models.DateTimeField(_("prepared"))
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("prepared by")
    )
    finalized_at = models.DateTimeField(_("finalized"), null=True, blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("finalized by"),
    )
    # The statement as finalized (budgets.settlement.statement_snapshot): district, provider, area,
    # figures and the year's chart, copied in the finalizing transaction; page and PDF show it.
    snapshot = models.JSONField(_("statement as finalized"), default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        ordering = ["-budget__year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(remainder=F("provider_share") + F("county_share")), name="settlement_shares_add_up",
                violation_error_code="shares", violation_error_message=SETTLEMENT_SHARES,
            ),
            models.CheckConstraint(
                condition=Q(status="prepared") | Q(finalized_at__isnull=False, finalized_by__isnull=False),
                name="settlement_final_has_finalizer",
                violation_error_code="finalizer", violation_error_message=SETTLEMENT_FINALIZER,
            ),
        ]
        triggers = [
            # A final settlement is a frozen record: no update, no delete – even in plain SQL.
            pgtrigger.Protect(
                name="settlement_final_frozen",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__status="final"),
            ),
        ]

    def __str__(self) -> str:
        return _("Settlement %(budget)s") % {"budget": self.budget}

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL


class PotTransfer(models.Model):
    """Money from the equalisation pot of a year to cover another district's deficit."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    year = models.PositiveSmallIntegerField(_("year"))
    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="pot_transfers", verbose_name=_("deficit settlement")
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        verbose_name = _("pot transfer")
        verbose_name_plural = _("pot transfers")
        ordering = ["-year", "-requested_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="pot_transfer_amount_positive",
                                   violation_error_code="not_positive", violation_error_message=TRANSFER_NOT_POSITIVE),
            models.CheckConstraint(condition=~Q(reason=""), name="pot_transfer_reason_required",
                                   violation_error_code="reason_required", violation_error_message=TRANSFER_REASON),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {format_eur(self.amount)} → {self.settlement.budget}"


class ImportUpload(models.Model):
    """A cost-entry file that passed the check of the web import and waits for its confirmation.

    Stored once, server-side, owned by the uploading user and referenced by its id in the confirm
    form (before, the whole file sat in the session and was written back with every request). The
    confirmation locks the row, so the same file confirmed twice at once is booked once; it then
    empties `text` – the bookings are in, the file is not kept – and records `imported_at`, so a
    second confirmation is told so. Rows older than MAX_AGE are deleted (budgets.imports.uploads_purge:
    on every visit of the import page and by `manage.py purge_import_uploads`)."""

    MAX_AGE = timedelta(days=1)

    # Random, not a counter: the id travels in a form and names nothing about other uploads.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("uploaded by"),
    )
    filename = models.CharField(_("file name"), max_length=255)
    text = models.TextField(_("content"), blank=True)
    rows = models.PositiveIntegerField(_("bookings"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)

    class Meta:
        verbose_name = _("checked import file")
        verbose_name_plural = _("checked import files")
        indexes = [models.Index(fields=["created_at"], name="import_upload_created_idx")]

    def __str__(self) -> str:
        return self.filename

    @property
    def expired(self) -> bool:
        return self.created_at < timezone.now() - self.MAX_AGE
