"""Password rules (issue 13, item 10): at least 12 characters, no common word – German office words
included, also with digits or characters added – and not the password used last."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from juwe.models import User
from juwe.password_validation import COMMON_WORD, REUSED
from tests.factories import UserFactory

PASSWORD = "Sicheres-Passwort-2026"
NEW = "Tannenbaum-Wolke-2026!"
DEMO = "JuWe-Demo-2026!"


@pytest.fixture
def person(db):
    return UserFactory(username="fatma", first_name="Fatma", last_name="Yilmaz")


def change_own_password(client, old, new):
    return client.post(
        reverse("password_change"), {"old_password": old, "new_password1": new, "new_password2": new}
    )


def messages_for(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return [str(m) for m in error.messages]
    return []


@pytest.mark.parametrize(
    "weak",
    ["passwort1234", "Jugendamt123", "Sozialamt2024", "Bremen123456", "Sommer2024!!", "Pa$$wort2026", "hallo1234567"],
)
def test_german_common_words_with_digits_are_refused(person, weak):
    assert str(COMMON_WORD) in messages_for(weak, person)


def test_djangos_own_list_still_applies(person):
    assert "Dieses Passwort ist zu üblich." in messages_for("password1234", person)


def test_short_passwords_are_refused(person):
    assert any("mindestens 12 Zeichen" in m for m in messages_for("Ku-rz-2026!", person))


@pytest.mark.parametrize("good", [DEMO, PASSWORD, NEW, "Neues-Passwort-2026!"])
def test_good_passwords_and_the_demo_password_pass(db, good):
    assert messages_for(good, User(username="fatma", first_name="Fatma", last_name="Yilmaz")) == []


def test_weak_password_is_refused_on_the_change_page_in_german(client, person):
    client.force_login(person)
    response = change_own_password(client, PASSWORD, "Jugendamt123")
    assert response.status_code == 200
    assert "leicht zu erraten" in response.text
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_the_current_password_cannot_be_chosen_again(client, person):
    client.force_login(person)
    response = change_own_password(client, PASSWORD, PASSWORD)
    assert response.status_code == 200 and str(REUSED) in response.text


def test_the_previous_password_cannot_be_chosen_again(client, person):
    client.force_login(person)
    assert change_own_password(client, PASSWORD, NEW).status_code == 302
    back = change_own_password(client, NEW, PASSWORD)
    assert back.status_code == 200
    assert "bereits verwendet" in back.text
    person.refresh_from_db()
    assert person.check_password(NEW)
    # A third password is fine.
    assert change_own_password(client, NEW, "Dritte-Wahl-Kastanie-9").status_code == 302


def test_previous_password_is_kept_as_hash_only(client, person):
    client.force_login(person)
    change_own_password(client, PASSWORD, NEW)
    person.refresh_from_db()
    assert person.previous_password and PASSWORD not in person.previous_password
    assert person.previous_password != person.password


def test_administrator_reset_follows_the_same_rules(as_user, users):
    client = as_user(users.admin)
    url = reverse("admin:auth_user_password_change", args=[users.case_manager.pk])
    for weak in ["passwort1234", PASSWORD]:  # a common word; the password the user has now
        response = client.post(url, {"password1": weak, "password2": weak})
        assert response.status_code == 200, weak
    users.case_manager.refresh_from_db()
    assert users.case_manager.check_password(PASSWORD)
    assert client.post(url, {"password1": NEW, "password2": NEW}).status_code == 302
    users.case_manager.refresh_from_db()
    assert users.case_manager.check_password(NEW)


def test_the_change_page_tells_the_rules_in_german(client, person):
    client.force_login(person)
    page = client.get(reverse("password_change")).text
    assert "mindestens 12 Zeichen" in page
    assert "kein häufiges Wort wie „Jugendamt“" in page
    assert "nicht das zuletzt verwendete" in page
