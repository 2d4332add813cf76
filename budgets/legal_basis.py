"""The legal basis of a cost booked on a case (§ 36a SGB VIII).

The office pays only for help it decided. A cost booked on a case therefore needs, on its service
date (empty: the booking date), either

* an approved contract of the case (the team lead's approval recorded: active or ended) whose
  period – `approved_from` to `approved_until`, or to `ended_on` if the help ended earlier –
  covers the date, or
* a taking into care (§ 42 SGB VIII) recorded in a § 8a assessment of the case, from the day the
  report was received until the day before the case's first approved contract that starts on or
  after it, at most 3 months (`cases.contracts.decided_help` defines the period).

The cost category must fit that help (CATEGORY_FIT) and the budget's area must be the help's area
(`budgets.commitments.contract_area`; a taking into care is youth help). Without such a basis the
booking is refused with a message naming the case and the nearest approval period.

Only economic youth aid may book a cost on a case without a basis – when there is no decided help
on the date at all, never for a wrong category or budget – and only with a reason (e.g. a
decision made afterwards); those bookings are listed as exceptions (`selectors.exception_entries_for`).

`find_legal_basis` checks one booking (two queries); the import loads the decided help of all its
cases at once (`cases.contracts.decided_help`) and calls `match` per row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from budgets.commitments import contract_area
from budgets.models import Area, Budget, CostCategory
from cases.contracts import ApprovedContract, DecidedHelp, TakingIntoCare, decided_help
from cases.models import HelpType

C = CostCategory

NO_DECISION_NEAREST = _(
    "For case %(case)s there is no approved contract on %(date)s. Nearest approval period: %(start)s–%(end)s."
)
NO_DECISION_AT_ALL = _("For case %(case)s there is no approved contract on %(date)s. The case has no approved contract.")
WRONG_AREA = _(
    "The help decided for case %(case)s on %(date)s (%(help)s) belongs to the area “%(area)s”; book the cost into "
    "that budget."
)
NOT_ON_A_CASE = _("“%(category)s” is never booked on a case; leave the case reference empty.")
CATEGORY_DOES_NOT_FIT = _(
    "The cost category does not fit the help decided for case %(case)s on %(date)s (%(help)s). Possible: "
    "%(categories)s."
)
TAKING_INTO_CARE_LABEL = _("taking into care (§ 42)")

TAKING_INTO_CARE = "§42"  # CATEGORY_FIT's key for a taking into care (not a contract help type)
ANY_OTHER_HELP = "*"  # CATEGORY_FIT's key for every help type without a row of its own


@dataclass(frozen=True)
class Fit:
    categories: frozenset[str]
    # only when the help's provider is not the budget's lead provider
    other_provider: frozenset[str] = frozenset()


CATEGORY_FIT: dict[str, Fit] = {
    HelpType.RESIDENTIAL: Fit(frozenset({C.RESIDENTIAL, C.CASE_MATERIAL})),
    HelpType.FOSTER_CARE: Fit(frozenset({C.ADVANCE_DEDUCTIONS, C.EXTERNAL_INVOICES, C.CASE_MATERIAL})),
    TAKING_INTO_CARE: Fit(frozenset({C.RESIDENTIAL, C.ADVANCE_DEDUCTIONS, C.EXTERNAL_INVOICES, C.CASE_MATERIAL})),
    ANY_OTHER_HELP: Fit(frozenset({C.CASE_MATERIAL}), other_provider=frozenset({C.EXTERNAL_INVOICES})),
}
"""Which cost categories a decided help may be booked under, by help type.

* § 34 residential care: residential help (HÜTN), whoever provides it – as
  `budgets.commitments.contract_category` counts it, so a commitment and its invoices meet.
* § 33 foster care: advance deductions (foster money) or invoices.
* § 42 taking into care: emergency placement (residential help), standby foster family (advance
  deductions), invoices of the emergency service, material costs.
