"""Budgets and their instalments: validation, exact cent plans, re-planning the open months."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from hypothesis import given
from hypothesis import strategies as st

from budgets import services
from budgets.models import Area, Budget, Instalment
from tests.budgets.factories import make_budget
from tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db


@given(cents=st.integers(min_value=0, max_value=10**12), months=st.integers(min_value=1, max_value=12))
def test_instalment_plan_sums_exactly_and_differs_by_at_most_one_cent(cents, months):
    amount = Decimal(cents) / 100
    plan = services.instalment_plan(amount, months)
    assert len(plan) == months
    assert sum(plan) == amount
    assert max(plan) - min(plan) <= Decimal("0.01")


def test_new_budget_gets_twelve_instalments_adding_up_to_the_amount(org, users):
    budget = make_budget(users.leadership, org.walle, amount="1000000.01")
    amounts = list(budget.instalments.order_by("month").values_list("amount", flat=True))
    assert len(amounts) == 12
    assert sum(amounts) == Decimal("1000000.01")
    assert amounts[0] == Decimal("83333.34") and amounts[-1] == Decimal("83333.33")
    assert budget.provider == org.provider_a
    assert (budget.provider_rate, budget.county_rate) == (Decimal("30"), Decimal("70"))


@pytest.mark.parametrize(
    "kwargs,field,message",
    [
        ({"amount": "-1.00"}, "amount", services.NEGATIVE_BUDGET),
        ({"provider_rate": Decimal("40"), "county_rate": Decimal("70")}, "county_rate", services.SHARES_NOT_100),
        ({"provider_rate": Decimal("-10"), "county_rate": Decimal("110")}, "provider_rate", services.RATE_OUT_OF_RANGE),
    ],
)
def test_bad_budget_is_refused_with_a_german_message_and_nothing_saved(org, users, kwargs, field, message):
    with pytest.raises(ValidationError) as exc:
        make_budget(users.leadership, org.walle, **kwargs)
    assert message in exc.value.message_dict[field]
    assert not Budget.objects.exists() and not Instalment.objects.exists()


def test_messages_are_german(org, users, settings):
    from django.utils import translation

    with translation.override("de"):
        assert "negativ" in str(services.NEGATIVE_BUDGET)
        assert "100" in str(services.SHARES_NOT_100)


def test_budget_must_be_held_by_a_lead_provider_of_the_district(org, users):
    with pytest.raises(ValidationError) as exc:
        make_budget(users.leadership, org.walle, provider=org.provider_b)
    assert services.NO_LEAD_PROVIDER in exc.value.message_dict["provider"]
    with pytest.raises(ValidationError):
        make_budget(users.leadership, org.walle, provider=ProviderFactory())


def test_second_budget_for_the_same_district_year_and_area_is_refused(budget, users, org):
    with pytest.raises(ValidationError) as exc:
        make_budget(users.leadership, org.walle)
    assert services.BUDGET_EXISTS in exc.value.messages
    make_budget(users.leadership, org.walle, area=Area.INTEGRATION_HELP)  # other area is fine


def test_database_refuses_negative_amount_and_shares_off_100(budget):
    with pytest.raises(IntegrityError), transaction.atomic():
        Budget.objects.filter(pk=budget.pk).update(amount=Decimal("-5"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Budget.objects.filter(pk=budget.pk).update(provider_rate=Decimal("31"))


def test_changing_the_amount_mid_year_replans_only_open_instalments(budget, users):
    paid = list(budget.instalments.order_by("month")[:5])
    for inst in paid:
        services.instalment_mark_paid(user=users.economic_aid, instalment=inst, paid_on=date(2026, inst.month, 3))
    services.budget_update(user=users.leadership, budget=budget, amount=Decimal("1300000.00"),
                           provider_rate=Decimal("25"), county_rate=Decimal("75"))
    instalments = list(budget.instalments.order_by("month"))
    assert [i.amount for i in instalments[:5]] == [Decimal("100000.00")] * 5
    assert sum(i.amount for i in instalments) == Decimal("1300000.00")
    assert {i.amount for i in instalments[5:]} == {Decimal("114285.72"), Decimal("114285.71")}
    budget.refresh_from_db()
    assert budget.provider_rate == Decimal("25")


def test_amount_below_the_paid_instalments_is_refused(budget, users):
    for inst in budget.instalments.order_by("month")[:6]:
        services.instalment_mark_paid(user=users.economic_aid, instalment=inst, paid_on=date(2026, 6, 30))
    with pytest.raises(ValidationError) as exc:
        services.budget_update(user=users.leadership, budget=budget, amount=Decimal("500000"),
                               provider_rate=Decimal("30"), county_rate=Decimal("70"))
    assert "600.000,00" in " ".join(exc.value.messages) or "600000" in " ".join(exc.value.messages)
    budget.refresh_from_db()
    assert budget.amount == Decimal("1200000.00")


def test_instalment_cannot_be_paid_twice(budget, users):
    inst = budget.instalments.get(month=1)
    services.instalment_mark_paid(user=users.economic_aid, instalment=inst, paid_on=date(2026, 1, 5))
    with pytest.raises(ValidationError):
        services.instalment_mark_paid(user=users.economic_aid, instalment=inst, paid_on=date(2026, 1, 6))
    inst.refresh_from_db()
    assert inst.paid_on == date(2026, 1, 5) and inst.paid_by == users.economic_aid


def test_budget_write_is_audited(budget):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM juwe_auditevent WHERE name = 'budgets.budget.created'")
        assert cursor.fetchone()[0] == 1
