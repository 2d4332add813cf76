import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from juwe.access import district_scope
from juwe.models import District, Team, User
from juwe.roles import Role

from .models import Case, CaseState, Classification, CloseReason, StateChange
from .metrics.casefile import open_at_q
from .metrics.casefile import reached_help as reached_help_q
from .selectors import case_search_q, intake_overdue_q

class LabelledDateRangeWidget(django_filters.widgets.DateRangeWidget):
    """Two date inputs ("from", "until"), each with its own visually hidden label.

    The field's one label ("Opened between") cannot name two inputs: a screen reader announced
    two unnamed date fields (axe: "Form elements must have labels"). Rendered here rather than
    from a template, because the form renderer does not see the project's templates folder.
    """

    def __init__(self, labels, attrs=None):
        super().__init__(attrs={"type": "date", **(attrs or {})})
        self.labels = labels

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        parts = []
        for sub, label in zip(context["widget"]["subwidgets"], self.labels, strict=True):
            html = self._render(sub["template_name"], {"widget": sub}, renderer)
            parts.append(format_html('<label class="visually-hidden" for="{}">{}</label>{}', sub["attrs"].get("id", ""), label, html)
                         if sub["attrs"].get("id") else html)
        return format_html('<span class="range">{} – {}</span>', *parts)


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
        widget=LabelledDateRangeWidget(labels=(_("Opened from"), _("Opened until"))),
    )
    # The controlling dashboard links here with these (a team's districts, a period, a reference date).
    # `districts` only comes from such a link: hidden, so the form needs no second list of districts
    # (the template names the chosen ones).
    districts = django_filters.ModelMultipleChoiceFilter(
        label=_("Districts"), field_name="district", queryset=District.objects.none(), widget=forms.MultipleHiddenInput
    )
    closed = django_filters.DateFromToRangeFilter(
        label=_("Closed between"),
        field_name="closed_on",
        widget=LabelledDateRangeWidget(labels=(_("Closed from"), _("Closed until"))),
    )
    open_on = django_filters.DateFilter(
        label=_("Open on"), method="by_open_on", widget=forms.DateInput(attrs={"type": "date"})
    )
    close_reason = django_filters.ChoiceFilter(label=_("Reason for closing"), choices=CloseReason.choices)
    reached_help = django_filters.BooleanFilter(
        label=_("Was in help"), method="by_reached_help", widget=YesNoWidget()
    )
    decided = django_filters.DateFromToRangeFilter(
        label=_("Intake decided between"),
        method="by_decided",
        widget=LabelledDateRangeWidget(labels=(_("Intake decided from"), _("Intake decided until"))),
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
        fields = [
            "q", "state", "classification", "district", "districts", "team", "case_manager", "opened", "closed",
            "open_on", "close_reason", "reached_help", "decided", "intake_overdue",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        districts = district_scope(user)
        self.filters["district"].queryset = districts.order_by("name")
        self.filters["districts"].queryset = districts.order_by("name")
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

    def by_open_on(self, queryset, name, value):
        # The same rule as the controlling figure "open at the reference date".
        return queryset.filter(open_at_q(value)) if value else queryset

    def by_reached_help(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(reached_help_q()) if value else queryset.exclude(reached_help_q())

    def by_decided(self, queryset, name, value):
        """Cases whose intake ended (the one change out of "intake") within the dates, as in controlling."""
        if not value or (value.start is None and value.stop is None):
            return queryset
        days = {}
        if value.start is not None:
            days["changed_at__date__gte"] = value.start
        if value.stop is not None:
            days["changed_at__date__lte"] = value.stop
        exits = StateChange.objects.filter(case=OuterRef("pk"), from_state=CaseState.INTAKE, **days)
        return queryset.filter(Exists(exits))

    def by_intake_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(intake_overdue_q()) if value else queryset.exclude(intake_overdue_q())

    @property
    def qs(self):
        qs = super().qs
        # A stable order for pagination: the sort chosen, then newest first.
        return qs.order_by(*qs.query.order_by, "-opened_on", "-id") if qs.query.order_by else qs.order_by("-opened_on", "-id")

