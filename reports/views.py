"""The printable annual report, and the page that picks its year and area."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from accounts.scope import home_unit, scope_of
from agencies.models import Agency
from approvals.locking import approval_covering
from areas.models import AdminUnit
from audit.models import AccessLog, log_access
from bkxh.years import MAX_YEAR, MIN_YEAR, is_kept_year
from indicators.models import IndicatorValue
from reports import caching, charts, excel, word
from reports.documents import ReportDocument, file_name
from reports.explain import figure_links
from reports.figures import report_of
from reports.forms import IssueForm
from reports.issued import differences, issue_report
from reports.models import IssuedFile, IssuedReport, ReportNarrative
from reports.narrative import figures_heading, narrative_of, narrative_sections
from reports.pdf import PdfUnavailableError, pdf_from_html
from reports.registers import register_years

# `?annex=charts`: the report printed with its charts after it (_annex).
ANNEX_CHARTS = "charts"


@login_required
def report_index(request):
    """Lists the years that have figures (typed or counted in a register) and the areas a report
    can cover.

    Template: reports/index.html. Context: years (newest first), areas (the provinces and
    districts in the user's scope, and the units they are bound to), whole_province (whether
    the user may open the province's report), agency_reports ([(year, area,
    [agencies.models.Issuer])]: the reports each agency issues on each area in each of those years).
    """
    scope = scope_of(request.user)
    years = set(scope_of(request.user).rows_of(IndicatorValue.objects.all()).values_list("year", flat=True).distinct())
    years |= register_years(request.user)
    # The provinces and districts, and a commune for the staff bound to it (a commune has its
    # own report, its People's Committee's, since 01/07/2025).
    areas = scope.filter(
        AdminUnit.objects.filter(
            Q(level__in=[AdminUnit.Level.PROVINCE, AdminUnit.Level.DISTRICT]) | Q(user_links__user=request.user)
        ).distinct(),
        "pk",
    ).select_related("parent")
    years = sorted(years, reverse=True)
    # The provinces first, then their districts; of each, those in force today before those
    # that have ended (the new Thái Nguyên before Bắc Kạn).
    today = timezone.localdate()
    areas = sorted(
        areas, key=lambda area: (area.level != AdminUnit.Level.PROVINCE, not area.is_in_force_on(today), area.code)
    )
    context = {
        "years": years,
        "areas": areas,
        "whole_province": scope.is_whole_province,
        "agency_reports": Agency.objects.issued_reports(areas, years),
    }
    return render(request, "reports/index.html", context)


@login_required
def annual_report_view(request, year):
    """The `year` report on the province, or on one district with ?area=<GSO code>; a user who
    works for a district gets that district's, and only units in their scope.

    Where several agencies share the area's sectors that year (2025, after the department was
    split), ?agency=<abbreviation> picks one, and the report has that agency's sectors only,
    under its letterhead; without it the page lists them: reports/agency_picker.html (context:
    year, area, area_code, choices: [(Issuer, whether its sectors have figures, the query of its report)]).

    Template: reports/annual_report.html. Context: report (indicators.reports.AnnualReport),
    document_date (the date line, or None to leave it for the signer), blank_date_reason (why
    it is None, for the screen), approval (the approved YearApproval covering the report, or
    None while its figures are provisional), issuer (the agencies.models.Issuer of the report,
    or None), other_issuers (the other agencies issuing a report on the area that year),
    narrative (its reports.models.ReportNarrative, or None), narrative_sections and
    figures_heading (reports.narrative), and narrative_edit_url (the admin form that writes or
    changes the narrative, for a user who may; else None), and figure_links (reports.explain:
    the list of the rows behind each figure of the table, on screen only). A year without any
    figure for the area (or the agency's sectors) is not a report: reports/no_figures.html
    (context: year, area) answers 404, as an unknown agency does.

    Served from the cache while nothing it shows can have changed (reports.caching).
    """
    generation = caching.generation(year)
    return caching.page(request, generation, lambda: _annual_report(request, year, generation))


def _annual_report(request, year, generation):
    page = report_page(request, year, generation)
    if isinstance(page, HttpResponse):
        return page
    # On the screen only: the files, the PDF among them, print the page without the figure links
    # and without the link that writes the narrative.
    context = {
        **page.context(),
        **_annex(request, page),
        "figure_links": figure_links(request, page.report),
        "narrative_edit_url": _narrative_edit_url(request, page.report, page.narrative, page.approval),
    }
    query = _query(request)
    if may_issue(request, page.report):
        context["issue_url"] = reverse("report_issue", args=[year]) + query
    latest = IssuedReport.objects.of_report(page.report).prefetch_related("files").first()
    if latest is not None:
        context["latest_issued"] = latest
        context["latest_issued_url"] = reverse("issued_report", args=[year, latest.revision]) + query
        context["latest_issued_files"] = [
            (file, reverse("issued_file", args=[year, latest.revision, file.kind]) + query)
            for file in latest.files.order_by("kind")
        ]
        context["issued_differences"] = differences(latest, page.report)
    return render(request, "reports/annual_report.html", context)


def may_issue(request, report):
    """Whether the user may issue `report`: the permission (roles Duyệt and Quản trị), its area
    in their units, and an agency to issue it (a report without one has no letterhead)."""
    return (
        report.agency is not None
        and request.user.has_perm("reports.issue_report")
        and scope_of(request.user).allows(report.area.pk)
    )


def _query(request):
    return f"?{request.GET.urlencode()}" if request.GET else ""


@login_required
def report_issue(request, year):
    """Issues the report of annual_report_view (same address parameters, same rules) as its next
    version: GET shows the form, POST checks it and issues (reports.issued.issue_report), then
    leads to the version's page. Only for a user who may_issue(); a server that cannot print the
    PDF issues nothing and says so.

    Template: reports/issue_form.html. Context: report, form (reports.forms.IssueForm), previous
    (the version it will replace, or None), revision (its own number), report_url, error (why
    nothing was issued, or None).
    """
    page = report_page(request, year)
    if isinstance(page, HttpResponse):
        return page
    if not may_issue(request, page.report):
        raise PermissionDenied(_("You may not issue this report."))
    previous = IssuedReport.objects.of_report(page.report).first()
    form = IssueForm(request.POST or None, report=page.report, previous=previous)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = issue_report(request, page, **form.cleaned_data)
        except PdfUnavailableError:
            error = _("The server could not print the PDF (Chromium is missing or failed): nothing was issued.")
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            return redirect(reverse("issued_report", args=[year, issued.revision]) + _query(request))
    context = {
        "report": page.report,
        "form": form,
        "previous": previous,
        "revision": previous.revision + 1 if previous else 1,
        "report_url": reverse("annual_report", args=[year]) + _query(request),
        "error": error,
    }
    return render(request, "reports/issue_form.html", context, status=400 if error or form.errors else 200)


def _issued(request, year, revision):
    page = report_page(request, year)
    if isinstance(page, HttpResponse):
        raise Http404(_("No report has been issued for this address."))
    try:
        return page, IssuedReport.objects.of_report(page.report).get(revision=revision)
    except IssuedReport.DoesNotExist:
        raise Http404(_("This report has no version %(revision)s.") % {"revision": revision}) from None


@login_required
def issued_report_view(request, year, revision):
    """One issued version of the report of annual_report_view, by its revision: its number,
    date, signer and status, who issued it and when, its files with their SHA-256 and the
    figures it said.

    Template: reports/issued.html. Context: report (the live report), issued (reports.models.
    IssuedReport), files [(IssuedFile, its address)], report_url, versions (every version, newest
    first, each with its address).
    """
    page, issued = _issued(request, year, revision)
    query = _query(request)
    context = {
        "report": page.report,
        "issued": issued,
        "files": [
            (file, reverse("issued_file", args=[year, revision, file.kind]) + query)
            for file in issued.files.order_by("kind")
        ],
        "report_url": reverse("annual_report", args=[year]) + query,
        "versions": [
            (version, reverse("issued_report", args=[year, version.revision]) + query)
            for version in IssuedReport.objects.of_report(page.report)
        ],
    }
    return render(request, "reports/issued.html", context)


@login_required
def issued_file(request, year, revision, kind):
    """A file of an issued version, byte for byte as it was issued, recorded in the access log."""
    _page, issued = _issued(request, year, revision)
    try:
        file = issued.files.get(kind=kind)
    except IssuedFile.DoesNotExist:
        raise Http404(_("This version has no such file.")) from None
    log_access(event=AccessLog.Event.DOWNLOAD, request=request, subject=f"{issued.number}: {file.name}")
    response = HttpResponse(bytes(file.content), content_type=file.content_type)
    response["Content-Disposition"] = content_disposition_header(True, file.name)
    return response


@login_required
def annual_report_docx(request, year):
    """The report of annual_report_view as a Word file (reports.word), for the same address's
    parameters and under the same rules; where the page would answer otherwise (the agency
    picker, whose links then lead to the files, or a 404), so does the file's address."""
    return _report_file(request, year, "docx", word.CONTENT_TYPE, lambda page: word.docx_of(_document(page)))


@login_required
def annual_report_xlsx(request, year):
    """The figures table of annual_report_view as an Excel file (reports.excel), as
    annual_report_docx."""
    return _report_file(request, year, "xlsx", excel.CONTENT_TYPE, lambda page: excel.xlsx_of(_document(page)))


@login_required
def annual_report_pdf(request, year):
    """The report page printed by the server (reports.pdf), as annual_report_docx; a server
    without its printer answers 503 and says so (templates/reports/pdf_unavailable.html)."""

    def printed(page):
        return pdf_from_html(
            render_to_string("reports/annual_report.html", {**page.context(), **_annex(request, page)}, request)
        )

    try:
        return _report_file(request, year, "pdf", "application/pdf", printed)
    except PdfUnavailableError:
        return render(request, "reports/pdf_unavailable.html", {"year": year}, status=503)


@login_required
def annual_report_charts(request, year):
    """The report's figures as charts (reports.charts): plan against actual, the last five
    years on the report's territory, the units below the area side by side; under the page's
    rules (as annual_report_docx).

    Template: reports/charts.html. Context: report, plan_charts, history_charts and unit_charts
    ([reports.charts.IndicatorChart]), query (the page's query string, for the links back)."""
    page = report_page(request, year)
    if isinstance(page, HttpResponse):
        return page
    context = {"report": page.report, **_charts_of(page), "query": request.GET.urlencode()}
    return render(request, "reports/charts.html", context)


def _charts_of(page):
    sectors = page.issuer.sectors if page.issuer else None
    return {
        "plan_charts": charts.plan_and_actual(page.report),
        "history_charts": charts.history(page.report, sectors=sectors),
        "unit_charts": charts.units_side_by_side(page.report, sectors=sectors),
    }


def _annex(request, page):
    """The charts as an annex after the report (`?annex=charts`), on the page and in its PDF; the
    report itself is printed as without it. Context: annex (_charts_of's, when asked for),
    with_annex_query and without_annex_query (the page's query asking for it, and not)."""
    with_annex, without_annex = request.GET.copy(), request.GET.copy()
    with_annex["annex"] = ANNEX_CHARTS
    without_annex.pop("annex", None)
    context = {"with_annex_query": with_annex.urlencode(), "without_annex_query": without_annex.urlencode()}
    if request.GET.get("annex") == ANNEX_CHARTS:
        context["annex"] = _charts_of(page)
    return context


def _document(page):
    return ReportDocument(
        page.report,
        document_date=page.document_date,
        approved=page.approval is not None,
        narrative_sections=page.narrative_sections,
    )


def _report_file(request, year, extension, content_type, make):
    generation = caching.generation(year)
    page = report_page(request, year, generation)
    if isinstance(page, HttpResponse):
        return page
    variant = ANNEX_CHARTS if request.GET.get("annex") == ANNEX_CHARTS else ""
    content = caching.file(extension, page, generation, lambda: make(page), variant=variant)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, file_name(page.report, extension))
    return response


