"""Forms of the contract talk. They parse input; the rules live in `cases.contracts`."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from juwe.lib.forms import TEXT_MAX_LENGTH, DateField, MoneyField, NumberField
from juwe.models import Provider

from .contracts import MSG_COST_NEGATIVE, MSG_COST_NOT_A_NUMBER, MSG_HOURS_NEGATIVE, decided_proposals_qs
from .forms import DateInput
from .models import Case, Contract, ContractParticipant, TaskParty, help_type_choices

# Blank rows on a new contract; "add a row" (a submit button, works without JavaScript) adds one.
EXTRA = {"p": 2, "g": 3, "t": 6}
MAX_ROWS = 60


class ProposalChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        provider = f" ({obj.provider.name})" if obj.provider_id else ""
        return f"{obj.get_help_type_display()}{provider}: {obj.description[:90]}"


class ContractForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    talk_on = DateField(label=_("Date of the contract talk"), widget=DateInput())
    talk_place = forms.CharField(label=_("Place chosen by the family"), max_length=200, required=False,
                                 help_text=_("e.g. at home, in the family centre, at grandmother's"))
    proposal = ProposalChoice(label=_("Help proposal the family chose"), queryset=Case.objects.none(), required=False,
                              empty_label=_("— the family's own proposal —"),
                              help_text=_("Help type and provider are taken from the proposal unless you choose others."))
    own_proposal = forms.CharField(label=_("The family's own proposal"), required=False, max_length=TEXT_MAX_LENGTH,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    help_type = forms.ChoiceField(label=_("Help type"), required=False,
                                  choices=help_type_choices(blank=("", _("— as in the proposal —"))))
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Provider.objects.order_by("name"), required=False,
                                      empty_label=_("— as in the proposal / none —"))
    provider_wish = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("The family's wish for the provider"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Wunsch- und Wahlrecht (§ 5 SGB VIII): which provider the family wished for and why."),
    )
    approved_from = DateField(label=_("Approved from"), required=False, widget=DateInput(),
                              help_text=_("Empty: the date of the talk."))
    approved_until = DateField(label=_("Approved until"), required=False, widget=DateInput(),
                               help_text=_("Empty: 6 months."))
    hours_per_week = NumberField(label=_("Hours per week"), required=False, max_digits=5, example=Decimal("4.5"),
                                 error_messages={"invalid": _("Enter the hours as a number, e.g. 4,5."),
                                                 "negative": MSG_HOURS_NEGATIVE})
    monthly_cost = MoneyField(label=_("Estimated monthly cost (EUR)"), required=False,
                              error_messages={"invalid": MSG_COST_NOT_A_NUMBER, "negative": MSG_COST_NEGATIVE})
    internal_note = forms.CharField(label=_("Internal note (office only)"), required=False, max_length=TEXT_MAX_LENGTH,
                                    widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text=_("Not printed and never shown to the provider."))

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = decided_proposals_qs(case).select_related("provider")
        if not self.is_bound:
            self.initial.setdefault("talk_on", timezone.localdate())

    @classmethod
    def initial_for(cls, contract: Contract) -> dict:
        names = [f for f in cls.base_fields if f != "proposal" and f != "provider"]
        return {**{f: getattr(contract, f) for f in names}, "proposal": contract.proposal_id,
                "provider": contract.provider_id}


class _RowForm(forms.Form):
    """A row of a formset; it counts once one of `typed` has text (selects always carry a value)."""

    typed: tuple[str, ...] = ()

    def has_changed(self) -> bool:
        return any((self.data.get(self.add_prefix(f)) or "").strip() for f in self.typed)


class ParticipantForm(_RowForm):
    typed = ("name",)
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    party = forms.ChoiceField(label=_("Takes part as"), choices=ContractParticipant.Party.choices)
    relation = forms.CharField(label=_("Relation or function"), max_length=120, required=False,
                               help_text=_("e.g. mother, neighbour, case manager"))
    signs = forms.BooleanField(label=_("Signs the contract"), required=False, initial=True)


class GoalForm(_RowForm):
    typed = ("text", "indicator")
    text = forms.CharField(label=_("Goal in the family's words"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_MAX_LENGTH)
    indicator = forms.CharField(label=_("What shows that we reached it"), required=False, max_length=TEXT_MAX_LENGTH,
                                widget=forms.Textarea(attrs={"rows": 2}))


class TaskForm(_RowForm):
    typed = ("who", "what")
    party = forms.ChoiceField(label=_("Party"), choices=TaskParty.choices)
    who = forms.CharField(label=_("Who"), max_length=150, required=False)
    what = forms.CharField(label=_("What"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}), max_length=TEXT_MAX_LENGTH)
    due = forms.CharField(label=_("By when"), max_length=100, required=False, help_text=_("e.g. “every Monday”"))
    due_on = DateField(label=_("Date"), required=False, widget=DateInput())
    goal = forms.TypedChoiceField(label=_("For goal"), coerce=int, empty_value=None, required=False)

    def __init__(self, *args, goal_count: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].choices = [("", "—"), *((str(i), str(i)) for i in range(1, goal_count + 1))]


ParticipantFormSet = forms.formset_factory(ParticipantForm, extra=0, max_num=MAX_ROWS)
GoalFormSet = forms.formset_factory(GoalForm, extra=0, max_num=MAX_ROWS)
TaskFormSet = forms.formset_factory(TaskForm, extra=0, max_num=MAX_ROWS)


def _rows(data, prefix: str, add: str | None):
    """The POST with one more row in the formset `add` names (the "add a row" buttons)."""
    if data is not None and add == prefix:
        data = data.copy()
        key = f"{prefix}-TOTAL_FORMS"
        data[key] = str(min(int(data.get(key) or 0) + 1, MAX_ROWS))
    return data


def contract_formsets(data=None, *, participants=(), goals=(), tasks=(), add: str | None = None) -> dict:
    """The three formsets (participants, goals, tasks) with the given rows plus blank ones."""
    p = ParticipantFormSet(_rows(data, "p", add), prefix="p", initial=list(participants))
    g = GoalFormSet(_rows(data, "g", add), prefix="g", initial=list(goals))
    if data is None:
        for fs, key in ((p, "p"), (g, "g")):
            fs.extra = EXTRA[key]
    goal_count = g.total_form_count()
    t = TaskFormSet(_rows(data, "t", add), prefix="t", initial=list(tasks), form_kwargs={"goal_count": goal_count})
    if data is None:
        t.extra = EXTRA["t"]
    return {"participants": p, "goals": g, "tasks": t}
