"""Small hand-built datasets for the controlling tests (direct inserts: the figures need dates, not talk)."""

from __future__ import annotations

import datetime as dt
import itertools

from cases.models import Case

_numbers = itertools.count(1)


def make_case(district, manager, *, opened_on: dt.date, closed_on: dt.date | None = None) -> Case:
    number = next(_numbers)
    return Case.objects.create(
        reference=f"{opened_on.year}/{district.code}/{number}", year=opened_on.year, number=number, district=district,
        team=district.team, case_manager=manager, opened_on=opened_on, first_contact_source="self",
        **({"closed_on": closed_on, "state": "closed", "close_reason": "other"} if closed_on else {}),
    )
