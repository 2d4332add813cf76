"""The roles of JuWe. Each role is a Django group, created by a data migration.

The group's name is the German display name; code refers to roles through `Role`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASE_MANAGER = "Fallmanagement", _("Case manager")
    TEAM_LEAD = "Referatsleitung", _("Team lead")
    DISTRICT_COORDINATOR = "Sozialraumkoordination", _("District coordinator")
    ECONOMIC_AID = "Wirtschaftliche Jugendhilfe", _("Economic youth aid")
    LEADERSHIP = "Leitung", _("Leadership")
    PROVIDER_STAFF = "Trägerpersonal", _("Provider staff")
    ADMINISTRATOR = "Administration", _("Administrator")


# Roles that see case contents at all (further narrowed by team or provider).
CASEWORK_ROLES = frozenset({Role.CASE_MANAGER, Role.TEAM_LEAD})


def ensure_role_groups() -> None:
    """Create missing role groups (migration 0002 does this; tests that flush tables need it again)."""
    from django.contrib.auth.models import Group

    for role in Role:
        Group.objects.get_or_create(name=role.value)
