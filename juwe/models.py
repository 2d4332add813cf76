"""Core data of JuWe: org structure, users and the audit trail."""

from functools import cached_property

import pgtrigger
from django.contrib.auth.hashers import is_password_usable
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from juwe.roles import Role


class SocialCenter(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("social centre")
        verbose_name_plural = _("social centres")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    social_center = models.ForeignKey(
        SocialCenter, on_delete=models.PROTECT, related_name="teams", verbose_name=_("social centre")
    )

    class Meta:
        verbose_name = _("district team")
        verbose_name_plural = _("district teams")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["social_center", "name"], name="team_name_unique_per_center")]

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    code = models.CharField(_("code"), max_length=10, unique=True, help_text=_("Short code used in case references."))
    name = models.CharField(_("name"), max_length=120, unique=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="districts", verbose_name=_("team"))
    social_center = models.ForeignKey(
        SocialCenter, on_delete=models.PROTECT, related_name="districts", verbose_name=_("social centre")
    )
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("The social-space analysis' qualitative description of the district, in a few sentences."),
    )

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.team_id and self.social_center_id and self.team.social_center_id != self.social_center_id:
            raise ValidationError({"team": _("The team belongs to another social centre.")})


class DistrictType(models.TextChoices):
    """Stadtraumtyp A–E of the social-space analysis, with the city's names for the types.

    C "Im Wandel" and D "Buntes Viertel" are the city's own names; A, B and E carry neutral names
    until the analysis' wording is confirmed (E keeps the name it had before A and B existed).
    The codes are stored, so renaming a type never touches the data.
    """

    A = "A", _("A – established residential area")
    B = "B", _("B – stable middle")
    C = "C", _("C – in change")
    D = "D", _("D – colourful quarter")
    E = "E", _("E – unremarkable everyday")


class DistrictIndicator(models.Model):
    """One year of a district's profile (Sozialraumanalyse)."""

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("district")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    youth_population = models.PositiveIntegerField(_("youth population 0–21"))
    youth_population_forecast = models.PositiveIntegerField(_("forecast youth population 0–21"))
    # The analysis calls it Prekarisierungsindex; the column keeps its old name (no data moves).
    precarity_index = models.DecimalField(_("precarisation index"), max_digits=5, decimal_places=3)
    cases_ambulant = models.PositiveIntegerField(_("ambulant cases"))
    cases_residential = models.PositiveIntegerField(_("residential cases"))
    district_type = models.CharField(_("social-space type"), max_length=1, choices=DistrictType.choices)
    staff_posts = models.DecimalField(
        _("staff (full-time posts)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Full-time equivalents of the youth office's staff working in the district that year."),
    )
    youth_clubs = models.PositiveSmallIntegerField(_("open youth clubs"), default=0)
    school_social_work = models.PositiveSmallIntegerField(_("school social work"), default=0)
    counselling_centres = models.PositiveSmallIntegerField(_("counselling centres"), default=0)
    after_school_care = models.PositiveSmallIntegerField(_("after-school care"), default=0)
    kitas = models.PositiveSmallIntegerField(_("day-care centres (Kitas)"), default=0)
    schools = models.PositiveSmallIntegerField(_("schools"), default=0)

    class Meta:
        verbose_name = _("district indicator")
        verbose_name_plural = _("district indicators")
        ordering = ["district", "-year"]
        constraints = [models.UniqueConstraint(fields=["district", "year"], name="indicator_unique_per_year")]

    def __str__(self) -> str:
        return f"{self.district} {self.year}"


