"""Every write of the networks app: validated, in one transaction, audited; German messages."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from juwe.audit import Action, audit_log
from juwe.roles import Role
from networks.access import coordinated_district_ids
from networks.models import (
    Attendance,
    ContactPerson,
    Meeting,
    MemberOrganisation,
    Membership,
    ModelRules,
    Network,
    Offer,
    OfferStatus,
)

AGE_RANGE_INVALID = _("The age “from” must not be greater than the age “to”.")
VALIDITY_INVALID = _("“Valid from” must not be later than “valid until”.")
EMAIL_INVALID = _("“%(value)s” is not a valid e-mail address.")
NETWORK_COHORT_REQUIRED = _("A network needs an age cohort.")
NETWORK_DISTRICT_REQUIRED = _("A network needs at least one district.")
NETWORK_DISTRICT_OTHER_CENTRE = _("All districts of a network must belong to its social centre.")
NETWORK_COORDINATOR_ROLE = _("The coordinator must be a district coordinator.")
NETWORK_NAME_TAKEN = _("This social centre already has a network of that name.")
NOT_YOUR_DISTRICT = _("You do not coordinate this district.")
STALE_VERSION = _("Somebody else changed this record in the meantime. Please reload and enter your changes again.")
MEMBERSHIP_PERIOD_INVALID = _("“Member until” must not be earlier than “member since”.")
MEMBERSHIP_OVERLAP = _("This organisation is already a member of the network in that period.")
ORGANISATION_NAME_TAKEN = _("An organisation of this name already exists in the district.")
MEETING_TIMES_INVALID = _("The meeting must not end before it starts.")
ATTENDANCE_DUPLICATE = _("This person is already recorded as attending.")
NOT_A_SUGGESTION = _("Only suggested offers can be accepted or rejected.")
ONLY_PUBLISHED_CONFIRMED = _("Only published offers can be confirmed.")

OFFER_FIELDS = (
    "organisation", "district", "title", "description", "age_from", "age_to", "topics", "times",
    "low_threshold", "free_of_charge", "contact_name", "contact_phone", "contact_email", "valid_from", "valid_until",
)
ORGANISATION_FIELDS = (
    "name", "kind", "street", "postcode", "city", "district", "provider", "website", "phone", "email", "active",
)
NETWORK_FIELDS = ("name", "social_center", "cohort", "coordinator", "rules_of_procedure", "rules_adopted_on", "active")
MEETING_FIELDS = (
    "date", "start_time", "end_time", "place", "agenda", "minutes", "topics", "child_protection_training",
)

_email = EmailValidator()


def _check_email(errors: dict, field: str, value: str) -> None:
    if value:
        try:
            _email(value)
        except ValidationError:
            errors.setdefault(field, []).append(ValidationError(EMAIL_INVALID, params={"value": value}, code="email"))


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _unknown(fields: dict, allowed: tuple) -> None:
    extra = set(fields) - set(allowed)
    if extra:
        raise TypeError(f"unexpected fields: {sorted(extra)}")


def _require_district(user, district_id: int | None) -> None:
    """Coordinators write only in their districts (views offer only those; this guards the service)."""
    if user.has_role(Role.ADMINISTRATOR):
        return
    if district_id not in coordinated_district_ids(user):
        raise PermissionDenied(NOT_YOUR_DISTRICT)


def _bump_version(obj, expected: int | None) -> None:
    if expected is not None and obj.version != expected:
        raise ValidationError(STALE_VERSION, code="stale")
    obj.version += 1


def _audit(user, action: str, name: str, obj, data: dict | None = None) -> None:
    audit_log(action=action, name=name, user=user, obj=obj, data=data)


# --- Offers ----------------------------------------------------------------------------------------


def _validate_offer(offer: Offer) -> None:
    errors: dict = {}
    if offer.age_from is not None and offer.age_to is not None and offer.age_from > offer.age_to:
        errors["age_to"] = [ValidationError(AGE_RANGE_INVALID, code="age_range")]
    if offer.valid_from and offer.valid_until and offer.valid_from > offer.valid_until:
        errors["valid_until"] = [ValidationError(VALIDITY_INVALID, code="validity")]
    _check_email(errors, "contact_email", offer.contact_email)
    _raise(errors)
    offer.full_clean(exclude=["search_vector", "contact_email"], validate_constraints=False)


def _build_offer(offer: Offer, fields: dict) -> Offer:
    _unknown(fields, OFFER_FIELDS)
    for name, value in fields.items():
        setattr(offer, name, value)
    offer.topics = list(dict.fromkeys(offer.topics or []))
    return offer


@transaction.atomic
def offer_create(*, user, **fields) -> Offer:
    """A coordinator enters an offer of their district; it is published and counts as confirmed today."""
    offer = _build_offer(Offer(), fields)
    _require_district(user, offer.district_id)
    _validate_offer(offer)
    offer.status = OfferStatus.PUBLISHED
    offer.confirmed_at = timezone.now()
    offer.confirmed_by = user
    offer.save()
    _audit(user, Action.CREATE, "networks.offer.created", offer)
    return offer


@transaction.atomic
def offer_suggest(*, user, **fields) -> Offer:
    """A case manager or team lead suggests an offer; a coordinator of the district accepts or rejects it."""
    offer = _build_offer(Offer(), fields)
    _validate_offer(offer)
    offer.status = OfferStatus.SUGGESTED
    offer.suggested_by = user
    offer.save()
    _audit(user, Action.CREATE, "networks.offer.suggested", offer)
    return offer


@transaction.atomic
def offer_update(*, user, offer: Offer, version: int | None = None, **fields) -> Offer:
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    _require_district(user, offer.district_id)
    _bump_version(offer, version)
    _build_offer(offer, fields)
    _require_district(user, offer.district_id)
    _validate_offer(offer)
    offer.save()
    _audit(user, Action.UPDATE, "networks.offer.updated", offer, {"fields": sorted(fields)})
    return offer


@transaction.atomic
def offer_confirm(*, user, offer: Offer) -> Offer:
    """The coordinator checked the offer still exists as described: it is no longer stale."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    _require_district(user, offer.district_id)
    if offer.status != OfferStatus.PUBLISHED:
        raise ValidationError(ONLY_PUBLISHED_CONFIRMED, code="status")
    offer.confirmed_at = timezone.now()
    offer.confirmed_by = user
    offer.version += 1
    offer.save(update_fields=["confirmed_at", "confirmed_by", "version", "updated_at"])
    _audit(user, Action.UPDATE, "networks.offer.confirmed", offer)
    return offer


