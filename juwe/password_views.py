"""A user's own password change, audited (issue 13, item 7: password changes are not only in
django_admin_log). Resets by an administrator are audited in juwe.admin.UserAdmin."""

from django.contrib.auth import views as auth_views

from juwe.audit import Action, audit_log


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        # Who and from where – never the password, old or new.
        audit_log(action=Action.UPDATE, name="juwe.user.password_changed", request=self.request, obj=form.user)
        return response
