from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.scoped_admin import WholeProvinceLogAdmin
from imports.checking import Problem
from imports.kinds import all_kinds, get_kind
from imports.models import ImportLog
from imports.reading import DELIMITER_NAMES, ENCODING_NAMES, describe_size


def kind_label(name):
    """The kind of file as staff call it ("Quà mừng thọ"); the log stores the kind's name
    (longevity_gifts), kept as it is for a kind that no longer exists."""
    try:
        return capfirst(get_kind(name).label)
    except KeyError:
        return name


class KindFilter(admin.SimpleListFilter):
    title = _("kind of file")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return sorted(((kind.name, kind_label(kind.name)) for kind in all_kinds()), key=lambda choice: choice[1])

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(ImportLog)
class ImportLogAdmin(WholeProvinceLogAdmin, admin.ModelAdmin):
    """The record of every import: read-only, kept whatever became of the import, and, like the
    access log, only for those who answer for the whole province."""

    list_help = _("Every file imported: by whom, when, and what it wrote or why it was refused.")
    guide_section = "import"

    list_display = (
        "started_at",
        "user",
        "source",
        "kind_name",
        "file_name",
        "outcome",
        "rows",
        "created",
        "changed",
        "unchanged",
        "error_count",
    )
    list_filter = ("outcome", KindFilter, "source")
    list_select_related = ("user",)
    search_fields = ("file_name", "sha256", "user__username")
    date_hierarchy = "started_at"
    fields = (
        ("user", "source"),
        ("started_at", "finished_at"),
        ("kind_name", "outcome"),
        ("file_name", "size"),
        "sha256",
        ("encoding_name", "delimiter_name", "sheet_name"),
        ("rows", "created", "changed", "unchanged", "error_count"),
        ("job", "job_state", "heartbeat_at"),
        ("rows_read", "rows_checked", "rows_written"),
        "error_list",
    )
    readonly_fields = (
        "user",
        "source",
        "started_at",
        "finished_at",
        "kind_name",
        "outcome",
        "file_name",
        "size",
        "sha256",
        "encoding_name",
        "delimiter_name",
        "sheet_name",
        "rows",
        "created",
        "changed",
        "unchanged",
        "error_count",
        "job",
        "job_state",
        "heartbeat_at",
        "rows_read",
        "rows_checked",
        "rows_written",
        "error_list",
    )

    @admin.display(description=_("kind of file"), ordering="kind")
    def kind_name(self, log):
        return kind_label(log.kind)

    # What the log stores as codes (utf-8-sig, 7032), written as the preview wrote them.
    @admin.display(description=_("size"))
    def size(self, log):
        return describe_size(log.file_size)

    @admin.display(description=_("encoding"))
    def encoding_name(self, log):
        return ENCODING_NAMES.get(log.encoding, log.encoding) or "—"

    @admin.display(description=_("delimiter"))
    def delimiter_name(self, log):
        return DELIMITER_NAMES.get(log.delimiter, log.delimiter) or "—"

    @admin.display(description=_("sheet"))
    def sheet_name(self, log):
        return log.sheet or "—"

    @admin.display(description=_("problems found"))
    def error_list(self, log):
        return format_html_join("\n", "<div>{}</div>", ((self._describe(error),) for error in log.errors)) or "—"

    @staticmethod
    def _describe(error):
        return str(Problem(error["message"], error["row"], error["column"]))
