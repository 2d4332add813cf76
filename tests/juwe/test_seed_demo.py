from io import StringIO

import pytest
from django.core.management import call_command

from juwe.models import District, DistrictIndicator, Provider, SocialCenter, Team, User
from juwe.roles import Role


def counts():
    return {m.__name__: m.objects.count() for m in (SocialCenter, Team, District, DistrictIndicator, Provider, User)}


@pytest.mark.django_db
def test_seed_demo_builds_bremen_shaped_office_and_is_idempotent():
    out = StringIO()
    call_command("seed_demo", "--quiet", stdout=out)
    first = counts()
    assert first["SocialCenter"] == 6
    assert first["Team"] == 17
    assert 75 <= first["District"] <= 90
    assert first["DistrictIndicator"] == first["District"] * 3
    assert first["Provider"] == 20
    for role in Role:
        assert User.objects.filter(groups__name=role.value).exists(), role
    assert "Zeilen/s" in out.getvalue()
    assert "fallmanagement" in out.getvalue()

    call_command("seed_demo", "--quiet", stdout=StringIO())
    assert counts() == first


@pytest.mark.django_db
def test_seed_demo_scale_multiplies_staff():
    call_command("seed_demo", "--quiet", stdout=StringIO())
    base = User.objects.count()
    call_command("seed_demo", "--quiet", "--scale", "2", stdout=StringIO())
    assert User.objects.count() == base + 17 * 9


@pytest.mark.django_db
def test_demo_logins_work(client):
    from juwe.demo import demo_logins

    call_command("seed_demo", "--quiet", stdout=StringIO())
    for role, username, password in demo_logins():
        client.logout()
        response = client.post("/anmelden/", {"username": username, "password": password})
        assert response.status_code == 302, (role, username)
        assert client.get("/").status_code == 200
