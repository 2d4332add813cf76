"""The case file (Fallakte): persons, cases, contacts, classification, resource and network maps.

Writes go through `cases.services` (state machine, reference numbers, version check); the models
hold the data and the invariants that belong to a single row.
"""

from __future__ import annotations

import pgtrigger
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
        triggers = [
            # Contracts carry the case's team and case manager (see Contract.team).
            pgtrigger.Trigger(
                name="case_owner_to_contracts",
                when=pgtrigger.After,
                operation=pgtrigger.UpdateOf("team_id", "case_manager_id"),
                condition=pgtrigger.AnyChange("team", "case_manager"),
                func="UPDATE cases_contract SET team_id = NEW.team_id, case_manager_id = NEW.case_manager_id "
                "WHERE case_id = NEW.id; RETURN NULL;",
            ),
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


# --- Case file II: case conference, contract, review, § 8a ---------------------------------------
# Writes go through cases.conference, cases.contracts, cases.reviews and cases.protection.


class HelpType(models.TextChoices):
    """Forms of help a proposal or a contract names: youth help under SGB VIII and integration help
    for children under SGB IX. Which law (and so which budget) a help type belongs to: HELP_TYPE_LAW."""

    FLEXIBLE = "27_2", _("§ 27(2) flexible help")
    COUNSELLING = "28", _("§ 28 educational counselling")
    GROUP_WORK = "29", _("§ 29 social group work")
    ASSISTANT = "30", _("§ 30 educational assistant")
    SPFH = "31", _("§ 31 socio-pedagogical family help")
    DAY_GROUP = "32", _("§ 32 day group")
    FOSTER_CARE = "33", _("§ 33 foster care")
    RESIDENTIAL = "34", _("§ 34 residential care")
    INTENSIVE = "35", _("§ 35 intensive individual support")
    INTEGRATION = "35a", _("§ 35a integration help (mental disability)")
    YOUNG_ADULT = "41", _("§ 41 help for young adults")
    DISTRICT = "district", _("help in the district")
    MICROPROJECT = "microproject", _("micro-project")
    # Integration help for children with a physical, intellectual or sensory disability (SGB IX,
    # part 2, Eingliederungshilferecht).
    CURATIVE_EDUCATION = "sgb9_79", _("§ 79 SGB IX curative-education services (children not yet at school)")
    FOSTER_FAMILY = "sgb9_80", _("§ 80 SGB IX care in a foster family")
    SCHOOL = "sgb9_112", _("§ 112 SGB IX participation in education (e.g. school assistance)")
    ASSISTANCE = "sgb9_113", _("§ 113 SGB IX social participation (assistance services)")


class HelpLaw(models.TextChoices):
    """The legal area of a help. Each has its own budget (budgets.models.Area)."""

    SGB8 = "sgb8", _("Youth help (SGB VIII)")
    SGB9 = "sgb9", _("Integration help (SGB IX)")


# The legal split of the help types: see help_type_law.
SGB8_HELP_TYPES = frozenset({
    HelpType.FLEXIBLE, HelpType.COUNSELLING, HelpType.GROUP_WORK, HelpType.ASSISTANT, HelpType.SPFH,
    HelpType.DAY_GROUP, HelpType.FOSTER_CARE, HelpType.RESIDENTIAL, HelpType.INTENSIVE, HelpType.INTEGRATION,
    HelpType.YOUNG_ADULT, HelpType.DISTRICT, HelpType.MICROPROJECT,
})
SGB9_HELP_TYPES = frozenset({
    HelpType.CURATIVE_EDUCATION, HelpType.FOSTER_FAMILY, HelpType.SCHOOL, HelpType.ASSISTANCE,
})
HELP_TYPE_LAW = {**dict.fromkeys(SGB8_HELP_TYPES, HelpLaw.SGB8), **dict.fromkeys(SGB9_HELP_TYPES, HelpLaw.SGB9)}


def help_type_law(help_type: str) -> HelpLaw:
    """The legal area (SGB VIII or SGB IX) of a help type; KeyError for an unknown one.

    Youth help (Kinder- und Jugendhilfe, SGB VIII) covers educational help (§§ 27–35), help for young
    adults (§ 41) and § 35a SGB VIII: integration help for children and young people with a (threatened)
    *mental* disability (seelische Behinderung) is youth help by law, decided and paid by the youth
    office like all help under SGB VIII. Integration help for children with a *physical, intellectual
    or sensory* disability is a different legal area: Eingliederungshilfe under SGB IX, part 2 (since
    the Federal Participation Act, BTHG, in force 2020) – e.g. curative-education services for children
    not yet at school (§ 113(2) no. 3 with § 79), care in a foster family (§ 113(2) no. 4 with § 80),
    help towards school education such as school assistance (§ 112) and assistance services (§ 113(2)
    no. 2 with § 78). The two areas are separate pots: a district has a youth-help and an
    integration-help budget, and a help's costs and commitments go to the budget of its law
    (budgets.commitments.contract_area) – never § 35a into integration help. Help found in the district
    and micro-projects are the office's own preventive work under SGB VIII. (The Child and Youth
    Strengthening Act of 2021, KJSG, plans to bring all integration help for children into SGB VIII from
    2028, provided a federal law on it is promulgated by 1 January 2027; until then the split holds.)
    """
    return HELP_TYPE_LAW[help_type]


def help_type_choices(*, blank: tuple[str, object] | None = None) -> list:
    """HelpType's choices grouped by law, for a select with optgroups (Django renders a nested
    choice list that way), in HelpType's order; `blank`: an extra first choice outside the groups."""
    groups = [(law.label, [(t.value, t.label) for t in HelpType if HELP_TYPE_LAW[t] == law]) for law in HelpLaw]
    return [blank, *groups] if blank else groups


class Conference(models.Model):
    """A case conference of a regional team (Fallbesprechung im Regionalteam)."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="conferences", verbose_name=_("team"))
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("moderation"),
    )
    note = models.TextField(_("note"), blank=True)
    # The head of the minutes (team, time, place, moderation, participants) as at the latest
    # decision (cases.conference.minutes_head); printed once no case on the agenda is undecided.
    minutes_snapshot = models.JSONField(_("head of the minutes as decided"), default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        verbose_name = _("case conference")
        verbose_name_plural = _("case conferences")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["team", "-starts_at"], name="conference_team_time_idx")]

    def __str__(self) -> str:
        return f"{self.team} {timezone.localtime(self.starts_at):%d.%m.%Y %H:%M}"


class ParticipantFunction(models.TextChoices):
    CASE_MANAGEMENT = "case_management", _("case management")
    ECONOMIC_AID = "economic_aid", _("economic youth aid")
    PROVIDER = "provider", _("provider")
    TEAM_LEAD = "team_lead", _("team lead")
    OTHER = "other", _("other")


class ConferenceParticipant(models.Model):
    """Who takes part (and votes). A user of JuWe, or a named guest (e.g. a provider representative)."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="participants", verbose_name=_("case conference")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=150)
    function = models.CharField(_("function"), max_length=16, choices=ParticipantFunction.choices)
    provider = models.ForeignKey(
        "juwe.Provider", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("provider")
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["conference", "function", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "user"], condition=Q(user__isnull=False), name="conference_participant_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_function_display()})"


class ItemStatus(models.TextChoices):
    OPEN = "open", _("open")
    DECIDED = "decided", _("decided by consensus")
    RETURNED = "returned", _("back for another round (veto)")


class ConferenceItem(models.Model):
    """One case on a conference's agenda, with the guided record of the standard sequence."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="items", verbose_name=_("case conference")
    )
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="conference_items", verbose_name=_("case"))
    position = models.PositiveSmallIntegerField(_("position on the agenda"), default=1)
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("presented by"),
    )
    presentation = models.TextField(_("case presentation"), blank=True)
    questions = models.TextField(_("information questions"), blank=True)
    perspectives = models.TextField(_("change of perspective and idea exchange"), blank=True)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.OPEN)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision"), blank=True)
    # The record as decided by consensus (cases.conference.item_snapshot): the minutes and the
    # item's page show it once decided, whatever changes in the case or the proposals afterwards.
    snapshot = models.JSONField(_("record as decided"), default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("case on the agenda")
        verbose_name_plural = _("cases on the agenda")
        ordering = ["conference", "position", "id"]
        indexes = [models.Index(fields=["case", "status"], name="conference_item_case_idx")]

    def __str__(self) -> str:
        return f"{self.conference}: {self.case}"


class ConferenceIdea(models.Model):
    """An idea from the exchange; it may point to a district resource on the case's resource map."""

    item = models.ForeignKey(ConferenceItem, on_delete=models.CASCADE, related_name="ideas", verbose_name=_("case"))
    text = models.CharField(_("idea"), max_length=500)
    resource = models.ForeignKey(
        ResourceEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("resource from the resource map"),
    )

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["item", "id"]

    def __str__(self) -> str:
        return self.text


class HelpProposal(models.Model):
    """A help proposal of the team; the family chooses in the contract talk."""

    item = models.ForeignKey(
        ConferenceItem, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("case")
    )
    help_type = models.CharField(_("help type"), max_length=12, choices=help_type_choices())
    description = models.TextField(_("proposal"))
    provider = models.ForeignKey(
        "juwe.Provider", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("provider")
    )

    class Meta:
        verbose_name = _("help proposal")
        verbose_name_plural = _("help proposals")
        ordering = ["item", "id"]

    def __str__(self) -> str:
        return f"{self.get_help_type_display()}: {self.description[:60]}"


class Vote(models.TextChoices):
    AGREE = "agree", _("agrees")
    VETO = "veto", _("veto")


class ConferenceVote(models.Model):
    """A participant's vote on a case in one round: agreement, or a veto with its reason."""

    item = models.ForeignKey(ConferenceItem, on_delete=models.CASCADE, related_name="votes", verbose_name=_("case"))
    participant = models.ForeignKey(
        ConferenceParticipant, on_delete=models.CASCADE, related_name="votes", verbose_name=_("participant")
    )
    round = models.PositiveSmallIntegerField(_("round"))
    vote = models.CharField(_("vote"), max_length=5, choices=Vote.choices)
    reason = models.TextField(_("reason"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["item", "round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "participant", "round"], name="conference_vote_once_per_round"),
            models.CheckConstraint(condition=~Q(vote="veto") | ~Q(reason=""), name="conference_veto_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.participant}: {self.get_vote_display()}"


class ContractState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SIGNED = "signed", _("signed")
    ACTIVE = "active", _("active")
    ENDED = "ended", _("ended")


class Contract(models.Model):
    """The contract (Kontrakt) from the contract talk: goals in the family's words, tasks for everyone."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("case"))
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="follow_up",
        verbose_name=_("previous contract"),
    )
    state = models.CharField(_("state"), max_length=8, choices=ContractState.choices, default=ContractState.DRAFT)
    # The contract talk (Kontraktgespräch)
    talk_on = models.DateField(_("date of the contract talk"))
    talk_place = models.CharField(_("place chosen by the family"), max_length=200)
    proposal = models.ForeignKey(
        HelpProposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="contracts",
        verbose_name=_("help proposal chosen by the family"),
    )
    own_proposal = models.TextField(_("the family's own proposal"), blank=True)
    help_type = models.CharField(_("help type"), max_length=12, choices=help_type_choices())
    provider = models.ForeignKey(
        "juwe.Provider", on_delete=models.PROTECT, null=True, blank=True, related_name="contracts",
        verbose_name=_("provider"),
    )
    provider_wish = models.TextField(
        _("the family's wish for the provider"), blank=True,
        help_text=_("Wunsch- und Wahlrecht (§ 5 SGB VIII): which provider the family wished for and why."),
    )
    approved_from = models.DateField(_("approved from"))
    approved_until = models.DateField(_("approved until"))
    hours_per_week = models.DecimalField(_("hours per week"), max_digits=5, decimal_places=2, null=True, blank=True)
    monthly_cost = models.DecimalField(_("estimated monthly cost (EUR)"), max_digits=12, decimal_places=2)
    # The office's internal note: never shown to provider staff.
    internal_note = models.TextField(_("internal note (office only)"), blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_recorded_at = models.DateTimeField(_("signature recorded at"), null=True, blank=True)
    signed_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("signature recorded by"),
    )
    approved_at = models.DateTimeField(_("approved by the team lead at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("approved by"),
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_note = models.TextField(_("reason for ending"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # What the family signed, copied when the signature is recorded (cases.contracts.contract_snapshot):
    # the page and the PDF of a signed contract show this, never the case's or provider's live rows.
    snapshot = models.JSONField(_("contract as signed"), default=dict, blank=True, editable=False)
    # Copies of the case's team and case manager, so the review worklists read one index range per
    # user and their work does not grow with the office's number of contracts. Set on insert
    # (save() below; bulk inserts set them), kept on reassignment by the trigger on cases_case.
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="+", blank=True, editable=False, db_index=False,
        verbose_name=_("team"),
    )
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", blank=True, editable=False,
        db_index=False, verbose_name=_("responsible case manager"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("created by")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["case", "-approved_from", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(approved_until__gte=F("approved_from")), name="contract_approval_order"),
            models.CheckConstraint(condition=Q(monthly_cost__gte=0), name="contract_cost_not_negative"),
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True) | Q(hours_per_week__gte=0), name="contract_hours_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(signed_on__isnull=False), name="contract_signed_has_date"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "signed"]) | Q(approved_by__isnull=False),
                name="contract_active_is_approved",
            ),
            models.CheckConstraint(
                condition=~Q(state="ended") | Q(ended_on__isnull=False), name="contract_ended_has_date"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "approved_until"], name="contract_state_until_idx"),
            models.Index(fields=["provider", "state"], name="contract_provider_state_idx"),
            # Review worklists: a case manager's (a team's) active contracts by the end of approval.
            models.Index(fields=["case_manager", "state", "approved_until"], name="contract_manager_due_idx"),
            models.Index(fields=["team", "state", "approved_until"], name="contract_team_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case} – {self.get_help_type_display()} ({self.approved_from:%d.%m.%Y})"

    def save(self, *args, **kwargs) -> None:
        if self._state.adding and (self.team_id is None or self.case_manager_id is None):
            self.team_id, self.case_manager_id = self.case.team_id, self.case.case_manager_id
        super().save(*args, **kwargs)


class ContractParticipant(models.Model):
    """Who took part in the contract talk: family members and people the family invited, professionals."""

    class Party(models.TextChoices):
        FAMILY = "family", _("family")
        INVITED = "invited", _("invited by the family")
        OFFICE = "office", _("youth office")
        PROVIDER = "provider", _("provider")
        OTHER = "other", _("other")

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="participants", verbose_name=_("contract")
    )
    name = models.CharField(_("name"), max_length=150)
    party = models.CharField(_("party"), max_length=10, choices=Party.choices)
    relation = models.CharField(_("relation or function"), max_length=120, blank=True)
    signs = models.BooleanField(_("signs the contract"), default=True)

    class Meta:
        verbose_name = _("participant of the contract talk")
        verbose_name_plural = _("participants of the contract talk")
        ordering = ["contract", "id"]

    def __str__(self) -> str:
        return self.name


class ContractGoal(models.Model):
    """A goal in the family's own words, and what shows that it is reached."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="goals", verbose_name=_("contract"))
    position = models.PositiveSmallIntegerField(_("number"), default=1)
    text = models.TextField(_("goal in the family's words"))
    indicator = models.TextField(_("what shows that the goal is reached"), blank=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["contract", "position", "id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="contract_goal_text_required")]

    def __str__(self) -> str:
        return self.text[:80]


class TaskParty(models.TextChoices):
    FAMILY = "family", _("family")
    OFFICE = "office", _("youth office")
    PROVIDER = "provider", _("provider")
    OTHER = "other", _("others")


class ContractTask(models.Model):
    """Who does what by when. The family and at least one professional party have tasks."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("contract"))
    goal = models.ForeignKey(
        ContractGoal, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks", verbose_name=_("goal")
    )
    party = models.CharField(_("party"), max_length=10, choices=TaskParty.choices)
    who = models.CharField(_("who"), max_length=150)
    what = models.TextField(_("what"))
    due = models.CharField(_("by when"), max_length=100, blank=True, help_text=_("a date or e.g. “every week”"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("number"), default=1)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["contract", "position", "id"]
        constraints = [models.CheckConstraint(condition=~Q(what=""), name="contract_task_what_required")]

    def __str__(self) -> str:
        return f"{self.who}: {self.what[:60]}"


class TaskNote(models.Model):
    """A progress note on a task; provider staff write these for their contracts."""

    task = models.ForeignKey(ContractTask, on_delete=models.CASCADE, related_name="notes", verbose_name=_("task"))
    text = models.TextField(_("progress note"))
    written_at = models.DateTimeField(_("written at"), default=timezone.now, editable=False)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["task", "written_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="task_note_text_required")]

    def __str__(self) -> str:
        return self.text[:80]


class ReviewDecision(models.TextChoices):
    CONTINUE = "continue", _("continue (follow-up contract)")
    CHANGE = "change", _("change the help")
    END = "end", _("end the help")


class Review(models.Model):
    """The review of a contract before its approval ends (Hilfeplanüberprüfung)."""

    contract = models.OneToOneField(Contract, on_delete=models.PROTECT, related_name="review", verbose_name=_("contract"))
    held_on = models.DateField(_("held on"))
    decision = models.CharField(_("decision"), max_length=8, choices=ReviewDecision.choices)
    # When the help ends: back to counselling, or closed with a reason.
    end_state = models.CharField(_("the case goes on as"), max_length=12, choices=CaseState.choices, blank=True)
    close_reason = models.CharField(_("reason for closing"), max_length=20, choices=CloseReason.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="end") | Q(end_state__in=["counselling", "closed"]), name="review_end_has_state"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract}: {self.get_decision_display()}"


class GoalRating(models.Model):
    """How far a goal is reached, 0 (not at all) to 10 (fully), with a note."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("review"))
    goal = models.ForeignKey(ContractGoal, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("goal"))
    score = models.PositiveSmallIntegerField(_("achievement (0–10)"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("goal achievement")
        verbose_name_plural = _("goal achievements")
        ordering = ["review", "goal__position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=10), name="goal_rating_range"),
            models.UniqueConstraint(fields=["review", "goal"], name="goal_rating_once"),
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {self.score}"


class Urgency(models.TextChoices):
    IMMEDIATE = "immediate", _("immediately")
    HOURS_24 = "24h", _("within 24 hours")
    HOURS_72 = "72h", _("within 72 hours")


class ProtectionResult(models.TextChoices):
    NONE = "none", _("no endangerment")
    NEED_FOR_HELP = "need_help", _("need for help")
    ENDANGERMENT = "endangerment", _("endangerment")


class ProtectionAssessment(models.Model):
    """§ 8a SGB VIII: a report of possible endangerment and its assessment, in the Signs of Safety form."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="protection_assessments", verbose_name=_("case")
    )
    # The report
    received_at = models.DateTimeField(_("report received at"))
    reported_by = models.CharField(_("reported by"), max_length=200)
    report = models.TextField(_("what was reported"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    due_at = models.DateTimeField(_("assessment due at"), editable=False)
    # The assessment (four-eyes: at least two professionals, see `professionals`)
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)
    home_visit = models.BooleanField(_("home visit"), null=True, blank=True)
    home_visit_on = models.DateField(_("home visit on"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=12, choices=ProtectionResult.choices, blank=True)
    # Signs of Safety (Hamburg form)
    harm = models.TextField(_("harm (what has happened)"), blank=True)
    danger = models.TextField(_("danger (what we fear may happen)"), blank=True)
    complicating_factors = models.TextField(_("complicating factors"), blank=True)
    working_well = models.TextField(_("what is working well"), blank=True)
    next_steps = models.TextField(_("what needs to happen"), blank=True)
    safety_scale = models.PositiveSmallIntegerField(
        _("safety scale (0–10)"), null=True, blank=True,
        help_text=_("0: the child is certainly not safe at home; 10: safe enough to close the case."),
    )
    family_court = models.TextField(_("family court involvement"), blank=True)
    taken_into_care = models.BooleanField(_("taken into care (§ 42 SGB VIII)"), default=False)
    taken_into_care_note = models.TextField(_("note on taking into care"), blank=True)
    professionals = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("assessed by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("recorded by")
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("result recorded by"),
    )

    class Meta:
        verbose_name = _("§ 8a assessment")
        verbose_name_plural = _("§ 8a assessments")
        ordering = ["case", "-received_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(safety_scale__isnull=True) | (Q(safety_scale__gte=0) & Q(safety_scale__lte=10)),
                name="protection_safety_scale_range",
            ),
            models.CheckConstraint(
                condition=Q(result="") | (Q(assessed_at__isnull=False) & Q(safety_scale__isnull=False)),
                name="protection_result_is_assessed",
            ),
            models.CheckConstraint(condition=Q(due_at__gte=F("received_at")), name="protection_due_after_report"),
        ]
        indexes = [
            # Open assessments (no result yet) by due time: the worklists' first section.
            models.Index(fields=["due_at"], condition=Q(result=""), name="protection_open_due_idx"),
            models.Index(fields=["case", "received_at"], name="protection_case_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case} § 8a {timezone.localtime(self.received_at):%d.%m.%Y}"

    @property
    def is_open(self) -> bool:
        return not self.result


class ProtectionMeasure(models.Model):
    """A measure of the protection plan: what, who is responsible, by when."""

    assessment = models.ForeignKey(
        ProtectionAssessment, on_delete=models.CASCADE, related_name="measures", verbose_name=_("§ 8a assessment")
    )
    measure = models.TextField(_("measure"))
    owner = models.CharField(_("responsible"), max_length=150)
    due_on = models.DateField(_("due by"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("protection plan measure")
        verbose_name_plural = _("protection plan")
        ordering = ["assessment", "due_on", "id"]
        constraints = [models.CheckConstraint(condition=~Q(measure=""), name="protection_measure_required")]

    def __str__(self) -> str:
        return self.measure[:80]
