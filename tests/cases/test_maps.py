"""Resource map and network map: edited inline, bad input refused, offers linked and counted."""

from django.template import Context, Template
from django.urls import reverse

from cases import services
from cases.models import NetworkPerson, ResourceEntry
from networks.models import MemberOrganisation, Offer
from tests.cases.factories import add_maps, make_case
from tests.factories import years_ago

HX = {"HTTP_HX_REQUEST": "true"}


def make_offer(district, title="Elterncafé Walle", age_from=0, age_to=10):
    org, _ = MemberOrganisation.objects.get_or_create(name=f"Familienzentrum {district.name}", kind="provider", district=district)
    return Offer.objects.create(organisation=org, district=district, title=title, description="Offenes Café für Eltern mit Kindern",
                                age_from=age_from, age_to=age_to, status="published")


def test_resource_added_inline_and_shown_in_its_area(as_user, users, case):
    response = as_user(users.case_manager).post(
        reverse("cases:resource_add", args=[case.pk]),
        {"area": "young_person", "description": "Lina spielt Fußball im Verein", "named_by": "family", "strength": "3"}, **HX,
    )
    assert response.status_code == 200 and response.text.lstrip().startswith('<section id="resources"')
    assert "Lina spielt Fußball im Verein" in response.text
    assert ResourceEntry.objects.get(case=case).strength == 3


def test_resource_with_bad_strength_is_refused_keeping_the_text(as_user, users, case):
    response = as_user(users.case_manager).post(
        reverse("cases:resource_add", args=[case.pk]),
        {"area": "family", "description": "Oma hilft", "named_by": "family", "strength": "7"}, **HX,
    )
    assert response.status_code == 422 and 'value="Oma hilft"' in response.text
    assert not ResourceEntry.objects.exists()


def test_resource_edit_and_delete_inline(as_user, users, case):
    add_maps(case, users.case_manager)
    entry = ResourceEntry.objects.filter(case=case, area="family").get()
    client = as_user(users.case_manager)
    url = reverse("cases:resource_edit", args=[case.pk, entry.pk])
    assert 'value="Oma kocht mittwochs"' in client.get(url, **HX).text
    client.post(url, {"area": "family", "description": "Oma kocht mittwochs und freitags", "named_by": "family", "strength": "2"}, **HX)
    entry.refresh_from_db()
    assert (entry.description, entry.strength) == ("Oma kocht mittwochs und freitags", 2)
    client.post(url, {"delete": "1"}, **HX)
    assert not ResourceEntry.objects.filter(pk=entry.pk).exists()


def test_network_person_added_inline_redraws_the_map(as_user, users, case):
    response = as_user(users.case_manager).post(
        reverse("cases:network_add", args=[case.pk]),
        {"name": "Herr Yıldız", "relation": "Fußballtrainer", "sector": "friends", "ring": "2", "quality": "supportive"}, **HX,
    )
    assert response.status_code == 200
    person = NetworkPerson.objects.get(case=case)
    assert f'data-person="{person.pk}"' in response.text and "Herr Yıldız" in response.text


def test_network_person_without_sector_is_refused(as_user, users, case):
    response = as_user(users.case_manager).post(
        reverse("cases:network_add", args=[case.pk]), {"name": "Herr Yıldız", "ring": "2", "quality": "supportive"}, **HX
    )
    assert response.status_code == 422 and "Dieses Feld ist zwingend erforderlich." in response.text
    assert not NetworkPerson.objects.exists()


def test_closed_case_maps_cannot_change(as_user, users, case):
    add_maps(case, users.case_manager)
    services.case_transition(case=case, user=users.case_manager, to_state="closed", reason="moved")
    entry = ResourceEntry.objects.filter(case=case).first()
    response = as_user(users.case_manager).post(reverse("cases:resource_edit", args=[case.pk, entry.pk]), {"delete": "1"}, **HX)
    assert "Der Fall ist abgeschlossen" in response.text
    assert ResourceEntry.objects.filter(pk=entry.pk).exists()


