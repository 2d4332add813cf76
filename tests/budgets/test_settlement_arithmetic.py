"""The Hausfrauenmodell arithmetic: shares add up to the remainder to the cent, deficits go to the county."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgets.models import CostCategory
from budgets.settlement import compute

cents = st.integers(min_value=0, max_value=10**11).map(lambda c: Decimal(c) / 100)
signed_cents = st.integers(min_value=-10**9, max_value=10**11).map(lambda c: Decimal(c) / 100)
rates = st.integers(min_value=0, max_value=10000).map(lambda r: Decimal(r) / 100)
cost_maps = st.dictionaries(st.sampled_from(CostCategory.values), signed_cents, max_size=7)


@given(amount=cents, costs=cost_maps, rate=rates)
def test_shares_always_add_up_to_the_remainder_to_the_cent(amount, costs, rate):
    result = compute(amount, costs, rate)
    assert result.provider_share + result.county_share == result.remainder
    assert result.remainder == amount - sum(costs.values(), Decimal("0"))
    for value in (result.remainder, result.provider_share, result.county_share):
        assert value == value.quantize(Decimal("0.01"))


@given(amount=cents, costs=cost_maps, rate=rates)
def test_surplus_is_split_by_the_rate_and_a_deficit_is_carried_by_the_county(amount, costs, rate):
    result = compute(amount, costs, rate)
    if result.remainder <= 0:
        assert result.provider_share == 0
        assert result.county_share == result.remainder
    else:
        assert 0 <= result.provider_share <= result.remainder
        assert abs(result.provider_share - result.remainder * rate / 100) <= Decimal("0.005")


def test_worked_example_thirty_seventy():
    costs = {CostCategory.PERSONNEL: Decimal("600000.00"), CostCategory.RESIDENTIAL: Decimal("300000.01")}
    result = compute(Decimal("1000000.00"), costs, Decimal("30"))
    assert result.remainder == Decimal("99999.99")
    assert result.provider_share == Decimal("30000.00")
    assert result.county_share == Decimal("69999.99")


def test_deficit_reimburses_the_provider_and_the_county_carries_it():
    result = compute(Decimal("500000.00"), {CostCategory.EXTERNAL_INVOICES: Decimal("512345.67")}, Decimal("30"))
    assert result.remainder == Decimal("-12345.67")
    assert result.provider_share == Decimal("0.00")
    assert result.county_share == Decimal("-12345.67")


def test_unknown_category_or_rate_is_refused():
    with pytest.raises(ValueError):
        compute(Decimal("1"), {"travel": Decimal("1")}, Decimal("30"))
    with pytest.raises(ValueError):
        compute(Decimal("1"), {}, Decimal("101"))
