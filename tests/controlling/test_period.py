"""Periods and their comparison periods: year, quarter, month range, leap day, running periods."""

from datetime import date

import pytest

from juwe.controlling.period import Period


def test_year_compares_with_the_year_before():
    p = Period.year(2025)
    assert (p.start, p.end, p.reference) == (date(2025, 1, 1), date(2025, 12, 31), date(2025, 12, 31))
    assert (p.previous().start, p.previous().end) == (date(2024, 1, 1), date(2024, 12, 31))
    assert p.year_before() == p.previous()


def test_quarter_previous_crosses_the_year_boundary():
    q = Period.quarter(2025, 1)
    assert (q.start, q.end) == (date(2025, 1, 1), date(2025, 3, 31))
    assert (q.previous().start, q.previous().end) == (date(2024, 10, 1), date(2024, 12, 31))
    assert (q.year_before().start, q.year_before().end) == (date(2024, 1, 1), date(2024, 3, 31))


def test_month_range_across_the_year():
    m = Period.months((2024, 11), (2025, 2))
    assert (m.start, m.end) == (date(2024, 11, 1), date(2025, 2, 28))
    assert (m.previous().start, m.previous().end) == (date(2024, 7, 1), date(2024, 10, 31))
    assert (m.year_before().start, m.year_before().end) == (date(2023, 11, 1), date(2024, 2, 29))


def test_leap_day_becomes_28_february():
    p = Period.days(date(2024, 2, 1), date(2024, 2, 29))
    assert p.year_before().end == date(2023, 2, 28)
    assert p.year_before().reference == date(2023, 2, 28)


def test_running_year_is_cut_at_today_and_compared_with_the_same_days():
    p = Period.year(2026).cut(date(2026, 12, 4))
    assert (p.start, p.end, p.reference, p.nominal_end) == (date(2026, 1, 1), date(2026, 12, 4), date(2026, 12, 4),
                                                           date(2026, 12, 31))
    for before in (p.previous(), p.year_before()):
        assert (before.start, before.end, before.reference) == (date(2025, 1, 1), date(2025, 12, 4), date(2025, 12, 4))
    assert "04.12.2026" in p.label


def test_running_quarter_on_a_leap_day():
    q = Period.quarter(2028, 1).cut(date(2028, 2, 29))
    assert (q.end, q.reference) == (date(2028, 2, 29), date(2028, 2, 29))
    assert (q.previous().start, q.previous().end) == (date(2027, 10, 1), date(2027, 11, 29))
    assert (q.year_before().start, q.year_before().end) == (date(2027, 1, 1), date(2027, 2, 28))


def test_cut_keeps_an_earlier_reference_date_and_leaves_past_periods_alone():
    p = Period(date(2026, 1, 1), date(2026, 12, 31), "year", date(2026, 6, 30)).cut(date(2026, 12, 4))
    assert (p.end, p.reference) == (date(2026, 12, 4), date(2026, 6, 30))
    assert p.year_before().reference == date(2025, 6, 30)
    past = Period.year(2025)
    assert past.cut(date(2026, 12, 4)) is past


def test_end_before_start_is_refused():
    with pytest.raises(ValueError):
        Period.days(date(2025, 2, 1), date(2025, 1, 1))
