"""The period a dashboard covers, its reference date (Stichtag) and the comparison periods."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _


def _shift_year(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _shift_months(day: date, months: int) -> date:
    """The same day of the month `months` later, at most the month's last day."""
    year, month = _add_months(day.year, day.month, months)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both inclusive; figures "at" a date are taken at `reference`.

    kind: "year", "quarter", "months" (whole months) or "days" (any range, e.g. from the CSV).
    nominal_end: set when a running period is cut at today (`cut`): the end it would have had.
    A cut period compares with the same stretch of the comparison periods (1 Jan–4 Dec against
    1 Jan–4 Dec of last year), not with whole ones – otherwise every running year looks like a drop.
    """

    start: date
    end: date
    kind: str = "days"
    reference: date | None = None
    nominal_end: date | None = None

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("period ends before it starts")
        if self.reference is None:
            object.__setattr__(self, "reference", self.end)

    # --- constructors ---------------------------------------------------------------------------
    @classmethod
    def year(cls, year: int, reference: date | None = None) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31), "year", reference)

    @classmethod
    def quarter(cls, year: int, quarter: int, reference: date | None = None) -> Period:
        first = 3 * (quarter - 1) + 1
        return cls(date(year, first, 1), _month_end(year, first + 2), "quarter", reference)

    @classmethod
    def months(cls, first: tuple[int, int], last: tuple[int, int], reference: date | None = None) -> Period:
        return cls(date(first[0], first[1], 1), _month_end(*last), "months", reference)

    @classmethod
    def days(cls, start: date, end: date, reference: date | None = None) -> Period:
        return cls(start, end, "days", reference)

    def cut(self, today: date) -> Period:
        """The period up to `today` when it is still running (reference at the latest today)."""
        if not self.start <= today < self.end:
            return self
        return Period(self.start, today, self.kind, min(self.reference, today), nominal_end=self.end)

    @property
    def is_cut(self) -> bool:
        return self.nominal_end is not None and self.nominal_end != self.end

    # --- comparison ------------------------------------------------------------------------------
    @property
    def month_count(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def previous(self) -> Period:
        """The period of the same length just before (previous year, quarter, months or days)."""
        if self.is_cut and self.kind in {"year", "quarter", "months"}:
            whole = Period(self.start, self.nominal_end, self.kind).previous()
            end = _shift_months(self.end, -whole.month_count)
            return self._cut_like(whole, end, _shift_months(self.reference, -whole.month_count))
        offset = self.reference - self.end
        if self.kind in {"year", "quarter", "months"}:
            n = self.month_count
            y, m = _add_months(self.start.year, self.start.month, -n)
            ly, lm = _add_months(self.end.year, self.end.month, -n)
            end = _month_end(ly, lm)
            start = date(y, m, 1)
        else:
            length = self.end - self.start + timedelta(days=1)
            start, end = self.start - length, self.start - timedelta(days=1)
        return Period(start, end, self.kind, end + offset)

    def year_before(self) -> Period:
        """The same period one year earlier."""
        if self.is_cut:
            whole = Period(self.start, self.nominal_end, self.kind).year_before()
            return self._cut_like(whole, _shift_year(self.end, -1), _shift_year(self.reference, -1))
        end = _shift_year(self.end, -1)
        if self.kind in {"year", "quarter", "months"}:
            end = _month_end(end.year, end.month)
        return Period(_shift_year(self.start, -1), end, self.kind, _shift_year(self.reference, -1))

    def _cut_like(self, whole: Period, end: date, reference: date) -> Period:
        end = max(min(end, whole.end), whole.start)
        return Period(whole.start, end, self.kind, max(min(reference, end), whole.start), nominal_end=whole.end)

    # --- display ---------------------------------------------------------------------------------
    @property
    def label(self) -> str:
        if self.is_cut:
            return _("%(period)s up to %(day)s") % {"period": self._whole_label(), "day": f"{self.end:%d.%m.%Y}"}
        return self._whole_label()

    def _whole_label(self) -> str:
        end = self.nominal_end or self.end
        if self.kind == "year":
            return str(self.start.year)
        if self.kind == "quarter":
            return _("Q%(q)s %(year)s") % {"q": (self.start.month - 1) // 3 + 1, "year": self.start.year}
        if self.kind == "months":
            return f"{self.start:%m/%Y}–{end:%m/%Y}"
        return f"{self.start:%d.%m.%Y}–{end:%d.%m.%Y}"

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end
