"""Forms of the case conference. They parse input; the rules live in `cases.conference`."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from juwe.lib.forms import TEXT_MAX_LENGTH, DateTimeField, ModelForm
from juwe.models import Provider, User

from . import conference
from .forms import DateTimeInput, UniqueIds
from .selectors import team_caseworkers
from .models import Case, ConferenceIdea, ConferenceItem, ConferenceParticipant, HelpProposal, ParticipantFunction, Vote


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


class ConferenceForm(forms.Form):
    starts_at = DateTimeField(label=_("Date and time"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    chair = UserChoiceField(label=_("Moderation"), queryset=User.objects.none(), required=False)
    note = forms.CharField(label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=TEXT_MAX_LENGTH)

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = team_caseworkers(team.pk)
        if not self.is_bound and "starts_at" not in self.initial:
            # The next full hour; teams usually meet in the morning, the user adjusts it.
            now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
            self.initial["starts_at"] = now + dt.timedelta(days=7)

    @classmethod
    def for_conference(cls, conf, data=None):
        initial = {"starts_at": timezone.localtime(conf.starts_at), "place": conf.place, "chair": conf.chair_id,
                   "note": conf.note}
        return cls(data, initial=initial, team=conf.team)


class ParticipantForm(UniqueIds, forms.Form):
    """A user of JuWe (function from their role), or a named guest with function and provider."""

    id_prefix = "participant"

    participant_user = UserChoiceField(
        label=_("User"), queryset=User.objects.none(), required=False,
        help_text=_("Case managers, team leads, economic youth aid and provider staff."),
    )
    name = forms.CharField(label=_("or guest: name"), max_length=150, required=False)
    function = forms.ChoiceField(label=_("Guest's function"), choices=[("", "—"), *ParticipantFunction.choices],
                                 required=False)
    provider = forms.ModelChoiceField(label=_("Guest's provider"), queryset=Provider.objects.none(), required=False)

    def __init__(self, *args, conf, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant_user"].queryset = conference.eligible_participant_users(conf.team).exclude(
            id__in=conf.participants.filter(user__isnull=False).values("user_id")
        )
        self.fields["provider"].queryset = Provider.objects.order_by("name")


class ItemAddForm(UniqueIds, forms.Form):
    id_prefix = "item"

    case = forms.ModelChoiceField(label=_("Case"), queryset=Case.objects.none())
    presenter = UserChoiceField(
        label=_("Presented by"), queryset=User.objects.none(), required=False,
        help_text=_("Empty: the responsible case manager."),
    )

    def __init__(self, *args, user, conf, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = conference.agenda_cases(user, conf)
        self.fields["case"].label_from_instance = lambda c: f"{c.reference} ({c.get_state_display()})"
        self.fields["presenter"].queryset = team_caseworkers(conf.team_id)


class PresentationForm(UniqueIds, ModelForm):
    """Step 1: case presentation and information questions."""

    id_prefix = "step1"

    class Meta:
        model = ConferenceItem
        fields = ["presenter", "presentation", "questions"]
        field_classes = {"presenter": UserChoiceField}
        widgets = {"presentation": forms.Textarea(attrs={"rows": 6}), "questions": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "presentation": _("The presenter's picture of the case: family, concern, will and goals, what has been tried."),
            "questions": _("Questions to understand the case – no advice yet – and their answers."),
        }

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenter"].queryset = team_caseworkers(team.pk)


class PerspectivesForm(UniqueIds, ModelForm):
    """Step 2: change of perspective and idea exchange."""

    id_prefix = "step2"

    class Meta:
        model = ConferenceItem
        fields = ["perspectives"]
        widgets = {"perspectives": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"perspectives": _("How would the child, the parents, the school see it? What else could help?")}


class IdeaForm(UniqueIds, ModelForm):
    id_prefix = "idea"

    class Meta:
        model = ConferenceIdea
        fields = ["text", "resource"]

    def __init__(self, *args, resources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = resources
        self.fields["resource"].label_from_instance = lambda r: f"{r.get_area_display()}: {r.description}"
        self.fields["resource"].help_text = _("Optional: the strength of the case's resource map the idea builds on.")


class ProposalForm(UniqueIds, ModelForm):
    """Step 3: a help proposal (at least two per case before the vote)."""

    id_prefix = "proposal"

    class Meta:
        model = HelpProposal
        fields = ["help_type", "description", "provider"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Provider.objects.order_by("name")


class VoteForm(forms.Form):
    """Step 4: one row per participant – agrees or veto (with reason) – and a decision note."""

    decision_note = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        label=_("Decision (if all agree)"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
        help_text=_("e.g. which proposals the case manager takes into the contract talk with the family."),
    )

    def __init__(self, *args, participants: list[ConferenceParticipant], **kwargs):
        kwargs.setdefault("auto_id", "vote_%s")
        super().__init__(*args, **kwargs)
        self.participants = participants
        for p in participants:
            self.fields[f"vote_{p.pk}"] = forms.ChoiceField(
                label=_("Vote of %(name)s") % {"name": p.name}, choices=Vote.choices, widget=forms.RadioSelect,
                required=True, error_messages={"required": conference.MSG_VOTE_REQUIRED},
            )
            self.fields[f"reason_{p.pk}"] = forms.CharField(
                max_length=TEXT_MAX_LENGTH,
                label=_("Reason for the veto of %(name)s") % {"name": p.name}, required=False,
                widget=forms.Textarea(attrs={"rows": 1}),
            )

    def rows(self):
        return [(p, self[f"vote_{p.pk}"], self[f"reason_{p.pk}"]) for p in self.participants]

    def clean(self):
        data = super().clean()
        for p in self.participants:
            if data.get(f"vote_{p.pk}") == Vote.VETO and not data.get(f"reason_{p.pk}", "").strip():
                self.add_error(f"reason_{p.pk}", conference.MSG_VETO_REASON_REQUIRED)
        return data

    def vote_inputs(self) -> list[conference.VoteInput]:
        return [
            conference.VoteInput(p, self.cleaned_data.get(f"vote_{p.pk}") or "", self.cleaned_data.get(f"reason_{p.pk}", ""))
            for p in self.participants
        ]
