"""Contacts: recorded inline, validated, counted for the intake rule on the worklist."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, Contact
from juwe import worklist
from tests.cases.factories import add_contacts, make_case


def contact_data(**overrides):
    data = {"occurred_at": (timezone.localtime() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"), "kind": "home_visit",
            "duration_minutes": "60", "participants": "Frau Petersen, Lina", "note": "Wohnung aufgeräumt, Lina offen."}
    data.update(overrides)
    return data


def test_contact_added_with_htmx_returns_the_contacts_part(as_user, users, case):
    response = as_user(users.case_manager).post(reverse("cases:contact_add", args=[case.pk]), contact_data(), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="contacts"')
    assert "Wohnung aufgeräumt, Lina offen." in response.text
    case.refresh_from_db()
    assert case.contact_count == 1 and case.last_contact_at is not None


def test_future_contact_is_refused_keeping_the_input(as_user, users, case):
    future = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = as_user(users.case_manager).post(
        reverse("cases:contact_add", args=[case.pk]), contact_data(occurred_at=future), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert "Das Datum liegt in der Zukunft" in response.text
    assert "Wohnung aufgeräumt, Lina offen." in response.text and future in response.text
    assert Contact.objects.count() == 0 and Case.objects.get(pk=case.pk).contact_count == 0


def test_contact_before_opening_is_refused(users, case):
    with pytest.raises(ValidationError) as exc:
        services.contact_add(case=case, user=users.case_manager, occurred_at=timezone.now() - dt.timedelta(days=400),
                             kind="phone", participants="Mutter", duration_minutes=10)
    assert "occurred_at" in exc.value.error_dict


def test_missing_duration_is_a_german_field_error(as_user, users, case):
    response = as_user(users.case_manager).post(reverse("cases:contact_add", args=[case.pk]), contact_data(duration_minutes=""), HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and "Dieses Feld ist zwingend erforderlich." in response.text


def test_closed_case_takes_no_contacts(users, case):
    services.case_transition(case=case, user=users.case_manager, to_state="closed", reason="not_wanted")
    with pytest.raises(ValidationError):
        add_contacts(case, users.case_manager, 1)


def rows_for(user, key):
    return next((s["rows"] for s in worklist.sections_for(user) if s["section"].key == key), None)


def test_intake_with_five_contacts_is_on_the_case_managers_worklist_and_overdue_from_ten(users, org):
    cm = users.case_manager
    four, five, ten = (make_case(cm, org.walle) for _ in range(3))
    add_contacts(four, cm, 4)
    add_contacts(five, cm, 5)
    add_contacts(ten, cm, 10)
    rows = rows_for(cm, "cases-intake")
    assert [(r["label"], r["overdue"]) for r in rows] == [(ten.reference, True), (five.reference, False)]
    assert rows_for(users.colleague, "cases-intake") == []  # the colleague is not responsible


def test_decided_intake_leaves_the_worklist(users, case):
    add_contacts(case, users.case_manager, 6)
    services.case_transition(case=case, user=users.case_manager, to_state="counselling")
    assert rows_for(users.case_manager, "cases-intake") == []


def test_worklist_shows_on_home_page(as_user, users, case):
    add_contacts(case, users.case_manager, 10)
    text = as_user(users.case_manager).get("/").text
    assert case.reference in text and "überfällig" in text
