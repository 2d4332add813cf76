"""Writes of the networks app: bad input is refused with German messages and nothing is saved."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from juwe.models import AuditEvent
from networks import services
from networks.models import Attendance, ContactPerson, MemberOrganisation, Network, Offer, OfferStatus
from tests.networks.factories import MemberOrganisationFactory, cohort


def offer_fields(org, **extra):
    return {"organisation": org, "district": org.district, "title": "Elterncafé", "age_from": 0, "age_to": 6,
            "topics": ["parenting"], **extra}


def messages_of(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def test_offer_with_age_from_greater_than_to_is_refused(users, net):
    before = Offer.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.offer_create(user=users.coordinator, **offer_fields(net.kita, age_from=10, age_to=6))
    assert messages_of(exc.value) == ["Das Alter „von“ darf nicht größer sein als das Alter „bis“."]
    assert Offer.objects.count() == before


def test_offer_form_shows_german_errors_and_keeps_input(as_user, users, net):
    data = {"organisation": net.kita.pk, "district": net.kita.district_id, "title": "Krabbelgruppe",
            "age_from": 8, "age_to": 3, "contact_email": "keine-adresse"}
    before = Offer.objects.count()
    response = as_user(users.coordinator).post(reverse("networks:offer_create"), data)
    assert response.status_code == 200
    assert "Das Alter „von“ darf nicht größer sein als das Alter „bis“." in response.text
    assert "„keine-adresse“ ist keine gültige E-Mail-Adresse." in response.text
    assert 'value="Krabbelgruppe"' in response.text
    assert Offer.objects.count() == before


def test_network_without_cohort_or_district_is_refused(users, org):
    with pytest.raises(ValidationError) as exc:
        services.network_create(user=users.coordinator, name="Netzwerk ohne alles", social_center=org.center_a,
                                cohort=None, coordinator=users.coordinator, districts=[])
    assert set(messages_of(exc.value)) == {"Ein Netzwerk braucht eine Altersstufe.",
                                           "Ein Netzwerk braucht mindestens einen Stadtteil."}
    assert not Network.objects.filter(name="Netzwerk ohne alles").exists()


def test_network_form_refuses_missing_cohort_in_german(as_user, users, org):
    data = {"name": "Netzwerk Walle", "social_center": org.center_a.pk, "coordinator": users.coordinator.pk,
            "districts": [org.walle.pk], "active": "on"}
    response = as_user(users.coordinator).post(reverse("networks:network_create"), data)
    assert "Ein Netzwerk braucht eine Altersstufe." in response.text
    assert not Network.objects.filter(name="Netzwerk Walle").exists()


def test_network_needs_a_district_coordinator_and_districts_of_its_centre(users, org):
    with pytest.raises(ValidationError) as exc:
        services.network_create(user=users.coordinator, name="Netzwerk Quer", social_center=org.center_a,
                                cohort=cohort("kita"), coordinator=users.case_manager, districts=[org.walle, org.vahr])
    assert set(messages_of(exc.value)) == {
        "Alle Stadtteile eines Netzwerks müssen zu seinem Sozialzentrum gehören.",
        "Die Koordination muss bei einer Sozialraumkoordination liegen."}


def test_coordinator_cannot_create_network_for_foreign_districts(users, org):
    with pytest.raises(PermissionDenied):
        services.network_create(user=users.coordinator, name="Netzwerk Ost", social_center=org.center_b,
                                cohort=cohort("kita"), coordinator=users.coordinator, districts=[org.vahr])


def test_invalid_email_is_refused_for_organisation_and_contact(users, org, net):
    with pytest.raises(ValidationError) as exc:
        services.organisation_create(user=users.coordinator, name="Grundschule Walle", kind="school",
                                     district=org.walle, email="schule(at)bremen")
    assert messages_of(exc.value) == ["„schule(at)bremen“ ist keine gültige E-Mail-Adresse."]
    assert not MemberOrganisation.objects.filter(name="Grundschule Walle").exists()
    with pytest.raises(ValidationError):
        services.contact_add(user=users.coordinator, organisation=net.kita, name="Frau Meyer", email="meyer@")
    assert not ContactPerson.objects.filter(name="Frau Meyer").exists()


def test_organisation_with_cohorts_and_contacts(users, org):
    new = services.organisation_create(user=users.coordinator, name="Frühförderstelle West", kind="early_intervention",
                                       district=org.walle, cohorts=[cohort("fruehe-hilfen"), cohort("kita")])
    services.contact_add(user=users.coordinator, organisation=new, name="Imke Otten", function="Leitung",
                         phone="0421 123", email="imke.otten@example.org")
    assert [c.code for c in new.cohorts.all()] == ["fruehe-hilfen", "kita"]
    assert new.contacts.get().email == "imke.otten@example.org"
    assert AuditEvent.objects.filter(name="networks.organisation.created").exists()


def test_non_member_attending_is_recorded_as_guest(users, net):
    member = services.attendance_add(user=users.coordinator, meeting=net.meeting, organisation=net.kita, person="A. Albers")
    police = MemberOrganisationFactory(name="Polizeirevier Walle", kind="police", district=net.kita.district)
    guest = services.attendance_add(user=users.coordinator, meeting=net.meeting, organisation=police, person="K. Kaya")
    assert member.guest is False
    assert guest.guest is True


def test_former_member_is_a_guest_and_moving_the_meeting_updates_it(users, net):
    today = timezone.localdate()
    services.membership_end(user=users.coordinator, membership=net.membership, until=today - dt.timedelta(days=10))
    attendance = services.attendance_add(user=users.coordinator, meeting=net.meeting, organisation=net.kita, person="A. Albers")
    assert attendance.guest is True
    services.meeting_update(user=users.coordinator, meeting=net.meeting, date=today - dt.timedelta(days=30))
    attendance.refresh_from_db()
    assert attendance.guest is False


def test_guest_warning_on_the_meeting_page(as_user, users, net):
    police = MemberOrganisationFactory(name="Polizeirevier Walle", kind="police", district=net.kita.district)
    response = as_user(users.coordinator).post(reverse("networks:meeting_detail", args=[net.meeting.pk]),
                                               {"organisation": police.pk, "person": "K. Kaya"}, follow=True)
    assert "Polizeirevier Walle ist kein Mitglied des Netzwerks: als Gast erfasst." in response.text
    assert Attendance.objects.get(person="K. Kaya").guest


def test_overlapping_membership_is_refused(users, net):
    with pytest.raises(ValidationError) as exc:
        services.membership_add(user=users.coordinator, network=net.network, organisation=net.kita, role="member",
                                since=timezone.localdate())
    assert messages_of(exc.value) == ["Diese Organisation ist in diesem Zeitraum bereits Mitglied des Netzwerks."]


def test_meeting_ending_before_it_starts_is_refused(users, net):
    with pytest.raises(ValidationError) as exc:
        services.meeting_create(user=users.coordinator, network=net.network, date=timezone.localdate(),
                                place="Ortsamt", start_time=dt.time(15), end_time=dt.time(14))
    assert messages_of(exc.value) == ["Die Sitzung darf nicht enden, bevor sie beginnt."]


def test_coordinator_adopts_the_model_rules(as_user, users, net):
    from networks.models import ModelRules

    model = ModelRules.objects.get()
    as_user(users.coordinator).post(reverse("networks:network_adopt_rules", args=[net.network.pk]),
                                    {"model_rules": model.pk, "adopted_on": "2026-03-01"})
    net.network.refresh_from_db()
    assert net.network.rules_of_procedure.startswith("§ 1 Zweck")
    assert net.network.rules_adopted_on == dt.date(2026, 3, 1)
    assert net.network.rules_source == model


def test_case_manager_suggests_and_coordinator_accepts(as_user, users, net):
    data = {"organisation": net.kita.pk, "district": net.kita.district_id, "title": "Vorlesepaten",
            "age_from": 3, "age_to": 8, "topics": ["language"]}
    response = as_user(users.case_manager).post(reverse("networks:offer_create"), data)
    offer = Offer.objects.get(title="Vorlesepaten")
    assert response.status_code == 302
    assert offer.status == OfferStatus.SUGGESTED and offer.suggested_by == users.case_manager
    home = as_user(users.coordinator).get(reverse("home")).text
    assert "Vorlesepaten" in home
    as_user(users.coordinator).post(reverse("networks:offer_decide", args=[offer.pk]), {"accept": "1"})
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PUBLISHED and offer.confirmed_by == users.coordinator


def test_rejected_suggestion_cannot_be_accepted_later(users, net):
    offer = services.offer_suggest(user=users.team_lead, **offer_fields(net.kita, title="Zirkusprojekt"))
    services.offer_decide_suggestion(user=users.coordinator, offer=offer, accept=False)
    with pytest.raises(ValidationError):
        services.offer_decide_suggestion(user=users.coordinator, offer=offer, accept=True)


def test_concurrent_edit_is_refused(users, net):
    version = net.offer.version
    services.offer_update(user=users.coordinator, offer=net.offer, version=version, title="Elterncafé (neu)")
    with pytest.raises(ValidationError) as exc:
        services.offer_update(user=users.coordinator, offer=net.offer, version=version, title="Elterncafé (alt)")
    assert "Jemand anderes hat diesen Datensatz inzwischen geändert" in messages_of(exc.value)[0]
    net.offer.refresh_from_db()
    assert net.offer.title == "Elterncafé (neu)"
