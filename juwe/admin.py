from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from juwe.models import (
    AuditEvent,
    District,
    DistrictIndicator,
    PrecarisationWeight,
    Provider,
    SocialCenter,
    Team,
    TeamPosts,
    User,
)
from juwe.roles import Role


def _is_admin(request) -> bool:
    user = request.user
    return user.is_active and (user.is_superuser or user.has_role(Role.ADMINISTRATOR))


class RoleAdmin(admin.ModelAdmin):
    """Administrators may manage these models; nobody else reaches the admin at all."""

    def has_module_permission(self, request):
        return _is_admin(request)

    def has_view_permission(self, request, obj=None):
        return _is_admin(request)

    def has_add_permission(self, request):
        return _is_admin(request)

    def has_change_permission(self, request, obj=None):
        return _is_admin(request)

    def has_delete_permission(self, request, obj=None):
        return _is_admin(request)


class ReadOnlyRoleAdmin(RoleAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(ReadOnlyRoleAdmin):
    """Roles are created by a migration; the admin shows them and who holds them."""

    list_display = ["name", "member_count"]
    fields = ["name"]

    @admin.display(description=_("members"))
    def member_count(self, obj):
        return obj.user_set.count()


@admin.register(User)
class UserAdmin(RoleAdmin, BaseUserAdmin):
    list_display = ["username", "last_name", "first_name", "role_names", "team", "provider", "social_center", "is_active"]
    list_filter = ["groups", "is_active", "team__social_center", "team", "provider"]
    search_fields = ["username", "first_name", "last_name", "email"]
    filter_horizontal = ["groups", "districts"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "email"]}),
        (_("Roles and scope"), {"fields": ["groups", "team", "districts", "provider", "social_center"]}),
        (_("Status"), {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "password1", "password2"]}),
        (_("Roles and scope"), {"fields": ["groups", "team", "districts", "provider", "social_center"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("team", "provider", "social_center").prefetch_related("groups")

    @admin.display(description=_("roles"))
    def role_names(self, obj):
        return ", ".join(sorted(g.name for g in obj.groups.all()))


@admin.register(SocialCenter)
class SocialCenterAdmin(RoleAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


class AdminOnlyInline(admin.TabularInline):
    """An inline the administrators keep (like the models it sits in)."""

    extra = 0

    def has_view_permission(self, request, obj=None):
        return _is_admin(request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


class TeamPostsInline(AdminOnlyInline):
    model = TeamPosts


@admin.register(Team)
class TeamAdmin(RoleAdmin):
    list_display = ["name", "code", "social_center"]
    list_filter = ["social_center"]
    search_fields = ["name", "code"]
    list_select_related = ["social_center"]
    inlines = [TeamPostsInline]


@admin.register(TeamPosts)
class TeamPostsAdmin(RoleAdmin):
    """Full-time case managers per team and year: the staffing reference divides by them."""

    list_display = ["team", "year", "case_manager_posts"]
    list_filter = ["year", "team__social_center"]
    search_fields = ["team__name"]
    list_select_related = ["team"]


@admin.register(PrecarisationWeight)
class PrecarisationWeightAdmin(RoleAdmin):
    """The weights of the socially weighted youth population, by band of the precarisation index."""

    list_display = ["index_from", "index_to", "weight"]

    @admin.display(description=_("up to (excluding)"))
    def index_to(self, obj):
        following = PrecarisationWeight.objects.filter(index_from__gt=obj.index_from).order_by("index_from").first()
        return following.index_from if following else "–"


class IndicatorInline(AdminOnlyInline):
    model = DistrictIndicator


@admin.register(District)
class DistrictAdmin(RoleAdmin):
    list_display = ["name", "code", "team", "social_center"]
    fields = ["name", "code", "team", "social_center", "description"]
    list_filter = ["social_center", "team"]
    search_fields = ["name", "code"]
    list_select_related = ["team", "social_center"]
    inlines = [IndicatorInline]


@admin.register(DistrictIndicator)
class DistrictIndicatorAdmin(RoleAdmin):
    list_display = ["district", "year", "youth_population", "precarity_index", "district_type", "staff_posts"]
    list_filter = ["year", "district_type", "district__social_center"]
    search_fields = ["district__name"]
    list_select_related = ["district"]


@admin.register(Provider)
class ProviderAdmin(RoleAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    filter_horizontal = ["lead_districts"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyRoleAdmin):
    list_display = ["created_at", "username", "action", "name", "object_type", "object_id", "ip_address"]
    list_filter = ["action", "name", "object_type", "created_at"]
    search_fields = ["username", "name", "object_id", "object_repr", "path"]
    date_hierarchy = "created_at"
    # Filled by the database (time and hash chain), so not form fields: shown read-only.
    readonly_fields = ["created_at", "seq", "prev_hash", "hash"]
    list_per_page = 100
    show_full_result_count = False
