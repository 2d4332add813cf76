import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from juwe.access import visible
from juwe.models import District, SocialCenter, Team


class DistrictFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    social_center = django_filters.ModelChoiceFilter(
        label=_("Social centre"), queryset=SocialCenter.objects.none(), empty_label=_("all")
    )
    team = django_filters.ModelChoiceFilter(label=_("Team"), queryset=Team.objects.none(), empty_label=_("all"))
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("name", "name"), ("code", "code"), ("team__name", "team"), ("social_center__name", "social_center")),
        field_labels={"name": _("Name"), "code": _("Code"), "team__name": _("Team"), "social_center__name": _("Social centre")},
    )

    class Meta:
        model = District
        fields = ["q", "social_center", "team"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer only the choices inside the user's scope.
        self.filters["social_center"].queryset = visible(user, SocialCenter)
        self.filters["team"].queryset = visible(user, Team)

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__iexact=value))
