"""The list of bookings on a case without a legal basis: exceptions with their reason and legacy
entries, in the user's scope, filtered, paginated, exported with an audit event, counted on the budget page."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from budgets import selectors
from budgets.models import Area, CostCategory
from juwe.models import AuditEvent
from tests.budgets.factories import CostEntryFactory, approved_contract, make_budget, make_case

pytestmark = pytest.mark.django_db
URL = reverse("budgets:cost_entry_exceptions")


@pytest.fixture
def entries(org, users, budget, vahr_budget):
    """In Walle 2026: two exceptions, one legacy entry, one booking on a contract, one without a case.
    In Walle 2025 one exception, in Vahr (other social centre) one."""
    case = make_case(org.walle, org.team_a, users.case_manager, number=17)
    contract = approved_contract(case, users.team_lead, start=date(2026, 4, 1))
    last_year = make_budget(users.leadership, org.walle, year=2025)
    vahr_case = make_case(org.vahr, org.team_b, users.other_case_manager, number=3)
    make = CostEntryFactory
    return {
        "eilfall": make(budget=budget, case=case, category=CostCategory.CASE_MATERIAL, invoice_number="EX-1",
                        exception_reason="Eilfall, Kontrakt nachträglich bewilligt", created_by=users.economic_aid,
                        service_date=date(2026, 3, 20)),
        "wechsel": make(budget=budget, case=case, category=CostCategory.EXTERNAL_INVOICES, invoice_number="EX-2",
                        exception_reason="Zuständigkeitswechsel", amount=Decimal("4000.00")),
        "legacy": make(budget=budget, case=case, category=CostCategory.RESIDENTIAL, invoice_number="OLD-1"),
        "covered": make(budget=budget, case=case, category=CostCategory.CASE_MATERIAL, invoice_number="OK-1",
                        contract=contract),
        "no_case": make(budget=budget, invoice_number="PERS-1"),
        "last_year": make(budget=last_year, case=case, category=CostCategory.CASE_MATERIAL, invoice_number="EX-25",
                          exception_reason="Selbstbeschaffte Hilfe"),
        "vahr": make(budget=vahr_budget, case=vahr_case, category=CostCategory.CASE_MATERIAL, invoice_number="VAHR-1",
                     exception_reason="Eilfall Vahr"),
    }


def numbers(response) -> set[str]:
    return {n for n in ("EX-1", "EX-2", "OLD-1", "OK-1", "PERS-1", "EX-25", "VAHR-1")
            if re.search(rf"\b{n}\b", response.text)}


def test_lists_exceptions_and_legacy_entries_of_the_scope(as_user, users, entries):
    response = as_user(users.economic_aid).get(URL)
    assert response.status_code == 200
    assert numbers(response) == {"EX-1", "EX-2", "OLD-1", "EX-25", "VAHR-1"}
    assert "Eilfall, Kontrakt nachträglich bewilligt" in response.text and "20.03.2026" in response.text
    assert "ohne Rechtsgrundlage (Altbestand)" in response.text
    # leadership of the other social centre sees only Vahr
    assert numbers(as_user(users.center_lead).get(URL)) == {"VAHR-1"}


@pytest.mark.parametrize("params,expected", [
    ({"year": 2025}, {"EX-25"}),
    ({"district": "walle"}, {"EX-1", "EX-2", "OLD-1", "EX-25"}),
    ({"budget": "walle-2026"}, {"EX-1", "EX-2", "OLD-1"}),
    ({"kind": "legacy"}, {"OLD-1"}),
    ({"kind": "exception", "year": 2026, "district": "walle"}, {"EX-1", "EX-2"}),
])
def test_filters(as_user, users, org, budget, entries, params, expected):
    values = {"walle": org.walle.pk, "walle-2026": budget.pk}
    query = {k: values.get(v, v) for k, v in params.items()}
    assert numbers(as_user(users.economic_aid).get(URL, query)) == expected


def test_budget_filter_offers_only_budgets_in_scope(as_user, users, entries, budget, vahr_budget):
    response = as_user(users.center_lead).get(URL)
    assert f'value="{vahr_budget.pk}"' in response.text and f'value="{budget.pk}"' not in response.text
    assert as_user(users.center_lead).get(URL, {"budget": budget.pk}).status_code == 200  # invalid choice: ignored
    assert numbers(as_user(users.center_lead).get(URL, {"budget": budget.pk})) <= {"VAHR-1"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_is_filtered_and_audited(as_user, users, org, entries, fmt):
    response = as_user(users.economic_aid).get(URL, {"district": org.walle.pk, "year": 2026, "export": fmt})
    assert response.status_code == 200
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        header = text.splitlines()[0]
        assert header.startswith("Buchungsdatum;Leistungsdatum;Belegnummer") and "Ausnahmegrund" in header
        assert "EX-1" in text and "OLD-1" in text and "EX-25" not in text and "VAHR-1" not in text
        assert "ohne Rechtsgrundlage (Altbestand)" in text and "20.03.2026" in text and "4000,00" in text
    else:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    event = AuditEvent.objects.get(name="budgets.cost_entry_exceptions.exported")
    assert event.data["rows"] == 3 and event.user == users.economic_aid


def test_reachable_from_the_cost_entry_list(as_user, users, entries):
    text = as_user(users.leadership).get(reverse("budgets:cost_entry_list")).text
    assert URL in text and "Buchungen ohne Kontrakt (Ausnahmen)" in text


def test_budget_page_counts_the_budgets_exceptions_and_links_to_them(as_user, users, budget, entries):
    text = as_user(users.economic_aid).get(reverse("budgets:budget_detail", args=[budget.pk])).text
    assert "3 Buchungen ohne Kontrakt (Ausnahmen)" in text
    assert f'href="{URL}?budget={budget.pk}"' in text


def test_budget_page_without_exceptions_says_nothing_and_case_managers_see_no_count(as_user, users, org, entries):
    clean = make_budget(users.leadership, org.walle, area=Area.INTEGRATION_HELP, amount="100000.00")
    assert "ohne Kontrakt" not in as_user(users.economic_aid).get(reverse("budgets:budget_detail", args=[clean.pk])).text
    walle = entries["eilfall"].budget
    assert "ohne Kontrakt" not in as_user(users.case_manager).get(reverse("budgets:budget_detail", args=[walle.pk])).text


def test_exception_entries_selector_is_scoped(users, entries):
    assert set(selectors.exception_entries_for(users.center_lead).values_list("invoice_number", flat=True)) == {"VAHR-1"}
    assert not selectors.exception_entries_for(users.case_manager).exists()  # no single bookings for case work


@pytest.mark.parametrize("n", [1, 60])
def test_query_count_is_constant(as_user, users, org, budget, django_assert_max_num_queries, n):
    for i in range(n):
        case = make_case(org.walle, org.team_a, users.case_manager, number=i + 1)
        CostEntryFactory(budget=budget, case=case, category=CostCategory.CASE_MATERIAL,
                         exception_reason="Eilfall" if i % 2 else "", created_by=users.economic_aid)
    client = as_user(users.economic_aid)
    # session, user, roles, count, total, page (budget, district, provider, case, booked by, reversed
    # entry joined), filter choices (district, budget), the read's audit event, session refresh
    # (savepoint, update, release)
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200


def test_viewing_the_list_writes_one_audit_event(as_user, users, entries):
    """The list names cases: each page shown is one read event, whatever the number of rows."""
    response = as_user(users.economic_aid).get(URL, {"year": "2026"})
    assert response.status_code == 200
    event = AuditEvent.objects.get(name="budgets.cost_entry_exceptions.viewed")
    assert event.user == users.economic_aid
    assert event.data["filters"] == {"year": "2026"}