@dataclass
class ReportPage:
    """What the report page shows, and its files print, for one request."""

    report: object  # indicators.reports.AnnualReport
    document_date: object  # the date line, or None to leave it for the signer
    blank_date_reason: str | None
    approval: object  # the approved YearApproval covering the report, or None
    issuer: object  # agencies.models.Issuer, or None
    other_issuers: list
    area_code: str
    narrative: object = None  # reports.models.ReportNarrative, or None
    narrative_sections: list = None  # reports.narrative.narrative_sections

    def context(self):
        return {
            "report": self.report,
            "document_date": self.document_date,
            "blank_date_reason": self.blank_date_reason,
            "approval": self.approval,
            "issuer": self.issuer,
            "other_issuers": self.other_issuers,
            "area_code": self.area_code,
            "narrative": self.narrative,
            "narrative_sections": self.narrative_sections,
            "figures_heading": figures_heading(self.narrative_sections or []),
        }


def report_page(request, year, generation=None):
    """The ReportPage the request asks for, or the response that answers instead: the agency
    picker when several agencies share the year and none is named, the 404 page of a year
    without figures. Raises Http404 (a year not kept, an unknown area or agency) and
    PermissionDenied (an area outside the user's scope). The page and its files (DOCX, XLSX)
    go through it, so they obey one set of rules. The report's figures come from the cache
    (reports.caching) while its `generation` (read before anything else, when given) holds."""
    if generation is None:
        generation = caching.generation(year)
    code = _area_code(request)
    scope = scope_of(request.user)
    area = _report_area(year, code)
    if not scope.allows(area.pk):
        raise PermissionDenied(_("%(area)s is outside the units you work for.") % {"area": area})
    issuers = Agency.objects.for_report(area, year)
    issuer = _issuer(issuers, request.GET.get("agency"), area, year)
    if issuer is None and len(issuers) > 1:
        return _agency_picker(request, year, area, code, issuers)
    agency, sectors = (issuer.agency, issuer.sectors) if issuer else (None, None)
    report = caching.report(
        year=year,
        area=area,
        agency=agency,
        sectors=sectors,
        generation=generation,
        make=lambda: report_of(year=year, area=area, agency=agency, sectors=sectors),
    )
    if not report.has_data:
        return render(request, "reports/no_figures.html", {"year": year, "area": area}, status=404)
    document_date, blank_date_reason = _document_date(agency, year)
    approval = approval_covering(area, year)
    narrative = narrative_of(report)
    sections = narrative_sections(report, narrative)
    return ReportPage(
        report=report,
        document_date=document_date,
        blank_date_reason=blank_date_reason,
        approval=approval,
        issuer=issuer,
        other_issuers=[other for other in issuers if other != issuer],
        area_code=code or "",
        narrative=narrative,
        narrative_sections=sections,
    )


