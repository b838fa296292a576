"""The versions of a report that were issued: their number, date and signer, the figures, notes
and narrative they said, and the DOCX, XLSX and PDF files as issued, kept forever.

    IssuedReport.objects.of_report(report)      # its versions, newest first
    freeze_figures(report)                      # [{code, name, unit, plan, actual…}] as strings
    differences(issued, report)                 # what the live report says otherwise

Nothing ever changes or deletes a version (IssuedReport.save, delete and their QuerySet refuse
it): a report issued again is a new version, revision 2…, that replaces the one before.
"""

import copy
import dataclasses
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from reports import excel, word
from reports.documents import Issue, ReportDocument, file_name
from reports.models import IssuedFile, IssuedReport
from reports.pdf import pdf_from_html

# The figures of a line kept in a version, as strings of Decimals (None: no figure).
FIGURES = ("plan", "actual", "percent", "previous", "of_previous", "next_plan")


def _string(value):
    return None if value is None else str(value)


def freeze_figures(report):
    """Every line and child of `report`, in its order: [{sector, code, name, unit, level ("line" or
    "child"), plan, actual, percent, previous, of_previous, next_plan}], figures as strings."""
    frozen = []
    for section in report.sections:
        for line in section.lines:
            for level, item in [("line", line), *(("child", child) for child in line.children)]:
                entry = {
                    "sector": section.sector.name,
                    "code": item.indicator.code,
                    "name": item.indicator.name,
                    "unit": item.indicator.unit,
                    "level": level,
                }
                entry.update({name: _string(getattr(item, name)) for name in FIGURES})
                frozen.append(entry)
    return frozen


def freeze_notes(report):
    """The data checks of the page (reports/includes/note.html), as their text."""
    return [
        " ".join(re.sub(r"<[^>]+>", " ", render_to_string("reports/includes/note.html", {"note": note})).split())
        for note in report.notes
    ]


def differences(issued, report):
    """[(name, label or None, old, new, unit)]: the figures of the live `report` that differ from
    those the version `issued` said (old/new None: no figure then, or none now)."""

    def value(text):
        return None if text is None else Decimal(text)

    old = {entry["code"]: entry for entry in issued.figures}
    new = {entry["code"]: entry for entry in freeze_figures(report)}
    found = []
    for code in [*old, *(code for code in new if code not in old)]:
        before, after = old.get(code, {}), new.get(code, {})
        entry = after or before
        labels = (("plan", _("plan")), ("actual", None), ("previous", _("year before")), ("next_plan", _("next plan")))
        for figure, label in labels:
            if value(before.get(figure)) != value(after.get(figure)):
                found.append((entry["name"], label, value(before.get(figure)), value(after.get(figure)), entry["unit"]))
    return found


class ConcurrentIssue(ValidationError):
    """Someone issued a version of the report while this one was being made."""


def issue_report(request, page, *, number, issued_on, signer_title, signer_name):
    """Issue the report of `page` (reports.views.ReportPage) as its next version: its files made
    with the number, date and signer printed, then the version and its files written in one
    transaction, by the acting user. Raises PdfUnavailableError (nothing written) when the server
    cannot print, ConcurrentIssue when another version was issued meanwhile."""
    report = page.report
    previous = IssuedReport.objects.of_report(report).first()
    issue = Issue(number, issued_on, replaces=(previous.number, previous.issued_on) if previous else None)
    signed = dataclasses.replace(report, agency=_signed_by(report.agency, signer_title, signer_name))
    document = ReportDocument(
        signed, document_date=issued_on, approved=True, narrative_sections=page.narrative_sections, issue=issue
    )
    context = {**page.context(), "report": signed, "document_date": issued_on, "blank_date_reason": None}
    context["issue"] = issue
    files = [
        IssuedFile.of("docx", file_name(report, "docx"), word.CONTENT_TYPE, word.docx_of(document)),
        IssuedFile.of("xlsx", file_name(report, "xlsx"), excel.CONTENT_TYPE, excel.xlsx_of(document)),
        IssuedFile.of(
            "pdf",
            file_name(report, "pdf"),
            "application/pdf",
            pdf_from_html(render_to_string("reports/annual_report.html", context, request)),
        ),
    ]
    try:
        with transaction.atomic():
            latest = IssuedReport.objects.of_report(report).select_for_update().first()
            if (latest and latest.pk) != (previous and previous.pk):
                message = _(
                    "Someone issued version %(revision)s of this report while you were issuing it: nothing was saved."
                )
                raise ConcurrentIssue(message % {"revision": latest.revision})
            issued = IssuedReport(
                year=report.year,
                area=report.area,
                agency=report.agency,
                revision=previous.revision + 1 if previous else 1,
                number=number,
                number_year=issued_on.year,
                issued_on=issued_on,
                signer_title=signer_title,
                signer_name=signer_name,
                is_estimate=report.is_estimate,
                figures=freeze_figures(report),
                notes=freeze_notes(report),
                narrative=[[heading, paragraphs] for heading, paragraphs in page.narrative_sections],
                issued_by=request.user,
                issued_by_name=request.user.get_full_name() or request.user.get_username(),
                issued_at=timezone.now(),
            )
            issued.full_clean()
            issued.save()
            for file in files:
                file.issued = issued
                file.save()
    except IntegrityError:
        # Another version (or number) written between the check and the insert.
        raise ConcurrentIssue(
            _("Someone issued this report or used this number while you were issuing it: nothing was saved.")
        ) from None
    return issued


def _signed_by(agency, title, name):
    """A copy of `agency` (never saved) that prints `title` and `name` in its signature block."""
    signed = copy.copy(agency)
    signed.signer_title, signed.signer_name = title, name
    return signed
