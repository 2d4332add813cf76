"""Preventive micro-projects: small district projects developed from needs seen in cases,
approved by the district coordinator against the district's yearly prevention budget.

Only single-row invariants live here (amounts >= 0, start <= end, quarter 1..4); every rule
that spans rows or decides who may do what is in services.py.
"""

from __future__ import annotations

from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from juwe.models import District, Provider

MONEY = {"max_digits": 14, "decimal_places": 2}

# Shown when a form or service hits one of the row invariants (services re-use them).
END_BEFORE_START = _("The end must not be before the start.")
NEGATIVE_AMOUNT = _("The amount must not be negative.")
AGE_RANGE = _("The upper age must not be below the lower age.")
ZERO = Decimal("0.00")


class Category(models.TextChoices):
    CASE_SPANNING = "case_spanning", _("Case-spanning professional offer")
    INSTITUTION = "institution", _("Attached to a regular institution")
    SPECIAL_METHOD = "special_method", _("Special method")
    SEMI_PROFESSIONAL = "semi_professional", _("Semi-professional with professional support")


# Column headings where the full names are too long (district overview).
CATEGORY_SHORT = {
    Category.CASE_SPANNING: _("case-spanning"),
    Category.INSTITUTION: _("at an institution"),
    Category.SPECIAL_METHOD: _("special method"),
    Category.SEMI_PROFESSIONAL: _("semi-professional"),
}


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    RUNNING = "running", _("running")
    COMPLETED = "completed", _("completed")


# Projects whose approved amount is charged to the prevention budget.
COMMITTED_STATUSES = (Status.APPROVED, Status.RUNNING, Status.COMPLETED)
# Projects that may ask for a supplementary approval (Nachbewilligung).
SUPPLEMENT_STATUSES = (Status.APPROVED, Status.RUNNING)


class Outcome(models.TextChoices):
    CONTINUED = "continued", _("continued (made permanent)")
    EXTENDED = "extended", _("extended to further districts")
    ENDED = "ended", _("ended")


