from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _

from juwe.roles import Role


class JuweAdminSite(AdminSite):
    """The role-based admin: administrators manage users, org structure and reference data.

    Access follows the role, not Django's per-model permission flags, so that a new
    administrator needs nothing but the role.
    """

    site_header = _("JuWe administration")
    site_title = _("JuWe administration")
    index_title = _("Users, organisation and reference data")

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and user.is_authenticated and (user.is_superuser or user.has_role(Role.ADMINISTRATOR))


class JuweAdminConfig(AdminConfig):
    default_site = "juwe.admin_site.JuweAdminSite"
