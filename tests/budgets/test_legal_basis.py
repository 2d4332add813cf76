"""§ 36a SGB VIII: a cost booked on a case needs a help the office decided – an approved contract or a
taking into care (§ 42) covering the service date, with a cost category that fits the help and the
budget's area. Economic youth aid alone may book without one, with a reason; reversals keep the basis."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from budgets import legal_basis, services
from budgets.commitments import contract_area
from budgets.models import Area, CostCategory, CostEntry
from juwe.models import AuditEvent
from tests.budgets.factories import CostEntryFactory, approved_contract, make_budget, make_case, taking_into_care

pytestmark = pytest.mark.django_db
C = CostCategory


@pytest.fixture
def case(org, users):
    return make_case(org.walle, org.team_a, users.case_manager, number=17, opened_on=date(2026, 1, 10))


def book(user, budget, case, *, day=date(2026, 5, 4), category=C.CASE_MATERIAL, number="R-1", **kwargs):
    values = {"booking_date": day, "category": category, "provider": budget.provider, "invoice_number": number,
              "amount": Decimal("250.00"), "case": case} | kwargs
    return services.cost_entry_create(user=user, budget=budget, **values)


def refusal(exc: pytest.ExceptionInfo, field: str) -> str:
    """The German message on `field` of a refused booking."""
    with translation.override("de"):
        return " ".join(exc.value.message_dict[field])


# --- The basis is found and stored -------------------------------------------------------------------


def test_contract_covering_the_booking_date_is_stored_as_the_basis(budget, users, case):
    contract = approved_contract(case, users.team_lead, start=date(2026, 4, 1), until=date(2026, 9, 30))
    entry = book(users.economic_aid, budget, case)
    assert (entry.contract, entry.protection, entry.exception_reason, entry.service_date) == (contract, None, "", None)


def test_service_date_decides_not_the_booking_date(budget, users, case):
    contract = approved_contract(case, users.team_lead, start=date(2026, 4, 1), until=date(2026, 9, 30))
    # The invoice for September is booked in October, after the approval ended.
    entry = book(users.economic_aid, budget, case, day=date(2026, 10, 12), service_date=date(2026, 9, 30))
    assert entry.contract == contract and entry.service_date == date(2026, 9, 30)
    with pytest.raises(ValidationError) as exc:
        book(users.economic_aid, budget, case, day=date(2026, 4, 20), service_date=date(2026, 3, 31), number="R-2")
    assert "31.03.2026" in refusal(exc, "service_date")


def test_of_two_contracts_the_one_covering_the_date_is_taken(budget, users, case):
    approved_contract(case, users.team_lead, start=date(2026, 1, 15), until=date(2026, 3, 31))
    second = approved_contract(case, users.team_lead, start=date(2026, 4, 1), until=date(2026, 9, 30))
    assert book(users.economic_aid, budget, case, day=date(2026, 4, 1)).contract == second


def test_only_approved_contracts_count(budget, users, case):
    for state in ("draft", "signed"):
        approved_contract(case, users.team_lead, start=date(2026, 4, 1), until=date(2026, 9, 30), state=state)
    with pytest.raises(ValidationError) as exc:
        book(users.economic_aid, budget, case)
    assert "Der Fall hat keinen bewilligten Kontrakt." in refusal(exc, "service_date")


def test_ended_contract_covers_its_days_until_it_ended(budget, users, case):
    contract = approved_contract(case, users.team_lead, start=date(2026, 2, 1), until=date(2026, 7, 31),
                                 ended_on=date(2026, 4, 30))
    assert book(users.economic_aid, budget, case, day=date(2026, 4, 30)).contract == contract
    with pytest.raises(ValidationError) as exc:
        book(users.economic_aid, budget, case, day=date(2026, 5, 1), number="R-2")
    assert "Nächster Bewilligungszeitraum: 01.02.2026–30.04.2026." in refusal(exc, "service_date")


# --- Refusals and their messages ---------------------------------------------------------------------


def test_booking_before_the_contract_names_the_case_and_the_nearest_period(budget, users, case):
    approved_contract(case, users.team_lead, start=date(2026, 4, 1), until=date(2026, 9, 30))
    with pytest.raises(ValidationError) as exc:
        book(users.economic_aid, budget, case, day=date(2026, 2, 3))
    assert refusal(exc, "service_date") == (
        "Für Fall 2026/334/17 gibt es am 03.02.2026 keinen bewilligten Kontrakt. "
        "Nächster Bewilligungszeitraum: 01.04.2026–30.09.2026."
    )
    assert not CostEntry.objects.exists()


def test_nearest_period_is_the_closest_one(budget, users, case):
    approved_contract(case, users.team_lead, start=date(2026, 1, 15), until=date(2026, 2, 28))
    approved_contract(case, users.team_lead, start=date(2026, 6, 1), until=date(2026, 11, 30))
    with pytest.raises(ValidationError) as exc:
        book(users.economic_aid, budget, case, day=date(2026, 5, 20))
    assert "01.06.2026–30.11.2026" in refusal(exc, "service_date")
    with pytest.raises(ValidationError) as exc:
        book(users.economic_aid, budget, case, day=date(2026, 3, 10))
    assert "15.01.2026–28.02.2026" in refusal(exc, "service_date")


def test_case_without_any_contract_is_refused(budget, users, case):
    with pytest.raises(ValidationError) as exc:
        book(users.economic_aid, budget, case, day=date(2026, 2, 3))
    assert refusal(exc, "service_date") == (
        "Für Fall 2026/334/17 gibt es am 03.02.2026 keinen bewilligten Kontrakt. Der Fall hat keinen bewilligten Kontrakt."
    )


@pytest.mark.parametrize("category", [C.PERSONNEL, C.OVERHEAD, C.CASE_INDEPENDENT])
def test_personnel_overhead_and_case_independent_work_never_carry_a_case(budget, users, case, category):
    approved_contract(case, users.team_lead, start=date(2026, 4, 1), until=date(2026, 9, 30))
    with pytest.raises(ValidationError) as exc:
        book(users.economic_aid, budget, case, category=category, exception_reason="nachträglich bewilligt")
    assert "wird nie auf einen Fall gebucht" in refusal(exc, "category")
    assert "exception_reason" not in exc.value.message_dict  # not even economic youth aid may


@pytest.mark.parametrize("help_type,provider,category,fits", [
    ("34", "lead", C.RESIDENTIAL, True),              # § 34 → residential help (HÜTN)
    ("34", "other", C.RESIDENTIAL, True),
    ("34", "other", C.EXTERNAL_INVOICES, False),      # residential help is HÜTN, whoever provides it
    ("34", "lead", C.CASE_MATERIAL, True),            # material costs fit every decided help
    ("31", "lead", C.EXTERNAL_INVOICES, False),       # the lead provider's own help: its personnel costs
    ("31", "other", C.EXTERNAL_INVOICES, True),       # another provider's help: its invoices
    ("31", "other", C.RESIDENTIAL, False),
    ("31", None, C.CASE_MATERIAL, True),
    ("33", "lead", C.ADVANCE_DEDUCTIONS, True),       # § 33 foster care → advance deductions or invoices
    ("33", "lead", C.EXTERNAL_INVOICES, True),
    ("33", "other", C.RESIDENTIAL, False),
    ("district", None, C.EXTERNAL_INVOICES, False),   # help in the district has no provider to invoice
])
def test_category_must_fit_the_help_type(budget, users, case, org, help_type, provider, category, fits):
    providers = {"lead": org.provider_a, "other": org.provider_b, None: None}
    contract = approved_contract(case, users.team_lead, help_type=help_type, provider=providers[provider],
                                 start=date(2026, 4, 1), until=date(2026, 9, 30))
    assert contract_area(help_type) == Area.YOUTH_HELP  # the fixture budget is youth help
    if fits:
        assert book(users.economic_aid, budget, case, category=category).contract == contract
        return
    with pytest.raises(ValidationError) as exc:
        book(users.economic_aid, budget, case, category=category)
    message = refusal(exc, "category")
    assert "Die Kostenart passt nicht zur Hilfe, die für Fall 2026/334/17 am 04.05.2026 bewilligt ist" in message
    assert "01.04.2026–30.09.2026" in message and "Sachkosten" in message  # what would fit


def test_category_refusal_is_not_an_exception(budget, users, case):
    approved_contract(case, users.team_lead, help_type="31", provider=None, start=date(2026, 4, 1),
                      until=date(2026, 9, 30))
    with pytest.raises(ValidationError) as exc:
        book(users.economic_aid, budget, case, category=C.RESIDENTIAL, exception_reason="Eilfall")
    assert "category" in exc.value.message_dict and not CostEntry.objects.exists()


def test_help_of_the_other_area_is_refused_on_the_case(users, case, org):
    """A § 34 contract is youth help: its costs do not go into the integration-help budget (SGB IX)."""
    egh = make_budget(users.leadership, org.walle, area=Area.INTEGRATION_HELP, amount="200000.00")
    approved_contract(case, users.team_lead, help_type="34", provider=org.provider_b, start=date(2026, 4, 1),
                      until=date(2026, 9, 30))
    with pytest.raises(ValidationError) as exc:
        book(users.economic_aid, egh, case, category=C.RESIDENTIAL, exception_reason="falsches Budget")
    message = refusal(exc, "case_reference")
    with translation.override("de"):
        youth_help = str(Area.YOUTH_HELP.label)
    assert "Fall 2026/334/17" in message and "04.05.2026" in message and f"„{youth_help}“" in message
    assert not CostEntry.objects.exists()


def test_case_of_another_district_is_refused_on_the_case_reference(budget, users, org):
    other = make_case(org.vahr, org.team_b, users.other_case_manager)
    with pytest.raises(ValidationError) as exc:
        book(users.economic_aid, budget, other)
    assert services.CASE_OTHER_DISTRICT in exc.value.message_dict["case_reference"]


# --- Taking into care (§ 42) -------------------------------------------------------------------------


def test_taking_into_care_carries_the_costs_until_the_contract_starts(budget, users, case):
    care = taking_into_care(case, users.case_manager, received=date(2026, 3, 2))
    contract = approved_contract(case, users.team_lead, help_type="34", provider=None, start=date(2026, 4, 15),
                                 until=date(2026, 10, 14))
    before = book(users.economic_aid, budget, case, day=date(2026, 3, 2), category=C.ADVANCE_DEDUCTIONS)
    assert (before.protection, before.contract) == (care, None)
    last = book(users.economic_aid, budget, case, day=date(2026, 4, 14), category=C.RESIDENTIAL, number="R-2")
    assert last.protection == care
    after = book(users.economic_aid, budget, case, day=date(2026, 4, 15), category=C.RESIDENTIAL, number="R-3")
    assert (after.protection, after.contract) == (None, contract)
    with pytest.raises(ValidationError) as exc:  # a day before the report
        book(users.economic_aid, budget, case, day=date(2026, 3, 1), category=C.RESIDENTIAL, number="R-4")
    assert "01.03.2026" in refusal(exc, "service_date")


def test_taking_into_care_without_a_contract_lasts_three_months(budget, users, case):
    care = taking_into_care(case, users.case_manager, received=date(2026, 3, 2))
    assert book(users.economic_aid, budget, case, day=date(2026, 6, 1)).protection == care
    with pytest.raises(ValidationError) as exc:
        book(users.economic_aid, budget, case, day=date(2026, 6, 2), number="R-2")
    assert "Der Fall hat keinen bewilligten Kontrakt." in refusal(exc, "service_date")


def test_taking_into_care_is_youth_help(users, case, org):
    egh = make_budget(users.leadership, org.walle, area=Area.INTEGRATION_HELP, amount="200000.00")
    taking_into_care(case, users.case_manager, received=date(2026, 3, 2))
    with pytest.raises(ValidationError) as exc:
        book(users.economic_aid, egh, case, day=date(2026, 3, 5))
    assert "Inobhutnahme (§ 42)" in refusal(exc, "case_reference")


def test_only_recorded_takings_into_care_count(budget, users, case):
    care = taking_into_care(case, users.case_manager, received=date(2026, 3, 2))
    care.taken_into_care = False
    care.save()
    with pytest.raises(ValidationError):
        book(users.economic_aid, budget, case, day=date(2026, 3, 5))


# --- Exceptions: economic youth aid only, with a reason ---------------------------------------------


def test_economic_aid_may_book_without_a_contract_with_a_reason(budget, users, case):
    approved_contract(case, users.team_lead, start=date(2026, 4, 1), until=date(2026, 9, 30))
    reason = "Eilfall: Hilfe begann vor dem Kontraktgespräch, Kontrakt am 01.04.2026 nachträglich bewilligt."
    entry = book(users.economic_aid, budget, case, day=date(2026, 3, 20), exception_reason=f"  {reason} ")
    assert (entry.contract, entry.protection, entry.exception_reason) == (None, None, reason)
    event = AuditEvent.objects.get(name="budgets.cost_entry.booked")
    assert event.data["exception_reason"] == reason


def test_nobody_else_may_book_without_a_contract(budget, users, case):
    with pytest.raises(ValidationError) as exc:
        book(users.leadership, budget, case, day=date(2026, 3, 20), exception_reason="nachträglich bewilligt")
    with translation.override("de"):
        assert exc.value.message_dict["exception_reason"] == [
            "Nur die Wirtschaftliche Jugendhilfe darf Kosten ohne Rechtsgrundlage auf einen Fall buchen."]
    assert "service_date" in exc.value.message_dict and not CostEntry.objects.exists()


def test_reason_is_not_kept_when_there_is_a_basis(budget, users, case):
    contract = approved_contract(case, users.team_lead, start=date(2026, 4, 1), until=date(2026, 9, 30))
    entry = book(users.economic_aid, budget, case, exception_reason="vorsorglich")
    assert entry.contract == contract and entry.exception_reason == ""


def test_reason_without_a_case_is_refused(budget, users):
    with pytest.raises(ValidationError) as exc:
        book(users.economic_aid, budget, None, exception_reason="Eilfall")
    assert services.EXCEPTION_WITHOUT_CASE in exc.value.message_dict["exception_reason"]


def test_cost_without_a_case_needs_no_basis(budget, users):
    entry = book(users.economic_aid, budget, None, category=C.PERSONNEL)
    assert (entry.case, entry.contract, entry.protection) == (None, None, None)


# --- Reversals keep the basis of the original ---------------------------------------------------------


def test_reversal_copies_the_contract_and_service_date(budget, users, case):
    contract = approved_contract(case, users.team_lead, start=date(2026, 4, 1), until=date(2026, 9, 30))
    entry = book(users.economic_aid, budget, case, day=date(2026, 10, 2), service_date=date(2026, 9, 28))
    reversal = services.cost_entry_reverse(user=users.economic_aid, entry=entry, booking_date=date(2026, 11, 20))
    assert (reversal.contract, reversal.service_date, reversal.case) == (contract, date(2026, 9, 28), case)


def test_reversal_copies_the_exception_reason_and_the_taking_into_care(budget, users, case):
    exception = book(users.economic_aid, budget, case, day=date(2026, 2, 3), exception_reason="Zuständigkeitswechsel")
    care = taking_into_care(case, users.case_manager, received=date(2026, 3, 2))
    on_care = book(users.economic_aid, budget, case, day=date(2026, 3, 9), number="R-2")
    first = services.cost_entry_reverse(user=users.economic_aid, entry=exception, booking_date=date(2026, 7, 1))
    second = services.cost_entry_reverse(user=users.economic_aid, entry=on_care, booking_date=date(2026, 7, 1))
    assert (first.exception_reason, first.contract, first.protection) == ("Zuständigkeitswechsel", None, None)
    assert (second.protection, second.exception_reason) == (care, "")


def test_legacy_booking_without_basis_can_still_be_reversed(budget, users, case):
    legacy = CostEntryFactory(budget=budget, case=case, category=C.EXTERNAL_INVOICES)
    reversal = services.cost_entry_reverse(user=users.economic_aid, entry=legacy, booking_date=date(2026, 7, 1))
    assert reversal.amount == -legacy.amount and reversal.contract is None


# --- The function itself -----------------------------------------------------------------------------


def test_find_legal_basis_reads_the_case_with_two_queries(budget, users, case, django_assert_num_queries):
    contract = approved_contract(case, users.team_lead, start=date(2026, 4, 1), until=date(2026, 9, 30))
    taking_into_care(case, users.case_manager, received=date(2026, 3, 2))
    with django_assert_num_queries(2):  # approved contracts, takings into care
        basis = legal_basis.find_legal_basis(case=case, service_date=date(2026, 5, 1), budget=budget,
                                             category=C.CASE_MATERIAL)
    assert basis == legal_basis.LegalBasis(contract_id=contract.pk)


def test_every_category_has_a_rule():
    """Each category either fits some decided help or never carries a case."""
    fitting = set().union(*(f.categories | f.other_provider for f in legal_basis.CATEGORY_FIT.values()))
    assert fitting | legal_basis.NEVER_ON_A_CASE == set(C.values)
    assert not fitting & legal_basis.NEVER_ON_A_CASE
