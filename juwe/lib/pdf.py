"""Printable documents: HTML template -> PDF with WeasyPrint. One print stylesheet for all."""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from juwe.audit import Action, audit_log

PRINT_CSS = Path(settings.BASE_DIR) / "static" / "css" / "document.css"

# Parsing the print stylesheet and loading the fonts cost about a fifth of a contract's render;
# both are kept per thread (WeasyPrint's objects are not made for sharing between threads).
_local = threading.local()


def _weasy():
    if not hasattr(_local, "css"):
        from weasyprint import CSS  # imported late: WeasyPrint loads Pango on import
        from weasyprint.text.fonts import FontConfiguration

        _local.fonts = FontConfiguration()
        _local.css = CSS(filename=str(PRINT_CSS), font_config=_local.fonts)
        _local.mtime = PRINT_CSS.stat().st_mtime
    elif settings.DEBUG and PRINT_CSS.stat().st_mtime != _local.mtime:
        del _local.css  # edited stylesheet during development: parse it again
        return _weasy()
    return _local.css, _local.fonts


def render_pdf(template: str, context: dict) -> bytes:
    """Render a document template (extending `documents/base.html`) to PDF bytes."""
    from weasyprint import HTML

    context = {
        "office_name": settings.JUWE_OFFICE_NAME,
        "office_address": settings.JUWE_OFFICE_ADDRESS,
        "printed_at": timezone.localtime(),
        **context,
    }
    html = render_to_string(template, context)
    css, fonts = _weasy()
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[css], font_config=fonts)


def pdf_response(
    request: HttpRequest, *, template: str, context: dict, filename: str, audit_name: str, obj=None
) -> HttpResponse:
    """Render, audit the print (who printed what, from where) and answer with the PDF."""
    pdf = render_pdf(template, context)
    audit_log(action=Action.PRINT, name=audit_name, request=request, obj=obj, data={"document": filename})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
