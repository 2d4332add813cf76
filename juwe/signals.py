"""Logins, logouts and failed logins go into the audit trail."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from juwe.audit import Action, audit_log


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs) -> None:
    audit_log(action=Action.LOGIN, name="juwe.user.logged_in", request=request, user=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_log(action=Action.LOGOUT, name="juwe.user.logged_out", request=request, user=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Only the user name is kept – never the password that was tried.
    audit_log(
        action=Action.LOGIN_FAILED,
        name="juwe.user.login_failed",
        request=request,
        username=str(credentials.get("username", ""))[:150],
    )
