from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from bkxh.record_admin import RecordAdmin, RecordForm


class AgencyForm(RecordForm):
    def clean(self):
        cleaned = super().clean()
        # The sectors are stored after the agency: its clean() checks those of the form.
        if "sectors" in cleaned:
            self.instance.will_hold(cleaned["sectors"])
        return cleaned


@admin.register(Agency)
class AgencyAdmin(RecordAdmin):
    list_help = _("The agencies that issue the reports, with their letterhead, signer, period and sectors.")
    guide_section = "report"
    form = AgencyForm
    list_display = ("name", "managing_body", "area", "place", "signer_name", "valid_from", "valid_to")
    list_select_related = ("area",)
    list_filter = ("sectors",)
    autocomplete_fields = ("area",)
    filter_horizontal = ("sectors",)
    fieldsets = (
        (None, {"fields": ("area", "managing_body", "name", "abbreviation", "place")}),
        (None, {"fields": ("sectors",)}),
        (None, {"fields": ("signer_authority", "signer_title", "signer_name", "recipients")}),
        (None, {"fields": ("valid_from", "valid_to")}),
    )
