import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from budgets.models import Area, Budget, CostCategory, CostEntry
from juwe.access import visible
from juwe.models import District, Provider, SocialCenter, Team


class NumberInFilter(django_filters.BaseInFilter, django_filters.NumberFilter):
    """Ids as a comma-separated list: `?districts=3,7`."""


class BudgetFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"))
    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=District.objects.all())
    # Team and social centre: the controlling dashboard links its scope's budgets here.
    team = django_filters.ModelChoiceFilter(label=_("Team"), field_name="district__team", queryset=Team.objects.all())
    social_center = django_filters.ModelChoiceFilter(label=_("Social centre"), field_name="district__social_center",
                                                     queryset=SocialCenter.objects.all())
    area = django_filters.ChoiceFilter(label=_("Area"), choices=Area.choices)
    provider = django_filters.ModelChoiceFilter(
        label=_("Lead provider"), queryset=Provider.objects.filter(lead_districts__isnull=False).distinct()
    )
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("district__name", "district"), ("year", "year"), ("amount", "amount"), ("provider__name", "provider")),
        field_labels={"district__name": _("District"), "year": _("Year"), "amount": _("Amount"),
                      "provider__name": _("Lead provider")},
    )

    class Meta:
        model = Budget
        fields = ["year", "district", "area", "provider"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _scope_choices(self, user)


class CostEntryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Invoice number or note"), method="search")
    year = django_filters.NumberFilter(label=_("Year"), field_name="budget__year")
    district = django_filters.ModelChoiceFilter(label=_("District"), field_name="budget__district",
                                                queryset=District.objects.all())
    # The districts of a controlling scope (team, social centre) as comma-separated ids: the dashboard
    # links its booked costs here. Hidden, so the page renders no further choice list (its queries are pinned).
    districts = NumberInFilter(field_name="budget__district_id", label="", help_text="", widget=forms.HiddenInput)
    area = django_filters.ChoiceFilter(label=_("Area"), field_name="budget__area", choices=Area.choices)
    category = django_filters.ChoiceFilter(label=_("Cost category"), choices=CostCategory.choices)
    provider = django_filters.ModelChoiceFilter(label=_("Provider"), queryset=Provider.objects.all())
    date_from = django_filters.DateFilter(label=_("Booked from"), field_name="booking_date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("Booked until"), field_name="booking_date", lookup_expr="lte")
    # The controlling's booked costs leave out the legacy micro-project bookings; its link does too.
    without_microprojects = django_filters.BooleanFilter(label=_("Without micro-projects"), field_name="microproject",
                                                         lookup_expr="isnull")
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("booking_date", "date"), ("amount", "amount"), ("invoice_number", "invoice")),
        field_labels={"booking_date": _("Booking date"), "amount": _("Amount"), "invoice_number": _("Invoice number")},
    )

    class Meta:
        model = CostEntry
        fields = ["q", "year", "district", "area", "category", "provider"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _scope_choices(self, user)

    def search(self, queryset, name, value):
        return queryset.filter(Q(invoice_number__icontains=value) | Q(note__icontains=value))


def _scope_choices(filterset, user) -> None:
    """Offer only the districts (teams, social centres) the user may see (no names from other social centres)."""
    if user is not None:
        filterset.filters["district"].queryset = visible(user, District)
        for name, model in (("team", Team), ("social_center", SocialCenter)):
            if name in filterset.filters:
                filterset.filters[name].queryset = visible(user, model).order_by("name")


class ExceptionFilter(django_filters.FilterSet):
    """Filters of the list of bookings on a case without a legal basis (§ 36a SGB VIII)."""

    KIND_CHOICES = [("exception", _("exception with a reason")), ("legacy", _("without legal basis (legacy)"))]

    year = django_filters.NumberFilter(label=_("Year"), field_name="budget__year")
    district = django_filters.ModelChoiceFilter(label=_("District"), field_name="budget__district",
                                                queryset=District.objects.all())
    budget = django_filters.ModelChoiceFilter(label=_("Budget"), queryset=Budget.objects.none())
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=KIND_CHOICES, method="filter_kind")
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("booking_date", "date"), ("amount", "amount"), ("case__reference", "case")),
        field_labels={"booking_date": _("Booking date"), "amount": _("Amount"), "case__reference": _("Case")},
    )

    class Meta:
        model = CostEntry
        fields = ["year", "district", "budget", "kind"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _scope_choices(self, user)
        if user is not None:
            self.filters["budget"].queryset = visible(user, Budget).select_related("district") \
                .order_by("-year", "district__name", "area")

    def filter_kind(self, queryset, name, value):
        if value == "legacy":
            return queryset.filter(exception_reason="")
        return queryset.exclude(exception_reason="")