* every other help: invoices for cases from other providers when a provider other than the budget's
  lead provider gives it (the lead provider's own help is paid through its personnel costs).
* material costs for cases fit every decided help.

Personnel costs, overhead and case-independent work never carry a case link (NEVER_ON_A_CASE).
"""

NEVER_ON_A_CASE = frozenset({C.PERSONNEL, C.OVERHEAD, C.CASE_INDEPENDENT})


class NoLegalBasis(ValidationError):
    """A booking refused for want of a legal basis, on the form field it concerns.

    `exception_allowed`: economic youth aid may book it anyway with a reason (there is no decided
    help on the date); otherwise the category or the budget is wrong and must be corrected."""

    def __init__(self, field: str, message, params: dict, *, exception_allowed: bool = False):
        super().__init__({field: [ValidationError(message, code="legal_basis", params=params)]})
        self.field, self.exception_allowed = field, exception_allowed
        self.text = str(message % params)


@dataclass(frozen=True)
class LegalBasis:
    contract_id: int | None = None
    protection_id: int | None = None


Basis = ApprovedContract | TakingIntoCare


def _day(value: dt.date) -> str:
    return f"{value:%d.%m.%Y}"


def basis_area(basis: Basis) -> str:
    if isinstance(basis, TakingIntoCare):
        return Area.YOUTH_HELP
    return contract_area(basis.help_type)


def fitting_categories(basis: Basis, lead_provider_id: int | None) -> frozenset[str]:
    """The cost categories `basis` may be booked under in a budget held by `lead_provider_id`."""
    if isinstance(basis, TakingIntoCare):
        return CATEGORY_FIT[TAKING_INTO_CARE].categories
    fit = CATEGORY_FIT.get(basis.help_type, CATEGORY_FIT[ANY_OTHER_HELP])
    if basis.provider_id is not None and basis.provider_id != lead_provider_id:
        return fit.categories | fit.other_provider
    return fit.categories


def _label(basis: Basis) -> str:
    if isinstance(basis, TakingIntoCare):
        name = str(TAKING_INTO_CARE_LABEL)
    else:
        name = str(dict(HelpType.choices).get(basis.help_type, basis.help_type))
    return f"{name}, {_day(basis.start)}–{_day(basis.end)}"


def _nearest(contracts: list[ApprovedContract], day: dt.date) -> ApprovedContract | None:
    """The contract whose period lies closest to `day` (the later one on a tie)."""

    def distance(c: ApprovedContract) -> tuple[int, int]:
        gap = (c.start - day).days if day < c.start else (day - c.end).days if day > c.end else 0
        return gap, -c.start.toordinal()

    return min(contracts, key=distance, default=None)


def match(
    *, reference: str, decided: DecidedHelp, service_date: dt.date, area: str, lead_provider_id: int | None,
    category: str,
) -> LegalBasis:
    """The basis among a case's decided help for a booking, or NoLegalBasis (no queries)."""
    if category in NEVER_ON_A_CASE:
        raise NoLegalBasis("category", NOT_ON_A_CASE, {"category": CostCategory(category).label})
    day = service_date
    covering: list[Basis] = [c for c in decided.contracts if c.start <= day <= c.end]
    covering += [t for t in decided.takings_into_care if t.start <= day <= t.end]
    params = {"case": reference, "date": _day(day)}
    if not covering:
        nearest = _nearest(decided.contracts, day)
        if nearest is None:
            raise NoLegalBasis("service_date", NO_DECISION_AT_ALL, params, exception_allowed=True)
        raise NoLegalBasis("service_date", NO_DECISION_NEAREST,
                           params | {"start": _day(nearest.start), "end": _day(nearest.end)}, exception_allowed=True)
    in_area = [b for b in covering if basis_area(b) == area]
    if not in_area:
        other = covering[0]
        raise NoLegalBasis("case_reference", WRONG_AREA,
                           params | {"help": _label(other), "area": Area(basis_area(other)).label})
    for basis in in_area:
        if category in fitting_categories(basis, lead_provider_id):
            if isinstance(basis, TakingIntoCare):
                return LegalBasis(protection_id=basis.pk)
            return LegalBasis(contract_id=basis.pk)
    possible = frozenset().union(*(fitting_categories(b, lead_provider_id) for b in in_area))
    names = ", ".join(str(label) for value, label in CostCategory.choices if value in possible)
    raise NoLegalBasis("category", CATEGORY_DOES_NOT_FIT,
                       params | {"help": "; ".join(_label(b) for b in in_area), "categories": names})


def find_legal_basis(*, case, service_date: dt.date, budget: Budget, category: str) -> LegalBasis:
    """The legal basis for booking a cost of `case` with `service_date` into `budget` under
    `category`: the approved contract of the case covering the date, else its taking into care
    (§ 42) covering it – the first whose help fits the category and the budget's area. Raises
    NoLegalBasis (a ValidationError on case_reference, service_date or category) when there is none."""
    if category in NEVER_ON_A_CASE:  # no need to read the case's help
        raise NoLegalBasis("category", NOT_ON_A_CASE, {"category": CostCategory(category).label})
    decided = decided_help([case.pk])[case.pk]
    return match(reference=case.reference, decided=decided, service_date=service_date, area=budget.area,
                 lead_provider_id=budget.provider_id, category=category)
