from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class JuweConfig(AppConfig):
    name = "juwe"
    verbose_name = _("Organisation and access")

    def ready(self) -> None:
        from juwe import navigation, signals  # noqa: F401  (signals: login/logout audit)
        from juwe.controlling import access as _controlling  # noqa: F401  (perm juwe.view_controlling)
        from juwe.controlling import sections as controlling_sections
        from juwe.controlling import snapshots

        snapshots.connect_invalidation(
            [model for label in controlling_sections.SOURCE_APPS for model in apps.get_app_config(label).get_models()]
            + [apps.get_model("juwe", name) for name in controlling_sections.SOURCE_CORE_MODELS]
        )

        navigation.register(navigation.NavItem(_("Worklist"), "home", "juwe.view_home", order=0))
        navigation.register(navigation.NavItem(_("Controlling"), "controlling:dashboard", "juwe.view_controlling", order=70))
        navigation.register(navigation.NavItem(_("Districts"), "district_list", "juwe.view_district_profile", order=80))
        navigation.register(navigation.NavItem(_("Administration"), "admin:index", "juwe.administer", order=999))
