from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Case files")

    def ready(self) -> None:
        from juwe import navigation, worklist

        # access registers scopes and permissions; the case file II parts register theirs below.
        from . import access, conference, contracts, protection, reviews, selectors  # noqa: F401

        navigation.register(navigation.NavItem(_("Cases"), "cases:list", "cases.view_case", order=10))
        worklist.register(
            worklist.Section(
                key="cases-intake",
                title=_("Intake cases to decide (5+ contacts)"),
                perm="cases.view_case",
                rows=selectors.intake_worklist_rows,
                template="juwe/_worklist_simple.html",
                order=30,
            )
        )
        worklist.register(
            worklist.Section(
                key="cases-child-protection",
                title=_("Cases in Gefährdungsbereich (child protection)"),
                perm="cases.view_child_protection_worklist",
                rows=selectors.child_protection_worklist_rows,
                template="juwe/_worklist_simple.html",
                order=20,
            )
        )
        for part in (conference, contracts, reviews, protection):
            part.register()
