"""Forms of the § 8a assessment. They parse input; the rules (four-eyes, plan, dates) live in
`cases.protection`, so a refusal always carries the service's message."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from juwe.lib.forms import TEXT_MAX_LENGTH, DateField, DateTimeField
from juwe.models import User

from .forms import DateInput, DateTimeInput
from .models import ProtectionResult, Urgency
from .protection import MSG_MEASURE_INCOMPLETE, MeasureInput
from .selectors import team_caseworkers

YES_NO = [("yes", _("yes")), ("no", _("no"))]
SCALE = [(str(n), str(n)) for n in range(11)]


class ReportForm(forms.Form):
    received_at = DateTimeField(label=_("Report received at"), widget=DateTimeInput())
    reported_by = forms.CharField(
        label=_("Reported by"), max_length=200,
        help_text=_("Name and function, e.g. “Frau Jacobs, class teacher” or “police, Walle station”."),
    )
    report = forms.CharField(label=_("What was reported"),
        widget=forms.Textarea(attrs={"rows": 6}), max_length=TEXT_MAX_LENGTH)
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, widget=forms.RadioSelect,
        help_text=_("Sets when the assessment is due: at once, 24 or 72 hours after the report."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("received_at", timezone.localtime().replace(second=0, microsecond=0))


class AssessmentForm(forms.Form):
    """The result of the assessment. Fields are optional here so that the service names what is missing."""

    professionals = forms.ModelMultipleChoiceField(
        label=_("Assessed together by"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("At least two professionals of the team (four-eyes principle), you among them."),
    )
    assessed_at = DateTimeField(label=_("Assessed at"), widget=DateTimeInput(), required=False)
    home_visit = forms.TypedChoiceField(
        label=_("Home visit"), choices=YES_NO, widget=forms.RadioSelect, required=False,
        coerce=lambda v: v == "yes", empty_value=None,
    )
    home_visit_on = DateField(label=_("Home visit on"), widget=DateInput(), required=False)
    harm = forms.CharField(label=_("Harm: what has happened?"),
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=TEXT_MAX_LENGTH)
    danger = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Danger: what do we fear may happen?"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    complicating_factors = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Complicating factors"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    working_well = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("What is working well?"), widget=forms.Textarea(attrs={"rows": 6}), required=False,
        help_text=_("Strengths, protective people, times when the child was safe."),
    )
    next_steps = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("What needs to happen?"), widget=forms.Textarea(attrs={"rows": 6}), required=False,
        help_text=_("What must the parents and the network do so that the child is safe?"),
    )
    safety_scale = forms.TypedChoiceField(
        label=_("Safety scale"), choices=SCALE, widget=forms.RadioSelect, required=False, coerce=int, empty_value=None,
        help_text=_("0: the child is certainly not safe at home; 10: safe enough to close the case."),
    )
    result = forms.ChoiceField(
        label=_("Result"), choices=ProtectionResult.choices, widget=forms.RadioSelect, required=False
    )
    family_court = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Family court involvement"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
        help_text=_("Whether and when the family court was called on (§ 8a (2), § 1666 BGB) and what it decided."),
    )
    taken_into_care = forms.BooleanField(label=_("Taken into care (§ 42 SGB VIII)"), required=False)
    taken_into_care_note = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Note on taking into care"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
        help_text=_("When, by whom, where the child is now."),
    )

    def __init__(self, *args, team_id: int, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["professionals"].queryset = team_caseworkers(team_id)
        if not self.is_bound:
            self.initial.setdefault("professionals", [user.pk])
            self.initial.setdefault("assessed_at", timezone.localtime().replace(second=0, microsecond=0))


class MeasureForm(forms.Form):
    measure = forms.CharField(label=_("Measure"),
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=TEXT_MAX_LENGTH)
    owner = forms.CharField(label=_("Responsible"), max_length=150, required=False)
    due_on = DateField(label=_("Due by"), widget=DateInput(), required=False)

    def clean(self):
        data = super().clean()
        filled = [bool(data.get("measure", "").strip()), bool(data.get("owner", "").strip()), bool(data.get("due_on"))]
        if any(filled) and not all(filled) and not self.errors:
            raise forms.ValidationError(MSG_MEASURE_INCOMPLETE, code="measure")
        return data

    def as_input(self) -> MeasureInput | None:
        data = self.cleaned_data
        if not (data.get("measure", "").strip() or data.get("owner", "").strip() or data.get("due_on")):
            return None  # an empty row
        return MeasureInput(measure=data["measure"], owner=data["owner"], due_on=data["due_on"])


MeasureFormSet = forms.formset_factory(MeasureForm, extra=4, max_num=20, validate_max=True)


def measure_formset(data=None) -> forms.BaseFormSet:
    return MeasureFormSet(data, prefix="plan")


class MeasureDoneForm(forms.Form):
    done_on = DateField(label=_("Done on"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("done_on", timezone.localdate())
