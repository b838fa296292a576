from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from bkxh.numbers import format_decimal
from bkxh.per_object import PerObject
from bkxh.record_admin import RecordAdmin, ReportAreaFilter
from imports.record_admin import ImportExportAdmin
from indicators.models import Indicator, IndicatorValue, Sector
from indicators.reports import values_adding_up

# The last version of each value of a list page (IndicatorValueAdmin.last_change), read for
# the page's rows at once.
_last_version = PerObject("last version of a listed value")


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


class IndicatorFilter(admin.SimpleListFilter):
    """One indicator, by its code (`?indicator=<code>`, as a report's figure links to it); only
    the chosen one is offered: the catalogue is searched, not picked from a panel."""

    title = _("indicator")
    parameter_name = "indicator"

    def lookups(self, request, model_admin):
        indicator = Indicator.objects.filter(code=self.value()).first() if self.value() else None
        return [(indicator.code, f"{indicator.code} {indicator.name}")] if indicator else []

    def has_output(self):
        return self.value() is not None

    def queryset(self, request, queryset):
        return queryset.filter(indicator__code=self.value()) if self.value() else queryset


class ValuesReportAreaFilter(ReportAreaFilter):
    """The values that make up the figures of the report on an area in the list's year
    (indicators.reports.values_adding_up): of its territory, and not a unit's figure that the
    figure of a unit above it replaces; the list's totals are then the report's figures."""

    def rows_of(self, request, queryset, area, territory):
        year = self.year(request)
        if year is None:
            raise IncorrectLookupParameters(self.value())
        values = IndicatorValue.objects.for_year(year).filter(area__in=list(territory.unit_ids))
        # The figures add up one indicator at a time: a figure's link names its indicator, and the
        # others' values need not be read.
        indicator = request.GET.get(IndicatorFilter.parameter_name)
        if indicator:
            values = values.filter(indicator__code=indicator)
        values = values.select_related("indicator", "area").order_by()
        ids = [value.pk for value in values_adding_up(values, year=year, area=area, territory=territory)]
        return queryset.filter(pk__in=ids)


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ImportExportAdmin):
    list_help = _(
        "The plan and the actual figure of each indicator per year and unit; the report adds them up and "
        "computes the percentage."
    )
    guide_section = "enter"
    list_display = (
        "indicator_label",
        "year",
        "area",
        "plan",
        "actual",
        "unit",
        "percent",
        "achievement_badge",
        "last_change",
    )
    list_display_links = ("indicator_label",)
    list_editable = ("plan", "actual")
    list_filter = (
        "year",
        "indicator__sector",
        IndicatorFilter,
        ValuesReportAreaFilter,
        ("area", admin.RelatedOnlyFieldListFilter),
        "status",
        "illustrative",
    )
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

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        rows = list(changelist.result_list)
        versions = IndicatorValue.history.filter(id__in=[row.pk for row in rows]).select_related("history_user")
        last = {}
        for version in versions.order_by("id", "-history_date", "-history_id"):
            last.setdefault(version.id, version)
        for row in rows:
            _last_version.set(row, last.get(row.pk))
        return changelist

    def changelist_context(self, request, changelist):
        """The totals of the plan and the actual of the listed values when they are of one
        indicator that adds up (a report's figure links here with its indicator)."""
        context = super().changelist_context(request, changelist)
        code = request.GET.get(IndicatorFilter.parameter_name)
        indicator = Indicator.objects.filter(code=code).first() if code else None
        if indicator is not None and indicator.aggregation == Indicator.Aggregation.SUM:
            sums = changelist.queryset.aggregate(plan=Sum("plan"), actual=Sum("actual"))
            labels = (("plan", _("plan")), ("actual", _("actual")))
            context["register_totals"] = [(label, sums[key]) for key, label in labels if sums[key] is not None]
        return context

    @admin.display(description=_("last changed"))
    def last_change(self, value):
        """Who last changed the value, when and by which path (an import with its log number),
        linked to its history."""
        version = _last_version.get(value)
        if version is None:
            return ""
        user = version.history_user
        who = (user.get_full_name() or user.get_username()) if user else _("the system")
        path = version.get_change_source_display() if version.change_source else ""
        if version.import_log_id:
            path = _("%(path)s, import log no. %(number)s") % {"path": path, "number": version.import_log_id}
        when = date_format(timezone.localtime(version.history_date), "SHORT_DATE_FORMAT")
        url = reverse("admin:indicators_indicatorvalue_history", args=[value.pk])
        if not path:
            return format_html('<a href="{}">{}, {}</a>', url, who, when)
        return format_html('<a href="{}">{}, {} ({})</a>', url, who, when, path)

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
