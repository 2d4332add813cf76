"""Form fields shared by the apps.

Every date and datetime field of the application is `DateField`/`DateTimeField` from here (years 1900
to 2100: beyond them date arithmetic such as "approval end = start + 6 months" overflows and PostgreSQL
cannot store a local time of year 1), every free text is limited to `TEXT_MAX_LENGTH`, and model forms
derive from `ModelForm` here, which gives their generated fields the same bounds.
tests/juwe/test_form_bounds.py checks every form class of the apps for it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from juwe.lib.money import (
    DECIMAL_PLACES,
    MAX_DIGITS,
    AmountError,
    format_amount,
    format_number,
    parse_amount,
    parse_decimal,
)

AMOUNT_ZERO = _("The amount must not be 0.")
AMOUNT_NEGATIVE = _("The amount must not be negative.")
AMOUNT_BELOW = _("The amount must be at least %(limit)s.")
AMOUNT_ABOVE = _("The amount must be at most %(limit)s.")
NUMBER_NEGATIVE = _("The value must not be negative.")
NUMBER_BELOW = _("The value must be at least %(limit)s.")
NUMBER_ABOVE = _("The value must be at most %(limit)s.")
DATE_OUT_OF_RANGE = _("Please enter a date between 1900 and 2100.")

DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)
# The longest free text a form takes (a § 8a report, minutes, a contract's goals): about ten pages.
TEXT_MAX_LENGTH = 20_000


def validate_date_range(value: dt.date | dt.datetime | None) -> None:
    """A date (or the day of a datetime) between 1900 and 2100."""
    if value is None:
        return
    day = value.date() if isinstance(value, dt.datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValidationError(DATE_OUT_OF_RANGE, code="date_range")


class DateField(forms.DateField):
    """A date between 1900 and 2100; other years are a form error, never a server error further on."""

    default_validators = [validate_date_range]


class DateTimeField(forms.DateTimeField):
    """A date and time between 1900 and 2100 (a local time of year 1 cannot even be converted to UTC)."""

    default_validators = [validate_date_range]


def bounded_formfield(model_field: models.Field, **kwargs) -> forms.Field | None:
    """The form field of a model field, with the application's bounds (ModelForm's formfield_callback)."""
    if isinstance(model_field, models.DateTimeField):
        kwargs.setdefault("form_class", DateTimeField)
    elif isinstance(model_field, models.DateField):
        kwargs.setdefault("form_class", DateField)
    elif isinstance(model_field, models.TextField):
        kwargs.setdefault("max_length", TEXT_MAX_LENGTH)
    return model_field.formfield(**kwargs)


class _BoundedModelFormMetaclass(forms.models.ModelFormMetaclass):
    def __new__(mcs, name, bases, attrs):
        meta = attrs.get("Meta")
        if meta is not None and not hasattr(meta, "formfield_callback"):
            meta.formfield_callback = staticmethod(bounded_formfield)
        return super().__new__(mcs, name, bases, attrs)


class ModelForm(forms.ModelForm, metaclass=_BoundedModelFormMetaclass):
    """The base of the application's model forms: generated date fields are bounded to 1900–2100, free
    text (TextField) to TEXT_MAX_LENGTH characters; CharFields keep their model's max_length. A form's own
    `Meta` needs nothing for it (the metaclass adds the formfield callback)."""


class _DecimalTextField(forms.CharField):
    """A decimal typed into a text box (a number input refuses the German comma) and read by
    juwe.lib.money in the active language; shown again in the active language."""

    widget = forms.TextInput

    def __init__(self, *, min_value=None, max_value=None, allow_negative: bool = False, max_digits: int = MAX_DIGITS,
                 decimal_places: int = DECIMAL_PLACES, **kwargs):
        kwargs.pop("localize", None)  # always localized
        kwargs.setdefault("strip", True)
        self.min_value = None if min_value is None else Decimal(min_value)
        self.max_value = None if max_value is None else Decimal(max_value)
        self.allow_negative = allow_negative or (self.min_value is not None and self.min_value < 0)
        self.max_digits, self.decimal_places = max_digits, decimal_places
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        return attrs

    def _parse(self, text: str) -> Decimal:
        raise NotImplementedError

    def _show(self, value: Decimal) -> str:
        raise NotImplementedError

    def to_python(self, value):
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            value = self._show(Decimal(value))
        value = super().to_python(value)  # str, stripped; "" when empty
        if value in self.empty_values:
            return None
        try:
            return self._parse(value)
        except AmountError as exc:  # the field's own message for a code (e.g. "invalid") wins
            message = self.error_messages.get(exc.code, exc.message) if exc.code != "required" else exc.message
            raise ValidationError(message, code=exc.code, params=exc.params) from None

    def prepare_value(self, value):
        """A stored value (Decimal) in the active language; typed text as it was typed."""
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return self._show(Decimal(value))
        return value

    def has_changed(self, initial, data):
        try:
            data = self.to_python(data)
            initial = self.to_python(initial)
        except ValidationError:
            return True
        return initial != data


class MoneyField(_DecimalTextField):
    """An amount in EUR, read by `juwe.lib.money.parse_amount` in the active language (German
    "1.234,56", "12.500", "12,5 €"; English "1,234.56") and refused with a field error when it is
    unclear. Negative amounts only with `allow_negative` (or a negative `min_value`), zero not
    with `allow_zero=False`. A stored value is shown again formatted, without the € sign."""

    default_error_messages = {
        "zero": AMOUNT_ZERO,
        "negative": AMOUNT_NEGATIVE,
        "min_value": AMOUNT_BELOW,
        "max_value": AMOUNT_ABOVE,
    }

    def __init__(self, *, allow_zero: bool = True, **kwargs):
        kwargs.setdefault("decimal_places", DECIMAL_PLACES)
        self.allow_zero = allow_zero
        super().__init__(**kwargs)

    def _parse(self, text: str) -> Decimal:
        return parse_amount(text, max_digits=self.max_digits)

    def _show(self, value: Decimal) -> str:
        return format_amount(value, currency=False)

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if value == 0 and not self.allow_zero:
            raise ValidationError(self.error_messages["zero"], code="zero")
        if value < 0 and not self.allow_negative:
            raise ValidationError(self.error_messages["negative"], code="negative")
        if self.min_value is not None and value < self.min_value:
            raise ValidationError(self.error_messages["min_value"], code="min_value",
                                  params={"limit": format_amount(self.min_value)})
        if self.max_value is not None and value > self.max_value:
            raise ValidationError(self.error_messages["max_value"], code="max_value",
                                  params={"limit": format_amount(self.max_value)})


class NumberField(_DecimalTextField):
    """A decimal that is no amount (hours, a share in %), read with the same rules as amounts
    (German "4,5", "30,25"; English "4.5") but without a currency sign."""

    default_error_messages = {
        "negative": NUMBER_NEGATIVE,
        "min_value": NUMBER_BELOW,
        "max_value": NUMBER_ABOVE,
    }

    def __init__(self, *, example: Decimal | None = None, **kwargs):
        self.example = example
        super().__init__(**kwargs)

    def _parse(self, text: str) -> Decimal:
        return parse_decimal(text, max_digits=self.max_digits, decimal_places=self.decimal_places, example=self.example)

    def _show(self, value: Decimal) -> str:
        return format_number(value.normalize())  # 4.50 -> "4,5", 30.00 -> "30"

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if value < 0 and not self.allow_negative:
            raise ValidationError(self.error_messages["negative"], code="negative")
        if self.min_value is not None and value < self.min_value:
            raise ValidationError(self.error_messages["min_value"], code="min_value",
                                  params={"limit": format_number(self.min_value)})
        if self.max_value is not None and value > self.max_value:
            raise ValidationError(self.error_messages["max_value"], code="max_value",
                                  params={"limit": format_number(self.max_value)})
