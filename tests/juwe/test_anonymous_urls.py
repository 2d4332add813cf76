"""Every URL of the application sends an anonymous visitor to the login page."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC = {"login", "healthz"}


def walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.name


def concrete(route: str) -> str:
    """Turn a route or regex into a real path with dummy values."""
    route = re.sub(r"<int:[^>]+>", "1", route)
    route = re.sub(r"<(?:str|slug|path):[^>]+>", "x", route)
    route = re.sub(r"<[^>]+>", "x", route)
    route = re.sub(r"\(\?P<[^>]+>[^)]*\)", "1", route)
    route = route.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    return "/" + route


ROUTES = sorted({(concrete(r), n) for r, n in walk(get_resolver().url_patterns) if n not in PUBLIC})


def test_there_are_routes_to_check():
    assert len(ROUTES) > 5


@pytest.mark.django_db
@pytest.mark.parametrize("path,name", ROUTES)
def test_anonymous_is_redirected_to_login(client, path, name):
    response = client.get(path)
    assert response.status_code == 302, f"{path} ({name}) answered {response.status_code}"
    assert "/anmelden/" in response.url or "/admin/login/" in response.url
