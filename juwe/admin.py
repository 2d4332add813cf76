from collections import Counter

from axes.helpers import get_cool_off
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from juwe.audit import Action, audit_log
from juwe.forms import UserChangeForm, UserCreationForm
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

    def get_deleted_objects(self, objs, request):
        # Django's delete page names every protected row, e.g. the case files and contracts of a team
        # by reference and help type – case data the administrator must not see. Counts say enough.
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            # Each entry is "<Model name>: <the row, maybe linked>"; keep the model name, count the rows.
            counts = Counter(str(entry).split(":", 1)[0] for entry in protected)
            protected = [f"{label}: {n}" for label, n in sorted(counts.items())]
        return to_delete, model_count, perms_needed, protected


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


_NO_ACCESS = {"roles": [], "team": None, "districts": [], "provider": None, "social_center": None, "active": None}


def _access_of(user: User) -> dict:
    """What a user may reach: roles and scope, by name (the audit trail must read without the admin)."""
    return {
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "team": str(user.team) if user.team_id else None,
        "districts": sorted(str(d) for d in user.districts.all()),
        "provider": str(user.provider) if user.provider_id else None,
        "social_center": str(user.social_center) if user.social_center_id else None,
        "active": user.is_active,
    }


def _access_changes(before: dict, after: dict) -> dict:
    return {key: {"old": before[key], "new": after[key]} for key in after if before[key] != after[key]}


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
    form = UserChangeForm
    add_form = UserCreationForm

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("team", "provider", "social_center").prefetch_related("groups")

    def get_form(self, request, obj=None, **kwargs):
        # The forms refuse that the acting administrator widens their own access (juwe.forms).
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"acting_user": request.user})

    def save_model(self, request, obj, form, change):
        form.access_before = _access_of(User.objects.get(pk=obj.pk)) if change else _NO_ACCESS
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # Groups and districts are saved here, after the user row: only now is the new access complete.
        super().save_related(request, form, formsets, change)
        user = form.instance
        changes = _access_changes(form.access_before, _access_of(user))
        if changes or not change:
            audit_log(
                action=Action.UPDATE if change else Action.CREATE,
                name="juwe.user.access_changed" if change else "juwe.user.created",
                request=request,
                obj=user,
                data={"user": user.username, "changes": changes},
            )

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        # A redirect after POST is the saved form (errors render the page again with 200).
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, unquote(id))
            audit_log(
                action=Action.UPDATE,
                name="juwe.user.password_reset",
                request=request,
                obj=user,
                data={"user": user.username, "usable": user.has_usable_password()},
            )
        return response

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


# --- Login locks (django-axes) ----------------------------------------------------------------------
# Axes registers its own admins, which go by Django's model permissions – nobody has those here
# (juwe.backends.PasswordBackend). The Administration role gets them by its role instead.
for _model in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


def _is_locked(attempt: AccessAttempt) -> bool:
    cool_off = get_cool_off()
    if attempt.failures_since_start < settings.AXES_FAILURE_LIMIT:
        return False
    return cool_off is None or attempt.attempt_time > timezone.now() - cool_off


@admin.register(AccessAttempt)
class LoginLockAdmin(RoleAdmin):
    """Failed logins per user name and client address; lifting a lock deletes the row, audited."""

    list_display = ["attempt_time", "username", "ip_address", "failures_since_start", "locked", "user_agent"]
    list_filter = ["attempt_time"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "attempt_time"
    fields = ["username", "ip_address", "failures_since_start", "attempt_time", "user_agent", "path_info"]
    readonly_fields = fields
    actions = ["lift_locks"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        # Lifting goes through lift_locks only, so that every lifted lock is audited the same way.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=_("status"))
    def locked(self, obj):
        if not _is_locked(obj):
            return _("Not locked")
        cool_off = get_cool_off()
        if cool_off is None:
            return _("Locked until lifted")
        until = timezone.localtime(obj.attempt_time + cool_off)
        return _("Locked until %(time)s") % {"time": formats.time_format(until, "TIME_FORMAT")}

    def delete_model(self, request, obj):
        self._lift(request, [obj])

    def delete_queryset(self, request, queryset):
        self._lift(request, list(queryset))

    @admin.action(description=_("Lift the selected locks"))
    def lift_locks(self, request, queryset):
        count = self._lift(request, list(queryset))
        self.message_user(
            request,
            ngettext("%(count)d lock lifted.", "%(count)d locks lifted.", count) % {"count": count},
            messages.SUCCESS,
        )

    @transaction.atomic
    def _lift(self, request, attempts: list[AccessAttempt]) -> int:
        for attempt in attempts:
            audit_log(
                action=Action.UPDATE,
                name="juwe.lockout.lifted",
                request=request,
                obj=attempt,
                data={
                    "username": attempt.username,
                    "ip_address": attempt.ip_address,
                    "failures": attempt.failures_since_start,
                    "locked": _is_locked(attempt),
                },
            )
            attempt.delete()
        return len(attempts)


@admin.register(AccessLog)
class LoginLogAdmin(ReadOnlyRoleAdmin):
    """Successful logins and logouts by address, to tell where someone logged in from."""

    list_display = ["attempt_time", "logout_time", "username", "ip_address", "user_agent"]
    list_filter = ["attempt_time"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "attempt_time"
    fields = ["username", "ip_address", "attempt_time", "logout_time", "user_agent", "path_info"]
