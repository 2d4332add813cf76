"""Age-tiered networks, their member organisations and meetings, and the district offer directory.

Cohorts are reference data; organisations, networks and offers belong to districts, which is
what the access policy scopes by (networks/access.py).
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from juwe.models import District, Provider, SocialCenter

MAX_AGE = 27


def choice_labels(choices: type[models.TextChoices], values: list[str]) -> list[str]:
    """Display labels of the values of an array field of choices (unknown values as they are)."""
    labels = dict(choices.choices)
    return [labels.get(v, v) for v in values]


class AgeCohort(models.Model):
    """An age band networks are organised by. `age_to` is exclusive: 0–3 means 0, 1 and 2 years."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=80, unique=True)
    age_from = models.PositiveSmallIntegerField(_("age from (years)"), validators=[MaxValueValidator(MAX_AGE)])
    age_to = models.PositiveSmallIntegerField(
        _("age to (years, exclusive)"), validators=[MaxValueValidator(MAX_AGE)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("age cohort")
        verbose_name_plural = _("age cohorts")
        ordering = ["position", "age_from"]
        constraints = [
            models.CheckConstraint(condition=Q(age_from__lt=F("age_to")), name="cohort_age_from_lt_to"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.age_from}–{self.age_to})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.age_from is not None and self.age_to is not None and self.age_from >= self.age_to:
            raise ValidationError({"age_to": _("The upper age must be greater than the lower age.")})


class OrganisationKind(models.TextChoices):
    KITA = "kita", _("Day-care centre (Kita)")
    SCHOOL = "school", _("School")
    HEALTH_OFFICE = "health_office", _("Health office")
    EARLY_INTERVENTION = "early_intervention", _("Early intervention")
    PROVIDER = "provider", _("Provider")
    POLICE = "police", _("Police")
    CHILD_PSYCHIATRY = "child_psychiatry", _("Child and youth psychiatry")
    JOB_CENTRE = "job_centre", _("Job centre")
    FAMILY_CENTRE = "family_centre", _("Family centre")
    COUNSELLING_CENTRE = "counselling_centre", _("Counselling centre")
    CLUB = "club", _("Club")
    YOUTH_OFFICE = "youth_office", _("Youth office")
    OTHER = "other", _("Other")


class MemberOrganisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="member_organisations", verbose_name=_("district")
    )
    provider = models.ForeignKey(
        Provider,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member_organisations",
        verbose_name=_("provider"),
        help_text=_("When the organisation is a provider in JuWe, its staff see the networks it belongs to."),
    )
    cohorts = models.ManyToManyField(
        AgeCohort, blank=True, related_name="organisations", verbose_name=_("age cohorts")
    )
    website = models.URLField(_("website"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("member organisation")
        verbose_name_plural = _("member organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="organisation_name_unique_per_district"),
        ]

    def __str__(self) -> str:
        return self.name


class ContactPerson(models.Model):
    organisation = models.ForeignKey(
        MemberOrganisation, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=150)
    function = models.CharField(_("function"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact people")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ModelRules(models.Model):
    """A model text for networks' rules of procedure (Muster-Geschäftsordnung) the office maintains."""

    title = models.CharField(_("title"), max_length=200, unique=True)
    text = models.TextField(_("text"))
    current = models.BooleanField(_("current"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("model rules of procedure")
        verbose_name_plural = _("model rules of procedure")
        ordering = ["-current", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def topic_labels(self) -> list[str]:
        return choice_labels(OfferTopic, self.topics)


class Network(models.Model):
    name = models.CharField(_("name"), max_length=200)
    social_center = models.ForeignKey(
        SocialCenter, on_delete=models.PROTECT, related_name="networks", verbose_name=_("social centre")
    )
    districts = models.ManyToManyField(District, related_name="networks", verbose_name=_("districts"))
    cohort = models.ForeignKey(
        AgeCohort, on_delete=models.PROTECT, related_name="networks", verbose_name=_("age cohort")
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coordinated_networks",
        verbose_name=_("coordinator"),
    )
    rules_of_procedure = models.TextField(_("rules of procedure"), blank=True)
    rules_adopted_on = models.DateField(_("rules adopted on"), null=True, blank=True)
    rules_source = models.ForeignKey(
        ModelRules,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="networks",
        verbose_name=_("adopted from model text"),
    )
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["social_center__name", "cohort__position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["social_center", "name"], name="network_name_unique_per_center"),
        ]

    def __str__(self) -> str:
        return self.name


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("Member")
    CHAIR = "chair", _("Chair")
    DEPUTY_CHAIR = "deputy_chair", _("Deputy chair")
    ADVISORY = "advisory", _("Advisory member")


class Membership(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("network"))
    organisation = models.ForeignKey(
        MemberOrganisation, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    since = models.DateField(_("member since"))
    until = models.DateField(_("member until"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name", "-since"]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(since__lte=F("until")), name="membership_since_lte_until"
            ),
            models.UniqueConstraint(fields=["network", "organisation", "since"], name="membership_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.network}"


class MeetingTopic(models.TextChoices):
    CHILD_PROTECTION = "child_protection", _("Child protection")
    TRANSITIONS = "transitions", _("Transitions")
    PREVENTION = "prevention", _("Prevention")
    OTHER = "other", _("Other")


class Meeting(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("network"))
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start"), null=True, blank=True)
    end_time = models.TimeField(_("end"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    topics = ArrayField(
        models.CharField(max_length=30, choices=MeetingTopic.choices), default=list, blank=True, verbose_name=_("topics")
    )
    child_protection_training = models.BooleanField(_("joint child-protection training"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "-start_time"]
        indexes = [models.Index(fields=["network", "-date"], name="meeting_network_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__isnull=True) | Q(end_time__isnull=True) | Q(start_time__lte=F("end_time")),
                name="meeting_start_lte_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.network} {self.date:%d.%m.%Y}"

    @property
    def topic_labels(self) -> list[str]:
        return choice_labels(MeetingTopic, self.topics)


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("meeting"))
    organisation = models.ForeignKey(
        MemberOrganisation, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("organisation")
    )
    person = models.CharField(_("person"), max_length=150)
    guest = models.BooleanField(
        _("guest"), default=False, help_text=_("The organisation was not a member of the network on the meeting date.")
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["organisation__name", "person"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "organisation", "person"], name="attendance_unique_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.organisation})"


class OfferTopic(models.TextChoices):
    PARENTING = "parenting", _("Parenting and family")
    EARLY_HELP = "early_help", _("Early help")
    CHILDCARE = "childcare", _("Childcare")
    LEARNING = "learning", _("Learning and school")
    LANGUAGE = "language", _("Language")
    LEISURE = "leisure", _("Leisure and youth work")
    SPORT = "sport", _("Sport and movement")
    CULTURE = "culture", _("Culture and creativity")
    HEALTH = "health", _("Health")
    COUNSELLING = "counselling", _("Counselling")
    CHILD_PROTECTION = "child_protection", _("Child protection")
    TRANSITIONS = "transitions", _("Transitions")
    PREVENTION = "prevention", _("Prevention")
    WORK = "work", _("Training and work")
    OTHER = "other", _("Other")


class OfferStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    ARCHIVED = "archived", _("Archived")


OFFER_SEARCH_VECTOR = SearchVector("title", weight="A", config="german") + SearchVector(
    "description", weight="B", config="german"
)


class Offer(models.Model):
    """An entry of the district offer directory (Stadtteilkarte). Ages are in years, both ends inclusive."""

    organisation = models.ForeignKey(
        MemberOrganisation, on_delete=models.PROTECT, related_name="offers", verbose_name=_("organisation")
    )
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="offers", verbose_name=_("district"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    age_from = models.PositiveSmallIntegerField(_("age from (years)"), validators=[MaxValueValidator(MAX_AGE)])
    age_to = models.PositiveSmallIntegerField(_("age to (years)"), validators=[MaxValueValidator(MAX_AGE)])
    topics = ArrayField(
        models.CharField(max_length=30, choices=OfferTopic.choices), default=list, blank=True, verbose_name=_("topics")
    )
    times = models.CharField(_("times"), max_length=200, blank=True, help_text=_("e.g. Tue 3–5 pm"))
    low_threshold = models.BooleanField(_("low-threshold"), default=False)
    free_of_charge = models.BooleanField(_("free of charge"), default=False)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=OfferStatus.choices, default=OfferStatus.PUBLISHED)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggested_offers",
        verbose_name=_("suggested by"),
    )
    confirmed_at = models.DateTimeField(_("last confirmed"), null=True, blank=True, db_index=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="confirmed_offers",
        verbose_name=_("confirmed by"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Generated by PostgreSQL from title and description with German stemming; searched via a GIN index.
    search_vector = models.GeneratedField(
        expression=OFFER_SEARCH_VECTOR, output_field=SearchVectorField(), db_persist=True
    )

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["title", "id"]
        indexes = [
            GinIndex(fields=["search_vector"], name="offer_search_gin"),
            GinIndex(fields=["topics"], name="offer_topics_gin"),
            models.Index(fields=["district", "status", "age_from", "age_to"], name="offer_district_age_idx"),
            # Browsing without a filter pages through the titles in order without sorting the table.
            models.Index(fields=["title", "id"], name="offer_title_idx"),
            # "Find offers" for a case (district + ages): the first page walks the district's titles in
            # order and stops after 25 hits, however many offers the district has.
            models.Index(fields=["district", "title", "id"], name="offer_district_title_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(age_from__lte=F("age_to")), name="offer_age_from_lte_to"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_until__isnull=True) | Q(valid_from__lte=F("valid_until")),
                name="offer_valid_from_lte_until",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def topic_labels(self) -> list[str]:
        return choice_labels(OfferTopic, self.topics)
