"""Import of actual-cost entries from a bookkeeping system's CSV export.

The file is semicolon-separated (UTF-8, with or without BOM, or Windows-1252), with German amounts
("1.234,56") and dates ("31.01.2026"). Columns, by their header:

    Buchungsdatum;Belegnummer;Träger;Stadtteil;Bereich;Kostenart;Betrag;Aktenzeichen;Buchungstext;Leistungsdatum;Ausnahmegrund

Stadtteil is the district code, Bereich "JH" (youth help, SGB VIII – § 35a included) or "EGH"
(integration help, SGB IX), Kostenart one of the short names in CATEGORY_NAMES (or the category's full German name), Aktenzeichen an
optional case reference. The last two columns are optional (and may be missing from the header):
Leistungsdatum is the day the help was given (DD.MM.YYYY; empty: the booking date), Ausnahmegrund
the reason for booking a case's cost without a legal basis. Betrag is read as a German amount
(juwe.lib.money.parse_amount with German rules, whatever the interface language: "1.234,56",
"12.500" is twelve thousand five hundred, "12.50" is refused as unclear); it must not be 0 and
not negative – a correction is booked in JuWe as the reversal of the entry it corrects.

A row with a case reference needs the case's legal basis on the service date, as a booking in the
form (§ 36a SGB VIII, budgets.legal_basis): an approved contract or a taking into care (§ 42)
whose help fits the cost type and the budget's area. Without one the row is refused – unless it
gives an Ausnahmegrund (economic youth aid only, who alone may import). The decided help of all
cases of the file is read at once (two queries), not per row.

The whole file is checked first and every bad row is reported with its line number; only a file
without errors is saved, in one transaction (all or nothing), with PostgreSQL COPY – 100,000 rows
take a few seconds.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from budgets import legal_basis, selectors
from budgets.models import Area, Budget, CostCategory, CostEntry, ImportUpload, Settlement
from budgets.services import EXCEPTION_ONLY_ECONOMIC_AID
from juwe.access import visible
from juwe.audit import Action, audit_log
from juwe.lib.money import AmountError, format_amount, parse_amount
from juwe.lib.seeding import chunked
from juwe.models import District, Provider

COLUMNS = ["Buchungsdatum", "Belegnummer", "Träger", "Stadtteil", "Bereich", "Kostenart", "Betrag", "Aktenzeichen", "Buchungstext",
           "Leistungsdatum", "Ausnahmegrund"]
REQUIRED = COLUMNS[:7]
# "EGH" is integration help under SGB IX; § 35a SGB VIII is booked as "JH". The full German names
# are those of the cost-entry export, so an exported file reads back.
AREA_NAMES = {"jh": Area.YOUTH_HELP, "jugendhilfe": Area.YOUTH_HELP, "jugendhilfe (sgb viii)": Area.YOUTH_HELP,
              "egh": Area.INTEGRATION_HELP, "eingliederungshilfe": Area.INTEGRATION_HELP,
              "eingliederungshilfe (sgb ix)": Area.INTEGRATION_HELP}
CATEGORY_NAMES = {
    "vorwegabzug": CostCategory.ADVANCE_DEDUCTIONS,
    "personal": CostCategory.PERSONNEL,
    "overhead": CostCategory.OVERHEAD,
    "fremdrechnung": CostCategory.EXTERNAL_INVOICES,
    "hütn": CostCategory.RESIDENTIAL,
    "fallunabhängig": CostCategory.CASE_INDEPENDENT,
    "sachkosten fall": CostCategory.CASE_MATERIAL,
}
MAX_ERRORS = 200
IMPORT_NEGATIVE = _lazy("the amount %(amount)s is negative: the file only books costs. A correction is booked in "
                        "JuWe as the reversal of the entry it corrects (“Reverse” in the list of cost entries)")
# Dates a bookkeeping file can mean; anything else is a typo ("01.01.0026") and is refused, not stored.
EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)
DATE_OUT_OF_RANGE = _lazy("%(column)s “%(value)s” does not lie between %(first)s and %(last)s")
# The csv module's own limit (csv.field_size_limit(), 128 KiB): no column of a booking comes near it.
FIELD_TOO_LONG = _lazy("a field of this line is too long (more than 128 KiB); the file is not read beyond it")
NUL_MESSAGE = ProhibitNullCharactersValidator.message
# Columns kept as text, checked with the validators of their model field (lengths).
TEXT_FIELDS = {"Belegnummer": "invoice_number", "Buchungstext": "note", "Ausnahmegrund": "exception_reason"}
MAX_AMOUNT = Decimal(10) ** (CostEntry._meta.get_field("amount").max_digits - 2) - Decimal("0.01")
BUDGET_TOTAL_TOO_LARGE = _lazy("the total booked on %(budget)s becomes too large (at most %(max)s)")
SAVE_CONFLICT = _lazy("The bookings could not be saved: the data changed meanwhile (for example an invoice number "
                      "was booked in the meantime). Please check the file again; nothing was saved.")
SAVE_REFUSED = _lazy("The database refused a value of the file; nothing was saved. Please check the file again.")
ALREADY_IMPORTED = _lazy("This file has already been imported; nothing was booked twice.")
UPLOAD_EXPIRED = _lazy("The checked file waited more than a day for its confirmation and has been deleted. "
                       "Please upload the file again.")
UPLOAD_GONE = _lazy("Please upload the file again.")
NO_BASIS = legal_basis.LegalBasis()
COPY_COLUMNS = ("budget_id", "booking_date", "category", "amount", "provider_id", "invoice_number", "case_id", "note",
                "created_at", "created_by_id", "service_date", "contract_id", "protection_id", "exception_reason")


@dataclass
class ImportRow:
    line: int
    budget: Budget
    booking_date: date
    category: str
    amount: Decimal
    provider: Provider
    invoice_number: str
    case_id: int | None
    note: str
    service_date: date | None = None
    contract_id: int | None = None
    protection_id: int | None = None
    exception_reason: str = ""

    @property
    def category_label(self) -> str:
        return str(CostCategory(self.category).label)


@dataclass
class ImportResult:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.error_count and bool(self.rows)

    @property
    def total(self) -> Decimal:
        return sum((r.amount for r in self.rows), Decimal("0.00"))

    def error(self, line: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(_("Line %(line)s: %(message)s") % {"line": line, "message": message})


logger = logging.getLogger(__name__)


def decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("The file is neither UTF-8 nor Windows-1252 encoded."))


def _category_lookup() -> dict[str, str]:
    names = dict(CATEGORY_NAMES)
    for value, label in CostCategory.choices:
        names[value] = value
        names[str(label).casefold()] = value
    return names


def _amount(text: str) -> Decimal:
    """The Betrag column: a German amount ("1.234,56", "12.500" is 12,500.00) whatever the interface
    language – the bookkeeping file is German. Raises AmountError (juwe.lib.money)."""
    return parse_amount(text, language="de", max_digits=CostEntry._meta.get_field("amount").max_digits)


def _amount_problem(text: str) -> tuple[Decimal | None, str | None]:
    """The row's amount, or why it is refused: unclear, zero, or negative (a reversal is made in
    the application, on the entry it corrects, so that it stays linked to it)."""
    try:
        amount = _amount(text)
    except AmountError as exc:
        if exc.code == "required":
            return None, _("the amount is missing")
        return None, _("amount: %(reason)s") % {"reason": exc}
    if amount == 0:
        return None, _("the amount must not be 0")
    if amount < 0:
        return None, IMPORT_NEGATIVE % {"amount": format_amount(amount, language="de")}
    return amount, None


def _short(value: str, limit: int = 60) -> str:
    """A value of the file as a message repeats it: a 100 KiB field is not echoed back whole."""
    return value if len(value) <= limit else value[:limit] + "…"


def _read(text: str) -> tuple[list[str] | None, list[list[str]], int | None, str]:
    """(header, records, line of the record that could not be read or None, why). The csv module
    refuses a field over its limit (128 KiB) mid-file; the records before it are kept and checked."""
    reader = csv.reader(io.StringIO(text), delimiter=";")
    header: list[str] | None = None
    records: list[list[str]] = []
    try:
        header = next(reader, None)
        if header is None:
            return None, records, None, ""
        for record in reader:
            records.append(record)
    except csv.Error as exc:
        line = len(records) + 2 if header is not None else 1
        if "field larger than field limit" in str(exc):
            return header, records, line, str(FIELD_TOO_LONG)
        return header, records, line, _("the line cannot be read as CSV (%(reason)s)") % {"reason": exc}
    return header, records, None, ""


def _date_problem(column: str, text: str) -> tuple[date | None, str | None]:
    """The date of a column (DD.MM.YYYY), or why it is refused: no date, or outside EARLIEST..LATEST."""
    try:
        value = datetime.strptime(text, "%d.%m.%Y").date()
    except ValueError:
        if column == "Leistungsdatum":
            return None, _("service date “%(value)s” is not a date (DD.MM.YYYY)") % {"value": _short(text)}
        return None, _("booking date “%(value)s” is not a date (DD.MM.YYYY)") % {"value": _short(text)}
    if not EARLIEST <= value <= LATEST:
        return None, DATE_OUT_OF_RANGE % {"column": column, "value": text, "first": EARLIEST.year, "last": LATEST.year}
    return value, None


def _nul_problems(record: list[str], header: list[str]) -> list[str]:
    """The columns of a row holding a NUL character: PostgreSQL text cannot hold it. Every column is
    checked (not only the stored ones), as the upload keeps the whole file until it is confirmed."""
    problems = []
    for i, value in enumerate(record):
        if "\x00" in value:
            name = header[i] if i < len(header) else _("column %(n)s") % {"n": i + 1}
            problems.append(f"{_short(name, 40)}: {NUL_MESSAGE}")
    return problems


def _length_problems(record: list[str], text_columns: list[tuple[str, int, list]]) -> list[str]:
    """Values longer than their model field: the validators the model runs (CostEntry's fields)."""
    problems = []
    for column, i, validators in text_columns:
        value = record[i].strip() if i < len(record) else ""
        try:
            for validator in validators:
                validator(value)
        except ValidationError as exc:
            problems.append(f"{column}: {' '.join(exc.messages)}")
    return problems


def parse(text: str, *, user, progress: Callable[[int], None] | None = None) -> ImportResult:
    """Check every row of the file as `user` would book it; nothing is written.

    Districts, budgets, cases and providers are looked up within the user's scope (budgets.access):
    a district code, budget or case reference outside it is reported exactly like one that does not
    exist, so the file tells nothing about other social centres.

    Everything the save would refuse is found here, with its line and column: the model's lengths,
    the amount's digits (juwe.lib.money), NUL characters, dates outside EARLIEST..LATEST, the unique
    invoice number per provider, a final settlement, and a budget's total beyond what its settlement
    can hold. A file this check passes is saved (save() only adds what can change meanwhile)."""
    result = ImportResult()
    header, records, unreadable, why = _read(text)
    if header is None:
        result.error(unreadable or 1, why or _("The file is empty."))
        return result
    if any("\x00" in h for h in header):
        result.error(1, f"{_('Header')}: {NUL_MESSAGE}")
        return result
    header = [h.strip() for h in header]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        result.error(1, _("Columns missing: %(columns)s. Expected: %(expected)s.")
                     % {"columns": ", ".join(missing), "expected": ";".join(COLUMNS)})
        return result
    idx = {name: header.index(name) for name in COLUMNS if name in header}
    text_columns = [(column, idx[column], CostEntry._meta.get_field(name).validators)
                    for column, name in TEXT_FIELDS.items() if column in idx]
    lookups = _lookups(records, idx, user)
    categories = _category_lookup()
    seen: set[tuple[int, str]] = set()
    booked = {b.pk: b.booked or Decimal("0.00") for b in lookups["budgets"].values()}

    def col(record: list[str], name: str) -> str:
        i = idx.get(name)
        return record[i].strip() if i is not None and i < len(record) else ""

    for n, record in enumerate(records, start=2):
        if progress and n % 10000 == 0:
            progress(n)
        if not any(v.strip() for v in record):
            continue
        if any("\x00" in v for v in record):
            # Refused at once: the other checks would only repeat the NUL values.
            result.error(n, "; ".join(_nul_problems(record, header)))
            continue
        problems = _length_problems(record, text_columns)
        booking_date, problem = _date_problem("Buchungsdatum", col(record, "Buchungsdatum"))
        if problem:
            problems.append(problem)
        service_text, service_date = col(record, "Leistungsdatum"), None
        if service_text:
            service_date, problem = _date_problem("Leistungsdatum", service_text)
            if problem:
                problems.append(problem)
        reason = col(record, "Ausnahmegrund")
        amount, amount_problem = _amount_problem(col(record, "Betrag"))
        if amount_problem:
            problems.append(amount_problem)
        category = categories.get(col(record, "Kostenart").casefold())
        if category is None:
            problems.append(_("unknown cost type “%(value)s”") % {"value": _short(col(record, "Kostenart"))})
        provider = lookups["providers"].get(col(record, "Träger").casefold())
        if provider is None:
            problems.append(_("unknown provider “%(value)s”") % {"value": _short(col(record, "Träger"))})
        area = AREA_NAMES.get(col(record, "Bereich").casefold())
        if area is None:
            problems.append(_("unknown area “%(value)s” (JH or EGH)") % {"value": _short(col(record, "Bereich"))})
        district_code = col(record, "Stadtteil")
        if district_code not in lookups["districts"]:
            problems.append(_("unknown district code “%(value)s”") % {"value": _short(district_code)})
        invoice = col(record, "Belegnummer")
        if not invoice:
            problems.append(_("the invoice number is missing"))
        case_ref = col(record, "Aktenzeichen")
        case = lookups["cases"].get(case_ref) if case_ref else None
        if case_ref and case is None:
            problems.append(_("unknown case reference “%(value)s”") % {"value": _short(case_ref)})
        budget = None
        if booking_date and area and district_code in lookups["districts"]:
            budget = lookups["budgets"].get((district_code, booking_date.year, area))
            if budget is None:
                problems.append(_("there is no budget for district %(district)s, %(year)s and this area")
                                % {"district": district_code, "year": booking_date.year})
            elif budget.pk in lookups["final"]:
                problems.append(_("the settlement of budget %(budget)s is final; no more bookings into it")
                                % {"budget": budget})
            if case and budget and case[1] != budget.district_id:
                problems.append(_("case %(case)s belongs to another district") % {"case": case_ref})
        basis = NO_BASIS
        if case and budget and case[1] == budget.district_id and category and (service_date or not service_text):
            try:
                basis = legal_basis.match(
                    reference=case_ref, decided=lookups["decided"][case[0]], service_date=service_date or booking_date,
                    area=budget.area, lead_provider_id=budget.provider_id, category=category,
                )
                reason = ""  # a booking with a basis is no exception
            except legal_basis.NoLegalBasis as refusal:
                if not (refusal.exception_allowed and reason):
                    problems.append(refusal.text)
        if reason and not case_ref:
            problems.append(_("an exception reason only goes with a case reference"))
        if provider and invoice:
            key = (provider.pk, invoice)
            if key in lookups["booked_invoices"]:
                problems.append(_("invoice number %(number)s has already been booked for this provider")
                                % {"number": _short(invoice)})
            elif key in seen:
                problems.append(_("invoice number %(number)s appears twice in the file") % {"number": _short(invoice)})
            seen.add(key)
        if budget and amount and not problems:
            # A settlement keeps the budget's actual costs in a MONEY field: their total must fit it.
            if booked[budget.pk] + amount > MAX_AMOUNT:
                problems.append(BUDGET_TOTAL_TOO_LARGE % {"budget": budget,
                                                          "max": format_amount(MAX_AMOUNT, language="de")})
            else:
                booked[budget.pk] += amount
        if problems:
            result.error(n, "; ".join(problems))
            continue
        result.rows.append(ImportRow(n, budget, booking_date, category, amount, provider, invoice,
                                     case[0] if case else None, col(record, "Buchungstext"),
                                     service_date, basis.contract_id, basis.protection_id, reason))
    if unreadable:
        result.error(unreadable, why)
    if not result.rows and not result.error_count:
        result.error(2, _("The file holds no bookings."))
    return result


def _lookups(records: list[list[str]], idx: dict[str, int], user) -> dict:
    """Everything the rows refer to that `user` may book on, loaded with a handful of queries (not
    one per row). Every lookup starts from the access policy – except the invoice numbers already
    booked: the database refuses a provider's number twice whichever budget holds it, so the check
    must see them all (the message only repeats the number from the file)."""
    from cases.contracts import decided_help

    def values(name):
        # Values with a NUL are refused on their row, and PostgreSQL cannot even compare them.
        i = idx.get(name)
        return {r[i].strip() for r in records if i is not None and i < len(r) and r[i].strip() and "\x00" not in r[i]}

    district_codes = values("Stadtteil")
    budgets = {
        (b.district.code, b.year, b.area): b
        # `booked`: the costs booked so far (monthly totals the triggers keep), in the same query.
        for b in visible(user, Budget).filter(district__code__in=district_codes).select_related("district")
        .annotate(booked=Sum("month_totals__total"))
    }
    final = set(visible(user, Settlement).filter(budget__in=[b.pk for b in budgets.values()],
                                                 status=Settlement.Status.FINAL).values_list("budget_id", flat=True))
    providers = {p.name.casefold(): p for p in visible(user, Provider)}
    invoices = sorted(values("Belegnummer"))
    booked = set()
    for part in chunked(invoices, 10000):
        booked |= set(CostEntry.objects.filter(invoice_number__in=part).values_list("provider_id", "invoice_number"))
    refs = sorted(values("Aktenzeichen"))
    cases = {}
    for part in chunked(refs, 10000):
        cases |= selectors.case_references_for(user, part)
    known = set(visible(user, District).filter(code__in=district_codes).values_list("code", flat=True))
    # § 36a SGB VIII: approved contracts and takings into care of all the file's cases (two queries).
    decided = decided_help(pk for pk, _district in cases.values())
    return {"districts": known, "budgets": budgets, "final": final, "providers": providers,
            "booked_invoices": booked, "cases": cases, "decided": decided}


def save(result: ImportResult, *, user, progress: Callable[[int], None] | None = None, filename: str = "") -> int:
    """Write all rows of a checked file in one transaction with COPY; nothing is written on any error."""
    if not result.ok:
        raise ValidationError(_("The file has errors; nothing was saved."))
    if any(r.exception_reason for r in result.rows) and not (user and user.has_perm("budgets.book_without_legal_basis")):
        raise ValidationError(EXCEPTION_ONLY_ECONOMIC_AID)
    budget_ids = sorted({r.budget.pk for r in result.rows})
    now = timezone.now()
    try:
        with transaction.atomic():
            # Lock the budgets so no settlement is finalized while the file goes in, then re-check.
            list(Budget.objects.select_for_update().filter(pk__in=budget_ids).values_list("pk"))
            if Settlement.objects.filter(budget_id__in=budget_ids, status=Settlement.Status.FINAL).exists():
                raise ValidationError(_("A settlement was finalized in the meantime; please check the file again."))
            # The raw COPY bypasses Django's cursor wrapper: wrap it so its errors are Django's.
            with connection.cursor() as cursor, connection.wrap_database_errors:
                copy_sql = f"COPY budgets_costentry ({', '.join(COPY_COLUMNS)}) FROM STDIN"
                with cursor.cursor.copy(copy_sql) as copy:
                    for n, r in enumerate(result.rows, start=1):
                        copy.write_row((r.budget.pk, r.booking_date, r.category, r.amount, r.provider.pk,
                                        r.invoice_number, r.case_id, r.note, now, user.pk if user else None,
                                        r.service_date, r.contract_id, r.protection_id, r.exception_reason))
                        if progress and n % 10000 == 0:
                            progress(n)
            audit_log(action=Action.CREATE, name="budgets.cost_entry.imported", user=user,
                      data={"rows": len(result.rows), "total": str(result.total), "file": filename[:100],
                            "exceptions": sum(1 for r in result.rows if r.exception_reason)})
    # The last line: the check found everything the database refuses, but a booking of the same
    # invoice (form, another file) can come in between check and save. No HTTP 500 for it.
    except IntegrityError:
        logger.warning("cost-entry import refused by a constraint", exc_info=True)
        raise ValidationError(SAVE_CONFLICT, code="conflict") from None
    except DataError:
        logger.error("cost-entry import refused by the database although checked", exc_info=True)
        raise ValidationError(SAVE_REFUSED, code="refused") from None
    return len(result.rows)


# --- The checked file between check and confirmation (web import) -----------------------------------


def upload_store(*, user, filename: str, text: str, result: ImportResult) -> ImportUpload:
    """Keep a file that passed the check until its uploader confirms it (budgets.models.ImportUpload)."""
    if not result.ok:
        raise ValidationError(_("The file has errors; nothing was saved."))
    if "\x00" in text:  # parse() refuses it on its line; PostgreSQL text cannot hold it
        raise ValidationError(NUL_MESSAGE)
    # The name is only shown and logged: no control characters, at most what the column holds.
    name = "".join(ch for ch in filename if ch.isprintable())[:255] or "import.csv"
    return ImportUpload.objects.create(owner=user, filename=name, text=text, rows=len(result.rows))


def upload_confirm(*, user, upload: ImportUpload) -> ImportResult:
    """Check the stored file again (the data may have changed since) and save it; return the check's
    result – saved when `result.ok`, the rows' errors otherwise (nothing saved).

    The upload's row lock serialises confirmations of the same file (a double click, two tabs): the
    second waits until the first has committed and is then refused with ALREADY_IMPORTED (code
    "already_imported"), so the file is booked once. After saving, the file's content is deleted; the
    empty row stays until the daily purge so that a late second confirmation is told what happened."""
    with transaction.atomic():
        try:
            upload = ImportUpload.objects.select_for_update().get(pk=upload.pk, owner=user)
        except ImportUpload.DoesNotExist:  # discarded or purged meanwhile
            raise ValidationError(UPLOAD_GONE, code="gone") from None
        if upload.imported_at:
            raise ValidationError(ALREADY_IMPORTED, code="already_imported")
        expired = upload.expired
        if expired:
            upload.delete()
        else:
            result = parse(upload.text, user=user)
            if result.ok:
                save(result, user=user, filename=upload.filename)
                upload.text, upload.imported_at = "", timezone.now()
                upload.save(update_fields=["text", "imported_at"])
    if expired:  # outside the transaction: the delete stays
        raise ValidationError(UPLOAD_EXPIRED, code="expired")
    return result


def upload_discard(*, user, upload: ImportUpload) -> None:
    """Cancel: the checked file is deleted, nothing is booked."""
    ImportUpload.objects.filter(pk=upload.pk, owner=user, imported_at__isnull=True).delete()


def uploads_purge() -> int:
    """Delete the checked files (confirmed or not) older than ImportUpload.MAX_AGE; how many."""
    deleted, _by_model = ImportUpload.objects.filter(created_at__lt=timezone.now() - ImportUpload.MAX_AGE).delete()
    return deleted
