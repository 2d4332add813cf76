from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MicroprojectsConfig(AppConfig):
    name = "microprojects"
    verbose_name = _("Micro-projects")

    def ready(self) -> None:
        from juwe import navigation, worklist
        from microprojects import access, worklists  # noqa: F401  (registers scopes and rules)

        navigation.register(navigation.NavItem(_("Micro-projects"), "microprojects:list", "microprojects.view", order=40))
        navigation.register(navigation.NavItem(_("Action budget"), "microprojects:grant_list", "microprojects.view_grants", order=45))
        for section in worklists.SECTIONS:
            worklist.register(section)
