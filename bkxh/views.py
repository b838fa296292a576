"""The printable annual report, and the page that picks its year and area."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from areas.models import AdminUnit, Agency
from beneficiaries.reports import register_figures
from indicators.models import IndicatorValue
from indicators.reports import annual_report


@login_required
def report_index(request):
    """Lists the years that have figures and the areas a report can cover.

    Template: reports/index.html. Context: years, provinces_and_districts.
    """
    years = IndicatorValue.objects.order_by("-year").values_list("year", flat=True).distinct()
    areas = AdminUnit.objects.filter(level__in=[AdminUnit.Level.PROVINCE, AdminUnit.Level.DISTRICT]).select_related(
        "parent"
    )
    return render(request, "reports/index.html", {"years": list(years), "areas": areas})


@login_required
def annual_report_view(request, year):
    """The `year` report on the province, or on one district with ?area=<GSO code>.

    Template: reports/annual_report.html. Context: report (indicators.reports.AnnualReport),
    document_date (the date line, or None to leave it for the signer).
    """
    area = _report_area(year, request.GET.get("area"))
    agency = Agency.objects.for_report(area, year)
    figures = register_figures(year=year, area=area)
    report = annual_report(year=year, area=area, agency=agency, register_figures=figures)
    return render(
        request, "reports/annual_report.html", {"report": report, "document_date": _document_date(agency, year)}
    )


def _report_area(year, code):
    if not code:
        area = AdminUnit.objects.province_for(year)
        if area is None:
            raise Http404(_("No province is set up for %(year)s.") % {"year": year})
        return area
    try:
        return AdminUnit.objects.for_code(code, year)
    except AdminUnit.DoesNotExist:
        raise Http404(_("No administrative unit with this code existed in %(year)s.") % {"year": year}) from None


def _document_date(agency, year):
    """Today, when the agency still issues documents today and the year is over or running;
    otherwise None, and the signer dates the paper by hand."""
    today = timezone.localdate()
    if agency is None or today.year < year:
        return None
    if agency.valid_to and today > agency.valid_to:
        return None
    return today if today >= datetime.date(year, 1, 1) else None
