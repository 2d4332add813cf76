"""Leadership sets the districts' prevention and action budgets; nobody else may."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from microprojects import services
from microprojects.models import ActionBudget, Category, PreventionBudget
from tests.microprojects.factories import set_budget


def test_leadership_sets_budgets_for_its_districts(as_user, org, users):
    set_budget(org.walle, "10000.00", 2026)
    client = as_user(users.center_lead)  # social centre B: only Gartenstadt Vahr
    response = client.get(reverse("microprojects:budget_edit"), {"year": 2026})
    assert [d.name for d, _p, _a in response.context["form"].rows] == ["Gartenstadt Vahr"]
    response = client.post(reverse("microprojects:budget_edit") + "?year=2026",
                           {f"p_{org.vahr.pk}": "24.000,00", f"a_{org.vahr.pk}": "5000"})
    assert response.status_code == 302
    assert PreventionBudget.objects.get(district=org.vahr, year=2026).amount == Decimal("24000.00")
    assert ActionBudget.objects.get(district=org.vahr, year=2026).amount == Decimal("5000.00")
    assert PreventionBudget.objects.get(district=org.walle, year=2026).amount == Decimal("10000.00")


def test_negative_budget_is_refused_and_nothing_saved(as_user, org, users):
    response = as_user(users.leadership).post(reverse("microprojects:budget_edit") + "?year=2026",
                                              {f"p_{org.walle.pk}": "-1", f"p_{org.westend.pk}": "500"})
    assert response.status_code == 200 and not PreventionBudget.objects.exists()


def test_only_leadership_sets_budgets_in_the_service(org, users):
    with pytest.raises(ValidationError) as exc:
        services.prevention_budget_set(actor=users.coordinator, district=org.walle, year=2026, amount=Decimal("1.00"))
    assert exc.value.code == "not_leadership"


def test_budget_page_query_count_is_constant(as_user, org, users, django_assert_max_num_queries):
    from tests.factories import DistrictFactory

    client = as_user(users.leadership)

    def load():
        # session, user, roles, districts, prevention and action budgets, session refresh (3)
        with django_assert_max_num_queries(9):
            assert client.get(reverse("microprojects:budget_edit")).status_code == 200

    load()
    for _ in range(20):
        set_budget(DistrictFactory(team=org.team_a), "1000.00")
    load()


def test_team_lead_of_the_charged_district_leads_a_new_project(org, users):
    project = services.microproject_create(
        actor=users.case_manager, districts=[org.walle], title="Familienrat", category=Category.SPECIAL_METHOD,
        provider=org.provider_a, need_description="Bedarf", target_group="Familien", age_from=0, age_to=17, goals="Ziele",
        start_date="2026-01-01", end_date="2026-12-31", requested_amount=Decimal("100.00"), budget_district=org.walle,
    )
    assert project.lead == users.team_lead


def test_grant_list_query_count_is_constant(as_user, org, users, django_assert_max_num_queries):
    from microprojects.models import ActionGrant

    ActionBudget.objects.create(district=org.walle, year=2026, amount=Decimal("5000.00"))
    client = as_user(users.coordinator)

    def load():
        # session, user, roles, coordinated districts, the user's district ids (3: core's
        # district_scope does not cache them), count, page, districts, budgets, granted sums,
        # session refresh (3): independent of the number of grants
        with django_assert_max_num_queries(14):
            assert client.get(reverse("microprojects:grant_list"), {"year": 2026}).status_code == 200

    load()
    ActionGrant.objects.bulk_create([
        ActionGrant(district=org.walle, year=2026, title=f"Aktion {i}", applicant="Verein", purpose="Material",
                    amount=Decimal("100.00"), requested_by=users.case_manager) for i in range(30)
    ])
    load()
