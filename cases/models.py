"""The case file (Fallakte): persons, cases, contacts, classification, resource and network maps.

Writes go through `cases.services` (state machine, reference numbers, version check); the models
hold the data and the invariants that belong to a single row.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from juwe.models import District, Team


class Gender(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")
    DIVERSE = "diverse", _("diverse")
    UNSPECIFIED = "unspecified", _("not specified")


class Person(models.Model):
    """A person known to the office. One child should have one record, whatever the number of cases."""

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=12, choices=Gender.choices, default=Gender.UNSPECIFIED)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="persons",
        verbose_name=_("district of residence"),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # "first last" kept by PostgreSQL itself; one trigram index serves the name search.
    search_name = models.GeneratedField(
        expression=Concat("first_name", Value(" "), "last_name"),
        output_field=models.CharField(max_length=201),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["last_name", "first_name"]
        indexes = [
            # Fuzzy search (case list) and duplicate warning (intake) use trigram similarity.
            GinIndex(fields=["last_name"], opclasses=["gin_trgm_ops"], name="person_last_name_trgm"),
            GinIndex(fields=["first_name"], opclasses=["gin_trgm_ops"], name="person_first_name_trgm"),
            models.Index(fields=["birth_date"], name="person_birth_date_idx"),
            GinIndex(fields=["search_name"], opclasses=["gin_trgm_ops"], name="person_search_name_trgm"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class CaseState(models.TextChoices):
    INTAKE = "intake", _("intake")
    COUNSELLING = "counselling", _("counselling")
    CONFERENCE = "conference", _("case conference")
    HELP = "help", _("help")
    CLOSED = "closed", _("closed")


class Classification(models.TextChoices):
    """Falleinordnung."""

    SERVICE = "service", _("Leistungsbereich")
    GREY = "grey", _("Graubereich")
    DANGER = "danger", _("Gefährdungsbereich")


class FirstContactSource(models.TextChoices):
    SELF = "self", _("the family itself")
    SCHOOL = "school", _("school")
    KITA = "kita", _("Kita")
    POLICE = "police", _("police")
    HEALTH = "health", _("health service")
    COURT = "court", _("court")
    NEIGHBOURS = "neighbours", _("neighbours")
    OTHER = "other", _("other")


class CloseReason(models.TextChoices):
    SELF_HELP = "self_help", _("help to self-help")
    DISTRICT_HELP = "district_help", _("help found in the district")
    NOT_WANTED = "not_wanted", _("help no longer wanted")
    MOVED = "moved", _("moved away")
    HANDED_OVER = "handed_over", _("handed to another office")
    OTHER = "other", _("other")


class Case(models.Model):
    """A case file. Reference: <year>/<district code>/<running number>, gap-free per district and year."""

    reference = models.CharField(_("reference"), max_length=40, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    number = models.PositiveIntegerField(_("running number"), editable=False)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="cases", verbose_name=_("district"))
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="cases", verbose_name=_("team"))
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="managed_cases",
        verbose_name=_("responsible case manager"),
    )
    state = models.CharField(_("state"), max_length=12, choices=CaseState.choices, default=CaseState.INTAKE)
    classification = models.CharField(
        _("classification"), max_length=10, choices=Classification.choices, blank=True, default=""
    )
    child_protection = models.BooleanField(
        _("child-protection procedure"),
        default=False,
        help_text=_("Set when the case is classified as Gefährdungsbereich (§ 8a SGB VIII)."),
    )
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(_("reason for closing"), max_length=20, choices=CloseReason.choices, blank=True)
    first_contact_source = models.CharField(
        _("source of the first contact"), max_length=12, choices=FirstContactSource.choices
    )
    concern = models.TextField(_("concern in the family's words"), blank=True)
    will = models.TextField(_("the family's will"), blank=True, help_text=_("What the family itself wants to change."))
    goals = models.TextField(_("the family's goals"), blank=True)
    # Maintained by the contact services, so lists and worklists need no COUNT over contacts.
    contact_count = models.PositiveIntegerField(_("contacts"), default=0, editable=False)
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True, editable=False)
    # "First Last, First Last" of the members, kept by the services that add members: the case
    # list's name search filters cases directly with one trigram index (see selectors).
    member_names = models.TextField(_("names of the members"), blank=True, default="", editable=False)
    # Optimistic locking: every service write compares and increments it.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    persons = models.ManyToManyField(Person, through="CaseMember", related_name="cases", verbose_name=_("persons"))

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "year", "number"], name="case_number_unique_per_district_year"),
            models.CheckConstraint(condition=Q(number__gte=1), name="case_number_positive"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")), name="case_closed_after_opened"
            ),
            models.CheckConstraint(
                condition=(Q(state="closed") & Q(closed_on__isnull=False) & ~Q(close_reason=""))
                | (~Q(state="closed") & Q(closed_on__isnull=True) & Q(close_reason="")),
                name="case_closed_has_date_and_reason",
            ),
            models.CheckConstraint(
                condition=~Q(classification="danger") | Q(child_protection=True),
                name="case_danger_marks_child_protection",
            ),
        ]
        indexes = [
            models.Index(fields=["team", "state"], name="case_team_state_idx"),
            # The intake worklist reads the top rows of this index: constant work at any case count.
            models.Index(fields=["case_manager", "state", "-contact_count", "opened_on"], name="case_manager_worklist_idx"),
            models.Index(fields=["team", "classification", "updated_at"], name="case_team_class_idx"),
            models.Index(fields=["district", "opened_on"], name="case_district_opened_idx"),
            models.Index(fields=["-opened_on", "-id"], name="case_opened_order_idx"),
            GinIndex(fields=["reference"], opclasses=["gin_trgm_ops"], name="case_reference_trgm"),
            GinIndex(fields=["member_names"], opclasses=["gin_trgm_ops"], name="case_member_names_trgm"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_closed(self) -> bool:
        return self.state == CaseState.CLOSED


class CaseRole(models.TextChoices):
    CHILD = "child", _("child")
    YOUNG_PERSON = "young_person", _("young person")
    PARENT = "parent", _("parent")
    OTHER = "other", _("other")


class CaseMember(models.Model):
    """A person's part in one case (the same person may be a child in one case, a parent in another)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members", verbose_name=_("case"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("person"))
    role = models.CharField(_("role in the case"), max_length=12, choices=CaseRole.choices)
    note = models.CharField(_("note"), max_length=200, blank=True, help_text=_("e.g. mother, stepfather, aunt"))

    class Meta:
        verbose_name = _("case member")
        verbose_name_plural = _("case members")
        ordering = ["case", "role", "person__last_name"]
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="case_member_unique")]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class ReferenceCounter(models.Model):
    """The last running number per district and year; locked while a case is created (gap-free)."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+", verbose_name=_("district"))
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("reference counter")
        verbose_name_plural = _("reference counters")
        constraints = [models.UniqueConstraint(fields=["district", "year"], name="reference_counter_unique")]

    def __str__(self) -> str:
        return f"{self.district.code} {self.year}: {self.last_number}"


class StateChange(models.Model):
    """One transition of a case's state: who, when, from, to, why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="state_changes", verbose_name=_("case"))
    from_state = models.CharField(_("previous state"), max_length=12, choices=CaseState.choices, blank=True)
    to_state = models.CharField(_("new state"), max_length=12, choices=CaseState.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=CloseReason.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now, editable=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("changed by")
    )

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        ordering = ["case", "changed_at", "id"]
        indexes = [models.Index(fields=["case", "changed_at"], name="state_change_case_idx")]

    def __str__(self) -> str:
        return f"{self.case}: {self.from_state} → {self.to_state}"