@transaction.atomic
def offer_decide_suggestion(*, user, offer: Offer, accept: bool) -> Offer:
    """Accept (publish, confirmed today) or reject a suggested offer."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    _require_district(user, offer.district_id)
    if offer.status != OfferStatus.SUGGESTED:
        raise ValidationError(NOT_A_SUGGESTION, code="status")
    offer.version += 1
    if accept:
        offer.status = OfferStatus.PUBLISHED
        offer.confirmed_at = timezone.now()
        offer.confirmed_by = user
    else:
        offer.status = OfferStatus.REJECTED
    offer.save()
    _audit(user, Action.UPDATE, "networks.offer.accepted" if accept else "networks.offer.rejected", offer)
    return offer


@transaction.atomic
def offer_archive(*, user, offer: Offer) -> Offer:
    """The offer no longer exists; it leaves the search but stays for cases that point to it."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    _require_district(user, offer.district_id)
    offer.status = OfferStatus.ARCHIVED
    offer.version += 1
    offer.save(update_fields=["status", "version", "updated_at"])
    _audit(user, Action.UPDATE, "networks.offer.archived", offer)
    return offer


# --- Member organisations ---------------------------------------------------------------------------


def _validate_organisation(org: MemberOrganisation) -> None:
    errors: dict = {}
    _check_email(errors, "email", org.email)
    clash = MemberOrganisation.objects.filter(district_id=org.district_id, name=org.name).exclude(pk=org.pk)
    if org.district_id and clash.exists():
        errors["name"] = [ValidationError(ORGANISATION_NAME_TAKEN, code="unique")]
    _raise(errors)
    org.full_clean(exclude=["email"], validate_unique=False, validate_constraints=False)


@transaction.atomic
def organisation_create(*, user, cohorts=(), **fields) -> MemberOrganisation:
    _unknown(fields, ORGANISATION_FIELDS)
    org = MemberOrganisation(**fields)
    _require_district(user, org.district_id)
    _validate_organisation(org)
    org.save()
    org.cohorts.set(cohorts)
    _audit(user, Action.CREATE, "networks.organisation.created", org)
    return org


@transaction.atomic
def organisation_update(*, user, organisation: MemberOrganisation, cohorts=None, **fields) -> MemberOrganisation:
    _unknown(fields, ORGANISATION_FIELDS)
    org = MemberOrganisation.objects.select_for_update().get(pk=organisation.pk)
    _require_district(user, org.district_id)
    for name, value in fields.items():
        setattr(org, name, value)
    _require_district(user, org.district_id)
    _validate_organisation(org)
    org.save()
    if cohorts is not None:
        org.cohorts.set(cohorts)
    _audit(user, Action.UPDATE, "networks.organisation.updated", org, {"fields": sorted(fields)})
    return org


