"""Every form of the application bounds what it takes (issue 13, item 8): dates between 1900 and 2100,
text no longer than its column (or TEXT_MAX_LENGTH for free text) – a form error, never a server error
further on. A new form field without a bound fails here by name."""

import datetime as dt
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.db import models

from juwe.lib.forms import TEXT_MAX_LENGTH, DateField, DateTimeField, ModelForm, _DecimalTextField, validate_date_range

APPS = ["juwe", "cases", "networks", "microprojects", "budgets"]
# Django's login form: the user name gets its bound in the form's __init__; the password is never stored.
# The login form, and the admin's user forms (Administration only: Django's own password fields, the dates
# are read-only in the admin and never a form field there).
EXEMPT = {"juwe.forms.LoginForm", "juwe.forms.UserChangeForm", "juwe.forms.UserCreationForm"}


def app_forms() -> list[type[forms.BaseForm]]:
    found = []
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if any(part in info.name for part in (".migrations", ".management", "demo")):
                continue
            module = importlib.import_module(info.name)
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    found.append(cls)
    return [cls for cls in found if f"{cls.__module__}.{cls.__name__}" not in EXEMPT]


FORMS = app_forms()


def test_the_forms_are_found():
    names = {cls.__name__ for cls in FORMS}
    assert {"IntakeForm", "ContractForm", "ReportForm", "OfferForm", "ProjectForm", "CostEntryForm"} <= names


@pytest.mark.parametrize("form_class", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_every_field_is_bounded(form_class):
    model = getattr(getattr(form_class, "_meta", None), "model", None)
    problems = []
    for name, field in form_class.base_fields.items():
        if isinstance(field, (forms.DateField, forms.DateTimeField)):
            if validate_date_range not in field.validators:
                problems.append(f"{name}: a date without the 1900–2100 range (use juwe.lib.forms.DateField)")
        # A UUID field refuses anything but a UUID's few characters: bounded by its format.
        elif isinstance(field, forms.CharField) and not isinstance(field, (_DecimalTextField, forms.UUIDField)):
            if field.max_length is None or field.max_length > TEXT_MAX_LENGTH:
                problems.append(f"{name}: text without a max_length (at most TEXT_MAX_LENGTH)")
            column = _model_field(model, name)
            if column is not None and column.max_length and (field.max_length or 0) > column.max_length:
                problems.append(f"{name}: max_length {field.max_length} is longer than the column ({column.max_length})")
    assert not problems, f"{form_class.__module__}.{form_class.__name__}: " + "; ".join(problems)


def _model_field(model, name):
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a form field without a column
        return None
    return field if isinstance(field, models.CharField) else None


def test_model_forms_of_the_apps_derive_from_the_bounded_model_form():
    plain = [f"{cls.__module__}.{cls.__name__}" for cls in FORMS
             if issubclass(cls, forms.ModelForm) and not issubclass(cls, ModelForm)]
    assert not plain, "model forms that do not derive from juwe.lib.forms.ModelForm: " + ", ".join(plain)


@pytest.mark.parametrize("value", ["1899-12-31", "0001-01-01", "2101-01-01", "9999-12-31"])
def test_dates_outside_1900_to_2100_are_a_form_error(value):
    form_class = type("F", (forms.Form,), {"day": DateField(), "at": DateTimeField(required=False)})
    form = form_class({"day": value, "at": f"{value}T10:00"})
    assert not form.is_valid()
    assert form.errors["day"] == form.errors["at"] == ["Bitte ein Datum zwischen 1900 und 2100 angeben."]


@pytest.mark.parametrize("value", ["1900-01-01", "2100-12-31"])
def test_the_first_and_last_day_of_the_range_are_taken(value):
    form_class = type("F", (forms.Form,), {"day": DateField(), "at": DateTimeField()})
    form = form_class({"day": value, "at": f"{value}T10:00"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == dt.date.fromisoformat(value)
