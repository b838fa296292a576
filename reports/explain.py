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
    """{(indicator id, "plan" or "actual"): the address of the list of the rows behind that
    figure of `report`}, for the lists `request`'s user may open; the lines without a figure,
    and those whose rows the user may not list, have none."""
    if not admin.site.has_permission(request):
        return {}
    may_list = {}

    def list_of(model):
        if model not in may_list:
            model_admin = admin.site.get_model_admin(model) if admin.site.is_registered(model) else None
            may_list[model] = model_admin is not None and model_admin.has_view_permission(request)
        if not may_list[model]:
            return None
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    year, area_code = report.year, report.area.code
    links = {}
    for line in report.all_lines():
        indicator = line.indicator
        values = list_of(IndicatorValue)
        typed = {"year": year, "indicator": indicator.code, "report_area": area_code}
        if line.plan is not None and values:
            links[indicator.pk, "plan"] = f"{values}?{urlencode(typed)}"
        if line.actual is None:
            continue
        if line.from_register:
            model = register_of(indicator.source)
            register = list_of(model)
            if register:
                keys = {"year": year, "report_area": area_code}
                keys |= {f"{field}__exact": value for field, value in KINDS.get(indicator.source, {}).items()}
                links[indicator.pk, "actual"] = f"{register}?{urlencode(keys)}"
        elif values:
            links[indicator.pk, "actual"] = f"{values}?{urlencode(typed)}"
    return links