@transaction.atomic
def contact_add(
    *, user, organisation: MemberOrganisation, name: str, function: str = "", phone: str = "", email: str = ""
) -> ContactPerson:
    _require_district(user, organisation.district_id)
    errors: dict = {}
    _check_email(errors, "email", email)
    if not name.strip():
        errors["name"] = [ValidationError(_("This field is required."), code="required")]
    _raise(errors)
    contact = ContactPerson.objects.create(
        organisation=organisation, name=name.strip(), function=function, phone=phone, email=email
    )
    _audit(user, Action.CREATE, "networks.contact.created", contact)
    return contact


@transaction.atomic
def contact_remove(*, user, contact: ContactPerson) -> None:
    _require_district(user, contact.organisation.district_id)
    _audit(user, Action.DELETE, "networks.contact.deleted", contact)
    contact.delete()


# --- Networks --------------------------------------------------------------------------------------


def _validate_network(network: Network, districts) -> None:
    errors: dict = {}
    if network.cohort_id is None:
        errors["cohort"] = [ValidationError(NETWORK_COHORT_REQUIRED, code="required")]
    if not districts:
        errors["districts"] = [ValidationError(NETWORK_DISTRICT_REQUIRED, code="required")]
    elif network.social_center_id and any(d.social_center_id != network.social_center_id for d in districts):
        errors["districts"] = [ValidationError(NETWORK_DISTRICT_OTHER_CENTRE, code="centre")]
    if network.coordinator_id and not network.coordinator.has_role(Role.DISTRICT_COORDINATOR):
        errors["coordinator"] = [ValidationError(NETWORK_COORDINATOR_ROLE, code="role")]
    clash = Network.objects.filter(social_center_id=network.social_center_id, name=network.name).exclude(pk=network.pk)
    if network.social_center_id and clash.exists():
        errors["name"] = [ValidationError(NETWORK_NAME_TAKEN, code="unique")]
    _raise(errors)
    network.full_clean(exclude=["districts", "cohort"], validate_unique=False, validate_constraints=False)


def _require_network_district(user, districts) -> None:
    if user.has_role(Role.ADMINISTRATOR):
        return
    if not {d.id for d in districts} & coordinated_district_ids(user):
        raise PermissionDenied(NOT_YOUR_DISTRICT)


@transaction.atomic
def network_create(*, user, districts, **fields) -> Network:
    """A coordinator sets up a network for (some of) their districts and one age cohort."""
    _unknown(fields, NETWORK_FIELDS)
    districts = list(districts or [])
    network = Network(**fields)
    _validate_network(network, districts)
    _require_network_district(user, districts)
    network.save()
    network.districts.set(districts)
    _audit(user, Action.CREATE, "networks.network.created", network)
    return network


@transaction.atomic
def network_update(*, user, network: Network, version: int | None = None, districts=None, **fields) -> Network:
    _unknown(fields, NETWORK_FIELDS)
    network = Network.objects.select_for_update().get(pk=network.pk)
    _require_network_district(user, list(network.districts.all()))
    _bump_version(network, version)
    for name, value in fields.items():
        setattr(network, name, value)
    districts = list(network.districts.all()) if districts is None else list(districts)
    _validate_network(network, districts)
    _require_network_district(user, districts)
    network.save()
    network.districts.set(districts)
    _audit(user, Action.UPDATE, "networks.network.updated", network, {"fields": sorted(fields)})
    return network


@transaction.atomic
def network_adopt_model_rules(*, user, network: Network, model_rules: ModelRules, adopted_on: date | None = None) -> Network:
    """Copy the office's model text into the network's rules of procedure (it can be edited afterwards)."""
    network = Network.objects.select_for_update().get(pk=network.pk)
    _require_network_district(user, list(network.districts.all()))
    network.rules_of_procedure = model_rules.text
    network.rules_source = model_rules
    network.rules_adopted_on = adopted_on or timezone.localdate()
    network.version += 1
    network.save()
    _audit(user, Action.UPDATE, "networks.network.rules_adopted", network, {"model_rules": model_rules.pk})
    return network


def _current_members(network: Network, on: date) -> Q:
    return Q(network=network, since__lte=on) & (Q(until__isnull=True) | Q(until__gte=on))


