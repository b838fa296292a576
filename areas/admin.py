from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from areas.models import AdminUnit
from bkxh.record_admin import RecordAdmin


@admin.register(AdminUnit)
class AdminUnitAdmin(RecordAdmin):
    list_help = _(
        "The administrative units of each period, loaded from the national list: a record points at the "
        "unit in force when it happened."
    )
    guide_section = "enter"
    list_display = ("code", "name", "unit_type", "level", "parent", "valid_from", "valid_to")
    list_filter = ("level", "unit_type", "valid_to")
    list_select_related = ("parent",)
    search_fields = ("code", "name")
    folded_search_fields = ("search_name",)
    autocomplete_fields = ("parent",)
    filter_horizontal = ("successors",)
    ordering = ("code", "valid_from")
