from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from bkxh.numbers import format_decimal
from bkxh.record_admin import RecordAdmin
from imports.record_admin import ImportExportAdmin
from indicators.models import Indicator, IndicatorValue, Sector


@admin.register(Sector)
class SectorAdmin(RecordAdmin):
    list_help = _("The fields of work; the report's sections follow their order.")
    guide_section = "report"
    list_display = ("name", "code", "order")
    list_editable = ("order",)
    search_fields = ("code", "name")


@admin.register(Indicator)
class IndicatorAdmin(RecordAdmin):
    list_help = _(
        "The catalogue of indicators the report prints: what each measures, in which unit, whether it "
        "has a plan."
    )
    guide_section = "report"
    list_display = ("code", "name", "sector", "parent", "unit", "has_plan", "order")
    list_filter = ("sector", "has_plan", "source")
    list_select_related = ("sector", "parent")
    search_fields = ("code", "name")
    folded_search_fields = ("search_name",)
    autocomplete_fields = ("parent",)
    fieldsets = (
        (None, {"fields": ("code", "name", "sector", "unit", "has_plan", "at_year_end", "order")}),
        (_("Breakdown"), {"fields": ("parent", "relation", "short_name")}),
        (_("Report"), {"fields": ("phrase", "aggregation", "source")}),
    )


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ImportExportAdmin):
    list_help = _(
        "The plan and the actual figure of each indicator per year and unit; the report adds them up and "
        "computes the percentage."
    )
    guide_section = "enter"
    list_display = ("indicator_label", "year", "area", "plan", "actual", "unit", "percent", "achievement_badge")
    list_display_links = ("indicator_label",)
    list_editable = ("plan", "actual")
    list_filter = ("year", "indicator__sector", ("area", admin.RelatedOnlyFieldListFilter), "status", "illustrative")
    list_select_related = ("indicator", "area")
    search_fields = ("indicator__code", "indicator__name", "area__code", "area__name")
    folded_search_fields = ("indicator__search_name", "area__search_name")
    autocomplete_fields = ("indicator", "area")
    list_per_page = 50
    actions = ("mark_final",)
    fieldsets = (
        (None, {"fields": ("indicator", "year", "area", "status")}),
        (_("Figures"), {"fields": ("plan", "actual", "plan_decision")}),
        (_("Source document"), {"fields": ("reported_percent", "note", "illustrative")}),
    )

    @admin.display(description=_("indicator"), ordering="indicator__order")
    def indicator_label(self, value):
        return value.indicator.name

    @admin.action(description=_("Mark the selected figures as final"), permissions=["change"])
    def mark_final(self, request, queryset):
        count = queryset.exclude(status=IndicatorValue.Status.FINAL).update(status=IndicatorValue.Status.FINAL)
        self.message_user(request, _("%(count)s figure(s) marked final.") % {"count": count}, messages.SUCCESS)

    @admin.display(description=_("unit of measure"))
    def unit(self, value):
        return value.indicator.unit

    @admin.display(description=_("Percent of plan"))
    def percent(self, value):
        percent = value.percent_achieved
        return "" if percent is None else f"{format_decimal(percent, 1)}%"

    @admin.display(description=_("result"))
    def achievement_badge(self, value):
        achievement = value.achievement
        if achievement is None:
            return ""
        return format_html('<span class="achievement achievement-{}">{}</span>', achievement, achievement.label)
