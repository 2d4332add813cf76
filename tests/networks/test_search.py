"""The Stadtteilkarte's search: German full-text search with stemming and prefix matching,
filters by district, age and topic, and only published, currently valid offers."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from networks.models import Offer, OfferStatus
from networks.selectors import offers_search, text_query
from tests.networks.factories import MemberOrganisationFactory, OfferFactory


@pytest.fixture
def offers(org):
    kita = MemberOrganisationFactory(name="Familienzentrum Walle", district=org.walle)
    vahr = MemberOrganisationFactory(name="Haus der Familie Vahr", district=org.vahr)
    return {
        "cafe": OfferFactory(organisation=kita, title="Elterncafé am Dienstag", age_from=0, age_to=6,
                             description="Eltern tauschen sich aus, die Kinder spielen.", topics=["parenting"]),
        "homework": OfferFactory(organisation=kita, title="Hausaufgabenhilfe", age_from=6, age_to=14,
                                 description="Unterstützung beim Lernen für Schülerinnen und Schüler.", topics=["learning"]),
        "youth": OfferFactory(organisation=vahr, title="Offener Jugendtreff", age_from=12, age_to=21,
                              description="Kicker, Musik und Beratungen für Jugendliche.", topics=["leisure", "counselling"]),
        "swim": OfferFactory(organisation=vahr, title="Schwimmkurs für Kinder", age_from=5, age_to=10,
                             description="Seepferdchen in kleinen Gruppen.", topics=["sport"]),
    }


def titles(qs):
    return sorted(o.title for o in qs)


def test_eltern_finds_elterncafe(users, offers):
    assert "Elterncafé am Dienstag" in titles(offers_search(users.case_manager, text="Eltern"))


def test_search_uses_german_stemming(users, offers):
    # "Beratung" finds "Beratungen", "Kindern" finds "Kinder", "Schüler" finds "Schülerinnen"
    assert titles(offers_search(users.case_manager, text="Beratung")) == ["Offener Jugendtreff"]
    assert "Schwimmkurs für Kinder" in titles(offers_search(users.case_manager, text="Kindern"))
    assert titles(offers_search(users.case_manager, text="Schüler")) == ["Hausaufgabenhilfe"]


def test_all_words_must_match_and_title_ranks_first(users, offers):
    OfferFactory(organisation=offers["cafe"].organisation, title="Spielgruppe",
                 description="Ein Treffpunkt: auch ein Elterncafé gehört dazu.")
    result = list(offers_search(users.case_manager, text="Elterncafé"))
    assert [o.title for o in result] == ["Elterncafé am Dienstag", "Spielgruppe"]
    assert titles(offers_search(users.case_manager, text="Eltern Musik")) == []


def test_search_syntax_in_user_input_is_harmless(users, offers):
    for text in ["Eltern & | ! :*", "'; DROP TABLE x; --", "(((", "<->", "  "]:
        list(offers_search(users.case_manager, text=text))


def test_filters_by_district_age_and_topic(users, org, offers):
    assert titles(offers_search(users.case_manager, district=org.walle)) == ["Elterncafé am Dienstag", "Hausaufgabenhilfe"]
    # a 7-year-old: the homework club (6–14) and the swimming course (5–10), not the café (0–6)
    assert titles(offers_search(users.case_manager, age=7)) == ["Hausaufgabenhilfe", "Schwimmkurs für Kinder"]
    # the range ends are inclusive
    assert "Elterncafé am Dienstag" in titles(offers_search(users.case_manager, age=6))
    assert titles(offers_search(users.case_manager, topic="counselling")) == ["Offener Jugendtreff"]
    assert titles(offers_search(users.case_manager, district=org.walle, age=7, text="Lernen")) == ["Hausaufgabenhilfe"]


def test_several_ages_match_any_child(users, org, offers):
    # a family with a 2- and a 13-year-old in Walle
    assert titles(offers_search(users.case_manager, district=[org.walle.pk], age=[2, 13])) == [
        "Elterncafé am Dienstag", "Hausaufgabenhilfe"]


def test_only_published_and_currently_valid_offers_are_found(users, offers):
    offers["cafe"].status = OfferStatus.SUGGESTED
    offers["cafe"].save()
    offers["homework"].valid_until = dt.date(2020, 1, 1)
    offers["homework"].save()
    offers["swim"].valid_from = dt.date(2100, 1, 1)
    offers["swim"].save()
    assert titles(offers_search(users.coordinator)) == ["Offener Jugendtreff"]


def test_search_page_shows_results_and_stale_badge(as_user, users, org, offers):
    # last confirmed 13 months before the visit, whatever today is
    Offer.objects.update(confirmed_at=dt.datetime(2029, 5, 1, 12, tzinfo=dt.timezone.utc))
    with time_machine.travel(dt.datetime(2030, 6, 1, 12, tzinfo=dt.timezone.utc)):
        response = as_user(users.case_manager).get(reverse("networks:offer_search"), {"q": "eltern", "age": "3"})
    assert "Elterncafé am Dienstag" in response.text
    assert "Hausaufgabenhilfe" not in response.text
    assert "seit 12 Monaten nicht bestätigt" in response.text


def test_full_text_search_is_served_by_the_gin_index(users, offers):
    # The full search's plan at 100,000 offers is printed by the benchmark; here: the index can serve the match.
    qs = Offer.objects.filter(search_vector=text_query("Eltern")).order_by().values("pk")
    with connection.cursor() as cursor:
        # A handful of test rows: forbid the plans that only win on tiny tables.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = qs.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "offer_search_gin" in plan, plan


def test_offer_search_exports_csv(as_user, users, offers):
    response = as_user(users.case_manager).get(reverse("networks:offer_search"), {"q": "Eltern", "format": "csv"})
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "Elterncafé am Dienstag" in body and "Jugendtreff" not in body


def test_broad_search_is_capped_and_asks_to_narrow_it(as_user, users, offers, settings, monkeypatch):
    from networks import selectors

    monkeypatch.setattr(selectors, "RANK_CANDIDATES", 3)
    for i in range(4):
        OfferFactory(organisation=offers["cafe"].organisation, title=f"Elternkurs {i}")
    # five offers match; the cap plus one are ranked (the one more tells the page there are more)
    assert len(list(offers_search(users.case_manager, text="Eltern"))) == 4
    response = as_user(users.case_manager).get(reverse("networks:offer_search"), {"q": "Eltern"})
    assert "Mehr als 3 Angebote – bitte grenzen Sie die Suche ein" in response.text
