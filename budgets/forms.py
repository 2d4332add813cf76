from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budgets.models import Area, Budget, CostCategory, CostEntry, PotTransfer
from budgets.services import (
    AMOUNT_NEGATIVE_NOT_REVERSAL,
    AMOUNT_ZERO,
    DUPLICATE_INVOICE,
    NEGATIVE_BUDGET,
    TRANSFER_NOT_POSITIVE,
    check_amount_and_shares,
)
from juwe.lib.forms import DateField, ModelForm, MoneyField
from juwe.lib.money import format_eur
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
    amount = MoneyField(label=_("Budget amount (EUR)"), error_messages={"negative": NEGATIVE_BUDGET})
    provider_rate = forms.DecimalField(label=_("Provider share (%)"), max_digits=5, decimal_places=2, initial=30,
                                       localize=True)
    county_rate = forms.DecimalField(label=_("County share (%)"), max_digits=5, decimal_places=2, initial=70,
                                     localize=True)

    def __init__(self, *args, districts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts if districts is not None else District.objects.all()
        self.fields["year"].initial = timezone.localdate().year + 1


class BudgetUpdateForm(ModelForm):
    amount = MoneyField(label=_("Budget amount (EUR)"), error_messages={"negative": NEGATIVE_BUDGET})

    class Meta:
        model = Budget
        fields = ["amount", "provider_rate", "county_rate"]
        localized_fields = ["provider_rate", "county_rate"]

    def clean(self):
        """The shares' rules of the service, on their fields (before the model's constraint)."""
        data = super().clean()
        if all(data.get(name) is not None for name in self.Meta.fields):
            try:
                check_amount_and_shares(data["amount"], data["provider_rate"], data["county_rate"])
            except ValidationError as exc:
                for name, errors in exc.error_dict.items():
                    self.add_error(name, errors)
        return data


class CostEntryForm(ModelForm):
    # Zero is no booking; a negative amount only the reversal of an entry ("Reverse" on the entry).
    amount = MoneyField(label=_("Amount (EUR)"), allow_zero=False,
                        error_messages={"zero": AMOUNT_ZERO, "negative": AMOUNT_NEGATIVE_NOT_REVERSAL})
    case_reference = forms.CharField(label=_("Case reference"), required=False, max_length=40,
                                     help_text=_("Optional: the file reference of the case, e.g. 2026/334/17."))

    field_order = ["booking_date", "category", "amount", "provider", "invoice_number", "case_reference",
                   "service_date", "exception_reason", "note"]

    class Meta:
        model = CostEntry
        fields = ["booking_date", "category", "amount", "provider", "invoice_number", "service_date",
                  "exception_reason", "note"]
        widgets = {"booking_date": DateInput(), "service_date": DateInput()}
        labels = {"category": _("Cost category"), "amount": _("Amount (EUR)"),
                  "exception_reason": _("Exception: reason for booking without a contract")}
        help_texts = {
            "service_date": _("With a case: the day the help was given; it must lie in an approved contract period "
                              "of the case (or a taking into care, § 42). Empty: the booking date."),
            "exception_reason": _("Only if the case has no approved contract (and no taking into care) on the service "
                                  "date, e.g. because the decision was made afterwards (§ 36a SGB VIII). The booking "
                                  "is then listed under exceptions. Leave empty otherwise."),
        }

    def __init__(self, *args, allow_exception: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = CostCategory.choices
        self.allow_exception = allow_exception
        if not allow_exception:
            del self.fields["exception_reason"]

    def clean(self):
        """An invoice already booked for the provider is refused on its field (the service checks it
        again under the budget's lock; the model's unique constraint is the last line)."""
        data = super().clean()
        provider, number = data.get("provider"), (data.get("invoice_number") or "").strip()
        if provider and number and CostEntry.objects.filter(provider=provider, invoice_number=number).exists():
            self.add_error("invoice_number", ValidationError(DUPLICATE_INVOICE, params={"number": number}))
        return data

    # The template shows the case link and its legal basis (§ 36a SGB VIII) as one group.
    BASIS_FIELDS = ("case_reference", "service_date", "exception_reason")

    def field_groups(self) -> tuple[list, list, list]:
        """Bound fields before the case group, of the case group, after it (in field_order)."""
        names = list(self.fields)
        first = names.index("case_reference")
        before = [self[n] for n in names[:first] if n not in self.BASIS_FIELDS]
        after = [self[n] for n in names[first:] if n not in self.BASIS_FIELDS]
        return before, [self[n] for n in self.BASIS_FIELDS if n in self.fields], after


class ReverseForm(forms.Form):
    booking_date = DateField(label=_("Booking date of the correction"), widget=DateInput())
    note = forms.CharField(label=_("Reason"), max_length=300)


class InstalmentPaidForm(forms.Form):
    paid_on = DateField(label=_("Paid on"), widget=DateInput())


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file from the bookkeeping system"))


class ImportUploadForm(forms.Form):
    """Step 2 of the import: which checked file (budgets.models.ImportUpload) to save or discard."""

    upload = forms.UUIDField()


class PotTransferForm(ModelForm):
    amount = MoneyField(label=_("amount"), allow_zero=False,
                        error_messages={"zero": TRANSFER_NOT_POSITIVE, "negative": TRANSFER_NOT_POSITIVE})

    class Meta:
        model = PotTransfer
        fields = ["settlement", "amount", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, settlements=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["settlement"].queryset = settlements
        self.fields["settlement"].label_from_instance = lambda s: f"{s.budget} ({format_eur(s.county_share)})"


class AllocationForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Allocate by"),
        choices=[("shares", _("share of invoiced costs")), ("months", _("case months in the year"))],
        initial="shares",
    )
