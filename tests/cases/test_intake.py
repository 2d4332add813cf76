"""Opening a case: the intake form, the duplicate warning before saving, and refused input."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from cases.models import Case, CaseMember, Person
from tests.cases.factories import make_case

URL = "/faelle/neu/"


def intake_data(org, **overrides):
    data = {
        "district": org.walle.pk, "opened_on": "2026-03-02", "first_contact_source": "kita",
        "concern": "Die Kita meldet, dass Mia oft hungrig kommt.", "street": "Waller Heerstraße 12",
        "postcode": "28219", "city": "Bremen",
        "m-TOTAL_FORMS": "3", "m-INITIAL_FORMS": "0", "m-MIN_NUM_FORMS": "1", "m-MAX_NUM_FORMS": "8",
        "m-0-role": "child", "m-0-first_name": "Mia", "m-0-last_name": "Schröder", "m-0-birth_date": "2020-07-14", "m-0-gender": "female",
        "m-1-role": "parent", "m-1-first_name": "Jana", "m-1-last_name": "Schröder", "m-1-birth_date": "1994-01-20", "m-1-gender": "female",
        "m-1-phone": "0421 123456", "m-1-note": "Mutter",
        "m-2-role": "parent", "m-2-first_name": "", "m-2-last_name": "", "m-2-gender": "unspecified",
    }
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.timezone.utc), tick=False):
        yield


def test_intake_opens_case_with_members_and_reference(as_user, users, org):
    response = as_user(users.case_manager).post(URL, intake_data(org))
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == reverse("cases:detail", args=[case.pk])
    assert case.reference == "2026/334/0001" and case.state == "intake" and case.team == org.team_a
    assert case.case_manager == users.case_manager
    members = {(m.person.first_name, m.role, m.note) for m in case.members.select_related("person")}
    assert members == {("Mia", "child", ""), ("Jana", "parent", "Mutter")}
    assert Person.objects.get(first_name="Mia").street == "Waller Heerstraße 12"


def test_similar_name_and_same_birth_date_is_shown_before_saving(as_user, users, org):
    existing = make_case(users.case_manager, org.walle, child=("Mia", "Schroeder", dt.date(2020, 7, 14)), opened_on=dt.date(2026, 1, 5))
    client = as_user(users.case_manager)
    response = client.post(URL, intake_data(org))
    assert response.status_code == 200
    assert Case.objects.count() == 1  # nothing saved yet
    assert "Mögliche Dubletten" in response.text
    assert existing.reference in response.text
    assert 'value="Waller Heerstraße 12"' in response.text  # typed input kept
    person = Person.objects.get(last_name="Schroeder")
    # The user picks the existing record: the new case reuses the person.
    response = client.post(URL, intake_data(org, **{"m-0-existing": str(person.pk)}))
    assert response.status_code == 302
    assert CaseMember.objects.filter(person=person).count() == 2
    assert Person.objects.filter(first_name="Mia").count() == 1


def test_confirming_different_persons_creates_a_new_record(as_user, users, org):
    make_case(users.case_manager, org.walle, child=("Mia", "Schröder", dt.date(2020, 7, 14)), opened_on=dt.date(2026, 1, 5))
    response = as_user(users.case_manager).post(URL, intake_data(org, confirm_new="on"))
    assert response.status_code == 302
    assert Person.objects.filter(first_name="Mia").count() == 2


def test_duplicate_in_another_team_is_counted_but_not_shown(as_user, users, org):
    make_case(users.other_case_manager, org.vahr, child=("Mia", "Schröder", dt.date(2020, 7, 14)), opened_on=dt.date(2026, 1, 5))
    response = as_user(users.case_manager).post(URL, intake_data(org))
    assert "einem anderen Team bekannt" in response.text
    assert "2026/511/0001" not in response.text
    assert Case.objects.count() == 1


def test_different_birth_date_is_no_duplicate(as_user, users, org):
    make_case(users.case_manager, org.walle, child=("Mia", "Schröder", dt.date(2019, 7, 14)), opened_on=dt.date(2026, 1, 5))
    assert as_user(users.case_manager).post(URL, intake_data(org)).status_code == 302


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"m-0-birth_date": "2026-03-05"}, None, "Das Geburtsdatum liegt nach dem ersten Kontakt (02.03.2026)."),
        ({"opened_on": "2026-03-11"}, "opened_on", "Der Fall kann nicht mit einem Datum in der Zukunft eröffnet werden."),
        ({"district": "999999"}, "district", "Bitte eine gültige Auswahl treffen."),
        ({"m-0-first_name": "", "m-0-last_name": ""}, None, "Bitte Vor- und Nachnamen eingeben."),
        ({"m-0-role": "parent"}, None, "Ein Fall braucht mindestens ein Kind oder eine jugendliche Person."),
    ],
)
def test_bad_intake_is_refused_in_german_keeping_input(as_user, users, org, overrides, field, message):
    response = as_user(users.case_manager).post(URL, intake_data(org, **overrides))
    assert response.status_code == 200
    assert message in response.text
    assert Case.objects.count() == 0 and Person.objects.count() == 0  # nothing half-saved
    assert "Die Kita meldet, dass Mia oft hungrig kommt." in response.text


def test_district_of_another_team_is_refused(as_user, users, org):
    response = as_user(users.case_manager).post(URL, intake_data(org, district=org.vahr.pk))
    assert "Bitte eine gültige Auswahl treffen." in response.text
    assert Case.objects.count() == 0


def test_person_added_to_an_open_case_is_searchable(as_user, users, org):
    case = make_case(users.case_manager, org.walle, opened_on=dt.date(2026, 1, 5))
    client = as_user(users.case_manager)
    response = client.post(reverse("cases:member_add", args=[case.pk]), {
        "member-role": "child", "member-first_name": "Paul", "member-last_name": "Petersen",
        "member-birth_date": "2019-04-01", "member-gender": "male", "member-note": "Bruder"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert "Paul Petersen" in case.member_names
    assert Person.objects.get(first_name="Paul").street == Person.objects.get(first_name="Lina").street
    assert [c.reference for c in client.get("/faelle/", {"q": "Paul"}).context["page"]] == [case.reference]


def test_person_without_name_is_not_added(as_user, users, org):
    case = make_case(users.case_manager, org.walle, opened_on=dt.date(2026, 1, 5))
    response = as_user(users.case_manager).post(reverse("cases:member_add", args=[case.pk]), {
        "member-role": "child", "member-first_name": "Paul", "member-gender": "male"})
    assert response.status_code == 422 and "Bitte Vor- und Nachnamen eingeben." in response.text
    assert 'value="Paul"' in response.text and CaseMember.objects.filter(case=case).count() == 2
