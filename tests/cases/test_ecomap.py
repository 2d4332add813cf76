"""The network map as SVG: valid XML, one element per person, line style by relation quality."""

import xml.etree.ElementTree as ET

from django.urls import reverse

from cases import services
from cases.ecomap import render_ecomap
from cases.models import NetworkPerson
from tests.cases.factories import add_maps

SVG = "{http://www.w3.org/2000/svg}"


def persons(root):
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == "person"]


def test_svg_is_valid_xml_with_one_element_per_person(as_user, users, case):
    add_maps(case, users.case_manager)
    response = as_user(users.case_manager).get(reverse("cases:network_svg", args=[case.pk]))
    assert response["Content-Type"].startswith("image/svg+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{SVG}svg"
    ids = sorted(int(g.get("data-person")) for g in persons(root))
    assert ids == sorted(NetworkPerson.objects.filter(case=case).values_list("pk", flat=True))


def test_quality_is_drawn_by_line_style_not_only_colour(users, case):
    add_maps(case, users.case_manager)
    root = ET.fromstring(str(render_ecomap(NetworkPerson.objects.filter(case=case), "Petersen")))
    by_quality = {g.get("data-quality"): g for g in persons(root)}
    assert by_quality["supportive"].find(f"{SVG}line").get("stroke-dasharray") is None
    assert by_quality["ambivalent"].find(f"{SVG}line").get("stroke-dasharray") == "8 6"
    assert by_quality["conflict"].find(f"{SVG}polyline") is not None  # zigzag


def test_names_are_escaped_and_map_stays_valid(users, case):
    services.network_person_save(case=case, user=users.case_manager, name='Tante "Ela" <& Co>', relation="Tante",
                                 sector="family", ring=1, quality="supportive")
    root = ET.fromstring(str(render_ecomap(NetworkPerson.objects.filter(case=case), "Müller & Söhne")))
    assert len(persons(root)) == 1
    assert 'Tante "Ela" <& Co>' in "".join(root.itertext())


def test_many_people_in_one_sector_each_get_their_own_element(users, case):
    for i in range(12):
        services.network_person_save(case=case, user=users.case_manager, name=f"Person {i}", relation="", sector="friends",
                                     ring=1 + i % 3, quality="ambivalent")
    root = ET.fromstring(str(render_ecomap(NetworkPerson.objects.filter(case=case), "X")))
    assert len(persons(root)) == 12


def test_empty_map_is_valid(case):
    root = ET.fromstring(str(render_ecomap([], "Petersen")))
    assert persons(root) == []


def test_case_page_has_map_and_table_alternative(as_user, users, case):
    add_maps(case, users.case_manager)
    text = as_user(users.case_manager).get(reverse("cases:detail", args=[case.pk])).text
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in text
    assert "Menschen um die Familie (Tabellenform der Karte)" in text and "Oma Erika" in text


def test_the_same_svg_goes_into_a_pdf_unchanged(users, case, tmp_path):
    """Case file II prints the map: WeasyPrint renders the markup as it is (no inline CSS, no script)."""
    from weasyprint import HTML

    add_maps(case, users.case_manager)
    svg = str(render_ecomap(NetworkPerson.objects.filter(case=case), "Petersen"))
    assert "style=" not in svg and "<script" not in svg
    pdf = HTML(string=f"<html><body><h1>Netzwerkkarte</h1>{svg}</body></html>").write_pdf()
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000
    (tmp_path / "map.pdf").write_bytes(pdf)


CONTROL = "".join(chr(c) for c in range(0x01, 0x20))  # every C0 control character a name can hold (NUL cannot be stored)


def test_control_characters_in_names_leave_the_served_svg_valid(as_user, users, case):
    """A name pasted with control characters (issue 13, item 10) made the SVG invalid XML."""
    services.network_person_save(case=case, user=users.case_manager, name=f"Oma{CONTROL}Erika", relation=f"Groß{CONTROL}mutter",
                                 sector="family", ring=1, quality="supportive")
    NetworkPerson.objects.filter(case=case).update(name=f"Oma{CONTROL}Erika")  # as stored, whatever a form strips
    response = as_user(users.case_manager).get(reverse("cases:network_svg", args=[case.pk]))
    root = ET.fromstring(response.content)  # raises on any character XML forbids
    assert len(persons(root)) == 1
    text = "".join(root.itertext())
    assert "Oma" in text and "Erika" in text
    assert not set(text) & set(CONTROL) - {" "}


def test_control_characters_in_the_family_label_leave_the_map_valid(users, case):
    root = ET.fromstring(str(render_ecomap([], f"Peter{CONTROL}sen")))
    assert "Peter" in "".join(root.itertext())