class YearlyDistrictBudget(models.Model):
    """A yearly sum of a district; services lock the row while they check and spend it."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="%(class)ss", verbose_name=_("district"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        abstract = True
        ordering = ["district__name", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="%(class)s_unique_per_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="%(class)s_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.year}"


class PreventionBudget(YearlyDistrictBudget):
    """A district's yearly prevention frame (Bremen: 800,000 EUR a year split across districts).

    The budgets app reads it (selectors.prevention_budget_position) but does not own it. Approvals
    lock this row, so two approvals in the same district and year are serialised.
    """

    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta(YearlyDistrictBudget.Meta):
        verbose_name = _("prevention budget")
        verbose_name_plural = _("prevention budgets")


class MicroProject(models.Model):
    title = models.CharField(_("title"), max_length=200)
    districts = models.ManyToManyField(District, related_name="microprojects", verbose_name=_("districts"))
    budget_district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="charged_microprojects",
        verbose_name=_("district charged"),
        help_text=_("The district whose prevention budget carries the project (one of its districts)."),
    )
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="microprojects", verbose_name=_("provider")
    )
    need_description = models.TextField(
        _("need seen in cases"), help_text=_("Which needs seen in cases the project answers, in words.")
    )
    need_case_count = models.PositiveIntegerField(
        _("number of cases showing the need"), null=True, blank=True
    )
    target_group = models.CharField(_("target group"), max_length=300)
    age_from = models.PositiveSmallIntegerField(_("age from"), validators=[MaxValueValidator(27)])
    age_to = models.PositiveSmallIntegerField(_("age to"), validators=[MaxValueValidator(99)])
    goals = models.TextField(_("goals"))
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    requested_amount = models.DecimalField(_("requested amount"), **MONEY)
    approved_amount = models.DecimalField(_("approved amount"), null=True, blank=True, **MONEY)
    budget_year = models.PositiveSmallIntegerField(_("budget year"), null=True, blank=True)
    developed_by = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="developed_microprojects",
        verbose_name=_("developed by (case managers)"),
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="coordinated_microprojects",
        verbose_name=_("responsible district coordinator"),
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="led_microprojects",
        verbose_name=_("lead (team lead)"), help_text=_("Federführung: the team lead responsible."),
    )

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    over_budget = models.BooleanField(_("approved over budget"), default=False)
    approval_note = models.TextField(_("approval note"), blank=True)
    extended_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="extensions", verbose_name=_("extended from")
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("submitted by")
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("micro-project")
        verbose_name_plural = _("micro-projects")
        ordering = ["-start_date", "title"]
        indexes = [models.Index(fields=["budget_district", "budget_year", "status"], name="mp_budget_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__lte=F("end_date")), name="microproject_start_before_end",
                violation_error_code="end_before_start", violation_error_message=END_BEFORE_START,
            ),
            models.CheckConstraint(
                condition=Q(age_from__lte=F("age_to")), name="microproject_age_range",
                violation_error_code="age_range", violation_error_message=AGE_RANGE,
            ),
            models.CheckConstraint(
                condition=Q(requested_amount__gte=0), name="microproject_requested_not_negative",
                violation_error_code="negative_amount", violation_error_message=NEGATIVE_AMOUNT,
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__gte=0),
                name="microproject_approved_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(status=Status.COMPLETED), name="microproject_outcome_only_when_completed"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def age_range(self) -> str:
        return f"{self.age_from}–{self.age_to}"


class ProjectEvent(models.Model):
    """The project's history: every step with who and when. Rows are never changed afterwards."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("changed")
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        APPROVED_OVER_BUDGET = "approved_over_budget", _("approved over budget by leadership")
        REJECTED = "rejected", _("rejected")
        STARTED = "started", _("started")
        COMPLETED = "completed", _("completed")
        EXTENDED_FROM = "extended_from", _("created as extension")
        REVIEWED = "reviewed", _("quality review recorded")
        PARTICIPATION = "participation", _("participation counts recorded")
        REFERRAL = "referral", _("case referred")
        SUPPLEMENT_REQUESTED = "supplement_requested", _("supplementary approval requested")
        SUPPLEMENT_APPROVED = "supplement_approved", _("supplementary approval granted")
        SUPPLEMENT_APPROVED_OVER_BUDGET = "supplement_over_budget", _("supplementary approval granted over budget by leadership")
        SUPPLEMENT_REJECTED = "supplement_rejected", _("supplementary approval rejected")
        PAYMENT = "payment", _("payment booked")
        PAYMENT_REVERSED = "payment_reversed", _("payment reversed")

    project = models.ForeignKey(MicroProject, on_delete=models.CASCADE, related_name="events", verbose_name=_("micro-project"))
    action = models.CharField(_("step"), max_length=30, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("project event")
        verbose_name_plural = _("project events")
        ordering = ["at", "id"]
        triggers = [pgtrigger.Protect(name="project_event_no_update", operation=pgtrigger.Update)]

    def __str__(self) -> str:
        return f"{self.project} {self.get_action_display()}"


class Supplement(models.Model):
    """A supplementary approval (Nachbewilligung): more money for an approved or running project,
    requested by its team with a reason and decided like the approval, against the same prevention
    frame. Granted supplements raise the project's approved total."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    project = models.ForeignKey(MicroProject, on_delete=models.PROTECT, related_name="supplements", verbose_name=_("micro-project"))
    requested_amount = models.DecimalField(_("requested supplement"), **MONEY)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    approved_amount = models.DecimalField(_("granted supplement"), null=True, blank=True, **MONEY)
    over_budget = models.BooleanField(_("granted over budget"), default=False)
    decision_note = models.TextField(_("note on the decision"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("supplementary approval")
        verbose_name_plural = _("supplementary approvals")
        ordering = ["requested_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(requested_amount__gt=0), name="supplement_requested_positive"),
            # Never more than was asked for: a larger sum needs a new request.
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True)
                | Q(approved_amount__gt=0, approved_amount__lte=F("requested_amount")),
                name="supplement_approved_within_request",
            ),
            models.CheckConstraint(
                condition=Q(status="approved", approved_amount__isnull=False)
                | (~Q(status="approved") & Q(approved_amount__isnull=True)),
                name="supplement_amount_only_when_approved",
            ),
            # One open request per project at a time.
            models.UniqueConstraint(fields=["project"], condition=Q(status="requested"), name="supplement_one_open_per_project"),
        ]

    def __str__(self) -> str:
        return f"{self.project} +{self.requested_amount}"


class ProjectPayment(models.Model):
    """A payment for a micro-project out of the district's prevention frame (never out of the lead
    provider's youth-help budget, so it does not touch the Hausfrauenmodell settlement). A
    correction is a reversing payment (negative amount, linked to the original), never an edit."""

    project = models.ForeignKey(MicroProject, on_delete=models.PROTECT, related_name="payments", verbose_name=_("micro-project"))
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount"), **MONEY)
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="microproject_payments", verbose_name=_("paid to"), db_index=False
    )
    invoice_number = models.CharField(_("invoice number"), max_length=40)
    note = models.CharField(_("note"), max_length=300, blank=True)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by", verbose_name=_("reverses payment")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("booked by")
    )
    created_at = models.DateTimeField(_("booked"), default=timezone.now)

    class Meta:
        verbose_name = _("micro-project payment")
        verbose_name_plural = _("micro-project payments")
        ordering = ["paid_on", "id"]
        indexes = [models.Index(fields=["project", "paid_on"], name="payment_project_idx")]
        constraints = [
            models.UniqueConstraint(fields=["provider", "invoice_number"], name="payment_invoice_unique_per_provider"),
            models.CheckConstraint(condition=~Q(invoice_number=""), name="payment_invoice_number_not_empty"),
            models.CheckConstraint(condition=~Q(amount=0), name="payment_amount_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_number} ({self.paid_on:%d.%m.%Y})"


class ParticipationCount(models.Model):
    """Participants of one quarter by access route – counts only, never names."""

    project = models.ForeignKey(
        MicroProject, on_delete=models.CASCADE, related_name="participation", verbose_name=_("micro-project")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    referred_by_cm = models.PositiveIntegerField(_("referred by case management"), default=0)
    low_threshold = models.PositiveIntegerField(_("low-threshold through others"), default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("participation count")
        verbose_name_plural = _("participation counts")
        ordering = ["project", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year", "quarter"], name="participation_unique_per_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="participation_quarter_1_to_4"),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.year}/Q{self.quarter}"

    @property
    def total(self) -> int:
        return self.referred_by_cm + self.low_threshold


class QualityReview(models.Model):
    class Kind(models.TextChoices):
        QUALITY_CIRCLE = "quality_circle", _("internal quality circle")
        JOINT_EVALUATION = "joint_evaluation", _("joint evaluation with the provider")

    class Rating(models.IntegerChoices):
        VERY_GOOD = 1, _("1 – very good")
        GOOD = 2, _("2 – good")
        SATISFACTORY = 3, _("3 – satisfactory")
        POOR = 4, _("4 – poor")
        FAILED = 5, _("5 – failed")

    class TenderFree(models.TextChoices):
        YES = "yes", _("yes")
        PARTLY = "partly", _("partly")
        NO = "no", _("no")
        NOT_ASSESSED = "not_assessed", _("not assessed")

    project = models.ForeignKey(MicroProject, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("micro-project"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("date"))
    participants = models.TextField(_("participants"))
    findings = models.TextField(_("findings"))
    rating = models.PositiveSmallIntegerField(_("rating"), choices=Rating.choices)
    tender_free_worked = models.CharField(
        _("did commissioning without a tender work?"), max_length=20, choices=TenderFree.choices,
        default=TenderFree.NOT_ASSESSED,
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("quality review")
        verbose_name_plural = _("quality reviews")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["project", "-date"], name="review_project_date_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.date:%d.%m.%Y}"


class ActionBudget(YearlyDistrictBudget):
    """A district's yearly action budget (Dresden's Sozialräumliches Aktionsbudget)."""

    class Meta(YearlyDistrictBudget.Meta):
        verbose_name = _("action budget")
        verbose_name_plural = _("action budgets")


class AwardCriterion(models.TextChoices):
    """Dresden's simple award criteria of the action budget; a grant meets at least one."""

    CONCRETE_ACTIVITY = "concrete_activity", _("concrete activity in the district")
    RESIDENTS_TAKE_PART = "residents_take_part", _("residents take part")
    QUICK_AND_SMALL = "quick_and_small", _("quick and small")
    NO_REGULAR_FUNDING = "no_regular_funding", _("no regular funding available")
    OPEN_TO_EVERYONE = "open_to_everyone", _("open to everyone")


