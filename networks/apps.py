from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworksConfig(AppConfig):
    name = "networks"
    verbose_name = _("Networks and offers")

    def ready(self) -> None:
        from juwe import navigation, worklist
        from networks import access, worklists  # noqa: F401  (access registers scopes and rules)

        navigation.register(navigation.NavItem(_("Networks"), "networks:network_list", "networks.view_networks", order=40))
        navigation.register(
            navigation.NavItem(_("Offers (district map)"), "networks:offer_search", "networks.view_directory", order=41)
        )
        navigation.register(navigation.NavItem(_("Coverage"), "networks:coverage", "networks.view_coverage", order=42))
        worklist.register(
            worklist.Section(
                key="networks-suggested-offers",
                title=_("Suggested offers to confirm"),
                perm="networks.view_worklist",
                rows=worklists.suggested_offer_rows,
                template="juwe/_worklist_simple.html",
                order=60,
            )
        )
        worklist.register(
            worklist.Section(
                key="networks-stale-offers",
                title=_("Offers not confirmed for 12 months"),
                perm="networks.view_worklist",
                rows=worklists.stale_offer_rows,
                template="juwe/_worklist_simple.html",
                order=61,
            )
        )