def _area_code(request):
    """The code of the area the report opens on: the address's, else, for a user who does not
    work for the whole province, their first unit's; None for the province."""
    code = request.GET.get("area")
    if not code and not scope_of(request.user).is_whole_province:
        home = home_unit(request.user)
        code = home.code if home else None
    return code


def _narrative_edit_url(request, report, narrative, approval):
    """The admin form of `report`'s narrative for a user who may change it there (its own
    admin's permissions: role, units, approved year), or the add form filled in with the
    report's business keys for one who may write it; None otherwise, and for a report without
    an agency, which is not issued."""
    if report.agency is None or not admin.site.has_permission(request):
        return None
    model_admin = admin.site.get_model_admin(ReportNarrative)
    if narrative is not None:
        if not model_admin.has_change_permission(request, narrative):
            return None
        return reverse("admin:reports_reportnarrative_change", args=[narrative.pk])
    if approval is not None or not model_admin.has_add_permission(request):
        return None
    if not scope_of(request.user).allows(report.area.pk):
        return None
    keys = {"year": report.year, "area": report.area.code, "agency": report.agency.abbreviation}
    return f"{reverse('admin:reports_reportnarrative_add')}?{urlencode(keys)}"


def _issuer(issuers, abbreviation, area, year):
    """The Issuer the report is printed for: the one named by its abbreviation (a business key
    the address keeps), the only one, or None (none set up, or several and none named)."""
    if abbreviation:
        issuer = next((issuer for issuer in issuers if issuer.agency.abbreviation == abbreviation), None)
        if issuer is None:
            raise Http404(
                _("No agency abbreviated %(abbreviation)s issues the %(year)s reports on %(area)s.")
                % {"abbreviation": abbreviation, "year": year, "area": area}
            )
        return issuer
    return issuers[0] if len(issuers) == 1 else None


