"""Forms of cases.reviews: a progress note on a task, and the review of a contract."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from juwe.lib.forms import TEXT_MAX_LENGTH, DateField

from .forms import DateInput
from .models import CaseState, CloseReason, Contract, ContractGoal, ContractState, ReviewDecision, help_type_choices
from .reviews import MSG_NOTE_EMPTY, MSG_RATING_MISSING, MSG_RATING_RANGE, SCORES


class TaskNoteForm(forms.Form):
    text = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("New progress note"), widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": MSG_NOTE_EMPTY},
    )

    def __init__(self, *args, task_id: int, **kwargs):
        # One form per task on a page: ids of their own, so every label points to its field.
        kwargs.setdefault("auto_id", f"id_note{task_id}_%s")
        super().__init__(*args, **kwargs)


class ReviewForm(forms.Form):
    """The review: per goal an achievement 0–10 (`score_<goal id>`) and a note (`note_<goal id>`)."""

    held_on = DateField(label=_("Review held on"), widget=DateInput())
    decision = forms.ChoiceField(label=_("Decision"), choices=ReviewDecision.choices, widget=forms.RadioSelect)
    end_state = forms.ChoiceField(
        label=_("When the help ends, the case goes on as"), required=False,
        choices=[("", "—"), *[(s.value, s.label) for s in (CaseState.COUNSELLING, CaseState.CLOSED)]],
    )
    close_reason = forms.ChoiceField(label=_("Reason for closing"), required=False,
                                     choices=[("", "—"), *CloseReason.choices])
    note = forms.CharField(label=_("Note on the review"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_MAX_LENGTH)

    def __init__(self, *args, goals: list[ContractGoal], **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("held_on", timezone.localdate())
        self.goals = goals
        for goal in goals:
            number = {"number": goal.position}
            self.fields[f"score_{goal.pk}"] = forms.TypedChoiceField(
                label=_("Achievement (0 = not reached, 10 = fully reached)"), coerce=int, widget=forms.RadioSelect,
                choices=[(n, str(n)) for n in SCORES],
                error_messages={"required": MSG_RATING_MISSING % number, "invalid_choice": MSG_RATING_RANGE % number},
            )
            self.fields[f"note_{goal.pk}"] = forms.CharField(
                max_length=TEXT_MAX_LENGTH,
                label=_("Note on goal %(number)s") % number, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def goal_rows(self, earlier: dict | None = None) -> list[dict]:
        earlier = earlier or {}
        return [{"goal": g, "score": self[f"score_{g.pk}"], "note": self[f"note_{g.pk}"],
                 "earlier": earlier.get(g.position, [])} for g in self.goals]

    def ratings(self) -> dict[int, tuple[int | None, str]]:
        data = self.cleaned_data
        return {g.pk: (data.get(f"score_{g.pk}"), data.get(f"note_{g.pk}", "")) for g in self.goals}

    def service_args(self) -> dict:
        data = self.cleaned_data
        return {"held_on": data["held_on"], "ratings": self.ratings(), "decision": data["decision"],
                "end_state": data["end_state"], "close_reason": data["close_reason"], "note": data["note"]}


class ContractFilter(django_filters.FilterSet):
    """Filters of the contract list; the queryset passed in is already scoped to the user."""

    q = django_filters.CharFilter(label=_("Reference or name"), method="search")
    state = django_filters.ChoiceFilter(label=_("State"), choices=ContractState.choices)
    help_type = django_filters.ChoiceFilter(label=_("Help type"), choices=help_type_choices())
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("approved_until", "until"), ("approved_from", "from"), ("case__reference", "reference")),
        field_labels={"approved_until": _("Approved until"), "approved_from": _("Approved from"),
                      "case__reference": _("Reference")},
    )

    class Meta:
        model = Contract
        fields = ["q", "state", "help_type"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.has_perm("cases.view_case"):
            # Drafts stay with the office: provider staff do not get them as a choice.
            self.filters["state"].extra["choices"] = [c for c in ContractState.choices if c[0] != ContractState.DRAFT]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(case__reference__contains=value) | Q(case__member_names__icontains=value)) if value else queryset
