"""Users with their units, and the roles; scoped like the data, so a district administrator
manages the district's staff only and can hand out no more than their own units."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.utils.translation import gettext_lazy as _

from accounts.models import UserArea
from accounts.scope import scope_of
from accounts.scoped_admin import AreaScopedAdmin


class UserAreaInline(AreaScopedAdmin, admin.TabularInline):
    model = UserArea
    extra = 1
    autocomplete_fields = ("area",)


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class StaffUserAdmin(AreaScopedAdmin, UserAdmin):
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
        scope = scope_of(request.user)
        if obj is None or scope.is_whole_province:
            return True
        units = obj.areas.values_list("area_id", flat=True)
        return self.get_queryset(request).filter(pk=obj.pk).exists() and all(map(scope.allows, units))

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
class RoleAdmin(AreaScopedAdmin, GroupAdmin):
    pass
