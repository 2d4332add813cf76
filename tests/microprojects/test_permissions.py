"""URL × role × status: 404 outside the scope, 403 for a missing role (pretix-style matrix)."""

import datetime as dt

import pytest
from django.urls import reverse

from microprojects.models import Status
from tests.microprojects.factories import make_project

ROLES = [
    "case_manager", "colleague", "other_case_manager", "team_lead", "coordinator", "economic_aid",
    "leadership", "center_lead", "provider_staff", "admin", "nobody",
]

# (url name, project status or None for app pages, {role: status code}); missing roles answer `default`.
MATRIX = [
    ("microprojects:list", None, {"nobody": 403}, 200),
    ("microprojects:create", None, {"case_manager": 200, "colleague": 200, "other_case_manager": 200, "team_lead": 200, "coordinator": 200}, 403),
    ("microprojects:district_overview", None, {"provider_staff": 403, "nobody": 403}, 200),
    ("microprojects:grant_list", None, {"nobody": 403}, 200),
    ("microprojects:budget_edit", None, {"leadership": 200, "center_lead": 200}, 403),
    ("microprojects:grant_request", None, {"nobody": 403}, 200),
    ("microprojects:detail", Status.DRAFT, {"other_case_manager": 404, "center_lead": 404, "nobody": 403}, 200),
    ("microprojects:detail", Status.RUNNING, {"other_case_manager": 404, "center_lead": 404, "nobody": 403}, 200),
    ("microprojects:edit", Status.DRAFT,
     {"case_manager": 200, "coordinator": 200, "other_case_manager": 404, "center_lead": 404}, 403),
    ("microprojects:edit", Status.SUBMITTED, {"other_case_manager": 404, "center_lead": 404}, 403),
    ("microprojects:complete", Status.RUNNING,
     {"case_manager": 200, "team_lead": 200, "coordinator": 200, "other_case_manager": 404, "center_lead": 404}, 403),
    ("microprojects:review_create", Status.RUNNING,
     {"team_lead": 200, "coordinator": 200, "other_case_manager": 404, "center_lead": 404}, 403),
    ("microprojects:referral_create", Status.RUNNING,
     {"case_manager": 200, "colleague": 200, "team_lead": 200, "other_case_manager": 404, "center_lead": 404}, 403),
    ("microprojects:approval_letter", Status.RUNNING,
     {"other_case_manager": 404, "center_lead": 404, "nobody": 403}, 200),
    # Supplementary approval: the team (who may edit the project) asks for it, on approved or running projects.
    ("microprojects:supplement_request", Status.RUNNING,
     {"case_manager": 200, "coordinator": 200, "other_case_manager": 404, "center_lead": 404}, 403),
    ("microprojects:supplement_request", Status.APPROVED,
     {"case_manager": 200, "coordinator": 200, "other_case_manager": 404, "center_lead": 404}, 403),
    ("microprojects:supplement_request", Status.COMPLETED, {"other_case_manager": 404, "center_lead": 404}, 403),
    # Payments out of the prevention frame: economic youth aid only.
    ("microprojects:payment_create", Status.RUNNING,
     {"economic_aid": 200, "other_case_manager": 404, "center_lead": 404}, 403),
]


def _cases():
    for name, status, special, default in MATRIX:
        for role in ROLES:
            yield pytest.param(name, status, role, special.get(role, default), id=f"{name}-{status}-{role}")


@pytest.mark.parametrize("url_name,status,role,expected", list(_cases()))
def test_get_matrix(client, org, users, url_name, status, role, expected):
    if status is None:
        url = reverse(url_name)
    else:
        project = make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager, status=status)
        url = reverse(url_name, args=[project.pk])
    client.force_login(getattr(users, role))
    assert client.get(url).status_code == expected


POST_MATRIX = [
    # url name, status, {role: expected}, default for the others
    ("microprojects:submit", Status.DRAFT, {"case_manager": 302, "coordinator": 302, "other_case_manager": 404, "center_lead": 404}, 403),
    ("microprojects:decide", Status.SUBMITTED, {"coordinator": 302, "leadership": 302, "other_case_manager": 404, "center_lead": 404}, 403),
    ("microprojects:start", Status.APPROVED,
     {"case_manager": 302, "team_lead": 302, "coordinator": 302, "other_case_manager": 404, "center_lead": 404}, 403),
    ("microprojects:participation", Status.RUNNING,
     {"team_lead": 302, "coordinator": 302, "provider_staff": 302, "other_case_manager": 404, "center_lead": 404}, 403),
]

POST_DATA = {
    "microprojects:decide": {"decision": "reject", "reason": "Passt nicht in den Stadtteil."},
    "microprojects:participation": {"year": "2026", "quarter": "2", "referred_by_cm": "4", "low_threshold": "3"},
}


def _post_cases():
    for name, status, special, default in POST_MATRIX:
        for role in ROLES:
            yield pytest.param(name, status, role, special.get(role, default), id=f"{name}-{role}")


@pytest.mark.parametrize("url_name,status,role,expected", list(_post_cases()))
def test_post_matrix(client, org, users, url_name, status, role, expected, budget):
    import datetime as dt

    project = make_project(
        districts=[org.walle], provider=org.provider_a, created_by=users.case_manager, status=status,
        start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31),
    )
    client.force_login(getattr(users, role))
    response = client.post(reverse(url_name, args=[project.pk]), POST_DATA.get(url_name, {}))
    assert response.status_code == expected
    project.refresh_from_db()
    changed = project.status != status or project.participation.exists()
    assert changed == (expected == 302), "only an allowed request changes the project"


