"""Pages: the access matrix (URL × role × status), pinned query counts, export and the PDF."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from budgets import services
from budgets.models import Budget, CostCategory, CostEntry, Settlement
from juwe.models import AuditEvent
from juwe.roles import Role
from tests.budgets.factories import CostEntryFactory, make_budget
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ALL = ["economic_aid", "leadership", "center_lead", "case_manager", "other_case_manager", "team_lead", "coordinator",
       "provider_staff", "other_provider", "admin", "nobody"]


def expect(ok=(), hidden=(), default=403):
    return {u: (200 if u in ok else 404 if u in hidden else default) for u in ALL}


# center_lead (other social centre), the other team's case manager and provider B's staff may use
# the page in principle but must not learn that Walle's budget exists: 404.
OUT_OF_SCOPE = ("center_lead", "other_case_manager", "other_provider")
MATRIX = [
    ("budgets:budget_list", False, expect(ok=("economic_aid", "leadership", "center_lead", "case_manager",
                                               "other_case_manager", "team_lead", "provider_staff", "other_provider"))),
    ("budgets:budget_detail", True, expect(ok=("economic_aid", "leadership", "case_manager", "team_lead",
                                                "provider_staff"), hidden=OUT_OF_SCOPE)),
    ("budgets:settlement_detail", True, expect(ok=("economic_aid", "leadership", "provider_staff"),
                                                hidden=("center_lead", "other_provider"))),
    ("budgets:settlement_pdf", True, expect(ok=("economic_aid", "leadership", "provider_staff"),
                                             hidden=("center_lead", "other_provider"))),
    ("budgets:cost_entry_list", False, expect(ok=("economic_aid", "leadership", "center_lead"))),
    ("budgets:cost_entry_create", True, expect(ok=("economic_aid",))),
    ("budgets:cost_entry_import", False, expect(ok=("economic_aid",))),
    ("budgets:cost_entry_exceptions", False, expect(ok=("economic_aid", "leadership", "center_lead"))),
    ("budgets:budget_create", False, expect(ok=("leadership", "center_lead"))),
    ("budgets:budget_update", True, expect(ok=("leadership",), hidden=("center_lead",))),
    ("budgets:allocation", True, expect(ok=("economic_aid", "leadership"), hidden=("center_lead",))),
    ("budgets:pot", False, expect(ok=("economic_aid", "leadership", "center_lead"))),
]


@pytest.fixture
def setup(org, users, budget):
    users.other_provider = UserFactory(username="prov-b", roles=[Role.PROVIDER_STAFF], provider=org.provider_b)
    CostEntryFactory(budget=budget)
    services.settlement_prepare(user=users.economic_aid, budget=budget, today=date(2027, 1, 5))
    return budget


@pytest.mark.parametrize("url_name,with_pk,statuses", MATRIX, ids=[m[0] for m in MATRIX])
@pytest.mark.parametrize("who", ALL)
def test_access_matrix(client, users, setup, url_name, with_pk, statuses, who):
    client.force_login(getattr(users, who))
    url = reverse(url_name, args=[setup.pk] if with_pk else [])
    assert client.get(url).status_code == statuses[who]


@pytest.mark.parametrize("who,status", [("economic_aid", 302), ("leadership", 403), ("case_manager", 403)])
def test_only_economic_aid_books_costs(client, users, budget, who, status):
    client.force_login(getattr(users, who))
    response = client.post(reverse("budgets:cost_entry_create", args=[budget.pk]), {
        "booking_date": "2026-03-02", "category": CostCategory.OVERHEAD, "amount": "1.234,56",
        "provider": budget.provider_id, "invoice_number": "OH-77", "note": "Miete Büro"})
    assert response.status_code == status
    assert CostEntry.objects.filter(invoice_number="OH-77").exists() == (status == 302)


def test_booking_form_keeps_input_and_shows_german_error_on_duplicate(as_user, users, budget):
    CostEntryFactory(budget=budget, invoice_number="DUP-1")
    response = as_user(users.economic_aid).post(reverse("budgets:cost_entry_create", args=[budget.pk]), {
        "booking_date": "2026-03-02", "category": CostCategory.OVERHEAD, "amount": "99,50",
        "provider": budget.provider_id, "invoice_number": "DUP-1"})
    assert response.status_code == 200
    assert "bereits" in response.text and 'value="DUP-1"' in response.text
    assert CostEntry.objects.count() == 1


def test_case_manager_sees_position_but_no_bookings_or_instalments(as_user, users, budget):
    CostEntryFactory(budget=budget, invoice_number="SECRET-1")
    text = as_user(users.case_manager).get(reverse("budgets:budget_detail", args=[budget.pk])).text
    assert "Budgetstand" in text or "Budget position" in text
    assert "SECRET-1" not in text and "instalment_pay" not in text and "raten" not in text


def test_leadership_sets_budget_and_sees_the_suggestion(as_user, users, org):
    for year, costs in ((2023, "900000.00"), (2024, "1000000.00"), (2025, "1100000.00")):
        CostEntryFactory(budget=make_budget(users.leadership, org.walle, year=year), amount=Decimal(costs))
    client = as_user(users.leadership)
    response = client.get(reverse("budgets:budget_create"), {"district": org.walle.pk, "year": 2026,
                                                              "area": "youth_help"})
    assert "1.000.000,00" in response.text and "2023" in response.text
    response = client.post(reverse("budgets:budget_create"), {
        "district": org.walle.pk, "year": 2026, "area": "youth_help", "amount": "-5", "provider_rate": "30",
        "county_rate": "70"})
    assert response.status_code == 200 and "negativ" in response.text
    response = client.post(reverse("budgets:budget_create"), {
        "district": org.walle.pk, "year": 2026, "area": "youth_help", "amount": "1000000", "provider_rate": "30",
        "county_rate": "60"})
    assert "100" in response.text and not Budget.objects.filter(year=2026).exists()
    response = client.post(reverse("budgets:budget_create"), {
        "district": org.walle.pk, "year": 2026, "area": "youth_help", "amount": "1000000", "provider_rate": "30",
        "county_rate": "70"})
    assert response.status_code == 302
    assert Budget.objects.get(year=2026).instalments.count() == 12


# Query budgets (why these numbers):
# list: session, user, roles, count, page of budgets (+district, provider, settlement joined), bookings
#   of the page grouped (1), micro-project commitments (2 per year), filter choices (district, provider: 2)
# detail: session, user, roles, budget, bookings grouped, commitments (2), settlement, instalments,
#   suggestion (1), latest entries (1), bookings on a case without a contract counted (1)
@pytest.mark.parametrize("extra", [1, 20])
def test_budget_list_query_count_is_constant(as_user, users, org, django_assert_max_num_queries, extra):
    for i in range(extra):
        d = org.walle if i % 2 else org.westend
        make_budget(users.leadership, d, year=2000 + i)
    client = as_user(users.economic_aid)
    with django_assert_max_num_queries(12 + 2 * min(extra, 20)):
        assert client.get(reverse("budgets:budget_list")).status_code == 200


@pytest.mark.parametrize("entries", [1, 50])
def test_budget_page_query_count_does_not_grow_with_entries(as_user, users, budget, django_assert_max_num_queries, entries):
    CostEntryFactory.create_batch(entries, budget=budget)
    client = as_user(users.economic_aid)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("budgets:budget_detail", args=[budget.pk]))
    assert response.status_code == 200
    assert "<svg" in response.text and "<table" in response.text


@pytest.mark.parametrize("entries", [1, 60])
def test_cost_entry_list_query_count_is_constant(as_user, users, budget, django_assert_max_num_queries, entries):
    CostEntryFactory.create_batch(entries, budget=budget)
    client = as_user(users.economic_aid)
    # session, user, roles, count, total, page (budget, provider, case joined), filter choices
    # (district, provider), session refresh (savepoint, update, release), the read event (the list
    # names cases)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("budgets:cost_entry_list")).status_code == 200


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cost_entries_export_is_filtered_and_audited(as_user, users, budget, fmt):
    CostEntryFactory(budget=budget, invoice_number="EXP-1", category=CostCategory.RESIDENTIAL)
    CostEntryFactory(budget=budget, invoice_number="EXP-2", category=CostCategory.OVERHEAD)
    response = as_user(users.economic_aid).get(reverse("budgets:cost_entry_list"),
                                               {"category": CostCategory.RESIDENTIAL, "export": fmt})
    assert response.status_code == 200
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        assert "EXP-1" in text and "EXP-2" not in text and "1000,00" in text
    assert AuditEvent.objects.filter(name="budgets.cost_entry.exported").count() == 1


def test_settlement_flow_prepare_finalize_and_statement_pdf(client, users, budget):
    import time_machine

    CostEntryFactory(budget=budget, amount=Decimal("1000000.00"), category=CostCategory.EXTERNAL_INVOICES)
    with time_machine.travel(date(2027, 1, 5)):  # prepared once the year is over
        client.force_login(users.economic_aid)
        client.post(reverse("budgets:settlement_prepare", args=[budget.pk]))
        assert client.post(reverse("budgets:settlement_finalize", args=[budget.pk])).status_code == 403
    with time_machine.travel(date(2027, 1, 31)):
        client.force_login(users.leadership)  # a session of today would have expired by then
        client.post(reverse("budgets:settlement_finalize", args=[budget.pk]))
    assert Settlement.objects.get(budget=budget).is_final
    client.force_login(users.provider_staff)
    response = client.get(reverse("budgets:settlement_pdf", args=[budget.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "HÜTN" in text and "200.000,00" in text and "60.000,00" in text and "140.000,00" in text
    assert AuditEvent.objects.filter(name="budgets.settlement.printed").exists()


def test_instalment_is_marked_paid_from_the_budget_page(as_user, users, budget):
    response = as_user(users.economic_aid).post(reverse("budgets:instalment_pay", args=[budget.pk, 3]),
                                                {"paid_on": "2026-03-01"})
    assert response.status_code == 302
    assert budget.instalments.get(month=3).paid_on == date(2026, 3, 1)


def test_allocation_page_lists_cost_per_case(as_user, users, org):
    from budgets.models import Area
    from tests.budgets.factories import make_case

    egh = make_budget(users.leadership, org.walle, area=Area.INTEGRATION_HELP, amount="100000.00")
    case = make_case(org.walle, org.team_a, users.case_manager)
    CostEntryFactory(budget=egh, case=case, amount=Decimal("400.00"))
    CostEntryFactory(budget=egh, amount=Decimal("600.00"))
    response = as_user(users.economic_aid).get(reverse("budgets:allocation", args=[egh.pk]))
    assert case.reference in response.text and "1.000,00" in response.text


def test_pot_transfer_is_requested_by_economic_aid_and_decided_by_leadership(client, org, users):
    import time_machine

    surplus = make_budget(users.leadership, org.walle, year=2025, amount="100000.00")
    deficit = make_budget(users.leadership, org.vahr, year=2025, amount="100000.00")
    CostEntryFactory(budget=surplus, amount=Decimal("50000.00"))
    CostEntryFactory(budget=deficit, amount=Decimal("110000.00"))
    for b in (surplus, deficit):
        s = services.settlement_prepare(user=users.economic_aid, budget=b)
        with time_machine.travel(date(2026, 1, 20)):
            services.settlement_finalize(user=users.leadership, settlement=s)
    url = reverse("budgets:pot") + "?year=2025"
    client.force_login(users.leadership)
    assert client.post(url, {"settlement": deficit.settlement.pk, "amount": "1", "reason": "x"}).status_code == 403
    client.force_login(users.economic_aid)
    response = client.post(url, {"settlement": deficit.settlement.pk, "amount": "10000", "reason": "Deckung Defizit Vahr"})
    assert response.status_code == 302
    client.force_login(users.leadership)
    transfer = deficit.settlement.pot_transfers.get()
    client.post(reverse("budgets:pot_transfer_decide", args=[transfer.pk]), {"decision": "approve"})
    transfer.refresh_from_db()
    assert transfer.status == transfer.Status.APPROVED and transfer.decided_by == users.leadership
    assert "25.000,00" in client.get(url).text  # balance: 35,000 county share in, 10,000 out


@pytest.mark.parametrize("entries", [1, 40])
def test_settlement_and_allocation_pages_query_count_is_constant(as_user, users, org, django_assert_max_num_queries,
                                                                  entries):
    from budgets.models import Area
    from tests.budgets.factories import make_case

    egh = make_budget(users.leadership, org.walle, area=Area.INTEGRATION_HELP)
    for i in range(entries):
        CostEntryFactory(budget=egh, case=make_case(org.walle, org.team_a, users.case_manager, number=i + 1))
    services.settlement_prepare(user=users.economic_aid, budget=egh, today=date(2027, 1, 5))
    client = as_user(users.economic_aid)
    # session, user, roles, budget, settlement, current bookings per category, instalments paid,
    # session refresh (3)
    with django_assert_max_num_queries(11):
        assert client.get(reverse("budgets:settlement_detail", args=[egh.pk])).status_code == 200
    # session, user, roles, budget, total, cases grouped, audit event, session refresh (3)
    with django_assert_max_num_queries(11):
        assert client.get(reverse("budgets:allocation", args=[egh.pk])).status_code == 200


@pytest.mark.parametrize("budgets", [1, 6])
def test_pot_page_query_count_is_constant(as_user, users, org, django_assert_max_num_queries, budgets):
    import time_machine

    from budgets.models import Area

    places = [(d, a) for d in (org.walle, org.westend, org.vahr) for a in Area.values]
    for i, (district, area) in enumerate(places[:budgets]):
        b = make_budget(users.leadership, district, area=area, year=2025, amount="1000")
        CostEntryFactory(budget=b, booking_date=date(2025, 1, 1), amount=Decimal("500" if i % 2 else "1500"))
        s = services.settlement_prepare(user=users.economic_aid, budget=b)
        with time_machine.travel(date(2026, 1, 20)):
            services.settlement_finalize(user=users.leadership, settlement=s)
    client = as_user(users.economic_aid)
    # session, user, roles, pot inflow, transfers out, inflow list, deficit list, transfers, deficit
    # choices of the form, session refresh (3)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("budgets:pot") + "?year=2025")
    assert response.status_code == 200 and response.text.count("/abrechnung/") == budgets


def test_filter_offers_only_districts_in_scope(as_user, users, org):
    text = as_user(users.center_lead).get(reverse("budgets:budget_list")).text
    assert "Gartenstadt Vahr" in text and "Westend" not in text