class ClassificationChange(models.Model):
    """Falleinordnung history: every classification with its reason is kept."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="classification_changes", verbose_name=_("case")
    )
    classification = models.CharField(_("classification"), max_length=10, choices=Classification.choices)
    previous = models.CharField(_("previous"), max_length=10, choices=Classification.choices, blank=True)
    reason = models.TextField(_("reason"))
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now, editable=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("changed by")
    )

    class Meta:
        verbose_name = _("classification change")
        verbose_name_plural = _("classification changes")
        ordering = ["case", "changed_at", "id"]
        indexes = [models.Index(fields=["case", "changed_at"], name="classification_case_idx")]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="classification_reason_required")]

    def __str__(self) -> str:
        return f"{self.case}: {self.classification}"


class ContactKind(models.TextChoices):
    OFFICE = "office", _("office talk")
    HOME_VISIT = "home_visit", _("home visit")
    PHONE = "phone", _("phone")
    VIDEO = "video", _("video call")
    SCHOOL = "school", _("at school/Kita")
    OTHER = "other", _("other")


class Contact(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("case"))
    occurred_at = models.DateTimeField(_("date and time"))
    kind = models.CharField(_("kind"), max_length=12, choices=ContactKind.choices)
    participants = models.CharField(_("participants"), max_length=300)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["case", "-occurred_at"], name="contact_case_time_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=1440), name="contact_duration_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.occurred_at:%Y-%m-%d} {self.get_kind_display()}"


class ResourceArea(models.TextChoices):
    YOUNG_PERSON = "young_person", _("young person")
    FAMILY = "family", _("family")
    SOCIAL_NETWORK = "social_network", _("social network")
    DISTRICT = "district", _("district (people, places, offers)")
    MATERIAL = "material", _("material")


class NamedBy(models.TextChoices):
    FAMILY = "family", _("family")
    PROFESSIONAL = "professional", _("professional")


class Strength(models.IntegerChoices):
    STRONG = 3, _("strong / readily available")
    PARTLY = 2, _("partly / sometimes available")
    WEAK = 1, _("weak / hardly available")


class ResourceEntry(models.Model):
    """One strength on the resource map (Ressourcenkarte)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="resources", verbose_name=_("case"))
    area = models.CharField(_("area"), max_length=16, choices=ResourceArea.choices)
    description = models.CharField(_("description"), max_length=300)
    named_by = models.CharField(_("named by"), max_length=12, choices=NamedBy.choices)
    strength = models.PositiveSmallIntegerField(_("strength"), choices=Strength.choices)
    # District resources may point to the offer directory (networks app); the offer page counts them.
    offer = models.ForeignKey(
        "networks.Offer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resource_entries",
        verbose_name=_("offer from the district directory"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["case", "area", "-strength", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(strength__gte=1) & Q(strength__lte=3), name="resource_strength_range"),
            models.CheckConstraint(condition=Q(offer__isnull=True) | Q(area="district"), name="resource_offer_only_district"),
        ]

    def __str__(self) -> str:
        return self.description


class Sector(models.TextChoices):
    FAMILY = "family", _("family")
    FRIENDS = "friends", _("friends and neighbours")
    SCHOOL_WORK = "school_work", _("school and work")
    PROFESSIONALS = "professionals", _("professionals")


class Ring(models.IntegerChoices):
    CLOSE = 1, _("inner ring (close)")
    MIDDLE = 2, _("middle ring")
    DISTANT = 3, _("outer ring (distant)")


class RelationQuality(models.TextChoices):
    SUPPORTIVE = "supportive", _("supportive")
    AMBIVALENT = "ambivalent", _("ambivalent")
    CONFLICT = "conflict", _("conflict")


class NetworkPerson(models.Model):
    """A person around the family on the network map (Netzwerkkarte / eco-map)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="network", verbose_name=_("case"))
    name = models.CharField(_("name"), max_length=120)
    relation = models.CharField(_("relation"), max_length=120, blank=True, help_text=_("e.g. grandmother, teacher"))
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    ring = models.PositiveSmallIntegerField(_("closeness"), choices=Ring.choices)
    quality = models.CharField(_("relation quality"), max_length=12, choices=RelationQuality.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("person in the network")
        verbose_name_plural = _("network map")
        ordering = ["case", "sector", "ring", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ring__gte=1) & Q(ring__lte=3), name="network_ring_range"),
        ]

    def __str__(self) -> str:
        return self.name
