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


# --- Escalation and the audit of access changes (issue 13, item 7) ------------------------------------
from django.contrib.auth.models import Group  # noqa: E402

from juwe.forms import OWN_SCOPE, SELF_GRANT  # noqa: E402
from juwe.roles import Role  # noqa: E402
from tests.factories import UserFactory  # noqa: E402

PASSWORD = "Sicheres-Passwort-2026"
NEW_PASSWORD = "Tannenbaum-Wolke-2026!"


def group(role):
    return Group.objects.get_or_create(name=role.value)[0]


def user_form(user, **changes):
    """What the admin's change form posts for `user` unchanged, with `changes` applied."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "groups": [g.pk for g in user.groups.all()],
        "team": user.team_id or "",
        "districts": [d.pk for d in user.districts.all()],
        "provider": user.provider_id or "",
        "social_center": user.social_center_id or "",
        "is_active": "on" if user.is_active else "",
    }
    data.update(changes)
    return data


def change_user(client, user, **changes):
    return client.post(reverse("admin:juwe_user_change", args=[user.pk]), user_form(user, **changes))


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMINISTRATOR])
def test_administrator_cannot_grant_themselves_a_casework_role(as_user, users, role):
    client = as_user(users.admin)
    response = change_user(client, users.admin, groups=[group(Role.ADMINISTRATOR).pk, group(role).pk])
    assert response.status_code == 200
    assert str(SELF_GRANT % {"roles": role.value}) in response.text
    assert "zweite" in response.text  # German: a second administrator has to do it
    users.admin.refresh_from_db()
    assert users.admin.roles == {Role.ADMINISTRATOR}
    assert not AuditEvent.objects.filter(name="juwe.user.access_changed").exists()


@pytest.mark.parametrize("field", ["team", "social_center", "provider", "districts"])
def test_administrator_cannot_change_their_own_scope(as_user, users, org, field):
    value = {
        "team": org.team_a.pk,
        "social_center": org.center_a.pk,
        "provider": org.provider_a.pk,
        "districts": [org.walle.pk],
    }[field]
    client = as_user(users.admin)
    response = change_user(client, users.admin, **{field: value})
    assert response.status_code == 200
    assert str(OWN_SCOPE) in response.text
    users.admin.refresh_from_db()
    assert users.admin.team is None and users.admin.social_center is None and users.admin.provider is None
    assert not users.admin.districts.exists()


def test_administrator_still_edits_their_own_name(as_user, users):
    client = as_user(users.admin)
    assert change_user(client, users.admin, first_name="Adelheid").status_code == 302
    users.admin.refresh_from_db()
    assert users.admin.first_name == "Adelheid"


def test_administrator_cannot_escalate_by_case_work_roles_through_team_reassignment_either(as_user, users, org):
    """Taking a team and the role in two steps fails at the first step already."""
    client = as_user(users.admin)
    change_user(client, users.admin, team=org.team_a.pk)
    change_user(client, users.admin, groups=[group(Role.ADMINISTRATOR).pk, group(Role.CASE_MANAGER).pk])
    users.admin.refresh_from_db()
    assert users.admin.team is None and users.admin.roles == {Role.ADMINISTRATOR}


def test_second_administrator_grants_role_and_team_and_it_is_audited(as_user, users, org):
    second = UserFactory(username="admin2", roles=[Role.ADMINISTRATOR])
    client = as_user(second)
    response = change_user(
        client, users.admin, groups=[group(Role.ADMINISTRATOR).pk, group(Role.CASE_MANAGER).pk], team=org.team_a.pk
    )
    assert response.status_code == 302
    users.admin.refresh_from_db()
    assert users.admin.roles == {Role.ADMINISTRATOR, Role.CASE_MANAGER} and users.admin.team == org.team_a
    event = AuditEvent.objects.get(name="juwe.user.access_changed")
    assert event.action == "update" and event.user == second
    assert (event.object_type, event.object_id) == ("juwe.user", str(users.admin.pk))
    assert event.data["changes"]["roles"] == {"old": ["Administration"], "new": ["Administration", "Fallmanagement"]}
    assert event.data["changes"]["team"] == {"old": None, "new": "Stadtteilteam Walle"}
    assert set(event.data["changes"]) == {"roles", "team"}


def test_scope_changes_of_others_are_audited_old_to_new(as_user, users, org):
    client = as_user(users.admin)
    assert change_user(client, users.coordinator, districts=[org.vahr.pk]).status_code == 302
    assert change_user(client, users.case_manager, team=org.team_b.pk, is_active="").status_code == 302
    coordinator, case_manager = AuditEvent.objects.filter(name="juwe.user.access_changed").order_by("id")
    assert coordinator.data["changes"] == {"districts": {"old": ["Walle", "Westend"], "new": ["Gartenstadt Vahr"]}}
    assert case_manager.data["changes"] == {
        "team": {"old": "Stadtteilteam Walle", "new": "Stadtteilteam Vahr"},
        "active": {"old": True, "new": False},
    }
    assert case_manager.data["user"] == "cm"


def test_saving_a_user_without_access_changes_writes_no_access_event(as_user, users):
    client = as_user(users.admin)
    assert change_user(client, users.case_manager, first_name="Karla").status_code == 302
    assert not AuditEvent.objects.filter(name="juwe.user.access_changed").exists()


def test_creating_a_user_with_roles_is_audited(as_user, users, org):
    client = as_user(users.admin)
    response = client.post(
        reverse("admin:juwe_user_add"),
        {
            "username": "neu",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "usable_password": "true",
            "groups": [group(Role.TEAM_LEAD).pk],
            "team": org.team_b.pk,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AuditEvent.objects.get(name="juwe.user.created")
    assert event.action == "create" and event.user == users.admin
    assert event.data["changes"]["roles"] == {"old": [], "new": ["Referatsleitung"]}
    assert event.data["changes"]["team"] == {"old": None, "new": "Stadtteilteam Vahr"}
    assert NEW_PASSWORD not in str(event.data)


def test_password_reset_by_an_administrator_is_audited_without_the_password(as_user, users):
    client = as_user(users.admin)
    url = reverse("admin:auth_user_password_change", args=[users.case_manager.pk])
    assert client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}).status_code == 302
    event = AuditEvent.objects.get(name="juwe.user.password_reset")
    assert event.action == "update" and event.user == users.admin
    assert event.object_id == str(users.case_manager.pk) and event.data["user"] == "cm"
    users.case_manager.refresh_from_db()
    for secret in (NEW_PASSWORD, users.case_manager.password, users.case_manager.previous_password):
        assert secret not in str(event.data) + event.object_repr + event.path


def test_failed_password_reset_writes_no_event(as_user, users):
    client = as_user(users.admin)
    url = reverse("admin:auth_user_password_change", args=[users.case_manager.pk])
    assert client.post(url, {"password1": "passwort1234", "password2": "passwort1234"}).status_code == 200
    assert not AuditEvent.objects.filter(name="juwe.user.password_reset").exists()


def test_own_password_change_is_audited_without_the_password(as_user, users):
    client = as_user(users.case_manager)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        REMOTE_ADDR="10.0.0.9",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(name="juwe.user.password_changed")
    assert event.action == "update" and event.user == users.case_manager and event.ip_address == "10.0.0.9"
    assert NEW_PASSWORD not in str(event.data) and PASSWORD not in str(event.data)


def test_administrators_see_the_login_locks_in_the_admin_index(as_user, users):
    response = as_user(users.admin).get(reverse("admin:index"))
    assert reverse("admin:axes_accessattempt_changelist") in response.text


def test_delete_page_of_a_team_counts_its_case_files_without_naming_them(as_user, users, org):
    from tests.cases.factories import make_case

    case = make_case(users.case_manager, org.walle)
    response = as_user(users.admin).get(reverse("admin:juwe_team_delete", args=[org.team_a.pk]))
    assert response.status_code == 200
    # Django would list "Fall: 2026/334/0001"; the administrator sees how many, not which.
    assert case.reference not in response.text
    assert "1" in response.text
