"""The budgets demo books costs on a case only inside the case's legal basis (§ 36a SGB VIII): an
approved contract or a taking into care covering the service date, with a category that fits the
help and the budget's area – apart from a handful of exceptions with their reason."""

import datetime as _dt_mid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import F
from django.db.models.functions import Coalesce

from budgets import demo as budgets_demo
from budgets import legal_basis
from budgets.models import CostEntry
from cases import demo as cases_demo
from cases.contracts import decided_help
from juwe import demo as juwe_demo
from juwe.lib.seeding import SeedContext

pytestmark = pytest.mark.django_db

# Written for the middle of 2026 (the demo and the fixtures book into that year): frozen there, so
# the suite passes on any date – on 2 January the demo has booked nothing yet in the new year.
@pytest.fixture(autouse=True)
def _mid_2026():
    with time_machine.travel(_dt_mid.datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))):
        yield



def test_demo_case_costs_lie_inside_their_contract_or_taking_into_care():
    ctx = SeedContext(quiet=True)
    juwe_demo.seed(ctx)
    cases_demo.seed(ctx)
    budgets_demo.seed(ctx)
    linked = list(
        CostEntry.objects.filter(case__isnull=False).select_related("budget", "case")
        .annotate(day=Coalesce("service_date", "booking_date"))
    )
    assert len(linked) > 50
    exceptions = [e for e in linked if e.contract_id is None and e.protection_id is None]
    assert 1 <= len(exceptions) <= 5  # a handful
    assert all(len(e.exception_reason) > 30 for e in exceptions)  # each with a real reason
    decided = decided_help({e.case_id for e in linked})
    contracts = {c.pk: c for d in decided.values() for c in d.contracts}
    takings = {t.pk: t for d in decided.values() for t in d.takings_into_care}
    for e in linked:
        if e in exceptions:
            with pytest.raises(legal_basis.NoLegalBasis) as exc:  # really without a basis
                legal_basis.match(reference=e.case.reference, decided=decided[e.case_id], service_date=e.day,
                                  area=e.budget.area, lead_provider_id=e.budget.provider_id, category=e.category)
            assert exc.value.exception_allowed
            continue
        basis = contracts.get(e.contract_id) or takings.get(e.protection_id)
        assert basis is not None, f"{e.invoice_number}: basis not approved"
        assert basis.case_id == e.case_id, e.invoice_number
        assert basis.start <= e.day <= basis.end, f"{e.invoice_number}: {e.day} outside {basis.start}–{basis.end}"
        assert e.category in legal_basis.fitting_categories(basis, e.budget.provider_id), e.invoice_number
        assert legal_basis.basis_area(basis) == e.budget.area, e.invoice_number
    # Contracts carry most case costs; takings into care a few, where the demo has them.
    assert sum(1 for e in linked if e.contract_id) > 40
    if takings:
        assert 0 < sum(1 for e in linked if e.protection_id) < sum(1 for e in linked if e.contract_id)
    # Never personnel, overhead or case-independent work on a case.
    assert not CostEntry.objects.filter(case__isnull=False,
                                        category__in=legal_basis.NEVER_ON_A_CASE).exists()
    # The invoice of a help comes from its provider (other providers) – never the lead provider's.
    assert not CostEntry.objects.filter(contract__isnull=False, category="external_invoices",
                                        provider=F("budget__provider")).exists()
    before = CostEntry.objects.count()
    budgets_demo.seed(SeedContext(quiet=True))
    assert CostEntry.objects.count() == before  # idempotent
