"""Next year's suggestion: the mean of completed years only; the running year beside it, never averaged in."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from budgets.models import CostCategory
from budgets.selectors import positions, suggestion_for
from tests.budgets.factories import CostEntryFactory, make_budget

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def history(org, users):
    """Walle youth help 2022–2025 with 800,000 … 1,100,000 actual costs; 2026 running: 100,000 a
    month January to November and 5,000 on 1 December."""
    for year, costs in ((2022, "800000.00"), (2023, "900000.00"), (2024, "1000000.00"), (2025, "1100000.00")):
        CostEntryFactory(budget=make_budget(users.leadership, org.walle, year=year), booking_date=date(year, 6, 1),
                         amount=Decimal(costs))
    running = make_budget(users.leadership, org.walle, year=2026)
    for month in range(1, 12):
        CostEntryFactory(budget=running, booking_date=date(2026, month, 10), amount=Decimal("100000.00"))
    CostEntryFactory(budget=running, booking_date=date(2026, 12, 1), amount=Decimal("5000.00"))
    return running


def test_mean_of_the_completed_years_and_the_running_year_beside_it(history, users, org):
    s = suggestion_for(users.leadership, district=org.walle, area="youth_help", year=2027, today=date(2026, 12, 2))
    assert s.years == [(2025, Decimal("1100000.00")), (2024, Decimal("1000000.00")), (2023, Decimal("900000.00"))]
    assert s.amount == Decimal("1000000.00")  # 2026 is not averaged in (it would give 1,085,000.00)
    assert (s.running.year, s.running.booked, s.running.as_of) == (2026, Decimal("1105000.00"), date(2026, 12, 2))
    assert s.running.projected == Decimal("1201774.19")  # 1,105,000 + 100,000 × 30/31


def test_known_position_of_the_running_year_gives_the_same(history, users, org):
    today = date(2026, 12, 2)
    known = positions([history], today)[history.pk]
    with_known = suggestion_for(users.leadership, district=org.walle, area="youth_help", year=2027, today=today,
                                known=known)
    assert with_known == suggestion_for(users.leadership, district=org.walle, area="youth_help", year=2027, today=today)


def test_once_the_year_is_over_it_counts(history, users, org):
    s = suggestion_for(users.leadership, district=org.walle, area="youth_help", year=2027, today=date(2027, 1, 4))
    assert [y for y, _c in s.years] == [2026, 2025, 2024]
    assert s.amount == Decimal("1068333.33")  # (1,105,000 + 1,100,000 + 1,000,000) / 3
    assert s.running is None  # the budget of 2027 is what is being suggested


def test_suggestion_for_the_current_year_uses_the_years_before(history, users, org):
    s = suggestion_for(users.leadership, district=org.walle, area="youth_help", year=2026, today=date(2026, 1, 10))
    assert [y for y, _c in s.years] == [2025, 2024, 2023] and s.running is None


def test_fewer_completed_years_and_none(org, users):
    last = make_budget(users.leadership, org.westend, year=2025)
    CostEntryFactory(budget=last, booking_date=date(2025, 2, 1), amount=Decimal("700000.00"),
                     category=CostCategory.RESIDENTIAL)
    make_budget(users.leadership, org.westend, year=2026)
    s = suggestion_for(users.leadership, district=org.westend, area="youth_help", year=2027, today=date(2026, 6, 1))
    assert (s.amount, s.years) == (Decimal("700000.00"), [(2025, Decimal("700000.00"))])
    assert s.running.year == 2026 and s.running.booked == Decimal("0.00")
    s = suggestion_for(users.leadership, district=org.vahr, area="youth_help", year=2027, today=date(2026, 6, 1))
    assert (s.amount, s.years, s.running) == (None, [], None)


def test_budget_page_marks_the_running_year(history, users, as_user):
    with time_machine.travel(datetime(2026, 12, 2, 9, tzinfo=BERLIN)):
        text = as_user(users.leadership).get(reverse("budgets:budget_detail", args=[history.pk])).text
    assert "Mittlere Ist-Kosten der letzten 3 abgeschlossenen Jahre: 1.000.000,00\u00a0€" in text
    assert "laufendes Jahr, Stand: 02.12.2026, Hochrechnung 1.201.774,19\u00a0€" in text
    assert "nicht in den Mittelwert ein" in text
