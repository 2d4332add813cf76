"""Error pages are German pages of the base layout (issue 13, item 10), whatever went wrong: the
demo runs with DEBUG off, so these are what a user sees – never Django's English pages."""

import pytest
from django.test import Client, RequestFactory
from django.views import defaults


def test_unknown_url_is_the_german_404_without_url_patterns(client):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    text = response.text
    assert "<h1>Nicht gefunden</h1>" in text and 'class="site-header"' in text
    assert "URLconf" not in text and "faelle/" not in text


def test_unknown_url_of_a_logged_in_user_keeps_the_menu(as_user, users):
    text = as_user(users.case_manager).get("/faelle/gibt-es-nicht/").text
    assert "<h1>Nicht gefunden</h1>" in text and 'class="main-nav"' in text


def test_bad_host_is_the_german_400(client):
    response = client.get("/", HTTP_HOST="angreifer.example")
    assert response.status_code == 400
    assert "<h1>Ungültige Anfrage</h1>" in response.text and 'class="site-header"' in response.text


def test_server_error_is_the_german_500_of_the_base_layout(rf: RequestFactory):
    """Rendered without a request context (no user, no context processors), as Django does."""
    response = defaults.server_error(rf.get("/"))
    text = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Ein Fehler ist aufgetreten</h1>" in text and 'class="site-header"' in text and 'lang="de"' in text


def test_csrf_failure_is_german(db):
    response = Client(enforce_csrf_checks=True).post("/anmelden/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "<h1>Das Formular ist abgelaufen</h1>" in response.text


@pytest.mark.parametrize("url", ["/anmelden/", "/gibt-es-nicht/"])
def test_base_layout_tells_htmx_not_to_inject_its_style(client, url):
    """htmx's inline indicator style breaks the CSP (issue 13): the base layout switches it off."""
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles":false}'>""" in client.get(url).text
