import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from juwe.access import visible
from juwe.models import District, Provider
from microprojects.models import Category, MicroProject, Status


def _districts(request):
    return visible(request.user, District).order_by("name") if request else District.objects.none()


def _providers(request):
    return visible(request.user, Provider).order_by("name") if request else Provider.objects.none()


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    # No "none" choice (FILTERS_NULL_CHOICE_LABEL): its "null" would reach in_district as a primary key.
    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=_districts, method="in_district",
                                                null_label=None)
    # Several districts at once (a team or social centre), as the controlling dashboard links the list;
    # hidden, so the form carries it along without another select.
    districts = django_filters.ModelMultipleChoiceFilter(
        label="", queryset=_districts, method="in_districts", widget=forms.MultipleHiddenInput
    )
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    provider = django_filters.ModelChoiceFilter(label=_("Provider"), queryset=_providers)
    year = django_filters.NumberFilter(label=_("Year"), method="in_year", min_value=2000, max_value=2100)
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("title", "title"), ("start_date", "start"), ("requested_amount", "requested"), ("status", "status")),
        field_labels={"title": _("Title"), "start_date": _("Start"), "requested_amount": _("Requested amount"), "status": _("Status")},
    )

    class Meta:
        model = MicroProject
        fields = ["q", "district", "districts", "category", "status", "provider", "year"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(target_group__icontains=value))

    def in_district(self, queryset, name, value):
        # A subquery, so the many-to-many filter cannot duplicate rows.
        return queryset.filter(pk__in=MicroProject.objects.filter(districts=value).values("pk"))

    def in_districts(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=MicroProject.objects.filter(districts__in=value).values("pk"))

    def in_year(self, queryset, name, value):
        """Projects whose period touches the year."""
        return queryset.filter(start_date__year__lte=value, end_date__year__gte=value)
