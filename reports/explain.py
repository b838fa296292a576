"""Where each figure of a report comes from: the admin list of the rows behind it, for the
report's screen (README, "Every figure explained"; never on paper nor in the files).

A register's figure links to the register's list filtered to the report's year and area
(`report_area`: the area's territory, across the reform, less the entries the report does not
count) and, for a breakdown, to its kind: the list's totals are then the printed figures. A
typed figure links to the indicator values that add up to it, each with its last change and its
history. The addresses carry business keys (the year, the area's code, the indicator's code),
never ids; the lists show only the rows of the user's units, as they always do.
"""

from urllib.parse import urlencode

from django.contrib import admin
from django.urls import reverse

from indicators.models import IndicatorValue
from reports.registers import KINDS, register_of


def figure_links(request, report):
    """{(indicator id, "plan", "actual" or "previous"): the address of the list of the rows
    behind that figure of `report` (the year before's actual for "previous"), for the lists
    `request`'s user may open; the lines without a figure, and those whose rows the user may
    not list, have none."""
    if not admin.site.has_permission(request):
        return {}
    # The address of each model's list, or None where the user may not open it: asked once a
    # model, not once a line.
    lists = {}

    def list_of(model):
        if model not in lists:
            model_admin = admin.site.get_model_admin(model) if admin.site.is_registered(model) else None
            may_list = model_admin is not None and model_admin.has_view_permission(request)
            name = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
            lists[model] = reverse(name) if may_list else None
        return lists[model]

    links = {}
    for line in report.all_lines():
        for figure, url in _line_links(line, report.year, report.area.code, list_of, report.year).items():
            links[line.indicator.pk, figure] = url
    # The year before's column: its actual, on the same territory.
    if report.previous_report is not None:
        for line in report.previous_report.all_lines():
            url = _line_links(line, report.previous_report.year, report.area.code, list_of, report.year).get("actual")
            if url:
                links[line.indicator.pk, "previous"] = url
    return links


def _line_links(line, year, area_code, list_of, report_year):
    """{"plan"/"actual": the address of the list behind that figure of `line`, of `year`} (those
    it has); the area's code is read in `report_year`, the report's (README, "Every figure
    explained")."""
    indicator = line.indicator
    values = list_of(IndicatorValue)
    area = {"report_area": area_code} | ({} if year == report_year else {"report_year": report_year})
    typed = {"year": year, "indicator": indicator.code, **area}
    links = {}
    if line.plan is not None and values:
        links["plan"] = f"{values}?{urlencode(typed)}"
    if line.actual is None:
        return links
    if line.from_register:
        register = list_of(register_of(indicator.source))
        if register:
            keys = {"year": year, **area}
            keys |= {f"{field}__exact": value for field, value in KINDS.get(indicator.source, {}).items()}
            links["actual"] = f"{register}?{urlencode(keys)}"
    elif values:
        links["actual"] = f"{values}?{urlencode(typed)}"
    return links
