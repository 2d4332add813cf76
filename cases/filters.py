import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from juwe.access import district_scope
from juwe.models import District, Team, User
from juwe.roles import Role

from .models import Case, CaseState, Classification
from .selectors import case_search_q, intake_overdue_q

class YesNoWidget(django_filters.widgets.BooleanWidget):
    """Yes/no select whose empty choice reads as "all", not "unknown"."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", "—"), ("true", _("yes")), ("false", _("no"))]


class CaseFilter(django_filters.FilterSet):
    """The case list's filters. The queryset passed in is already scoped to the user."""

    q = django_filters.CharFilter(label=_("Reference or name"), method="search")
    state = django_filters.MultipleChoiceFilter(
        label=_("State"),
        choices=CaseState.choices,
        null_label=None,  # every case has a state: no "none" box
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checks"}),
    )
    classification = django_filters.ChoiceFilter(
        label=_("Classification"), choices=[("none", _("not yet classified")), *Classification.choices], method="by_classification"
    )
    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=District.objects.none())
    team = django_filters.ModelChoiceFilter(label=_("Team"), queryset=Team.objects.none())
    case_manager = django_filters.ModelChoiceFilter(label=_("Case manager"), queryset=User.objects.none())
    opened = django_filters.DateFromToRangeFilter(
        label=_("Opened between"),
        field_name="opened_on",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )
    intake_overdue = django_filters.BooleanFilter(
        label=_("Intake overdue (10+ contacts)"),
        method="by_intake_overdue",
        widget=YesNoWidget(),
    )
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("opened_on", "opened"),
            ("reference", "reference"),
            ("state", "state"),
            ("district__name", "district"),
            ("contact_count", "contacts"),
            ("last_contact_at", "last_contact"),
        ),
        field_labels={
            "opened_on": _("Opened on"),
            "reference": _("Reference"),
            "state": _("State"),
            "district__name": _("District"),
            "contact_count": _("Contacts"),
            "last_contact_at": _("Last contact"),
        },
    )

    class Meta:
        model = Case
        fields = ["q", "state", "classification", "district", "team", "case_manager", "opened", "intake_overdue"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        districts = district_scope(user)
        self.filters["district"].queryset = districts.order_by("name")
        self.filters["team"].queryset = Team.objects.filter(districts__in=districts).distinct().order_by("name")
        self.filters["case_manager"].queryset = (
            User.objects.filter(team_id=user.team_id, groups__name__in=[Role.CASE_MANAGER, Role.TEAM_LEAD])
            .distinct()
            .order_by("last_name", "first_name")
        )

    def search(self, queryset, name, value):
        return queryset.filter(case_search_q(value))

    def by_classification(self, queryset, name, value):
        return queryset.filter(classification="" if value == "none" else value)

    def by_intake_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(intake_overdue_q()) if value else queryset.exclude(intake_overdue_q())

    @property
    def qs(self):
        qs = super().qs
        # A stable order for pagination: the sort chosen, then newest first.
        return qs.order_by(*qs.query.order_by, "-opened_on", "-id") if qs.query.order_by else qs.order_by("-opened_on", "-id")

