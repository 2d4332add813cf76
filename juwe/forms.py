from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from juwe.roles import Role

# One message for every wrong login: it must not tell which part was wrong.
LOGIN_FAILED = _("User name or password is wrong. Please try again.")


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": LOGIN_FAILED,
        "inactive": LOGIN_FAILED,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        self.fields["username"].label = _("User name")
        self.fields["password"].label = _("Password")

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            raise forms.ValidationError(LOGIN_FAILED, code="invalid_login") from None


# --- The admin's user forms: no administrator widens their own access ------------------------------
# Every role but Administration opens case files, money or provider data; the scope fields decide
# whose. An administrator who could give these to themselves would read case files unseen, so a
# second administrator has to (four eyes), and the audit trail records who did (juwe.admin).
SELF_GRANT = _("You cannot give yourself the role %(roles)s: a second administrator has to do that.")
OWN_SCOPE = _("You cannot change your own scope: a second administrator has to do that.")
SCOPE_FIELDS = ("team", "districts", "provider", "social_center")
SELF_GRANT_FORBIDDEN = frozenset(role.value for role in Role if role != Role.ADMINISTRATOR)


class NoSelfEscalationMixin:
    """For the admin's user forms; `acting_user` is set by juwe.admin.UserAdmin.get_form."""

    acting_user = None

    def clean(self):
        cleaned = super().clean()
        editor = self.acting_user
        if editor is None or self.instance.pk is None or self.instance.pk != editor.pk:
            return cleaned
        if "groups" in self.changed_data and "groups" in cleaned:
            held = set(self.instance.groups.values_list("name", flat=True))
            granted = sorted(({g.name for g in cleaned["groups"]} - held) & SELF_GRANT_FORBIDDEN)
            if granted:
                error = forms.ValidationError(SELF_GRANT, code="self_grant", params={"roles": ", ".join(granted)})
                self.add_error("groups", error)
        for name in SCOPE_FIELDS:
            if name in self.fields and name in self.changed_data:
                self.add_error(name, forms.ValidationError(OWN_SCOPE, code="own_scope"))
        return cleaned


class UserChangeForm(NoSelfEscalationMixin, auth_forms.UserChangeForm):
    pass


class UserCreationForm(NoSelfEscalationMixin, auth_forms.AdminUserCreationForm):
    pass
