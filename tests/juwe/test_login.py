import pytest
from django.urls import reverse

from juwe.forms import LOGIN_FAILED
from juwe.models import AuditEvent
from tests.factories import UserFactory

PASSWORD = "Sicheres-Passwort-2026"


@pytest.fixture
def person(db):
    return UserFactory(username="fatma")


def post_login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7")


def test_login_page_is_german(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Anmelden" in response.text and "Benutzername" in response.text and "Passwort" in response.text


def test_successful_login_lands_on_worklist_and_is_audited(client, person):
    response = post_login(client, "fatma", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("home")
    assert AuditEvent.objects.filter(action="login", username="fatma").exists()


@pytest.mark.parametrize("username,password", [("fatma", "falsch"), ("gibtesnicht", PASSWORD)])
def test_wrong_login_says_so_without_telling_which_part(client, person, username, password):
    response = post_login(client, username, password)
    assert response.status_code == 200
    assert str(LOGIN_FAILED) in response.text
    assert "Benutzername oder Passwort ist falsch" in response.text
    assert AuditEvent.objects.filter(action="login-failed", username=username).exists()


def test_failed_login_audit_keeps_no_password(client, person):
    post_login(client, "fatma", "mein-geheimes-passwort")
    event = AuditEvent.objects.get(action="login-failed")
    assert "mein-geheimes-passwort" not in str(event.data) + event.path + event.object_repr


def test_lockout_after_five_failed_logins(client, person):
    for _ in range(4):
        assert post_login(client, "fatma", "falsch").status_code == 200
    locked = post_login(client, "fatma", "falsch")
    assert locked.status_code == 429
    assert "gesperrt" in locked.text
    # Even the right password is refused while locked.
    assert post_login(client, "fatma", PASSWORD).status_code == 429


def test_passwords_are_hashed_with_argon2(db):
    from django.contrib.auth.hashers import make_password
    from django.test import override_settings

    from juwe import settings as juwe_settings

    with override_settings(PASSWORD_HASHERS=juwe_settings.PASSWORD_HASHERS):
        assert make_password("Sicheres-Passwort-2026").startswith("argon2$")


def test_session_expires_after_idle_time(client, person, settings):
    post_login(client, "fatma", PASSWORD)
    assert client.session.get_expiry_age() == settings.SESSION_IDLE_MINUTES * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_logout_needs_post_and_ends_session(client, person):
    client.force_login(person)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_english_browser_still_gets_german(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Benutzername" in response.text


def test_user_may_choose_english(client, db, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("login"))
    assert "User name" in response.text


def test_user_changes_password_and_weak_passwords_are_refused(client, person):
    client.force_login(person)
    url = reverse("password_change")
    weak = client.post(url, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 200
    assert "zu kurz" in weak.text  # German validator message
    ok = client.post(url, {"old_password": PASSWORD, "new_password1": "Neues-Passwort-2026!", "new_password2": "Neues-Passwort-2026!"})
    assert ok.status_code == 302
    person.refresh_from_db()
    assert person.check_password("Neues-Passwort-2026!")
