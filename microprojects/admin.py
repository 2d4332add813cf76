from django.contrib import admin

from juwe.admin import ReadOnlyRoleAdmin, RoleAdmin
from microprojects.models import ActionBudget, MicroProject, PreventionBudget, ProjectPayment, Supplement


@admin.register(PreventionBudget)
class PreventionBudgetAdmin(RoleAdmin):
    list_display = ["district", "year", "amount", "note"]
    list_filter = ["year", "district__social_center"]
    search_fields = ["district__name"]
    list_select_related = ["district"]


@admin.register(ActionBudget)
class ActionBudgetAdmin(RoleAdmin):
    list_display = ["district", "year", "amount"]
    list_filter = ["year", "district__social_center"]
    search_fields = ["district__name"]
    list_select_related = ["district"]


@admin.register(MicroProject)
class MicroProjectAdmin(ReadOnlyRoleAdmin):
    """Read-only: every change of a project goes through the services (history, budget check)."""

    list_display = ["title", "status", "category", "provider", "budget_district", "start_date", "end_date"]
    list_filter = ["status", "category"]
    search_fields = ["title"]
    list_select_related = ["provider", "budget_district"]


@admin.register(Supplement)
class SupplementAdmin(ReadOnlyRoleAdmin):
    """Read-only: supplements are requested and decided through the services (frame check, history)."""

    list_display = ["project", "requested_amount", "status", "approved_amount", "requested_at"]
    list_filter = ["status"]
    list_select_related = ["project"]


@admin.register(ProjectPayment)
class ProjectPaymentAdmin(ReadOnlyRoleAdmin):
    """Read-only: payments are booked and reversed through the services (approval check, audit)."""

    list_display = ["invoice_number", "project", "paid_on", "amount", "provider"]
    search_fields = ["invoice_number", "project__title"]
    list_select_related = ["project", "provider"]
