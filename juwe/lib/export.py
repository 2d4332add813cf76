"""Exports of list pages: an exporter yields rows, we write CSV (semicolons, for German Excel)
or XLSX (openpyxl). The caller has already scoped the rows through the access policy; the
export itself is audited.

Amounts (Decimal) go into the CSV as German numbers without € sign and grouping ("1234,56", as
German Excel and the bookkeeping import read them, juwe.lib.money), into the XLSX as numeric cells
with a number format (Excel shows them in the reader's own locale).

Text is never a formula: names, titles and booking texts are typed by people, and a text starting
with "=", "+", "-", "@", a tab or a carriage return would run as a formula when the file is opened
(CSV/formula injection, OWASP). Every text cell of both formats passes `neutralize`, which puts an
apostrophe before such a text; in the XLSX the cell is also written as a string cell. Only text is
escaped: amounts, counts and dates stay numbers and dates (a reversal's "-1234,56" is a number)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from juwe.audit import Action, audit_log
from juwe.lib.money import format_amount, format_number
from juwe.lib.xmltext import XML_ILLEGAL

FORMATS = ("csv", "xlsx")
XLSX_AMOUNT = "#,##0.00"  # Excel's codes: "," groups, "." the decimals – shown in the reader's locale
# What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralize(text: str) -> str:
    """A text as a spreadsheet shows it, never as a formula: "=1+1" becomes "'=1+1"."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, Decimal):
        if value.as_tuple().exponent >= -2:  # amounts (and whole numbers): two places, "1234,56"
            return format_amount(value, language="de", currency=False, grouping=False)
        return format_number(value, language="de", grouping=False)  # e.g. an index "0,125": not rounded
    if isinstance(value, (int, float)):
        return str(value)  # a number, "-3" included: not escaped
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if timezone.is_aware(value) else value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return neutralize(str(value))


def _xlsx_value(value):
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if value is None or isinstance(value, (int, float, Decimal, date)):
        return value
    # XML 1.0 forbids most control characters: openpyxl would refuse the cell.
    return neutralize(XML_ILLEGAL.sub("", str(value)))


def to_csv(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralize(str(h)) for h in header])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    # BOM so that Excel opens the UTF-8 file with umlauts intact.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence], title: str = "Export") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = title[:31]
    ws.append([_xlsx_value(str(h)) for h in header])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.data_type = "s"
    for row in rows:
        ws.append([_xlsx_value(v) for v in row])
        for cell, value in zip(ws[ws.max_row], row, strict=False):
            if isinstance(value, Decimal) and value.as_tuple().exponent == -2:
                cell.number_format = XLSX_AMOUNT
            elif isinstance(cell.value, str):
                # openpyxl reads a text starting with "=" as a formula and "#N/A" as an error
                # value: whatever the text, it is a string cell.
                cell.data_type = "s"
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_response(
    request: HttpRequest,
    *,
    fmt: str,
    header: Sequence[str],
    rows: Iterable[Sequence],
    filename: str,
    audit_name: str,
    data: dict | None = None,
) -> HttpResponse:
    """Answer with the CSV or XLSX file and write the export audit event (with the filter used)."""
    if fmt not in FORMATS:
        fmt = "csv"
    rows = list(rows)
    if fmt == "xlsx":
        body = to_xlsx(header, rows, title=filename)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = to_csv(header, rows)
        content_type = "text/csv; charset=utf-8"
    audit_log(
        action=Action.EXPORT,
        name=audit_name,
        request=request,
        data={"format": fmt, "rows": len(rows), "filter": request.GET.dict(), **(data or {})},
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
