"""Text for SVG and other XML: names typed by people may hold control characters (a pasted tab,
a stray \x01 from another program). XML 1.0 forbids most of them, and one such character makes
the whole document invalid – a browser shows nothing of a standalone SVG, WeasyPrint drops it.
"""

from __future__ import annotations

import re

from django.utils.html import escape

# Not allowed anywhere in an XML 1.0 document (C0 controls other than tab, LF, CR; U+FFFE/U+FFFF).
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Tab, line feed and carriage return are allowed but mean nothing in a one-line label.
_LINE_BREAKS = re.compile("[\t\n\r]")


def xml_text(text) -> str:
    """`text` as a one-line label XML can hold: forbidden characters dropped, line breaks a space."""
    return _LINE_BREAKS.sub(" ", XML_ILLEGAL.sub("", str(text)))


def xml_escape(text) -> str:
    """`xml_text`, escaped for element content and attribute values."""
    return escape(xml_text(text))
