from urllib.parse import urlencode

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from areas.models import AdminUnit
from bkxh.record_admin import RecordAdmin
from bkxh.years import is_kept_year
from reports.models import IssuedReport, ReportNarrative


@admin.register(ReportNarrative)
class ReportNarrativeAdmin(RecordAdmin):
    list_help = _(
        "The sections of a report that staff write: shortcomings, directions for the next year, recommendations."
    )
    guide_section = "report"
    list_display = ("year", "area", "agency", "report_link")
    list_select_related = ("area", "agency")
    list_filter = ("year",)
    search_fields = ("area__code", "area__name", "agency__name", "agency__abbreviation")
    autocomplete_fields = ("area",)
    fieldsets = (
        (None, {"fields": ("year", "area", "agency")}),
        (_("Sections written by staff"), {"fields": ("shortcomings", "directions", "recommendations")}),
    )

    @admin.display(description=_("report"))
    def report_link(self, narrative):
        keys = urlencode({"area": narrative.area.code, "agency": narrative.agency.abbreviation})
        url = f"{reverse('annual_report', args=[narrative.year])}?{keys}"
        return format_html('<a href="{}">{}</a>', url, _("Open the report"))

    def get_changeform_initial_data(self, request):
        """The report's own keys, as its page's link sends them (?year=2024&area=06&agency=SLĐTBXH):
        the area by its code in that year, the agency by its abbreviation among those issuing the
        year's reports on it. A key that names nothing is left for the user to choose."""
        initial = {}
        try:
            year = int(request.GET.get("year", ""))
        except ValueError:
            return initial
        if not is_kept_year(year):
            return initial
        initial["year"] = year
        try:
            area = AdminUnit.objects.for_code(request.GET.get("area", ""), year)
        except AdminUnit.DoesNotExist:
            return initial
        initial["area"] = area.pk
        abbreviation = request.GET.get("agency")
        for issuer in Agency.objects.for_report(area, year):
            if issuer.agency.abbreviation == abbreviation:
                initial["agency"] = issuer.agency.pk
        return initial


@admin.register(IssuedReport)
class IssuedReportAdmin(RecordAdmin):
    """The issued versions, to read: nobody adds one here (a report is issued from its page),
    and nobody changes or deletes one (the model refuses it too)."""

    list_help = _(
        "Every report issued, kept as it was issued: its number, date, figures and files; a report is "
        "issued from its page."
    )
    guide_section = "report"
    list_display = ("number", "issued_on", "year", "area", "agency", "revision", "is_estimate", "issued_by_name")
    list_select_related = ("area", "agency")
    list_filter = ("year", "is_estimate")
    search_fields = ("number", "area__code", "area__name", "agency__abbreviation")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