class ActionGrant(models.Model):
    """A small grant for a concrete activity, requested with a short form, granted by the coordinator
    against the award criteria; the applicant proves the use of the money by a due date."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        GRANTED = "granted", _("granted")
        DECLINED = "declined", _("declined")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="action_grants", verbose_name=_("district"))
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("activity"), max_length=200)
    applicant = models.CharField(_("applicant"), max_length=200, help_text=_("Person, group or organisation carrying the activity."))
    purpose = models.TextField(_("what the money is for"))
    activity_date = models.DateField(_("date of the activity"), null=True, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED, db_index=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    criteria = ArrayField(
        models.CharField(max_length=30, choices=AwardCriterion.choices), default=list, blank=True,
        verbose_name=_("award criteria met"),
    )
    # Proof of use (Verwendungsnachweis): due by a date set on granting, its receipt recorded by the coordinator.
    proof_due = models.DateField(_("proof of use due"), null=True, blank=True)
    proof_received_on = models.DateField(_("proof of use received"), null=True, blank=True)
    proof_note = models.TextField(_("note on the proof of use"), blank=True)
    proof_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("proof recorded by"),
    )

    class Meta:
        verbose_name = _("action grant")
        verbose_name_plural = _("action grants")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["district", "year", "status"], name="action_grant_budget_idx"),
            # The coordinator's worklist: open proofs of use by due date.
            models.Index(fields=["district", "proof_due"], condition=Q(status="granted", proof_received_on__isnull=True),
                         name="action_grant_proof_open_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="action_grant_amount_positive"),
            models.CheckConstraint(condition=Q(proof_received_on__isnull=True) | Q(status="granted"),
                                   name="action_grant_proof_only_when_granted"),
        ]

    @property
    def criteria_labels(self) -> list[str]:
        return [AwardCriterion(c).label for c in self.criteria]

    @property
    def proof_open(self) -> bool:
        return self.status == self.Status.GRANTED and self.proof_received_on is None

    def __str__(self) -> str:
        return self.title


class Referral(models.Model):
    """A case management referral of a case to a running project. The case file shows it; the
    project side shows only its date and counts to coordinators and providers, never who."""

    project = models.ForeignKey(MicroProject, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("micro-project"))
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="microproject_referrals", verbose_name=_("case"))
    referred_on = models.DateField(_("referred on"))
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("referred by"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["project", "case"], name="referral_once_per_case_and_project")]

    def __str__(self) -> str:
        return f"{self.project} {self.referred_on:%d.%m.%Y}"
