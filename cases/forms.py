"""Forms of the case file. They parse input; the rules live in `cases.services`."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from juwe.access import district_scope
from juwe.lib.forms import TEXT_MAX_LENGTH, DateField, ModelForm
from juwe.models import District, User

from .models import (
    Case,
    CaseRole,
    CaseState,
    Classification,
    CloseReason,
    Contact,
    FirstContactSource,
    Gender,
    NetworkPerson,
    ResourceEntry,
)
from .selectors import team_caseworkers

MSG_NAME_REQUIRED = _("Enter first and last name.")
MSG_CONTACT_DURATION = _("A contact lasts at least 1 and at most 1440 minutes (one day).")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class UniqueIds:
    """Several forms share the case page: each gets its own id prefix so labels point to its fields."""

    id_prefix = "id"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: at the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class IntakeForm(forms.Form):
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none())
    opened_on = DateField(label=_("Date of the first contact"), widget=DateInput())
    first_contact_source = forms.ChoiceField(label=_("Source of the first contact"), choices=FirstContactSource.choices)
    concern = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Concern in the family's words"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    street = forms.CharField(label=_("Street and number"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False, initial="Bremen")
    confirm_new = forms.BooleanField(
        label=_("I have checked the possible duplicates: these are different persons."), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = district_scope(user).order_by("name")
        if not self.is_bound:
            self.initial.setdefault("opened_on", timezone.localdate())


class MemberForm(forms.Form):
    """One person at intake; empty rows are skipped. `existing` reuses a known person record."""

    # Set from the duplicate warning (radio buttons), never typed.
    existing = forms.IntegerField(required=False)
    role = forms.ChoiceField(label=_("Role in the case"), choices=CaseRole.choices)
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    birth_date = DateField(label=_("Birth date"), required=False, widget=DateInput())
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, initial=Gender.UNSPECIFIED)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    note = forms.CharField(label=_("Relation"), max_length=200, required=False, help_text=_("e.g. mother, son"))

    def has_changed(self) -> bool:
        # The role and gender selects always carry a value; a row counts once a name is typed.
        return bool(self.data.get(self.add_prefix("first_name")) or self.data.get(self.add_prefix("last_name")))

    def clean(self):
        data = super().clean()
        if not data.get("existing") and not (data.get("first_name", "").strip() and data.get("last_name", "").strip()):
            raise ValidationError(MSG_NAME_REQUIRED, code="name")
        return data


class BaseMemberFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        # The first row is the child, the next rows are for the parents.
        return {"initial": {"role": CaseRole.CHILD if index == 0 else CaseRole.PARENT}}


MemberFormSet = forms.formset_factory(MemberForm, formset=BaseMemberFormSet, extra=2, min_num=1, validate_min=True, max_num=8)


def member_formset(data=None):
    return MemberFormSet(data, prefix="m")


class VersionedForm(UniqueIds, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CaseEditForm(VersionedForm):
    id_prefix = "edit"

    first_contact_source = forms.ChoiceField(label=_("Source of the first contact"), choices=FirstContactSource.choices)
    concern = forms.CharField(label=_("Concern in the family's words"),
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=TEXT_MAX_LENGTH)
    will = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("The family's will"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("What the family itself wants to change – in its own words."),
    )
    goals = forms.CharField(label=_("The family's goals"),
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=TEXT_MAX_LENGTH)

    @classmethod
    def for_case(cls, case: Case, data=None):
        initial = {f: getattr(case, f) for f in ("first_contact_source", "concern", "will", "goals", "version")}
        return cls(data, initial=initial)


class TransitionForm(VersionedForm):
    id_prefix = "transition"

    to_state = forms.ChoiceField(label=_("Next step"), choices=CaseState.choices)
    reason = forms.ChoiceField(
        label=_("Reason for closing"), choices=[("", "—"), *CloseReason.choices], required=False
    )
    note = forms.CharField(label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=TEXT_MAX_LENGTH)

    def __init__(self, *args, allowed: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed is not None and not self.is_bound:
            self.fields["to_state"].choices = [(s, CaseState(s).label) for s in allowed]


class ClassificationForm(VersionedForm):
    id_prefix = "classify"

    classification = forms.ChoiceField(label=_("Classification"), choices=Classification.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_MAX_LENGTH)


class AssignForm(VersionedForm):
    id_prefix = "assign"

    case_manager = forms.ModelChoiceField(label=_("Responsible case manager"), queryset=User.objects.none())

    def __init__(self, *args, team_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_manager"].queryset = team_caseworkers(team_id)


class ContactForm(UniqueIds, ModelForm):
    id_prefix = "contact"

    class Meta:
        model = Contact
        fields = ["occurred_at", "kind", "duration_minutes", "participants", "note"]
        widgets = {"occurred_at": DateTimeInput(), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duration_minutes"].widget.attrs.update({"min": 1, "max": 1440})

    def clean_duration_minutes(self):
        """The model's contact_duration_range, on the field (1 minute to one day)."""
        minutes = self.cleaned_data.get("duration_minutes")
        if minutes is not None and not 1 <= minutes <= 1440:
            raise ValidationError(MSG_CONTACT_DURATION, code="duration")
        return minutes


class ResourceForm(UniqueIds, ModelForm):
    id_prefix = "resource"

    """An entry of the resource map; district entries may point to an offer of the case's district."""

    class Meta:
        model = ResourceEntry
        fields = ["area", "description", "named_by", "strength", "offer"]

    def __init__(self, *args, offers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = offers if offers is not None else self.fields["offer"].queryset.none()
        self.fields["offer"].help_text = _("Only for the area “district”: an offer of the district directory.")

    def clean(self):
        data = super().clean()
        if data.get("offer") and data.get("area") != "district":
            self.add_error("offer", _("Only resources in the district can point to an offer."))
        return data


class NetworkPersonForm(UniqueIds, ModelForm):
    id_prefix = "network"

    class Meta:
        model = NetworkPerson
        fields = ["name", "relation", "sector", "ring", "quality", "note"]
