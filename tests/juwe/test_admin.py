import pytest
from django.urls import reverse

from juwe.models import AuditEvent


def test_administrator_manages_users_and_org(as_user, users):
    client = as_user(users.admin)
    for name in ["juwe_user_changelist", "juwe_district_changelist", "juwe_provider_changelist", "juwe_team_changelist"]:
        assert client.get(reverse(f"admin:{name}")).status_code == 200, name
    response = client.get(reverse("admin:juwe_user_changelist"), {"q": "cm"})
    assert "cm-b" in response.text


@pytest.mark.parametrize("who", ["case_manager", "team_lead", "coordinator", "leadership", "provider_staff"])
def test_other_roles_do_not_reach_the_admin(as_user, users, who):
    response = as_user(getattr(users, who)).get(reverse("admin:juwe_user_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_audit_trail_is_browsable_read_only_with_filters(as_user, users):
    client = as_user(users.admin)
    client.get(reverse("login"))
    response = client.get(reverse("admin:juwe_auditevent_changelist"), {"action__exact": "login"})
    assert response.status_code == 200
    event = AuditEvent.objects.create(action="view", name="juwe.test", username="x")
    change_url = reverse("admin:juwe_auditevent_change", args=[event.pk])
    assert client.get(change_url).status_code == 200
    assert client.post(change_url, {"name": "changed"}).status_code == 403
    assert client.post(reverse("admin:juwe_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).name == "juwe.test"
