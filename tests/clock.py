"""Run the test suite on another date: `JUWE_TEST_TODAY=2028-02-29 ./dev test`.

When JUWE_TEST_TODAY=YYYY-MM-DD is set, the whole test session (every pytest-xdist worker too:
pytest_configure runs in each process) starts at 10:00 Europe/Berlin on that day and the clock
keeps ticking from there (time_machine, tick=True). Tests that travel themselves still work: a
nested travel returns to the moved clock when it ends.

Only Python's clock moves. PostgreSQL's now()/CURRENT_DATE keep the real date, so no
application code or test may compare the database clock with Python's: timestamps are set in
Python (auto_now, timezone.now()), never by a database default or trigger – with one deliberate
exception, the audit trail's created_at, which the database sets so that nobody can back-date an
event (juwe/0006); tests compare it only with the database's own clock.
"""

import datetime as dt
import os
import zoneinfo

import pytest
import time_machine

ENV = "JUWE_TEST_TODAY"
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")

_traveller = None


def moved_to() -> dt.datetime | None:
    """The moment the session starts at, or None when the clock is not moved."""
    value = os.environ.get(ENV, "").strip()
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"{ENV}={value!r}: expected a date as YYYY-MM-DD, e.g. {ENV}=2028-02-29") from None
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=BERLIN)


def pytest_configure(config):
    global _traveller
    at = moved_to()
    if at is not None and _traveller is None:
        _traveller = time_machine.travel(at, tick=True)
        _traveller.start()


def pytest_unconfigure(config):
    global _traveller
    if _traveller is not None:
        _traveller.stop()
        _traveller = None


def pytest_report_header(config):
    at = moved_to()
    if at is not None:
        return f"clock moved: the tests run on {at:%Y-%m-%d} from {at:%H:%M} Europe/Berlin ({ENV}, Python clock only)"
    return None
