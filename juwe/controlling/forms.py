"""The dashboard's selectors: scope (level + object) and period (year, quarter or month range, Stichtag).

GET parameters are German, like the URLs: `ebene`, `id`, `jahr`, `quartal`, `von`/`bis` (months,
YYYY-MM), `stichtag` (YYYY-MM-DD). The scope selector on the page submits both in one field,
`bereich` ("team:3"), so the object always belongs to the level chosen with it. A period still
running is cut at today (see Period.cut): this year's figures compare with the same days last year.
"""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from juwe.controlling.period import Period
from juwe.controlling.scope import Level, _reachable_districts, levels_for
from juwe.lib.forms import DateField
from juwe.models import District

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MESSAGES = {
    "month": _("Enter a month as YYYY-MM, e.g. 2026-03."),
    "range_incomplete": _("Enter both the first and the last month of the range."),
    "range_order": _("The last month must not lie before the first."),
    "future": _("The period has not begun yet."),
    "reference_outside": _("The reference date must lie within the period (%(start)s–%(end)s)."),
    "scope": _("Choose an area from the list."),
}


class MonthField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 7)  # YYYY-MM
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = MONTH.match(value.strip())
        if not match or not 1 <= int(match[2]) <= 12 or not 1900 < int(match[1]) < 2200:
            raise forms.ValidationError(MESSAGES["month"], code="month")
        return int(match[1]), int(match[2])


def scope_choices(user, levels: list[str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The scope selector's options grouped by level, in two queries whatever the size of the office.

    Same rule as scope.choices_for (a social centre or team only when all its districts are in
    reach), computed from one list of districts instead of one query per team.
    """
    if not levels:
        return []
    reachable = _reachable_districts(user)
    districts = list(District.objects.values("id", "name", "team_id", "team__name", "social_center_id",
                                             "social_center__name").order_by("name"))
    groups = []
    for level in levels:
        if level == Level.OFFICE:
            options = [(f"{level}:", str(_("Whole youth office")))]
        elif level == Level.DISTRICT:
            options = [(f"{level}:{d['id']}", d["name"]) for d in districts if d["id"] in reachable]
        else:
            field = "team" if level == Level.TEAM else "social_center"
            members: dict[int, tuple[str, set[int]]] = {}
            for d in districts:
                if d[f"{field}_id"] is not None:
                    members.setdefault(d[f"{field}_id"], (d[f"{field}__name"], set()))[1].add(d["id"])
            options = sorted(
                ((f"{level}:{pk}", name) for pk, (name, ids) in members.items() if ids <= reachable),
                key=lambda option: option[1],
            )
        groups.append((str(Level(level).label), options))
    return groups


class DashboardForm(forms.Form):
    # Not validated against its choices: a scope out of reach answers 404 (resolve_scope), not a form error.
    bereich = forms.CharField(label=_("Area"), required=False, max_length=40, widget=forms.Select)
    ebene = forms.ChoiceField(label=_("Level"), choices=Level.choices, required=False, widget=forms.HiddenInput)
    id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    jahr = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    quartal = forms.TypedChoiceField(
        label=_("Quarter"), required=False, coerce=int, empty_value=None,
        choices=[("", _("whole year")), (1, "1"), (2, "2"), (3, "3"), (4, "4")],
    )
    von = MonthField(label=_("From month"), required=False, help_text=_("YYYY-MM, instead of year and quarter"))
    bis = MonthField(label=_("To month"), required=False)
    stichtag = DateField(label=_("Reference date"), required=False, input_formats=["%Y-%m-%d"],
                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                         help_text=_("Default: the end of the period, today for a running one"))

    def __init__(self, data, *, user, **kwargs):
        self.user = user
        self.today: date = timezone.localdate()
        levels = levels_for(user)
        data = data.copy() if data is not None else {}
        if hasattr(data, "dict"):
            data = data.dict()
        if not data.get("jahr") and not data.get("von") and not data.get("bis"):
            data["jahr"] = str(self.today.year)
        if data.get("bereich") and ":" in data["bereich"]:
            data["ebene"], data["id"] = data["bereich"].split(":", 1)
        elif data.get("ebene"):
            data["bereich"] = f"{data['ebene']}:{data.get('id', '')}"
        super().__init__(data, **kwargs)
        self.fields["bereich"].widget.choices = scope_choices(user, levels)
        self.levels = levels

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        von, bis = data.get("von"), data.get("bis")
        if von or bis:
            if not (von and bis):
                self.add_error("bis" if von else "von", MESSAGES["range_incomplete"])
                return data
            if bis < von:
                self.add_error("bis", MESSAGES["range_order"])
                return data
            period = Period.months(von, bis)
        else:
            year = data.get("jahr") or self.today.year
            period = Period.quarter(year, data["quartal"]) if data.get("quartal") else Period.year(year)
        if period.start > self.today:
            self.add_error(None, MESSAGES["future"])
            return data
        stichtag = data.get("stichtag")
        if stichtag is not None:
            if not period.start <= stichtag <= min(period.end, self.today):
                self.add_error("stichtag", MESSAGES["reference_outside"] % {
                    "start": f"{period.start:%d.%m.%Y}", "end": f"{min(period.end, self.today):%d.%m.%Y}"})
                return data
            period = Period(period.start, period.end, period.kind, stichtag)
        data["period"] = period.cut(self.today)
        data["level"] = data.get("ebene") or (self.levels[0] if self.levels else None)
        data["object_id"] = data.get("id")
        return data

    def scope_value(self, scope) -> str:
        return f"{scope.level}:{scope.object_id or ''}"

    def period_query(self) -> dict[str, str]:
        """The period's parameters as given (for export and report links)."""
        keys = ("von", "bis") if self.data.get("von") or self.data.get("bis") else ("jahr", "quartal")
        return {k: str(self.data[k]) for k in (*keys, "stichtag") if self.data.get(k)}
