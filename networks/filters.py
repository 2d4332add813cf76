import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from juwe.models import District, SocialCenter
from networks.models import AgeCohort, MAX_AGE, MemberOrganisation, Network, Offer, OfferTopic, OrganisationKind
from networks.selectors import offers_search


class OfferSearchFilter(django_filters.FilterSet):
    """The Stadtteilkarte's search form; the filtering itself is `offers_search` (shared with cases)."""

    q = django_filters.CharFilter(label=_("Search"), method="noop")
    # null_label=None here and below: the "none" choice (FILTERS_NULL_CHOICE_LABEL) sends "null", which
    # a filter of its own method (or a view reading cleaned_data) would take for a primary key – a 500.
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=District.objects.order_by("name"), method="noop", null_label=None
    )
    age = django_filters.NumberFilter(
        label=_("Age of the child"), method="noop", widget=forms.NumberInput(attrs={"min": 0, "max": MAX_AGE})
    )
    # Several districts at once (a team or social centre), as the controlling dashboard links the
    # directory; hidden, so the form carries it along without another select.
    districts = django_filters.ModelMultipleChoiceFilter(
        label="", queryset=District.objects.order_by("name"), method="noop", widget=forms.MultipleHiddenInput
    )
    topic = django_filters.ChoiceFilter(label=_("Topic"), choices=OfferTopic.choices, method="noop", null_label=None)
    low_threshold = django_filters.BooleanFilter(label=_("low-threshold"), widget=django_filters.widgets.BooleanWidget())
    free_of_charge = django_filters.BooleanFilter(label=_("free of charge"), widget=django_filters.widgets.BooleanWidget())
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("title", "title"), ("district__name", "district"), ("age_from", "age"), ("confirmed_at", "confirmed")),
        field_labels={
            "title": _("Title"),
            "district__name": _("District"),
            "age_from": _("Age"),
            "confirmed_at": _("Last confirmed"),
        },
    )

    class Meta:
        model = Offer
        fields = ["q", "district", "districts", "age", "topic", "low_threshold", "free_of_charge"]

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def noop(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        age = data.get("age")
        district, districts = data.get("district"), list(data.get("districts") or [])
        queryset = offers_search(
            self.user,
            district=district or districts or None,
            age=int(age) if age is not None else None,
            topic=data.get("topic") or None,
            text=data.get("q") or None,
        )
        if district and districts:
            queryset = queryset.filter(district__in=districts)
        return super().filter_queryset(queryset)


class NetworkFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), field_name="name", lookup_expr="icontains")
    social_center = django_filters.ModelChoiceFilter(label=_("Social centre"), queryset=SocialCenter.objects.all())
    cohort = django_filters.ModelChoiceFilter(label=_("Age cohort"), queryset=AgeCohort.objects.all())
    district = django_filters.ModelChoiceFilter(
        label=_("District"), queryset=District.objects.order_by("name"), method="by_district", null_label=None
    )
    active = django_filters.BooleanFilter(label=_("active"), widget=django_filters.widgets.BooleanWidget())
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("name", "name"), ("social_center__name", "social_center"), ("cohort__position", "cohort"),
                ("last_meeting", "last_meeting")),
        field_labels={"name": _("Name"), "social_center__name": _("Social centre"), "cohort__position": _("Age cohort"),
                      "last_meeting": _("Last meeting")},
    )

    class Meta:
        model = Network
        fields = ["q", "social_center", "cohort", "district", "active"]

    def by_district(self, queryset, name, value):
        return queryset.filter(pk__in=Network.objects.filter(districts=value).values("pk"))


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OrganisationKind.choices)
    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=District.objects.order_by("name"))
    cohort = django_filters.ModelChoiceFilter(label=_("Age cohort"), queryset=AgeCohort.objects.all(), field_name="cohorts")
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("name", "name"), ("district__name", "district"), ("kind", "kind")),
        field_labels={"name": _("Name"), "district__name": _("District"), "kind": _("Kind")},
    )

    class Meta:
        model = MemberOrganisation
        fields = ["q", "kind", "district", "cohort"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(city__icontains=value) | Q(street__icontains=value))


class CoverageFilter(django_filters.FilterSet):
    # The view reads the choice from cleaned_data: no "none" choice ("null" is no social centre).
    social_center = django_filters.ModelChoiceFilter(label=_("Social centre"), queryset=SocialCenter.objects.all(),
                                                     null_label=None)

    class Meta:
        model = District
        fields = ["social_center"]
