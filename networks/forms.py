"""Forms of the networks app. They only parse input; the rules live in services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from juwe.lib.forms import DateField, ModelForm
from juwe.models import District, SocialCenter, User
from juwe.roles import Role
from networks.access import coordinated_district_ids
from networks.models import (
    AgeCohort,
    ContactPerson,
    Meeting,
    MeetingTopic,
    MemberOrganisation,
    Membership,
    ModelRules,
    Network,
    Offer,
    OfferTopic,
)
from networks.services import (
    MEETING_FIELDS,
    NETWORK_COHORT_REQUIRED,
    NETWORK_DISTRICT_REQUIRED,
    OFFER_FIELDS,
    ORGANISATION_FIELDS,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class ServiceForm(ModelForm):
    """A model form that only parses: the service validates the model (with our German messages)
    and writes it, so the form skips Django's model validation and never saves itself."""

    def _post_clean(self):
        pass


def managed_districts(user):
    """Districts a user may enter things for: a coordinator's own, everything for administrators."""
    if user.has_role(Role.ADMINISTRATOR):
        return District.objects.order_by("name")
    return District.objects.filter(pk__in=list(coordinated_district_ids(user))).order_by("name")


class OfferForm(ServiceForm):
    topics = forms.MultipleChoiceField(
        label=_("Topics"), choices=OfferTopic.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    # Plain text: the service answers an invalid address with its own German message.
    contact_email = forms.CharField(label=_("contact e-mail"), required=False, max_length=254)

    class Meta:
        model = Offer
        fields = OFFER_FIELDS
        widgets = {
            "valid_from": DateInput(),
            "valid_until": DateInput(),
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, user, suggest: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = MemberOrganisation.objects.filter(active=True).order_by("name")
        self.fields["district"].queryset = District.objects.order_by("name") if suggest else managed_districts(user)


class OrganisationForm(ServiceForm):
    cohorts = forms.ModelMultipleChoiceField(
        label=_("Age cohorts"), queryset=AgeCohort.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    email = forms.CharField(label=_("e-mail"), required=False, max_length=254)

    class Meta:
        model = MemberOrganisation
        fields = (*ORGANISATION_FIELDS, "cohorts")
        field_classes = {"website": lambda **kw: forms.URLField(assume_scheme="https", **kw)}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = managed_districts(user)


class ContactForm(ServiceForm):
    email = forms.CharField(label=_("e-mail"), required=False, max_length=254)

    class Meta:
        model = ContactPerson
        fields = ("name", "function", "phone", "email")


class NetworkForm(ServiceForm):
    # The service refuses a network without them too; the form answers first with the same words.
    cohort = forms.ModelChoiceField(
        label=_("Age cohort"), queryset=AgeCohort.objects.all(), error_messages={"required": NETWORK_COHORT_REQUIRED}
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts"), queryset=District.objects.none(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": NETWORK_DISTRICT_REQUIRED},
    )

    class Meta:
        model = Network
        fields = ("name", "social_center", "districts", "cohort", "coordinator", "active", "rules_of_procedure",
                  "rules_adopted_on")
        widgets = {"rules_adopted_on": DateInput(), "rules_of_procedure": forms.Textarea(attrs={"rows": 12})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        own = managed_districts(user)
        centres = SocialCenter.objects.filter(districts__in=own).distinct()
        self.fields["social_center"].queryset = centres
        # The districts of the coordinator's social centres: a network may reach into a neighbouring district.
        self.fields["districts"].queryset = District.objects.filter(social_center__in=centres).order_by("name")
        self.fields["coordinator"].queryset = (
            User.objects.filter(groups__name=Role.DISTRICT_COORDINATOR.value, is_active=True).order_by("last_name")
        )
        if not self.instance.pk:
            self.initial.setdefault("coordinator", user.pk)


class AdoptRulesForm(forms.Form):
    model_rules = forms.ModelChoiceField(
        label=_("Model text"), queryset=ModelRules.objects.filter(current=True), empty_label=None
    )
    adopted_on = DateField(label=_("Adopted on"), required=False, widget=DateInput())


class MembershipForm(ServiceForm):
    class Meta:
        model = Membership
        fields = ("organisation", "role", "since", "until")
        widgets = {"since": DateInput(), "until": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = MemberOrganisation.objects.filter(active=True).order_by("name")


class EndMembershipForm(forms.Form):
    until = DateField(label=_("Member until"), widget=DateInput())


class MeetingForm(ServiceForm):
    topics = forms.MultipleChoiceField(
        label=_("Topics"), choices=MeetingTopic.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Meeting
        fields = MEETING_FIELDS
        widgets = {
            "date": DateInput(),
            "start_time": TimeInput(),
            "end_time": TimeInput(),
            "agenda": forms.Textarea(attrs={"rows": 6}),
            "minutes": forms.Textarea(attrs={"rows": 12}),
        }


class AttendanceForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=MemberOrganisation.objects.none())
    person = forms.CharField(label=_("Person"), max_length=150)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = MemberOrganisation.objects.filter(active=True).order_by("name")


class DecisionForm(forms.Form):
    accept = forms.TypedChoiceField(choices=[("1", _("accept")), ("0", _("reject"))], coerce=lambda v: v == "1")


def add_service_errors(form: forms.BaseForm, error) -> None:
    """Show a service's ValidationError on the form: per field where it names one, else on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