def _agency_picker(request, year, area, code, issuers):
    """The agencies that share the area's sectors in `year`, each with whether its sectors have
    figures; 404 as the report would when the area has none."""
    report = report_of(year=year, area=area)
    if not report.has_data:
        return render(request, "reports/no_figures.html", {"year": year, "area": area}, status=404)
    reported = {section.sector.pk for section in report.sections}
    choices = [
        (issuer, any(sector.pk in reported for sector in issuer.sectors), _with_agency(request, code, issuer))
        for issuer in issuers
    ]
    context = {"year": year, "area": area, "area_code": code or "", "choices": choices}
    return render(request, "reports/agency_picker.html", context)


def _with_agency(request, code, issuer):
    """The page's query asking for `issuer`'s report, the rest of it kept (the charts' annex)."""
    query = request.GET.copy()
    if code:
        query["area"] = code
    query["agency"] = issuer.agency.abbreviation
    return query.urlencode()


def _report_area(year, code):
    if not is_kept_year(year):
        raise Http404(
            _("bkxh keeps figures for the years %(first)s to %(last)s.") % {"first": MIN_YEAR, "last": MAX_YEAR}
        )
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
    """(date, None): today, when the agency still issues documents today and the year is over
    or running; otherwise (None, why), and the signer dates the paper by hand. Without an
    agency the page already says that none is set up."""
    today = timezone.localdate()
    if agency is None:
        return None, None
    if today.year < year:
        return None, _("The date line is left blank for the signer: %(year)s has not begun yet.") % {"year": year}
    if agency.valid_to and today > agency.valid_to:
        return None, _(
            "The date line is left blank for the signer: %(agency)s stopped issuing documents on %(date)s, "
            "so the report cannot carry today's date; write the date it was issued on."
        ) % {"agency": agency.name, "date": date_format(agency.valid_to, "SHORT_DATE_FORMAT")}
    return today, None
