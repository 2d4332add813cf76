from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

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