def test_grant_decision_outside_the_coordinated_districts_is_404(client, org, users):
    from decimal import Decimal

    from microprojects.models import ActionGrant

    grant = ActionGrant.objects.create(district=org.vahr, year=2026, title="Straßenfest", applicant="Nachbarschaftsverein",
                                       purpose="Material", amount=Decimal("300.00"), requested_by=users.other_case_manager)
    client.force_login(users.coordinator)
    assert client.get(reverse("microprojects:grant_decide", args=[grant.pk])).status_code == 404
    client.force_login(users.other_case_manager)  # sees her own request, but may not decide it
    assert client.get(reverse("microprojects:grant_decide", args=[grant.pk])).status_code == 403


def test_coordinator_of_another_district_cannot_even_find_the_project_to_approve(client, org, users, submitted):
    from juwe.roles import Role
    from tests.factories import UserFactory

    client.force_login(UserFactory(roles=[Role.DISTRICT_COORDINATOR], district_set=[org.vahr]))
    response = client.post(reverse("microprojects:decide", args=[submitted.pk]), {"decision": "approve", "amount": "1,00"})
    assert response.status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED and submitted.approved_amount is None


# Pages of a project's supplement or payment, and of a grant's proof of use: (url name, {role: status}, default).
CHILD_MATRIX = [
    ("microprojects:supplement_decide", {"coordinator": 200, "leadership": 200, "other_case_manager": 404,
                                         "center_lead": 404}, 403),
    ("microprojects:payment_reverse", {"economic_aid": 200, "other_case_manager": 404, "center_lead": 404}, 403),
    ("microprojects:grant_proof", {"coordinator": 200, "other_case_manager": 404, "center_lead": 404,
                                   "provider_staff": 404}, 403),
]


def _child_url(name, org, users):
    from decimal import Decimal

    from microprojects.models import ActionGrant, ProjectPayment, Supplement

    if name == "microprojects:grant_proof":
        grant = ActionGrant.objects.create(
            district=org.walle, year=2026, title="Straßenfest", applicant="Verein", purpose="Material",
            amount=Decimal("300.00"), requested_by=users.case_manager, status=ActionGrant.Status.GRANTED,
            criteria=["concrete_activity"], proof_due=dt.date(2026, 8, 1),
        )
        return reverse(name, args=[grant.pk])
    project = make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager,
                           status=Status.RUNNING)
    if name == "microprojects:supplement_decide":
        child = Supplement.objects.create(project=project, requested_amount=Decimal("500.00"), reason="Mehr Gruppen",
                                          requested_by=users.case_manager)
    else:
        child = ProjectPayment.objects.create(project=project, paid_on=dt.date(2026, 3, 1), amount=Decimal("500.00"),
                                              provider=org.provider_a, invoice_number="R-1", created_by=users.economic_aid)
    return reverse(name, args=[project.pk, child.pk])


def _child_cases():
    for name, special, default in CHILD_MATRIX:
        for role in ROLES:
            yield pytest.param(name, role, special.get(role, default), id=f"{name}-{role}")


@pytest.mark.parametrize("url_name,role,expected", list(_child_cases()))
def test_child_page_matrix(client, org, users, url_name, role, expected):
    url = _child_url(url_name, org, users)
    client.force_login(getattr(users, role))
    assert client.get(url).status_code == expected


# Writes of the new pages: (url name, data, {role: status}, default); only an allowed request changes anything.
MONEY_POST_MATRIX = [
    ("microprojects:supplement_request", {"amount": "1.000,00", "reason": "Zweite Gruppe"},
     {"case_manager": 302, "coordinator": 302, "other_case_manager": 404, "center_lead": 404}, 403),
    ("microprojects:payment_create",
     {"paid_on": "2026-03-02", "amount": "500,00", "provider": "PROVIDER", "invoice_number": "R-9"},
     {"economic_aid": 302, "other_case_manager": 404, "center_lead": 404}, 403),
]


def _money_post_cases():
    for name, data, special, default in MONEY_POST_MATRIX:
        for role in ROLES:
            yield pytest.param(name, data, role, special.get(role, default), id=f"{name}-{role}")


@pytest.mark.parametrize("url_name,data,role,expected", list(_money_post_cases()))
def test_money_post_matrix(client, org, users, url_name, data, role, expected):
    project = make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager,
                           status=Status.RUNNING)
    data = {k: (org.provider_a.pk if v == "PROVIDER" else v) for k, v in data.items()}
    client.force_login(getattr(users, role))
    assert client.post(reverse(url_name, args=[project.pk]), data).status_code == expected
    changed = project.supplements.exists() or project.payments.exists()
    assert changed == (expected == 302), "only an allowed request changes the project"


@pytest.mark.parametrize("role,expected", [(r, {"coordinator": 302, "leadership": 302, "other_case_manager": 404,
                                                 "center_lead": 404}.get(r, 403)) for r in ROLES])
def test_supplement_decision_post_matrix(client, org, users, budget, role, expected):
    url = _child_url("microprojects:supplement_decide", org, users)
    client.force_login(getattr(users, role))
    assert client.post(url, {"decision": "reject", "reason": "Aus dem Bewilligten zu decken"}).status_code == expected
    from microprojects.models import Supplement

    assert Supplement.objects.get().status == ("rejected" if expected == 302 else "requested")
