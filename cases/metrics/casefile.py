"""Aggregates of the case file for controlling: case numbers, closing reasons, classification mix,
intake duration and contacts per intake – by a set of districts and a period.

Every function takes the districts' ids and dates, runs one query (whatever the number of cases) and
returns plain numbers. Conventions, so that every figure means the same on the page, in the CSV and
in the tests:

- A case belongs to the district it is filed under (`Case.district`), not to its team: a team's
  figures are the sum of its districts'.
- "Open at a date": opened on or before it and not closed by then – a case closed ON the date is no
  longer open, a case opened on it is.
- Dates of state changes and contacts are timestamps; they count on their day in Europe/Berlin (the
  current time zone), like everything else the office reads off a calendar.
- "Reached help": the case has a state change into "help". The services record every transition
  (`case_transition`, also when a contract approval moves the case on), so the history is complete
  for every case; the current state cannot add anything for a closed case, whose state is "closed".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from cases.models import Case, CaseState, Classification, ClassificationChange, CloseReason, StateChange

NOT_CLASSIFIED = "none"  # the key of the cases without a classification (also the case list's filter value)


def open_at_q(day: dt.date) -> Q:
    """Cases open at the end of `day`: opened on or before it, not closed by then."""
    return Q(opened_on__lte=day) & (Q(closed_on__isnull=True) | Q(closed_on__gt=day))


def reached_help() -> Exists:
    """True for cases that were in the state "help" at some time."""
    return Exists(StateChange.objects.filter(case=OuterRef("pk"), to_state=CaseState.HELP))


def case_counts(district_ids: Sequence[int], start: dt.date, end: dt.date, reference: dt.date) -> dict[str, int]:
    """New, open (at `reference`), closed and closed-without-help cases, and closed cases per reason.

    Keys: `new`, `open`, `closed`, `closed_without_help`, `reason_<CloseReason value>`. One query.
    """
    in_period = Q(closed_on__gte=start, closed_on__lte=end)
    aggregates = {
        "new": Count("id", filter=Q(opened_on__gte=start, opened_on__lte=end)),
        "open": Count("id", filter=open_at_q(reference)),
        "closed": Count("id", filter=in_period),
        "closed_without_help": Count("id", filter=in_period & Q(had_help=False)),
    }
    for reason in CloseReason.values:
        aggregates[f"reason_{reason}"] = Count("id", filter=in_period & Q(close_reason=reason))
    return (
        Case.objects.filter(district_id__in=list(district_ids))
        .annotate(had_help=reached_help())
        .aggregate(**aggregates)
    )


def classification_mix(district_ids: Sequence[int], reference: dt.date) -> dict[str, int]:
    """The cases open at `reference` by their classification AS OF that date (from the history).

    Keys: the Classification values and NOT_CLASSIFIED; every key is present. One query. The last
    classification recorded on or before the reference date counts; a case classified only later was
    not yet classified then.
    """
    latest = (
        ClassificationChange.objects.filter(case=OuterRef("pk"))
        .annotate(day=TruncDate("changed_at"))
        .filter(day__lte=reference)
        .order_by("-changed_at", "-id")
        .values("classification")[:1]
    )
    rows = (
        Case.objects.filter(open_at_q(reference), district_id__in=list(district_ids))
        .annotate(cls=Subquery(latest))
        .values("cls")
        .annotate(n=Count("id"))
        .order_by()
    )
    mix = dict.fromkeys([*Classification.values, NOT_CLASSIFIED], 0)
    for row in rows:
        mix[row["cls"] or NOT_CLASSIFIED] += row["n"]
    return mix


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def cases_per_month(district_ids: Sequence[int], start: dt.date, end: dt.date) -> list[tuple[dt.date, int, int]]:
    """(first of month, new, closed) for every month the period touches, in order. One query.

    A period starting or ending within a month counts only its own days of that month.
    """
    opened = Q(opened_on__gte=start, opened_on__lte=end)
    closed = Q(closed_on__gte=start, closed_on__lte=end)
    rows = (
        Case.objects.filter(opened | closed, district_id__in=list(district_ids))
        .annotate(opened_month=TruncMonth("opened_on"), closed_month=TruncMonth("closed_on"))
        .values("opened_month", "closed_month")
        .annotate(new=Count("id", filter=opened), closed=Count("id", filter=closed))
        .order_by()
    )
    new = dict.fromkeys(_months(start, end), 0)
    done = dict(new)
    for row in rows:
        if row["new"]:
            new[row["opened_month"]] += row["new"]
        if row["closed"]:
            done[row["closed_month"]] += row["closed"]
    return [(month, new[month], done[month]) for month in new]


# The intake ends with the decision: the state change out of "intake" (to counselling or straight to
# closed; nothing leads back into intake, so there is one per case – the NOT EXISTS keeps the first
# should there ever be more). It starts on the day of the first contact: the day the case was opened
# (the intake form records the first contact as the opening date, and no contact may lie before it),
# or an earlier recorded contact should one exist (imported files). Contacts of the intake are those
# that took place up to the moment of the decision.
#
# The period is given as timestamps (its first and the day after its last day at midnight in the
# current time zone), so the state-change index is used; the contacts are looked up per intake
# (LATERAL, on the contact index) – the plan then stays the same whatever the tables' statistics say.
INTAKE_SQL = """
WITH intake AS (
    SELECT sc.case_id, sc.changed_at AS decided_at, c.opened_on,
           (sc.changed_at AT TIME ZONE %(tz)s)::date AS decided_on
    FROM cases_statechange sc
    JOIN cases_case c ON c.id = sc.case_id
    WHERE sc.from_state = %(intake)s
      AND sc.changed_at >= %(from)s AND sc.changed_at < %(until)s
      AND c.district_id = ANY(%(districts)s)
      AND NOT EXISTS (
          SELECT 1 FROM cases_statechange earlier
          WHERE earlier.case_id = sc.case_id AND earlier.from_state = %(intake)s
            AND (earlier.changed_at, earlier.id) < (sc.changed_at, sc.id)
      )
),
measured AS (
    SELECT i.decided_on
               - LEAST(i.opened_on, COALESCE((ct.first_at AT TIME ZONE %(tz)s)::date, i.opened_on)) AS days,
           ct.n AS contacts
    FROM intake i
    CROSS JOIN LATERAL (
        SELECT COUNT(*) AS n, MIN(contact.occurred_at) AS first_at
        FROM cases_contact contact
        WHERE contact.case_id = i.case_id AND contact.occurred_at <= i.decided_at
    ) ct
)
SELECT COUNT(*),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY days),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY days),
       COALESCE(SUM(contacts), 0)
FROM measured
"""


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _days(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))


def intake_figures(district_ids: Sequence[int], start: dt.date, end: dt.date) -> dict:
    """The intakes decided in the period: how many, median and 90th percentile of their duration in
    days (Decimal, 1 place; None without intakes) and the number of their contacts. One query.

    Keys: `decided`, `median_days`, `p90_days`, `contacts`. Percentiles interpolate (percentile_cont).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            INTAKE_SQL,
            {
                "intake": CaseState.INTAKE,
                "districts": list(district_ids),
                "tz": timezone.get_current_timezone_name(),
                "from": _midnight(start),
                "until": _midnight(end + dt.timedelta(days=1)),
            },
        )
        decided, median, p90, contacts = cursor.fetchone()
    return {"decided": decided, "median_days": _days(median), "p90_days": _days(p90), "contacts": int(contacts)}
