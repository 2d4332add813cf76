"""Administrators maintain the reference data (age cohorts, model rules of procedure) here;
networks, organisations and offers are managed by the coordinators in the application."""

from django.contrib import admin

from juwe.admin import RoleAdmin
from networks.models import AgeCohort, ContactPerson, MemberOrganisation, ModelRules, Network, Offer


@admin.register(AgeCohort)
class AgeCohortAdmin(RoleAdmin):
    list_display = ["name", "code", "age_from", "age_to", "position"]
    list_editable = ["position"]
    search_fields = ["name", "code"]


@admin.register(ModelRules)
class ModelRulesAdmin(RoleAdmin):
    list_display = ["title", "current", "updated_at"]
    list_filter = ["current"]
    search_fields = ["title", "text"]


class ContactInline(admin.TabularInline):
    model = ContactPerson
    extra = 0

    def has_view_permission(self, request, obj=None):
        return RoleAdmin.has_module_permission(self, request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


@admin.register(MemberOrganisation)
class MemberOrganisationAdmin(RoleAdmin):
    list_display = ["name", "kind", "district", "provider", "active"]
    list_filter = ["kind", "active", "district__social_center"]
    search_fields = ["name", "city", "street"]
    list_select_related = ["district", "provider"]
    filter_horizontal = ["cohorts"]
    autocomplete_fields = ["provider"]
    inlines = [ContactInline]


@admin.register(Network)
class NetworkAdmin(RoleAdmin):
    list_display = ["name", "social_center", "cohort", "coordinator", "active"]
    list_filter = ["active", "social_center", "cohort"]
    search_fields = ["name"]
    list_select_related = ["social_center", "cohort", "coordinator"]
    filter_horizontal = ["districts"]


@admin.register(Offer)
class OfferAdmin(RoleAdmin):
    list_display = ["title", "organisation", "district", "age_from", "age_to", "status", "confirmed_at"]
    list_filter = ["status", "district__social_center", "low_threshold", "free_of_charge"]
    search_fields = ["title", "organisation__name"]
    list_select_related = ["organisation", "district"]
    raw_id_fields = ["organisation", "suggested_by", "confirmed_by"]
    readonly_fields = ["created_at", "updated_at", "version"]
