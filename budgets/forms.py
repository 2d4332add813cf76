from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budgets.models import Area, Budget, CostCategory, CostEntry, PotTransfer
from juwe.models import District, Provider


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class BudgetCreateForm(forms.Form):
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    area = forms.ChoiceField(label=_("Area"), choices=Area.choices)
    provider = forms.ModelChoiceField(
        label=_("Lead provider"), queryset=Provider.objects.filter(lead_districts__isnull=False).distinct(),
        required=False, help_text=_("Empty: the district's lead provider."),
    )
    # localize: German input "1.200.000,00" in a text field (a number field refuses the comma)
    amount = forms.DecimalField(label=_("Budget amount (EUR)"), max_digits=14, decimal_places=2, localize=True)
    provider_rate = forms.DecimalField(label=_("Provider share (%)"), max_digits=5, decimal_places=2, initial=30,
                                       localize=True)
    county_rate = forms.DecimalField(label=_("County share (%)"), max_digits=5, decimal_places=2, initial=70,
                                     localize=True)

    def __init__(self, *args, districts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts if districts is not None else District.objects.all()
        self.fields["year"].initial = timezone.localdate().year + 1


class BudgetUpdateForm(forms.ModelForm):
    class Meta:
        model = Budget
        fields = ["amount", "provider_rate", "county_rate"]
        localized_fields = fields


class CostEntryForm(forms.ModelForm):
    case_reference = forms.CharField(label=_("Case reference"), required=False, max_length=40,
                                     help_text=_("Optional: the file reference of the case, e.g. 2026/334/17."))

    class Meta:
        model = CostEntry
        fields = ["booking_date", "category", "amount", "provider", "invoice_number", "microproject", "note"]
        widgets = {"booking_date": DateInput()}
        labels = {"category": _("Cost category"), "amount": _("Amount (EUR)")}
        localized_fields = ["amount"]

    def __init__(self, *args, microprojects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = CostCategory.choices
        self.fields["microproject"].queryset = microprojects if microprojects is not None else \
            self.fields["microproject"].queryset.none()


class ReverseForm(forms.Form):
    booking_date = forms.DateField(label=_("Booking date of the correction"), widget=DateInput())
    note = forms.CharField(label=_("Reason"), max_length=300)


class InstalmentPaidForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file from the bookkeeping system"))


class PotTransferForm(forms.ModelForm):
    class Meta:
        model = PotTransfer
        fields = ["settlement", "amount", "reason"]
        localized_fields = ["amount"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, settlements=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["settlement"].queryset = settlements
        self.fields["settlement"].label_from_instance = lambda s: f"{s.budget} ({s.county_share})"


class AllocationForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Allocate by"),
        choices=[("shares", _("share of invoiced costs")), ("months", _("case months in the year"))],
        initial="shares",
    )
