from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from accounts.scope import scope_of
from imports.checking import Problem
from imports.models import ImportLog


@admin.register(ImportLog)
class ImportLogAdmin(admin.ModelAdmin):
    """The record of every import: read-only, kept whatever became of the import, and, like the
    access log, only for those who answer for the whole province."""

    list_display = (
        "started_at",
        "user",
        "source",
        "kind",
        "file_name",
        "outcome",
        "rows",
        "created",
        "changed",
        "unchanged",
        "error_count",
    )
    list_filter = ("outcome", "kind", "source")
    list_select_related = ("user",)
    search_fields = ("file_name", "sha256", "user__username")
    date_hierarchy = "started_at"
    fields = (
        ("user", "source"),
        ("started_at", "finished_at"),
        ("kind", "outcome"),
        ("file_name", "file_size"),
        "sha256",
        ("encoding", "delimiter"),
        ("rows", "created", "changed", "unchanged", "error_count"),
        "error_list",
    )
    readonly_fields = (
        "user",
        "source",
        "started_at",
        "finished_at",
        "kind",
        "outcome",
        "file_name",
        "file_size",
        "sha256",
        "encoding",
        "delimiter",
        "rows",
        "created",
        "changed",
        "unchanged",
        "error_count",
        "error_list",
    )

    @admin.display(description=_("errors"))
    def error_list(self, log):
        return format_html_join("\n", "<div>{}</div>", ((self._describe(error),) for error in log.errors)) or "—"

    @staticmethod
    def _describe(error):
        return str(Problem(error["message"], error["row"], error["column"]))

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and scope_of(request.user).is_whole_province

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
