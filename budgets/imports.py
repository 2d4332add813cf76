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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
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
    return parse_amount(text, language="de")


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


def parse(text: str, *, user, progress: Callable[[int], None] | None = None) -> ImportResult:
    """Check every row of the file as `user` would book it; nothing is written.

    Districts, budgets, cases and providers are looked up within the user's scope (budgets.access):
    a district code, budget or case reference outside it is reported exactly like one that does not
    exist, so the file tells nothing about other social centres."""
    result = ImportResult()
    reader = csv.reader(io.StringIO(text), delimiter=";")
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        result.error(1, _("The file is empty."))
        return result
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        result.error(1, _("Columns missing: %(columns)s. Expected: %(expected)s.")
                     % {"columns": ", ".join(missing), "expected": ";".join(COLUMNS)})
        return result
    idx = {name: header.index(name) for name in COLUMNS if name in header}
    records = list(reader)
    lookups = _lookups(records, idx, user)
    categories = _category_lookup()
    seen: set[tuple[int, str]] = set()

    def col(record: list[str], name: str) -> str:
        i = idx.get(name)
        return record[i].strip() if i is not None and i < len(record) else ""

    for n, record in enumerate(records, start=2):
        if progress and n % 10000 == 0:
            progress(n)
        if not any(v.strip() for v in record):
            continue
        problems = []
        try:
            booking_date = datetime.strptime(col(record, "Buchungsdatum"), "%d.%m.%Y").date()
        except ValueError:
            booking_date = None
            problems.append(_("booking date “%(value)s” is not a date (DD.MM.YYYY)") % {"value": col(record, "Buchungsdatum")})
        service_text, service_date = col(record, "Leistungsdatum"), None
        if service_text:
            try:
                service_date = datetime.strptime(service_text, "%d.%m.%Y").date()
            except ValueError:
                problems.append(_("service date “%(value)s” is not a date (DD.MM.YYYY)") % {"value": service_text})
        reason = col(record, "Ausnahmegrund")[:300]
        amount, amount_problem = _amount_problem(col(record, "Betrag"))
        if amount_problem:
            problems.append(amount_problem)
        category = categories.get(col(record, "Kostenart").casefold())
        if category is None:
            problems.append(_("unknown cost type “%(value)s”") % {"value": col(record, "Kostenart")})
        provider = lookups["providers"].get(col(record, "Träger").casefold())
        if provider is None:
            problems.append(_("unknown provider “%(value)s”") % {"value": col(record, "Träger")})
        area = AREA_NAMES.get(col(record, "Bereich").casefold())
        if area is None:
            problems.append(_("unknown area “%(value)s” (JH or EGH)") % {"value": col(record, "Bereich")})
        district_code = col(record, "Stadtteil")
        if district_code not in lookups["districts"]:
            problems.append(_("unknown district code “%(value)s”") % {"value": district_code})
        invoice = col(record, "Belegnummer")
        if not invoice:
            problems.append(_("the invoice number is missing"))
        case_ref = col(record, "Aktenzeichen")
        case = lookups["cases"].get(case_ref) if case_ref else None
        if case_ref and case is None:
            problems.append(_("unknown case reference “%(value)s”") % {"value": case_ref})
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
                problems.append(_("invoice number %(number)s has already been booked for this provider") % {"number": invoice})
            elif key in seen:
                problems.append(_("invoice number %(number)s appears twice in the file") % {"number": invoice})
            seen.add(key)
        if problems:
            result.error(n, "; ".join(problems))
            continue
        result.rows.append(ImportRow(n, budget, booking_date, category, amount, provider, invoice,
                                     case[0] if case else None, col(record, "Buchungstext")[:300],
                                     service_date, basis.contract_id, basis.protection_id, reason))
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
        i = idx.get(name)
        return {r[i].strip() for r in records if i is not None and i < len(r) and r[i].strip()}

    district_codes = values("Stadtteil")
    budgets = {
        (b.district.code, b.year, b.area): b
        for b in visible(user, Budget).filter(district__code__in=district_codes).select_related("district")
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
    with transaction.atomic():
        # Lock the budgets so no settlement is finalized while the file goes in, then re-check.
        list(Budget.objects.select_for_update().filter(pk__in=budget_ids).values_list("pk"))
        if Settlement.objects.filter(budget_id__in=budget_ids, status=Settlement.Status.FINAL).exists():
            raise ValidationError(_("A settlement was finalized in the meantime; please check the file again."))
        with connection.cursor() as cursor:
            copy_sql = f"COPY budgets_costentry ({', '.join(COPY_COLUMNS)}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for n, r in enumerate(result.rows, start=1):
                    copy.write_row((r.budget.pk, r.booking_date, r.category, r.amount, r.provider.pk, r.invoice_number,
                                    r.case_id, r.note, now, user.pk if user else None, r.service_date, r.contract_id,
                                    r.protection_id, r.exception_reason))
                    if progress and n % 10000 == 0:
                        progress(n)
        audit_log(action=Action.CREATE, name="budgets.cost_entry.imported", user=user,
                  data={"rows": len(result.rows), "total": str(result.total), "file": filename[:100],
                        "exceptions": sum(1 for r in result.rows if r.exception_reason)})
    return len(result.rows)


# --- The checked file between check and confirmation (web import) -----------------------------------


def upload_store(*, user, filename: str, text: str, result: ImportResult) -> ImportUpload:
    """Keep a file that passed the check until its uploader confirms it (budgets.models.ImportUpload)."""
    if not result.ok:
        raise ValidationError(_("The file has errors; nothing was saved."))
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
