from django.contrib import admin

from accounts.scope import scope_of
from audit.models import AccessLog
from bkxh.admin import BkxhModelAdmin


@admin.register(AccessLog)
class AccessLogAdmin(BkxhModelAdmin):
    """Read-only, and only for those who answer for the whole province."""

    list_display = ("at", "username", "kind", "subject", "detail", "row_count", "ip_address", "path")
    list_filter = ("kind", "at")
    search_fields = ("username", "subject", "detail", "path")
    date_hierarchy = "at"

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and scope_of(request.user).is_whole_province

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
