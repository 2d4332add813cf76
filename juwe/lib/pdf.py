"""Printable documents: HTML template -> PDF with WeasyPrint. One print stylesheet for all."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from juwe.audit import Action, audit_log

PRINT_CSS = Path(settings.BASE_DIR) / "static" / "css" / "document.css"


def render_pdf(template: str, context: dict) -> bytes:
    """Render a document template (extending `documents/base.html`) to PDF bytes."""
    from weasyprint import CSS, HTML  # imported late: WeasyPrint loads Pango on import

    context = {
        "office_name": settings.JUWE_OFFICE_NAME,
        "office_address": settings.JUWE_OFFICE_ADDRESS,
        "printed_at": timezone.localtime(),
        **context,
    }
    html = render_to_string(template, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS))])


def pdf_response(
    request: HttpRequest, *, template: str, context: dict, filename: str, audit_name: str, obj=None
) -> HttpResponse:
    """Render, audit the print (who printed what, from where) and answer with the PDF."""
    pdf = render_pdf(template, context)
    audit_log(action=Action.PRINT, name=audit_name, request=request, obj=obj, data={"document": filename})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
