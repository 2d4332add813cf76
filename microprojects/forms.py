from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from juwe.access import visible
from juwe.lib.forms import TEXT_MAX_LENGTH, DateField, ModelForm, MoneyField
from juwe.models import District, Provider, User
from juwe.roles import Role
from microprojects.models import ActionGrant, AwardCriterion, MicroProject, Outcome, QualityReview
from microprojects.services import GRANT_NOT_POSITIVE, default_proof_due

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProjectForm(ModelForm):
    """Proposal and draft edits. Choices come from what the user may see."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    requested_amount = MoneyField(label=_("requested amount"))

    class Meta:
        model = MicroProject
        fields = [
            "title", "category", "districts", "budget_district", "provider", "need_description", "need_case_count",
            "target_group", "age_from", "age_to", "goals", "start_date", "end_date", "requested_amount",
            "developed_by", "coordinator", "lead",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "need_description": forms.Textarea(attrs={"rows": 4}),
            "goals": forms.Textarea(attrs={"rows": 4}),
            "districts": forms.SelectMultiple(attrs={"size": 8}),
            "developed_by": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        districts = visible(user, District).order_by("name")
        self.fields["districts"].queryset = districts
        self.fields["budget_district"].queryset = districts
        self.fields["provider"].queryset = visible(user, Provider).order_by("name")
        team_districts = districts.values("id")
        self.fields["developed_by"].queryset = (
            User.objects.filter(groups__name__in=[Role.CASE_MANAGER, Role.TEAM_LEAD], team__districts__in=team_districts, is_active=True)
            .distinct()
            .order_by("last_name", "first_name")
        )
        self.fields["coordinator"].queryset = (
            User.objects.filter(groups__name=Role.DISTRICT_COORDINATOR, districts__in=team_districts, is_active=True)
            .distinct()
            .order_by("last_name")
        )
        self.fields["lead"].queryset = (
            User.objects.filter(groups__name=Role.TEAM_LEAD, team__districts__in=team_districts, is_active=True)
            .distinct()
            .order_by("last_name")
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class ApproveForm(forms.Form):
    amount = MoneyField(label=_("approved amount (EUR)"))
    note = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when leadership approves over the remaining budget."),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("reason for rejection"),
        widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_MAX_LENGTH)


class CompleteForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    new_districts = forms.ModelMultipleChoiceField(
        label=_("further districts"), queryset=District.objects.none(), required=False,
        help_text=_("Only for an extension: a linked copy of the project is created for these districts."),
    )
    note = forms.CharField(label=_("note"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_MAX_LENGTH)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_districts"].queryset = visible(user, District).order_by("name")


def _quarter_choices():
    return [(q, f"Q{q}") for q in range(1, 5)]


class ParticipationForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("quarter"), choices=_quarter_choices, coerce=int)
    referred_by_cm = forms.IntegerField(label=_("referred by case management"), min_value=0)
    low_threshold = forms.IntegerField(label=_("low-threshold through others"), min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["quarter"].initial = (today.month - 1) // 3 + 1


class ReviewForm(ModelForm):
    class Meta:
        model = QualityReview
        fields = ["kind", "date", "participants", "findings", "rating", "tender_free_worked"]
        widgets = {
            "date": DATE,
            "participants": forms.Textarea(attrs={"rows": 2}),
            "findings": forms.Textarea(attrs={"rows": 5}),
        }


class GrantRequestForm(ModelForm):
    amount = MoneyField(label=_("amount"), allow_zero=False, error_messages={"zero": GRANT_NOT_POSITIVE})

    class Meta:
        model = ActionGrant
        fields = ["district", "title", "applicant", "purpose", "activity_date", "amount"]
        widgets = {"activity_date": DATE, "purpose": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = visible(user, District).order_by("name")


class GrantDecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("grant", _("grant")), ("decline", _("decline"))], widget=forms.RadioSelect, label=_("decision"))
    criteria = forms.MultipleChoiceField(
        label=_("award criteria met"), choices=AwardCriterion.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("For a grant: at least one."),
    )
    proof_due = DateField(
        label=_("proof of use due"), required=False, widget=DATE,
        help_text=_("For a grant: when the applicant shows how the money was used (default: eight weeks after the activity)."),
    )
    reason = forms.CharField(label=_("reason for declining"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_MAX_LENGTH)

    def __init__(self, *args, grant: ActionGrant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proof_due"].initial = default_proof_due(grant, timezone.localdate())


class GrantProofForm(forms.Form):
    received_on = DateField(label=_("proof of use received on"), widget=DATE)
    note = forms.CharField(label=_("note"), required=False, max_length=TEXT_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("e.g. receipts seen, photos, short report."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()


class SupplementRequestForm(forms.Form):
    amount = MoneyField(label=_("supplement requested (EUR)"))
    reason = forms.CharField(label=_("reason"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("Why the approved sum is not enough, and what the extra money is for."))


class SupplementApproveForm(forms.Form):
    amount = MoneyField(label=_("supplement granted (EUR)"))
    note = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when leadership grants over the remaining budget."),
    )


class PaymentForm(forms.Form):
    paid_on = DateField(label=_("paid on"), widget=DATE)
    amount = MoneyField(label=_("amount (EUR)"))
    provider = forms.ModelChoiceField(label=_("paid to"), queryset=Provider.objects.none())
    invoice_number = forms.CharField(label=_("invoice number"), max_length=40)
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args, user, project: MicroProject, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = visible(user, Provider).order_by("name")
        self.fields["provider"].initial = project.provider_id
        self.fields["paid_on"].initial = timezone.localdate()


class PaymentReverseForm(forms.Form):
    paid_on = DateField(label=_("date of the reversal"), widget=DATE)
    note = forms.CharField(label=_("reason"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100, required=False)

    def year_or_current(self) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return timezone.localdate().year


class ReferralForm(forms.Form):
    case = forms.CharField(
        label=_("case reference"), max_length=40,
        help_text=_("The reference of the case file, e.g. 2026/334/17."),
    )
    referred_on = DateField(label=_("referred on"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referred_on"].initial = timezone.localdate()


class BudgetForm(forms.Form):
    """The prevention and action budget of each district for one year, set by leadership."""

    def __init__(self, *args, districts, prevention: dict, action: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for district in districts:
            p_name, a_name = f"p_{district.pk}", f"a_{district.pk}"
            self.fields[p_name] = MoneyField(label=_("prevention budget %(d)s") % {"d": district.name}, required=False,
                                             min_value=0, initial=prevention.get(district.pk))
            self.fields[a_name] = MoneyField(label=_("action budget %(d)s") % {"d": district.name}, required=False,
                                             min_value=0, initial=action.get(district.pk))
            self.rows.append((district, self[p_name], self[a_name]))

    def changes(self, prevention: dict, action: dict):
        """(district, kind, amount) for every value that differs from what is stored."""
        for district, p_field, a_field in self.rows:
            for kind, field, stored in (("prevention", p_field, prevention), ("action", a_field, action)):
                value = self.cleaned_data.get(field.name)
                if value is not None and value != stored.get(district.pk):
                    yield district, kind, value
