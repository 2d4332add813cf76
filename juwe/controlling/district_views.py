"""District profiles (Stadtteilprofile): the social-space analysis' indicators next to the live case
and money figures of the district, and any two districts side by side.

The live figures come from the dashboard's sections for a district scope and the current year,
only the subjects the viewer may see (`subjects_for`): a case manager sees the indicators alone, a
district coordinator the prevention figures too, leadership everything. Sections are rendered
generically (label and formatted value), whatever figures they return.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from juwe.access import get_visible_or_404, require_perm, visible
from juwe.controlling import sections
from juwe.controlling.figures import Context, Section
from juwe.controlling.formatting import format_figure as format_value
from juwe.controlling.period import Period
from juwe.controlling.scope import Level, Subject, resolve_scope, subjects_for
from juwe.filters import DistrictFilter
from juwe.models import District, DistrictIndicator

PROFILE_YEARS = 5
HIDDEN_FIELDS = {"id", "district", "year"}


def district_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "juwe.view_district_profile")
    qs = visible(request.user, District).select_related("team", "social_center").order_by("name")
    filterset = DistrictFilter(request.GET, queryset=qs, user=request.user)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    return render(request, "controlling/district_list.html", {"filter": filterset, "page": page})


def _indicator_fields():
    return [f for f in DistrictIndicator._meta.get_fields() if f.concrete and f.name not in HIDDEN_FIELDS]


def _display(indicator: DistrictIndicator | None, field) -> str:
    """An indicator's value as text: the type with its name, the index with 3 places, counts grouped."""
    if indicator is None:
        return "–"
    value = getattr(indicator, field.name)
    if field.name == "district_type":
        return indicator.get_district_type_display()
    if value is None:
        return "–"
    if field.name == "precarity_index":
        return format_value(Decimal(value).quantize(Decimal("0.001")), "number")
    return format_value(value, "number")


@dataclass
class StaffChange:
    first_year: int
    first: Decimal
    last_year: int
    last: Decimal

    @property
    def change(self) -> Decimal:
        return self.last - self.first


def staff_change(indicators: list[DistrictIndicator]) -> StaffChange | None:
    """The staff of the earliest and the latest shown year that record it (None with fewer than two)."""
    staffed = [ind for ind in indicators if ind.staff_posts is not None]
    if len(staffed) < 2:
        return None
    first, last = min(staffed, key=lambda i: i.year), max(staffed, key=lambda i: i.year)
    return StaffChange(first.year, first.staff_posts, last.year, last.staff_posts)


def live_sections(user, district: District) -> list[Section]:
    """The sections the user may see, for the district and the current year up to today."""
    allowed = subjects_for(user)
    if not allowed:
        return []
    try:
        scope = resolve_scope(user, Level.DISTRICT, district.pk)
    except (PermissionDenied, Http404):
        return []
    today = timezone.localdate()
    ctx = Context(scope=scope, period=Period.year(today.year, reference=today), user=user)
    return [sections.compute(subject, ctx) for subject in Subject if subject in allowed]


def district_profile(request: HttpRequest, code: str) -> HttpResponse:
    require_perm(request.user, "juwe.view_district_profile")
    district = get_visible_or_404(request.user, District.objects.select_related("team", "social_center"), code=code)
    indicators = list(district.indicators.order_by("-year")[:PROFILE_YEARS])[::-1]
    rows = [(str(field.verbose_name), [_display(ind, field) for ind in indicators]) for field in _indicator_fields()]
    live = [
        (section.title, [(f.label, format_value(f.value, f.kind), f.help) for f in section.figures])
        for section in live_sections(request.user, district)
    ]
    return render(
        request,
        "controlling/district_profile.html",
        {
            "district": district,
            "indicators": indicators,
            "latest": indicators[-1] if indicators else None,
            "rows": rows,
            "lead_providers": district.lead_providers.all(),
            "staff": staff_change(indicators),
            "live": [(title, figures) for title, figures in live if figures],
        },
    )


class CompareForm(forms.Form):
    a = forms.ChoiceField(label=gettext_lazy("District"))
    b = forms.ChoiceField(label=gettext_lazy("compared with"))

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(d.code, f"{d.name} ({d.code})") for d in districts]
        self.fields["a"].choices = self.fields["b"].choices = choices


def _compare_rows(left: list[Section], right: list[Section]) -> list[tuple[str, list]]:
    """Per section: (label, value A, value B), matched by the figure's key."""
    out = []
    right_by_subject = {s.subject: s for s in right}
    for section in left:
        other = {f.key: f for f in right_by_subject.get(section.subject, Section(section.subject, "")).figures}
        rows = []
        for fig in section.figures:
            twin = other.get(fig.key)
            rows.append((fig.label, format_value(fig.value, fig.kind),
                         format_value(twin.value, twin.kind) if twin else "–"))
        if rows:
            out.append((section.title, rows))
    return out


def district_compare(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "juwe.view_district_profile")
    districts = list(visible(request.user, District).order_by("name"))
    form = CompareForm(request.GET or None, districts=districts)
    context = {"form": form}
    codes = (request.GET.get("a"), request.GET.get("b"))
    if all(codes):
        by_code = {d.code: d for d in districts}
        if not all(code in by_code for code in codes):
            raise Http404  # unknown or outside the user's scope: the same answer
        pair = [by_code[code] for code in codes]
        latest = {}
        for ind in DistrictIndicator.objects.filter(district__in=pair).order_by("district_id", "-year").distinct(
            "district_id"
        ):
            latest[ind.district_id] = ind
        left, right = (latest.get(d.pk) for d in pair)
        context.update(
            pair=pair,
            latest=(left, right),
            rows=[(str(f.verbose_name), _display(left, f), _display(right, f)) for f in _indicator_fields()],
            live=_compare_rows(live_sections(request.user, pair[0]), live_sections(request.user, pair[1])),
        )
    return render(request, "controlling/district_compare.html", context)
