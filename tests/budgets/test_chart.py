"""The projection chart: round axis labels, accessible SVG without inline styles."""

from datetime import date
from decimal import Decimal

import pytest

from budgets.charts import _ticks, projection_svg
from budgets.selectors import positions
from tests.budgets.factories import CostEntryFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("top,expected_step", [("3216374", 1000000), ("95", 25), ("1", 1), ("1200000", 500000)])
def test_axis_ticks_are_round_numbers_covering_the_top(top, expected_step):
    ticks = _ticks(Decimal(top))
    assert ticks[1] - ticks[0] == expected_step
    assert ticks[-1] >= Decimal(top)
    assert len(ticks) == 5


def test_svg_has_title_description_and_both_lines(budget):
    CostEntryFactory(budget=budget, booking_date=date(2026, 2, 1), amount=Decimal("400000.00"))
    svg = str(projection_svg(positions([budget], date(2026, 3, 10))[budget.pk], width=600))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<title" in svg and "<desc" in svg and 'role="img"' in svg
    assert svg.count("<polyline") == 2 and 'width="600"' in svg
    assert "style=" not in svg
