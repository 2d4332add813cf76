from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetsConfig(AppConfig):
    name = "budgets"
    verbose_name = _("District budgets")

    def ready(self) -> None:
        from budgets import access  # noqa: F401  (scopes and permissions)
        from budgets.worklist import overrun_rows, pending_transfer_rows, prepared_settlement_rows
        from juwe import navigation, worklist

        navigation.register(navigation.NavItem(_("Budgets"), "budgets:budget_list", "budgets.view_budgets", order=60))
        navigation.register(navigation.NavItem(_("Actual costs"), "budgets:cost_entry_list", "budgets.view_cost_entries", order=61))
        worklist.register(worklist.Section(
            key="budgets-overrun", title=_("Budgets projected to overrun"), perm="budgets.view_overrun_warnings",
            rows=overrun_rows, template="budgets/_worklist_overrun.html", order=70,
        ))
        worklist.register(worklist.Section(
            key="budgets-settlements-prepared", title=_("Settlements to finalize"), perm="budgets.finalize_settlement",
            rows=prepared_settlement_rows, template="budgets/_worklist_bounded.html", order=71,
        ))
        worklist.register(worklist.Section(
            key="budgets-pot-transfers", title=_("Transfers from the equalisation pot to decide"),
            perm="budgets.approve_transfer", rows=pending_transfer_rows, template="budgets/_worklist_bounded.html",
            order=72,
        ))