def test_district_resource_points_to_an_offer_and_the_offer_page_counts_cases(as_user, users, org):
    offer = make_offer(org.walle)
    client = as_user(users.case_manager)
    for _ in range(2):
        case = make_case(users.case_manager, org.walle)
        client.post(reverse("cases:resource_add", args=[case.pk]),
                    {"area": "district", "description": offer.title, "named_by": "professional", "strength": "2", "offer": offer.pk})
    assert ResourceEntry.objects.filter(offer=offer).count() == 2
    usage = Template('{% include "networks/_offer_usage.html" %}')
    html = usage.render(Context({"offer": offer, "user": users.case_manager}))
    assert "In 2 offenen Fallakten Ihres Teams als Ressource genannt." in html
    assert "Petersen" not in html  # a count, never names
    services.case_transition(case=case, user=users.case_manager, to_state="closed", reason="district_help")
    assert "In 1 offenen Fallakte Ihres Teams" in usage.render(Context({"offer": offer, "user": users.case_manager}))


def _offer_named_by_both_teams(users, org):
    """An offer named on the resource map of one open case of team A and two of team B (entries
    inserted directly: a team B case could name it after a move of the family)."""
    offer = make_offer(org.walle)
    cases = [make_case(users.case_manager, org.walle)] + [make_case(users.other_case_manager, org.vahr) for _ in range(2)]
    for case in cases:
        ResourceEntry.objects.create(case=case, area="district", description=offer.title, named_by="professional",
                                     strength=2, offer=offer)
    return offer


def test_offer_page_counts_only_the_readers_own_cases(as_user, users, org):
    """The count went office-wide to every reader (issue 13, item 10): a case manager counts the
    open case files they may see, those of their team."""
    offer = _offer_named_by_both_teams(users, org)
    url = reverse("networks:offer_detail", args=[offer.pk])
    assert "In 1 offenen Fallakte Ihres Teams als Ressource genannt." in as_user(users.case_manager).get(url).text
    assert "In 2 offenen Fallakten Ihres Teams als Ressource genannt." in as_user(users.other_case_manager).get(url).text


def test_readers_without_case_files_see_no_case_count(as_user, users, org):
    """Coordinators, leadership and administration read the offer directory but no case files:
    no count at all (DESIGN: coordinators get no case contents)."""
    offer = _offer_named_by_both_teams(users, org)
    url = reverse("networks:offer_detail", args=[offer.pk])
    for reader in (users.coordinator, users.leadership, users.admin):
        response = as_user(reader).get(url)
        assert response.status_code == 200
        assert "offer-usage" not in response.text and "Fallakte" not in response.text
    # provider staff may not open the directory at all; the partial shows them nothing either
    usage = Template('{% include "networks/_offer_usage.html" %}')
    assert usage.render(Context({"offer": offer, "user": users.provider_staff})).strip() == ""
    assert usage.render(Context({"offer": offer})).strip() == ""


def test_offer_can_only_be_linked_from_the_district_area(as_user, users, case, org):
    offer = make_offer(org.walle)
    response = as_user(users.case_manager).post(
        reverse("cases:resource_add", args=[case.pk]),
        {"area": "family", "description": "x", "named_by": "professional", "strength": "2", "offer": offer.pk}, **HX,
    )
    assert response.status_code == 422 and "Nur Ressourcen im Stadtteil" in response.text


def test_offer_of_another_district_cannot_be_linked(as_user, users, case, org):
    offer = make_offer(org.vahr)
    response = as_user(users.case_manager).post(
        reverse("cases:resource_add", args=[case.pk]),
        {"area": "district", "description": "x", "named_by": "professional", "strength": "2", "offer": offer.pk}, **HX,
    )
    assert response.status_code == 422 and not ResourceEntry.objects.exists()


def test_find_offers_uses_district_and_childrens_ages(as_user, users, org):
    case = make_case(users.case_manager, org.walle, child=("Lina", "Petersen", years_ago(10)))  # 10 today
    make_offer(org.walle, "Hausaufgabenhilfe", 8, 12)
    make_offer(org.walle, "Krabbelgruppe", 0, 3)
    make_offer(org.vahr, "Jugendtreff Vahr", 8, 14)
    text = as_user(users.case_manager).get(reverse("cases:offers", args=[case.pk])).text
    assert "Hausaufgabenhilfe" in text
    assert "Krabbelgruppe" not in text and "Jugendtreff Vahr" not in text
