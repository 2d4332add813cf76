"""The staffing reference page (Personalbemessung) and its export: posts, cases and the socially
weighted youth population per team, and the suggested split of a given number of posts.

Leadership sees its scope (the office, or a social centre's head their centre's teams); a team lead
their own team's row (a split across one team says nothing, so there is none); everyone else 403.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from juwe.controlling.staffing import split_posts
from juwe.controlling.scope import Level, Scope, Subject, resolve_scope, subjects_for
from juwe.controlling.sections.staffing import TeamRow, team_rows, totals
from juwe.lib.export import FORMATS, export_response
from juwe.lib.forms import NumberField

NOT_A_MULTIPLE = gettext_lazy("The posts must be a multiple of %(step)s.")


class StaffingForm(forms.Form):
    jahr = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100, required=False)
    stellen = NumberField(
        label=gettext_lazy("Posts to split"),
        min_value=0,
        max_value=9999,
        decimal_places=1,
        required=False,
        help_text=gettext_lazy("Full-time case manager posts, e.g. 150 or 152,5."),
    )
    schritt = forms.ChoiceField(
        label=gettext_lazy("Rounded to"),
        choices=[("0.5", gettext_lazy("half posts")), ("0.1", gettext_lazy("tenths of a post"))],
        required=False,
    )

    def clean(self):
        data = super().clean()
        posts, step = data.get("stellen"), Decimal(data.get("schritt") or "0.5")
        data["schritt"] = step
        if posts is not None and (posts / step) != (posts / step).to_integral_value():
            self.add_error("stellen", NOT_A_MULTIPLE % {"step": str(step).replace(".", ",")})
        return data


def _scope(user) -> Scope:
    if Subject.STAFFING not in subjects_for(user):
        raise PermissionDenied
    return resolve_scope(user)


def _calculate(request: HttpRequest):
    """Form, scope, rows, totals, split (or None), year, posts split, reference date: page and export."""
    scope = _scope(request.user)
    form = StaffingForm(request.GET or None)
    today = timezone.localdate()
    valid = not form.is_bound or form.is_valid()
    cleaned = form.cleaned_data if form.is_bound else {}
    year = cleaned.get("jahr") or today.year  # a valid year is used even when the posts are wrong
    posts, step = cleaned.get("stellen"), cleaned.get("schritt") or Decimal("0.5")
    reference = min(today, date(year, 12, 31))
    rows = team_rows(scope.district_ids, year, reference)
    total = totals(rows)
    split = None
    if valid and scope.level != Level.TEAM and len(rows) > 1:
        if posts is None:  # the posts recorded for the year, split exactly (they need not be whole halves)
            posts, step = total.posts, Decimal("0.01")
        if posts is not None:
            split = split_posts(posts, {r.team_id: r.weighted_population for r in rows}, step)
    return form, scope, rows, total, split, year, posts, reference


def _difference(row: TeamRow, split: dict | None) -> Decimal | None:
    if split is None or row.posts is None:
        return None
    return split[row.team_id] - row.posts


def staffing(request: HttpRequest) -> HttpResponse:
    form, scope, rows, total, split, year, posts, reference = _calculate(request)
    lines = [(row, split.get(row.team_id) if split else None, _difference(row, split)) for row in rows]
    return render(
        request,
        "controlling/staffing.html",
        {
            "form": form, "scope": scope, "lines": lines, "total": total, "split": split, "year": year,
            "posts": posts, "reference": reference, "split_possible": scope.level != Level.TEAM and len(rows) > 1,
            "query": request.GET.urlencode(),
        },
    )


def staffing_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    form, scope, rows, total, split, year, posts, reference = _calculate(request)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest(" ".join(str(e) for errors in form.errors.values() for e in errors))
    header = [
        _("Team"), _("Full-time case managers"), _("Open cases"), _("Cases per full-time case manager"),
        _("Youth population under 21"), _("Socially weighted youth population"),
        _("Socially weighted youth population per full-time case manager"), _("Suggested posts"), _("Difference"),
    ]
    out = [
        [row.name, row.posts, row.open_cases, row.cases_per_post, row.youth_population, row.weighted_population,
         row.weighted_per_post, split.get(row.team_id) if split else None, _difference(row, split)]
        for row in rows
    ]
    out.append([total.name, total.posts, total.open_cases, total.cases_per_post, total.youth_population,
                total.weighted_population, total.weighted_per_post, posts if split else None, None])
    return export_response(
        request, fmt=fmt, header=header, rows=out, filename=f"personalbemessung-{year}",
        audit_name="controlling.staffing.exported", data={"scope": scope.level, "year": year},
    )
