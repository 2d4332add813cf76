"""Offers nobody confirmed for 12 months are flagged and land on the coordinator's worklist."""

import datetime as dt

import time_machine
from django.urls import reverse

from networks import services
from networks.selectors import offer_for_detail, offers_stale
from tests.networks.factories import OfferFactory

NOW = dt.datetime(2026, 11, 20, 10, tzinfo=dt.timezone.utc)


def test_offer_confirmed_13_months_ago_is_stale_11_months_ago_is_not(users, net):
    old = OfferFactory(organisation=net.kita, title="Alt", confirmed_at=dt.datetime(2025, 10, 19, tzinfo=dt.timezone.utc))
    fresh = OfferFactory(organisation=net.kita, title="Frisch", confirmed_at=dt.datetime(2025, 12, 21, tzinfo=dt.timezone.utc))
    never = OfferFactory(organisation=net.kita, title="Nie", confirmed_at=None)
    with time_machine.travel(NOW):
        stale = list(offers_stale(users.coordinator))
        assert [o.title for o in stale] == ["Nie", "Alt"]
        assert offer_for_detail(users.coordinator, old.pk).is_stale
        assert not offer_for_detail(users.coordinator, fresh.pk).is_stale
    assert never.pk in {o.pk for o in stale}


def test_confirming_clears_the_flag(users, net):
    old = OfferFactory(organisation=net.kita, title="Alt", confirmed_at=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc))
    with time_machine.travel(NOW):
        services.offer_confirm(user=users.coordinator, offer=old)
        assert old not in offers_stale(users.coordinator)
        assert not offer_for_detail(users.coordinator, old.pk).is_stale


def test_stale_offers_show_on_the_worklist_of_their_districts_coordinator_only(as_user, users, net, org):
    OfferFactory(organisation=net.kita, title="Mutter-Kind-Turnen", confirmed_at=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc))
    OfferFactory(organisation=net.vahr_org, title="Skaterpark-Treff", confirmed_at=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc))
    with time_machine.travel(NOW):
        home = as_user(users.coordinator).get(reverse("home")).text
        assert "Angebote seit 12 Monaten nicht bestätigt" in home
        assert "Mutter-Kind-Turnen" in home and "Skaterpark-Treff" not in home
        maintenance = as_user(users.coordinator).get(reverse("networks:offer_maintenance")).text
        assert "Mutter-Kind-Turnen" in maintenance
        assert "Angebote seit" not in as_user(users.case_manager).get(reverse("home")).text


def test_coordinator_confirms_from_the_maintenance_page(as_user, users, net):
    old = OfferFactory(organisation=net.kita, title="Alt", confirmed_at=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc))
    with time_machine.travel(NOW, tick=False):
        url = reverse("networks:offer_maintenance")
        response = as_user(users.coordinator).post(reverse("networks:offer_confirm", args=[old.pk]), {"next": url})
        assert response.url == url
        old.refresh_from_db()
        assert old.confirmed_at == NOW and old.confirmed_by == users.coordinator


def test_worklist_shows_the_oldest_and_links_to_the_full_list(as_user, users, net):
    from networks.worklists import WORKLIST_ROWS

    for i in range(WORKLIST_ROWS + 3):
        OfferFactory(organisation=net.kita, title=f"Altes Angebot {i}", confirmed_at=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc))
    with time_machine.travel(NOW):
        home = as_user(users.coordinator).get(reverse("home")).text
    assert home.count("Altes Angebot") == WORKLIST_ROWS
    assert "Alle auf der Seite Angebotspflege anzeigen" in home
