"""Money is Decimal with two places in EUR: one rounding rule, one parser, one formatter.

Every amount a person types goes through `parse_amount`, every amount a person reads through
`format_amount` (templates: the `money` filter of juwe_tags; Python: `format_eur`). Both follow
the active language unless one is given: German "1.234,56 €", English "€1,234.56".

Reading is strict: an input is read the way a reader of that language means it, or refused with
a message saying why – never guessed. In German the comma separates the cents and the dot (or a
space) groups thousands, so "12.500" is twelve thousand five hundred and "12.50" is refused (a
German reader would not write it; an English one means twelve euros fifty). English mirrors it.
The bookkeeping system's CSV files are German whatever the interface language
(`parse_amount(text, language="de")`).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import translation
from django.utils.formats import get_format
from django.utils.numberformat import format as number_format
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
MAX_DIGITS = 14  # the models' MONEY fields: max_digits=14, decimal_places=2
DECIMAL_PLACES = 2

# Separators per language: (decimal separator, thousands separator). Django's locale formats
# say the same (django/conf/locale/*/formats.py); they are spelled out here because reading must
# not change when a format module changes.
SEPARATORS = {"de": (",", "."), "en": (".", ",")}

_SPACES = re.compile(r"[\s\u00a0\u202f\u2007\u2009]+")
_MINUS = ("-", "\u2212", "\u2013")  # hyphen-minus, minus sign, en dash (word processors' "minus")
_CURRENCY = re.compile(r"^(?:€|eur)|(?:€|eur)$", re.IGNORECASE)


def to_money(value) -> Decimal:
    """Round to cents (ROUND_HALF_UP). Accepts Decimal, int or str – never float."""
    if isinstance(value, float):
        raise TypeError("Money must not be built from float; pass a str or Decimal.")
    try:
        amount = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise ValueError(f"Not an amount: {value!r}") from exc
    if not amount.is_finite():  # "NaN" quantizes without a signal
        raise ValueError(f"Not an amount: {value!r}")
    return amount


# --- Reading --------------------------------------------------------------------------------------

MESSAGES = {
    "amount": {
        "required": _("Please enter an amount."),
        "invalid": _("“%(value)s” is not an amount. Write it like this: %(example)s."),
        "decimal_places": _("An amount has at most two decimal places (cents), e.g. %(example)s."),
        "grouping": _("“%(value)s” is not clear: “%(group)s” groups thousands and is always followed by exactly "
                      "three digits; the cents come after “%(decimal)s”, e.g. %(example)s."),
        "separators": _("“%(value)s” mixes up the separators: “%(group)s” groups thousands, “%(decimal)s” comes "
                        "before the cents, e.g. %(example)s."),
        "too_many_decimal_separators": _("“%(value)s” has more than one “%(decimal)s”; only the cents come after "
                                         "it, e.g. %(example)s."),
        "max_digits": _("The amount is too large (at most %(max)s)."),
    },
    "number": {
        "required": _("Please enter a number."),
        "invalid": _("“%(value)s” is not a number. Write it like this: %(example)s."),
        "decimal_places": _("At most %(places)s decimal places, e.g. %(example)s."),
        "grouping": _("“%(value)s” is not clear: “%(group)s” groups thousands and is always followed by exactly "
                      "three digits; the decimals come after “%(decimal)s”, e.g. %(example)s."),
        "separators": _("“%(value)s” mixes up the separators: “%(group)s” groups thousands, “%(decimal)s” comes "
                        "before the decimals, e.g. %(example)s."),
        "too_many_decimal_separators": _("“%(value)s” has more than one “%(decimal)s”; only the decimals come "
                                         "after it, e.g. %(example)s."),
        "max_digits": _("The number is too large (at most %(max)s)."),
    },
}


class AmountError(ValueError):
    """An input that is no amount (or number) in the given language: `message` is translatable,
    `code` says why (required, invalid, decimal_places, grouping, separators,
    too_many_decimal_separators, max_digits), `params` fill the message."""

    def __init__(self, code: str, params: dict, kind: str = "amount"):
        self.code, self.params, self.kind = code, params, kind
        self.message = MESSAGES[kind][code]
        super().__init__(code)

    def __str__(self) -> str:
        return str(self.message) % self.params


def _language(language: str | None) -> str:
    code = (language or translation.get_language() or "de").lower()
    code = code.split("-")[0].split("_")[0]
    return code if code in SEPARATORS else "de"


def _number_pattern(decimal: str, group: str) -> re.Pattern:
    d, g = re.escape(decimal), re.escape(group)
    # An integer part written plain ("12500") or grouped in threes after a first group of one to
    # three digits that does not start with 0 ("12.500", "1 234 567"); then the decimal part.
    return re.compile(
        rf"^(?P<int>\d+|[1-9]\d{{0,2}}(?:(?P<sep>{g}| )\d{{3}})(?:(?P=sep)\d{{3}})*)?"
        rf"(?:{d}(?P<frac>\d+))?$"
    )


_PATTERNS = {lang: _number_pattern(*SEPARATORS[lang]) for lang in SEPARATORS}
_DIGITS_AND_SEPARATORS = re.compile(r"^[\d., ]+$")
_SPACE_BESIDE_SEPARATOR = re.compile(r" ?([.,]) ?")


def parse_decimal(
    text,
    *,
    language: str | None = None,
    max_digits: int = MAX_DIGITS,
    decimal_places: int = DECIMAL_PLACES,
    currency: bool = False,
    kind: str = "number",
    example: Decimal | None = None,
) -> Decimal:
    """Read a number as a reader of `language` (default: the active one) means it; see the module doc.

    `currency` allows "€"/"EUR" before or after the number. The result has exactly
    `decimal_places` places; more typed places, or more than `max_digits` digits, are refused
    (AmountError; `kind` "amount" or "number" chooses the wording, `example` the value shown in it)."""
    if isinstance(text, float):
        raise TypeError("Numbers must not be read from float; pass a str or Decimal.")
    lang = _language(language)
    decimal, group = SEPARATORS[lang]
    quantum = Decimal(1).scaleb(-decimal_places)
    if isinstance(text, Decimal | int) and not isinstance(text, bool):
        text = _plain(Decimal(text), lang, grouping=False) if Decimal(text).is_finite() else str(text)
    raw = "" if text is None else str(text)
    shown = raw.strip()[:40]

    def refuse(code: str, **params):
        shown_example = example if example is not None else Decimal("1234.56" if kind == "amount" else "12.5")
        shown_example = _plain(shown_example, lang, places=min(decimal_places, -shown_example.as_tuple().exponent))
        raise AmountError(code, {"value": shown, "example": shown_example, "decimal": decimal, "group": group,
                                 "places": decimal_places, **params}, kind)

    s = raw.strip()
    if not s.isascii() or " " in s or "\t" in s:
        s = _SPACES.sub(" ", s)
    if not s:
        refuse("required")
    negative = False
    if s[0] in _MINUS:
        negative, s = True, s[1:].strip()
    if currency:
        s, found = _CURRENCY.subn("", s, count=1)
        s = s.strip()
        if found and not negative and s[:1] in _MINUS:  # "€-12,50"
            negative, s = True, s[1:].strip()
    if len(s) > 2 and s[-2] == decimal and s[-1] in _MINUS and s[-3].isdigit():  # "12,-": whole euros
        s = s[:-1] + "0"
    if not s or not _DIGITS_AND_SEPARATORS.match(s):
        refuse("invalid")
    if " " in s:
        s = _SPACE_BESIDE_SEPARATOR.sub(r"\1", s)  # "1.234 , 56": a space beside a separator is no separator
    match = _PATTERNS[lang].match(s)
    if match is None or not (match["int"] or match["frac"]):
        if s.count(decimal) > 1:
            refuse("too_many_decimal_separators")
        if decimal in s and group in s and s.index(decimal) < s.rindex(group):
            refuse("separators")
        if group in s or " " in s:
            refuse("grouping")
        refuse("invalid")
    integer = (match["int"] or "").replace(group, "").replace(" ", "").lstrip("0") or "0"
    frac = match["frac"] or ""
    if len(frac) > decimal_places:
        refuse("decimal_places")
    if len(integer) > max_digits - decimal_places:
        largest = Decimal(10) ** (max_digits - decimal_places) - quantum
        refuse("max_digits", max=format_amount(largest, language=lang) if kind == "amount" and decimal_places == 2
               else _plain(largest, lang))
    value = Decimal(f"{integer}.{frac or '0'}").quantize(quantum)
    return -value if negative and value else value


def parse_amount(text, *, language: str | None = None, max_digits: int = MAX_DIGITS) -> Decimal:
    """An amount in EUR as typed in `language` (default: the active one), with two places.

    German: "1.234,56", "1234,56", "1234", "12.500" (12,500.00), "12,5" (12.50), "-12,50 €",
    "EUR 1 234,56", "12,-". English: "1,234.56", "1234.56", "12,500", "€12.5".
    Raises AmountError (a ValueError) with a translatable message for anything else: empty,
    letters, NaN, more than two decimals, a group separator not followed by three-digit groups,
    separators in the wrong order, two decimal separators, more than `max_digits` digits.
    A Decimal or int is checked the same way (places, size), a float refused (TypeError)."""
    return parse_decimal(text, language=language, max_digits=max_digits, decimal_places=DECIMAL_PLACES,
                         currency=True, kind="amount")


# --- Writing --------------------------------------------------------------------------------------


def _plain(value: Decimal, lang: str, *, grouping: bool = True, places: int | None = None) -> str:
    """`value` with the separators of `lang` (Django's number format of that language)."""
    if places is None:
        places = max(0, -value.as_tuple().exponent)
    if value == 0:
        value = abs(value)  # no "-0,00"
    return number_format(
        value, get_format("DECIMAL_SEPARATOR", lang), places, get_format("NUMBER_GROUPING", lang) if grouping else 0,
        get_format("THOUSAND_SEPARATOR", lang), force_grouping=grouping, use_l10n=True,
    )


def format_amount(value, *, language: str | None = None, currency: bool = True, grouping: bool = True) -> str:
    """An amount for people to read: German "1.234,56 €" (non-breaking space before €), English
    "€1,234.56"; negative with a minus ("-1.234,56 €", "-€1,234.56"). Without `currency` just the
    number ("1.234,56"), without `grouping` no thousands separators ("1234,56": CSV files).
    `language` defaults to the active one. Empty (None, "") stays empty."""
    if value is None or value == "":
        return ""
    lang = _language(language)
    amount = to_money(value)
    number = _plain(abs(amount), lang, grouping=grouping, places=DECIMAL_PLACES)
    sign = "-" if amount < 0 else ""
    if not currency:
        return f"{sign}{number}"
    if lang == "en":
        return f"{sign}€{number}"
    return f"{sign}{number}\u00a0€"


def format_number(value, *, language: str | None = None, places: int | None = None, grouping: bool = True) -> str:
    """A number that is no amount (a rate, hours) with the separators of `language`; `places`
    defaults to the value's own."""
    if value is None or value == "":
        return ""
    return _plain(Decimal(value) if not isinstance(value, Decimal) else value, _language(language),
                  grouping=grouping, places=places)


def format_eur(value, *, language: str | None = None) -> str:
    """An amount in the active language (or `language`): "1.234,56 €", "€1,234.56"."""
    return format_amount(value, language=language)