class TeamPosts(models.Model):
    """Full-time equivalents of case managers (Vollzeitstellen Fallmanagement) of a team in a year.

    Maintained by the administration; the staffing reference divides cases and the socially
    weighted youth population by it.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="posts", verbose_name=_("team"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    case_manager_posts = models.DecimalField(
        _("full-time case managers"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("Full-time equivalents, e.g. 8.75."),
    )

    class Meta:
        verbose_name = _("posts of a team")
        verbose_name_plural = _("posts of the teams")
        ordering = ["team", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["team", "year"], name="team_posts_unique_per_year"),
            models.CheckConstraint(condition=Q(case_manager_posts__gte=0), name="team_posts_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.year}"


class PrecarisationWeight(models.Model):
    """A band of the precarisation index and the weight its districts' youth population gets.

    A band runs from `index_from` (inclusive) up to the next band's start; a district whose index
    lies below the lowest band counts with weight 1. The migration seeds 1.00 / 1.25 / 1.50.
    """

    index_from = models.DecimalField(_("precarisation index from"), max_digits=5, decimal_places=3, unique=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("Factor for the youth population under 21, e.g. 1.25."),
    )

    class Meta:
        verbose_name = _("weight by precarisation index")
        verbose_name_plural = _("weights by precarisation index")
        ordering = ["index_from"]
        constraints = [models.CheckConstraint(condition=Q(weight__gte=0), name="precarisation_weight_not_negative")]

    def __str__(self) -> str:
        return f"≥ {self.index_from}: {self.weight}"


class Provider(models.Model):
    class Kind(models.TextChoices):
        PUBLIC = "public", _("public")
        INDEPENDENT = "independent", _("independent (freier Träger)")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INDEPENDENT)
    lead_districts = models.ManyToManyField(
        District,
        blank=True,
        related_name="lead_providers",
        verbose_name=_("lead provider for districts"),
        help_text=_("Districts in which this provider is the lead provider (Sozialraumträger)."),
    )

    class Meta:
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person working with JuWe. Roles are groups; the fields below give the role its scope."""

    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="members", verbose_name=_("team")
    )
    districts = models.ManyToManyField(
        District, blank=True, related_name="coordinators", verbose_name=_("districts (coordination)")
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("provider")
    )
    social_center = models.ForeignKey(
        SocialCenter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("social centre"),
        help_text=_("For leadership and economic youth aid: empty means the whole office."),
    )
    # The hash the last password change replaced: juwe.password_validation refuses to take it back.
    previous_password = models.CharField(_("previous password"), max_length=128, blank=True, editable=False)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.is_authenticated or not self.is_active:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))

    def set_password(self, raw_password) -> None:
        # Keep the hash being replaced. A rehash on login (check_password) saves only `password`,
        # so there the kept hash never reaches the database.
        if self.password and is_password_usable(self.password):
            self.previous_password = self.password
        super().set_password(raw_password)

    def has_role(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)

    def district_ids(self) -> set[int]:
        """Districts this user works in, by whichever scope their roles give them.

        Cached on the user object, which lives for one request (scopes ask several times per page).
        """
        if self._district_ids is None:
            self._district_ids = frozenset(self._load_district_ids())
        return set(self._district_ids)

    _district_ids: frozenset[int] | None = None

    def refresh_from_db(self, *args, **kwargs) -> None:
        super().refresh_from_db(*args, **kwargs)
        self._district_ids = None
        self.__dict__.pop("roles", None)

    def _load_district_ids(self) -> set[int]:
        ids: set[int] = set()
        if self.has_role(Role.CASE_MANAGER, Role.TEAM_LEAD) and self.team_id:
            ids |= set(District.objects.filter(team_id=self.team_id).values_list("id", flat=True))
        if self.has_role(Role.DISTRICT_COORDINATOR):
            ids |= set(self.districts.values_list("id", flat=True))
        return ids


class AuditEvent(models.Model):
    """Who did what, when, from where. Append-only: the database refuses UPDATE, DELETE and TRUNCATE.

    The database, not Python, fills the time and the hash chain (trigger `juwe_audit_chain`,
    migration 0006): `created_at` is its clock, whatever the client sends; `seq` numbers the events
    without gaps, `prev_hash` is the previous event's `hash`, and `hash` is sha256 over the previous
    hash and every column of the event. A changed, inserted or deleted event breaks the chain, which
    `manage.py audit_verify` finds. The application's database role may only INSERT and SELECT here
    (`manage.py grant_app_role`).
    """

    class Action(models.TextChoices):
        VIEW = "view", _("view")
        CREATE = "create", _("create")
        UPDATE = "update", _("update")
        DELETE = "delete", _("delete")
        PRINT = "print", _("print")
        EXPORT = "export", _("export")
        LOGIN = "login", _("login")
        LOGOUT = "logout", _("logout")
        LOGIN_FAILED = "login-failed", _("login failed")

    # db_default: Django leaves these columns to the database (DEFAULT) and reads back what the
    # trigger wrote (RETURNING). The chain columns default to NULL but are NOT NULL, so an insert that
    # skips the trigger (session_replication_role = replica) fails instead of leaving an unchained row.
    created_at = models.DateTimeField(_("time"), db_default=Now(), db_index=True, editable=False)
    seq = models.BigIntegerField(_("position in the audit chain"), db_default=None, editable=False)
    prev_hash = models.CharField(_("hash of the previous event"), max_length=64, db_default=None, editable=False)
    hash = models.CharField(_("hash"), max_length=64, db_default=None, editable=False)
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("user")
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    name = models.CharField(_("event"), max_length=100, help_text=_("Namespaced, e.g. cases.case.viewed"))
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]
        triggers = [
            pgtrigger.Protect(name="audit_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(action=""), name="audit_action_not_empty"),
            # Two events chained to the same predecessor would fork the chain (constraints rather than
            # unique=True: no extra varchar_pattern_ops index on every insert).
            models.UniqueConstraint(fields=["prev_hash"], name="audit_chain_no_fork"),
            models.UniqueConstraint(fields=["seq"], name="audit_chain_seq_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.username} {self.name}"


class FigureSnapshot(models.Model):
    """A computed controlling section, kept so leadership's pages do not aggregate on every view.

    Written and read only by juwe.controlling.snapshots: the key names subject, scope, period, day,
    language and the viewer's roles (links depend on them); figures only, never personal data.
    Emptied when the records behind the figures change, and older than the configured age it is
    computed afresh; `refresh_controlling` fills it ahead (e.g. every night).
    """

    key = models.CharField(_("key"), max_length=64, unique=True)
    payload = models.JSONField(_("figures"))
    computed_at = models.DateTimeField(_("computed at"), db_index=True)

    class Meta:
        verbose_name = _("figure snapshot")
        verbose_name_plural = _("figure snapshots")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.key[:12]} {self.computed_at:%Y-%m-%d %H:%M}"
