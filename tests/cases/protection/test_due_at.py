"""The due time of a § 8a assessment: real hours after the report, across clock changes and month ends."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cases.models import Urgency
from cases.protection import due_at_for

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    "urgency,hours", [(Urgency.IMMEDIATE, 0), (Urgency.HOURS_24, 24), (Urgency.HOURS_72, 72)]
)
def test_each_urgency_sets_its_due_time(urgency, hours):
    received = dt.datetime(2026, 5, 12, 14, 30, tzinfo=BERLIN)
    assert due_at_for(received, urgency) == received + dt.timedelta(hours=hours)
    assert (due_at_for(received, urgency) - received).total_seconds() == hours * 3600


def test_immediately_is_due_at_the_report():
    received = dt.datetime(2026, 5, 12, 14, 30, tzinfo=BERLIN)
    assert due_at_for(received, "immediate") == received


def test_spring_forward_counts_real_hours():
    # 29 March 2026, 02:00 → 03:00: 24 hours after Saturday 10:00 is Sunday 11:00 on the wall clock.
    received = dt.datetime(2026, 3, 28, 10, 0, tzinfo=BERLIN)
    due = due_at_for(received, "24h").astimezone(BERLIN)
    assert (due.day, due.hour) == (29, 11)
    # (Python subtracts datetimes of the same zone by wall clock: compare the UTC instants.)
    assert due.astimezone(dt.UTC) - received.astimezone(dt.UTC) == dt.timedelta(hours=24)


def test_fall_back_counts_real_hours():
    # 25 October 2026, 03:00 → 02:00: 72 hours after Saturday 10:00 is Tuesday 09:00.
    received = dt.datetime(2026, 10, 24, 10, 0, tzinfo=BERLIN)
    due = due_at_for(received, "72h").astimezone(BERLIN)
    assert (due.day, due.hour) == (27, 9)


def test_report_in_the_repeated_hour_of_fall_back():
    first = dt.datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN, fold=0)  # CEST
    second = dt.datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN, fold=1)  # CET, one hour later
    assert due_at_for(second, "24h") - due_at_for(first, "24h") == dt.timedelta(hours=1)


@pytest.mark.parametrize(
    "received,urgency,expected",
    [
        (dt.datetime(2026, 1, 31, 22, 0), "24h", dt.datetime(2026, 2, 1, 22, 0)),
        (dt.datetime(2026, 2, 27, 18, 0), "72h", dt.datetime(2026, 3, 2, 18, 0)),  # not a leap year
        (dt.datetime(2028, 2, 28, 18, 0), "24h", dt.datetime(2028, 2, 29, 18, 0)),  # leap year
        (dt.datetime(2026, 12, 31, 23, 59), "24h", dt.datetime(2027, 1, 1, 23, 59)),
    ],
)
def test_month_and_year_ends(received, urgency, expected):
    due = due_at_for(received.replace(tzinfo=BERLIN), urgency)
    assert due.astimezone(BERLIN).replace(tzinfo=None) == expected


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        due_at_for(dt.datetime(2026, 5, 12, 14, 30), "24h")
