"""Users with their units, and the roles; scoped like the data, so a district administrator
manages the district's staff only and can hand out no more than their own units."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import UserArea
from accounts.scope import scope_of
from accounts.scoped_admin import AreaScopedAdmin, WholeProvinceLogAdmin
from audit.models import AccessLog
from bkxh.admin import FORM_FIELDS, BkxhModelAdmin

# A permission's stored name is English, written when `migrate` created it ("Can add person").
PERMISSION_ACTIONS = {
    "add": _("Add %(things)s"),
    "change": _("Change %(things)s"),
    "delete": _("Delete %(things)s"),
    "view": _("View %(things)s"),
    "import": _("Import %(things)s from files"),
    "export": _("Export %(things)s to files"),
}


def permission_label(permission):
    """A permission as staff read it: "Người hưởng | Thêm quà mừng thọ"; the permissions a model
    declares itself are translated from their name."""
    model = permission.content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if model is None:
        return str(permission)
    if action in PERMISSION_ACTIONS and model_name == model._meta.model_name:
        # simple-history's copies are "historical …", untranslated: named after their model.
        things = (
            _("history of %(things)s") % {"things": model.instance_type._meta.verbose_name_plural}
            if hasattr(model, "instance_type")
            else model._meta.verbose_name_plural
        )
        name = PERMISSION_ACTIONS[action] % {"things": things}
    else:
        name = gettext(permission.name)
    return f"{capfirst(model._meta.app_config.verbose_name)} | {capfirst(name)}"


class PermissionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, permission):
        return permission_label(permission)


class VietnamesePermissionsMixin:
    """The permissions select of the user and role forms, in Vietnamese."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name in {"permissions", "user_permissions"}:
            kwargs["form_class"] = PermissionsField
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class UserAreaInline(AreaScopedAdmin, admin.TabularInline):
    model = UserArea
    formfield_overrides = FORM_FIELDS
    extra = 1
    autocomplete_fields = ("area",)


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class StaffUserAdmin(VietnamesePermissionsMixin, AreaScopedAdmin, UserAdmin):
    list_help = _("The staff who use bkxh, with their role and the units they work for.")
    guide_section = "approve"
    inlines = (UserAreaInline,)
    list_display = ("username", "first_name", "last_name", "is_active", "roles", "units")
    list_filter = ("is_active", "groups")

    @property
    def area_path(self):
        return "areas__area"

    def get_queryset(self, request):
        users = super().get_queryset(request).prefetch_related("groups", "areas__area")
        if not request.user.is_superuser:
            users = users.filter(is_superuser=False)
        return users.distinct()

    def writes_allowed(self, request, obj=None):
        """A user is managed (changed, given a password or roles, deleted) only by an
        administrator whose scope holds every unit of theirs: one bound to another unit as well
        would lend its rights there to whoever sets its password."""
        if obj is None:
            return True
        return self.get_queryset(request).filter(pk=obj.pk).exists() and scope_of(request.user).users().filter(
            pk=obj.pk
        ).exists()

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return readonly
        return (*readonly, "is_superuser", "user_permissions", "last_login", "date_joined")

    @admin.display(description=_("roles"))
    def roles(self, user):
        return ", ".join(group.name for group in user.groups.all())

    @admin.display(description=_("units"))
    def units(self, user):
        return ", ".join(str(link.area) for link in user.areas.all())


@admin.register(Group)
class RoleAdmin(VietnamesePermissionsMixin, AreaScopedAdmin, GroupAdmin):
    list_help = _("The roles and what each may do.")
    guide_section = "approve"
    pass


@admin.register(AccessLog)
class AccessLogAdmin(WholeProvinceLogAdmin, BkxhModelAdmin):
    """Read-only, and only for those who answer for the whole province (here, with the scope,
    rather than in audit, which the data models' base stands on)."""
    list_help = _("Who read or exported personal data, and when.")
    guide_section = "approve"

    list_display = ("at", "username", "event", "subject", "detail", "row_count", "ip_address", "path")
    list_filter = ("event", "at")
    search_fields = ("username", "subject", "detail", "path")
    date_hierarchy = "at"