@transaction.atomic
def membership_add(
    *, user, network: Network, organisation: MemberOrganisation, role: str, since: date, until: date | None = None
) -> Membership:
    _require_network_district(user, list(network.districts.all()))
    if until and since and until < since:
        raise ValidationError({"until": [ValidationError(MEMBERSHIP_PERIOD_INVALID, code="period")]})
    # Lock the network row so two parallel additions cannot both pass the overlap check.
    Network.objects.select_for_update().get(pk=network.pk)
    overlap = Membership.objects.filter(network=network, organisation=organisation).filter(
        Q(until__isnull=True) | Q(until__gte=since)
    )
    if until:
        overlap = overlap.filter(since__lte=until)
    if overlap.exists():
        raise ValidationError({"organisation": [ValidationError(MEMBERSHIP_OVERLAP, code="overlap")]})
    membership = Membership(network=network, organisation=organisation, role=role, since=since, until=until)
    membership.full_clean(validate_constraints=False, validate_unique=False)
    membership.save()
    _audit(user, Action.CREATE, "networks.membership.created", membership)
    return membership


@transaction.atomic
def membership_end(*, user, membership: Membership, until: date) -> Membership:
    membership = Membership.objects.select_for_update().select_related("network").get(pk=membership.pk)
    _require_network_district(user, list(membership.network.districts.all()))
    if until < membership.since:
        raise ValidationError({"until": [ValidationError(MEMBERSHIP_PERIOD_INVALID, code="period")]})
    membership.until = until
    membership.save(update_fields=["until"])
    _audit(user, Action.UPDATE, "networks.membership.ended", membership, {"until": until.isoformat()})
    return membership


# --- Meetings --------------------------------------------------------------------------------------


def _validate_meeting(meeting: Meeting) -> None:
    if meeting.start_time and meeting.end_time and meeting.start_time > meeting.end_time:
        raise ValidationError({"end_time": [ValidationError(MEETING_TIMES_INVALID, code="times")]})
    meeting.topics = list(dict.fromkeys(meeting.topics or []))
    meeting.full_clean(validate_constraints=False)


@transaction.atomic
def meeting_create(*, user, network: Network, **fields) -> Meeting:
    _unknown(fields, MEETING_FIELDS)
    _require_network_district(user, list(network.districts.all()))
    meeting = Meeting(network=network, created_by=user, **fields)
    _validate_meeting(meeting)
    meeting.save()
    _audit(user, Action.CREATE, "networks.meeting.created", meeting)
    return meeting


@transaction.atomic
def meeting_update(*, user, meeting: Meeting, **fields) -> Meeting:
    _unknown(fields, MEETING_FIELDS)
    meeting = Meeting.objects.select_for_update().select_related("network").get(pk=meeting.pk)
    _require_network_district(user, list(meeting.network.districts.all()))
    for name, value in fields.items():
        setattr(meeting, name, value)
    _validate_meeting(meeting)
    meeting.save()
    _refresh_guests(meeting)
    _audit(user, Action.UPDATE, "networks.meeting.updated", meeting, {"fields": sorted(fields)})
    return meeting


def is_member_on(network: Network, organisation: MemberOrganisation, on: date) -> bool:
    return Membership.objects.filter(_current_members(network, on), organisation=organisation).exists()


def _refresh_guests(meeting: Meeting) -> None:
    """After the date moved, an attendee may have become a guest (or a member) on that date."""
    members = Membership.objects.filter(_current_members(meeting.network, meeting.date)).values("organisation_id")
    meeting.attendances.filter(organisation_id__in=members).update(guest=False)
    meeting.attendances.exclude(organisation_id__in=members).update(guest=True)


@transaction.atomic
def attendance_add(*, user, meeting: Meeting, organisation: MemberOrganisation, person: str) -> Attendance:
    """Record who attended. An organisation that is not a member on the meeting date is a guest."""
    _require_network_district(user, list(meeting.network.districts.all()))
    person = (person or "").strip()
    if not person:
        raise ValidationError({"person": [ValidationError(_("This field is required."), code="required")]})
    if Attendance.objects.filter(meeting=meeting, organisation=organisation, person=person).exists():
        raise ValidationError({"person": [ValidationError(ATTENDANCE_DUPLICATE, code="duplicate")]})
    attendance = Attendance.objects.create(
        meeting=meeting,
        organisation=organisation,
        person=person,
        guest=not is_member_on(meeting.network, organisation, meeting.date),
    )
    _audit(user, Action.CREATE, "networks.attendance.created", attendance)
    return attendance


@transaction.atomic
def attendance_remove(*, user, attendance: Attendance) -> None:
    _require_network_district(user, list(attendance.meeting.network.districts.all()))
    _audit(user, Action.DELETE, "networks.attendance.deleted", attendance)
    attendance.delete()
