"""No database constraint's name reaches a user (issue 11, item 8).

A ModelForm runs the model's constraints after its fields (Django's default message names the
constraint: "Constraint “cost_amount_not_zero” is violated."). So every constraint a ModelForm
validates either has a German message of its own, or a field check refuses the input first (then
Django skips the constraint) – listed in FIELD_CHECKED and tested below through the forms."""

import datetime as dt
import importlib
import inspect
from decimal import Decimal

import pytest
from django import forms
from django.db.models import CheckConstraint, UniqueConstraint
from django.urls import reverse
from django.utils import timezone, translation

pytestmark = pytest.mark.django_db

FORM_MODULES = ["budgets.forms", "microprojects.forms", "networks.forms", "cases.forms", "cases.conference_forms",
                "cases.contracts_forms", "cases.protection_forms", "cases.reviews_forms"]

# (form, constraint): the form field that refuses the input before the constraint is run.
FIELD_CHECKED = {
    ("GrantRequestForm", "action_grant_amount_positive"): "amount: MoneyField(allow_zero=False), no negatives",
    ("ReviewForm", "review_rating_1_to_5"): "rating: a choice of 1 to 5",
    ("ContactForm", "contact_duration_range"): "duration_minutes: clean_duration_minutes (1 to 1440)",
    ("NetworkPersonForm", "network_ring_range"): "ring: a choice of 1 to 3",
    ("ResourceForm", "resource_strength_range"): "strength: a choice of 1 to 3",
    ("ResourceForm", "resource_offer_only_district"): "offer: ResourceForm.clean",
}


def _referenced_fields(constraint) -> set[str]:
    if isinstance(constraint, CheckConstraint):
        return {name.split("__")[0] for name in constraint.condition.referenced_base_fields}
    if isinstance(constraint, UniqueConstraint):
        return set(constraint.fields)
    return set()


def _validated_constraints():
    """(form, constraint) for every constraint that a ModelForm of the apps runs with its fields."""
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for name, form in inspect.getmembers(module, inspect.isclass):
            if not (issubclass(form, forms.ModelForm) and form.__module__ == module_name and form._meta.model):
                continue
            if form._post_clean is not forms.ModelForm._post_clean:  # networks' ServiceForm: the service checks
                continue
            for constraint in form._meta.model._meta.constraints:
                fields = _referenced_fields(constraint)
                if fields and fields <= set(form.base_fields):
                    yield name, constraint


def test_every_constraint_a_model_form_runs_has_a_german_message_or_a_field_check_first():
    missing = []
    for form, constraint in _validated_constraints():
        custom = constraint.violation_error_message != constraint.default_violation_error_message
        if custom:
            with translation.override("de"):
                german, english = str(constraint.violation_error_message), None
            with translation.override("en"):
                english = str(constraint.violation_error_message)
            assert german != english, f"{constraint.name}: no German for “{english}”"
        elif (form, constraint.name) not in FIELD_CHECKED:
            missing.append(f"{form}: {constraint.name}")
    assert not missing, "constraints whose name would reach a user: " + ", ".join(missing)


def test_budgets_constraints_all_have_german_messages():
    from budgets.models import Budget, CostEntry, Instalment, PotTransfer, Settlement

    for model in (Budget, CostEntry, Instalment, PotTransfer, Settlement):
        for constraint in model._meta.constraints:
            assert constraint.violation_error_message != constraint.default_violation_error_message, constraint.name
            with translation.override("de"):
                german = str(constraint.violation_error_message)
            with translation.override("en"):
                assert german != str(constraint.violation_error_message), constraint.name


# --- The field checks of FIELD_CHECKED, through the forms ------------------------------------------


@pytest.mark.parametrize("typed,message", [("0", "Der Betrag muss größer als null sein."),
                                           ("-20,00", "Der Betrag darf nicht negativ sein."),
                                           ("2.50", "„2.50“ ist nicht eindeutig")])
def test_action_grant_amount_is_refused_on_the_field(as_user, org, users, typed, message):
    from microprojects.models import ActionGrant

    response = as_user(users.case_manager).post(reverse("microprojects:grant_request"), {
        "district": org.walle.pk, "title": "Laternenumzug", "applicant": "Kita", "purpose": "Laternen",
        "activity_date": "2026-11-11", "amount": typed,
    })
    assert response.status_code in (200, 422) and not ActionGrant.objects.exists()
    text = response.text
    assert message in text[text.index('name="amount"'):] and "action_grant_amount_positive" not in text


def test_action_grant_reads_german_thousands(as_user, org, users):
    from microprojects.models import ActionGrant

    response = as_user(users.case_manager).post(reverse("microprojects:grant_request"), {
        "district": org.walle.pk, "title": "Stadtteilfest", "applicant": "Bürgerhaus", "purpose": "Bühne",
        "activity_date": "2026-09-01", "amount": "1.200",
    })
    assert response.status_code == 302 and ActionGrant.objects.get().amount == Decimal("1200.00")


@pytest.mark.parametrize("minutes", ["0", "1441"])
def test_contact_duration_out_of_range_is_refused_on_the_field(as_user, users, org, minutes):
    from cases.models import Contact
    from tests.cases.factories import make_case

    case = make_case(users.case_manager, org.walle)
    response = as_user(users.case_manager).post(reverse("cases:contact_add", args=[case.pk]), {
        "occurred_at": (timezone.localtime() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"), "kind": "phone",
        "duration_minutes": minutes, "participants": "Mutter", "note": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code in (200, 422) and not Contact.objects.exists()
    assert "Ein Kontakt dauert mindestens 1 und höchstens 1440 Minuten (einen Tag)." in response.text
    assert "contact_duration_range" not in response.text and "Bedingung" not in response.text


def test_project_requested_amount_reads_german_and_refuses_negative():
    from microprojects.forms import ApproveForm

    with translation.override("de"):
        assert ApproveForm({"amount": "12.000"}).is_valid()
        form = ApproveForm({"amount": "-1"})
        assert not form.is_valid() and form.errors["amount"] == ["Der Betrag darf nicht negativ sein."]


def test_contract_monthly_cost_and_hours_read_german_and_show_german():
    from cases.contracts_forms import ContractForm

    class Form(ContractForm):  # without the case (its proposals): the amount fields are what is tested
        def __init__(self, *args, **kwargs):
            forms.Form.__init__(self, *args, **kwargs)

    with translation.override("de"):
        form = Form({"talk_on": "2026-03-02", "monthly_cost": "1.234,56", "hours_per_week": "4,5"})
        assert form.is_valid(), form.errors
        assert (form.cleaned_data["monthly_cost"], form.cleaned_data["hours_per_week"]) == (Decimal("1234.56"),
                                                                                            Decimal("4.50"))
        form = Form({"talk_on": "2026-03-02", "monthly_cost": "-5", "hours_per_week": "-1"})
        assert not form.is_valid()
        assert form.errors["monthly_cost"] == ["Die monatlichen Kosten können nicht negativ sein."]
        assert "negativ" in form.errors["hours_per_week"][0]
        html = str(Form(initial={"monthly_cost": Decimal("2150.00"), "hours_per_week": Decimal("6.00")}))
        assert 'value="2.150,00"' in html and 'value="6"' in html
    with translation.override("en"):
        html = str(Form(initial={"monthly_cost": Decimal("2150.00")}))
        assert 'value="2,150.00"' in html
