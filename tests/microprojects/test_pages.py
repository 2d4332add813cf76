"""List, detail, district overview, export and the approval letter – what each role sees, and query counts."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from juwe.models import AuditEvent
from microprojects.models import Category, MicroProject, Status
from tests.microprojects.factories import add_review, count_participants, make_project, set_budget


def _running(org, users, **kw):
    return make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager,
                        status=Status.RUNNING, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), **kw)


def test_list_filters_by_district_category_status_provider_and_year(as_user, org, users):
    make_project(title="Kidstime Walle", districts=[org.walle], provider=org.provider_a, created_by=users.case_manager,
                 status=Status.RUNNING, category=Category.SPECIAL_METHOD, start=dt.date(2026, 2, 1), end=dt.date(2026, 11, 30))
    make_project(title="Elterncafé Westend", districts=[org.westend], provider=org.provider_b, created_by=users.case_manager,
                 status=Status.SUBMITTED, start=dt.date(2025, 2, 1), end=dt.date(2025, 11, 30))
    client = as_user(users.coordinator)
    url = reverse("microprojects:list")

    def titles(**params):
        text = client.get(url, params).text
        return {t for t in ("Kidstime Walle", "Elterncafé Westend") if t in text}

    assert titles() == {"Kidstime Walle", "Elterncafé Westend"}
    assert titles(district=org.westend.pk) == {"Elterncafé Westend"}
    assert titles(category=Category.SPECIAL_METHOD) == {"Kidstime Walle"}
    assert titles(status=Status.SUBMITTED) == {"Elterncafé Westend"}
    assert titles(provider=org.provider_a.pk) == {"Kidstime Walle"}
    assert titles(year=2025) == {"Elterncafé Westend"}


def test_list_shows_only_projects_in_scope(as_user, org, users):
    make_project(title="Familienrat Vahr", districts=[org.vahr], provider=org.provider_b, created_by=users.other_case_manager)
    assert "Familienrat Vahr" not in as_user(users.coordinator).get(reverse("microprojects:list")).text
    assert "Familienrat Vahr" in as_user(users.other_case_manager).get(reverse("microprojects:list")).text


def test_list_query_count_is_constant(as_user, org, users, django_assert_max_num_queries):
    for i in range(30):
        make_project(title=f"Projekt {i}", districts=[org.walle, org.westend], provider=org.provider_a, created_by=users.case_manager)
    client = as_user(users.coordinator)
    # session, user, roles, the coordinator's district ids (2: project scope and district choices),
    # filter choices (districts, providers), count, page, districts prefetch, session refresh (3):
    # independent of the number of projects
    with django_assert_max_num_queries(13):
        assert client.get(reverse("microprojects:list")).status_code == 200


def test_export_csv_and_xlsx_are_scoped_and_audited(as_user, org, users):
    make_project(title="Kid Cool Training", districts=[org.walle], provider=org.provider_a, created_by=users.case_manager)
    make_project(title="Familienrat Vahr", districts=[org.vahr], provider=org.provider_b, created_by=users.other_case_manager)
    client = as_user(users.coordinator)
    response = client.get(reverse("microprojects:list"), {"format": "csv"})
    body = response.content.decode("utf-8-sig")
    assert "Kid Cool Training" in body and "Familienrat Vahr" not in body
    assert body.splitlines()[0].startswith("Titel;Stadtteile;")
    assert client.get(reverse("microprojects:list"), {"format": "xlsx"})["Content-Type"].startswith("application/vnd.openxml")
    assert AuditEvent.objects.filter(name="microprojects.project.exported", user=users.coordinator).count() == 2


def test_provider_may_not_export(as_user, users):
    assert as_user(users.provider_staff).get(reverse("microprojects:list"), {"format": "csv"}).status_code == 403


def test_detail_query_count_is_constant(as_user, org, users, django_assert_max_num_queries):
    project = _running(org, users)
    client = as_user(users.coordinator)

    def load():
        with django_assert_max_num_queries(24):
            # session, user, roles, coordinated districts, scope + project, districts/developers/extensions
            # prefetch, events, participation, reviews (2), budget position (2), referrals, permission
            # checks (developers, project districts), session refresh (3); rows do not add queries
            assert client.get(reverse("microprojects:detail", args=[project.pk])).status_code == 200

    load()
    for q in range(1, 5):
        count_participants(project, 2026, q, 3, 2, users.coordinator)
        add_review(project, users.coordinator, dt.date(2026, q * 2, 1))
    load()


def test_detail_shows_history_with_who_and_when(as_user, org, users, budget):
    from microprojects import services

    project = make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager)
    services.microproject_submit(actor=users.case_manager, project=project)
    services.microproject_approve(actor=users.coordinator, project=project, amount=Decimal("15000.00"))
    text = as_user(users.team_lead).get(reverse("microprojects:detail", args=[project.pk])).text
    assert "eingereicht" in text and "bewilligt" in text and str(users.coordinator) in text and "15.000,00" in text


def test_coordinator_sees_approval_form_with_budget_position(as_user, org, users, submitted):
    text = as_user(users.coordinator).get(reverse("microprojects:detail", args=[submitted.pk])).text
    assert "Präventionsbudget Walle" in text and "50.000,00" in text and 'value="approve"' in text
    assert 'value="approve"' not in as_user(users.case_manager).get(reverse("microprojects:detail", args=[submitted.pk])).text


def test_self_approval_through_the_page_is_refused_in_german(as_user, org, users, budget):
    project = make_project(districts=[org.walle], provider=org.provider_a, created_by=users.coordinator,
                           status=Status.SUBMITTED, submitted_by=users.coordinator)
    response = as_user(users.coordinator).post(
        reverse("microprojects:decide", args=[project.pk]), {"decision": "approve", "amount": "100,00"}
    )
    assert response.status_code == 400
    assert "Sie haben dieses Projekt selbst eingereicht" in response.text
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED


def test_over_budget_approval_through_the_page_is_refused_for_the_coordinator(as_user, org, users, submitted):
    submitted.requested_amount = Decimal("60000.00")
    submitted.save()
    response = as_user(users.coordinator).post(
        reverse("microprojects:decide", args=[submitted.pk]), {"decision": "approve", "amount": "50000,01"}
    )
    assert response.status_code == 400 and "Nur die Leitung darf sie bewilligen" in response.text
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_proposal_form_keeps_input_and_shows_german_errors(as_user, org, users):
    data = {
        "title": "Outdoor-Gruppe", "category": Category.INSTITUTION, "districts": [org.walle.pk], "budget_district": org.walle.pk,
        "provider": org.provider_a.pk, "need_description": "Bedarf", "target_group": "Kinder", "age_from": "8", "age_to": "12",
        "goals": "Ziele", "start_date": "2026-06-01", "end_date": "2026-05-01", "requested_amount": "-10",
    }
    response = as_user(users.case_manager).post(reverse("microprojects:create"), data)
    assert response.status_code == 200
    assert "Outdoor-Gruppe" in response.text
    assert not MicroProject.objects.exists()
    data["requested_amount"] = "8000"
    response = as_user(users.case_manager).post(reverse("microprojects:create"), data)
    assert "Das Ende darf nicht vor dem Beginn liegen." in response.text
    data["end_date"] = "2026-12-31"
    response = as_user(users.case_manager).post(reverse("microprojects:create"), data)
    assert response.status_code == 302 and MicroProject.objects.get().title == "Outdoor-Gruppe"


def test_district_overview_shows_categories_budget_and_cm_share(as_user, org, users):
    set_budget(org.walle, "50000.00", year=2026)  # the year of the projects and of the overview, whatever today is
    a = _running(org, users, requested="20000.00", category=Category.SPECIAL_METHOD)
    b = _running(org, users, requested="5000.00", category=Category.SEMI_PROFESSIONAL)
    count_participants(a, 2026, 1, 6, 2, users.coordinator)
    count_participants(b, 2026, 2, 3, 9, users.coordinator)
    response = as_user(users.coordinator).get(reverse("microprojects:district_overview"), {"year": 2026})
    rows = {r.district.name: r for r in response.context["rows"]}
    walle = rows["Walle"]
    assert walle.position.approved_sum == Decimal("25000.00") and walle.position.remaining == Decimal("25000.00")
    assert walle.by_category == {Category.SPECIAL_METHOD: 1, Category.SEMI_PROFESSIONAL: 1}
    assert walle.cm_share == Decimal("45.0")  # 9 of 20 participants came through case management
    assert set(rows) == {"Walle", "Westend"}  # the coordinator's districts only
    assert "45,0 %" in response.text or "45.0 %" in response.text


def test_district_overview_query_count_is_constant(as_user, org, users, django_assert_max_num_queries):
    from tests.factories import DistrictFactory

    client = as_user(users.leadership)

    def load():
        # session, user, roles, districts, budgets, approved sums, category counts, participation,
        # session refresh (3) – independent of the number of districts and projects
        with django_assert_max_num_queries(12):
            assert client.get(reverse("microprojects:district_overview")).status_code == 200

    load()
    for _ in range(10):
        d = DistrictFactory(team=org.team_a)
        set_budget(d, "10000.00")
        _running(org, users)
    load()


def test_approval_letter_pdf_names_project_amount_and_budget(as_user, org, users):
    project = _running(org, users, requested="12500.00", title="Familienwohnzimmer Walle")
    project.decided_by, project.decided_at = users.coordinator, project.submitted_at
    project.save()
    response = as_user(users.provider_staff).get(reverse("microprojects:approval_letter", args=[project.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Familienwohnzimmer Walle" in text and "12.500,00" in text and "Präventionsbudget Walle 2026" in text
    assert AuditEvent.objects.filter(name="microprojects.approval_letter.printed", object_id=str(project.pk)).exists()


def test_no_approval_letter_for_a_draft(as_user, org, users):
    project = make_project(districts=[org.walle], provider=org.provider_a, created_by=users.case_manager)
    response = as_user(users.coordinator).get(reverse("microprojects:approval_letter", args=[project.pk]))
    assert response.status_code == 302


@pytest.mark.parametrize("role", ["coordinator", "provider_staff", "leadership"])
def test_participation_counts_are_shown_to_coordinator_provider_and_leadership(as_user, org, users, role):
    project = _running(org, users)
    count_participants(project, 2026, 1, 6, 4, users.coordinator)
    text = as_user(getattr(users, role)).get(reverse("microprojects:detail", args=[project.pk])).text
    assert "2026/Q1" in text and "60,0 %" in text or "60.0 %" in text


@pytest.mark.parametrize("typed,amount", [
    ("12.500,00", "12500.00"), ("12500,5", "12500.50"), ("12 500 €", "12500.00"), ("12.500", "12500.00"),
])
def test_money_is_read_as_typed_in_germany(typed, amount):
    from juwe.lib.forms import MoneyField

    assert MoneyField().clean(typed) == Decimal(amount)
