"""What the report's files (reports.docx, reports.xlsx) print, taken from the page's own parts:
the sentences of reports.templatetags.report_sentences, the columns and rows of its figures
table, the letterhead's lines, and the file's name.

A column of the table (a previous year's figures, say) is added in `figure_columns` alone, and
a section of the body in `body_sections`; both files read them.
"""

import html
import re
from dataclasses import dataclass, field

from django.template import Context
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bkxh.templatetags.vn_format import carried_units, document_date, roman
from bkxh.text import fold
from reports.narrative import figures_heading
from reports.templatetags.report_sentences import sentence_html


@dataclass
class Issue:
    """What an issued version prints beside the live report: its number ("125/BC-SNV") on the
    number line, its date of issue on the date line, and (from revision 2) the number and date of
    the version it replaces, after the summary."""

    number: str
    issued_on: object
    replaces: tuple | None = None  # (number, date)


@dataclass
class ReportDocument:
    """One report as its files print it: the figures (indicators.reports.AnnualReport), the
    date line (None: left for the signer, as on the page) and whether its figures are approved
    (a provisional report is marked DRAFT)."""

    report: object
    document_date: object = None
    approved: bool = False
    # The sections staff wrote (reports.narrative.narrative_sections): [(heading, [paragraph])].
    narrative_sections: list = field(default_factory=list)
    # The number, date and version replaced of an issued version (Issue); None: the live report.
    issue: object = None

    @property
    def replaces(self):
        return self.issue.replaces if self.issue else None

    @property
    def agency(self):
        return self.report.agency


def file_name(report, extension):
    """bao-cao-2024-so-lao-dong-thuong-binh-va-xa-hoi-tinh-bac-kan.docx: the year, the issuing
    agency (when there is one) and the area, in ASCII (Đ as D), for every file of the report."""
    parts = [_("report"), str(report.year)]
    if report.agency:
        parts.append(report.agency.name)
    parts.append(report.area.name)
    return f"{slugify(fold(' '.join(parts)))}.{extension}"


def _text(rendered):
    """A rendered template as the text a reader sees: the marks gone, one space between words."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", rendered))
    return re.sub(r"\s+", " ", text).strip().replace(" ,", ",")


def sentence(line, report):
    """The sentence the page prints for `line` (reports.templatetags.report_sentences), with its
    comparison with the year before, without the page's links."""
    return _text(sentence_html(line, report.area, report.previous_year, None, Context()))


def summary(report, replaces=None):
    """The line under BÁO CÁO (templates/reports/includes/summary.html); an issued version's adds
    "(Thay thế Báo cáo số 125/BC-SNV ngày 05/12/2024)" when it `replaces` (number, date) one."""
    return _text(render_to_string("reports/includes/summary.html", {"report": report, "replaces": replaces}))


def title_notes(report):
    """The lines printed under the title, as on the page: that the figures are the demo's
    illustrative ones, that they are on today's boundaries."""
    notes = []
    if report.is_illustrative:
        notes.append(("illustrative", _("Illustrative figures of the demo, not published figures")))
    for year, carried in ((report.year, report.carried), (report.previous_year, report.previous_carried)):
        if carried:
            notes.append(
                (
                    "boundary",
                    _("The %(year)s figures are on today's boundaries: they include those of %(units)s.")
                    % {"year": year, "units": carried_units(carried)},
                )
            )
    return notes


def number_line(agency, issue=None):
    """Số:      /BC-SLĐTBXH: the number is written in when the report is issued; an issued
    version's (`issue`) prints it: Số: 125/BC-SLĐTBXH."""
    if issue is not None:
        return f"{_('No.')}: {issue.number}"
    return f"{_('No.')}:\u2003\u2003\u2003/BC-{agency.abbreviation}"


def place_date_line(document):
    place = f"{document.agency.place}, " if document.agency else ""
    return place + document_date(document.document_date)


def recipient_lines(agency):
    """ "- UBND tỉnh;" … "- Lưu: VT, VP.": each line with its dash, the last ending in a full stop."""
    lines = agency.recipient_lines
    return [f"- {line}{'.' if number == len(lines) else ';'}" for number, line in enumerate(lines, 1)]


@dataclass
class BodySection:
    """A numbered section of the report's body: a heading ("I. KẾT QUẢ THỰC HIỆN"), and either
    sub-sections of paragraphs (`parts`: [(heading, [paragraph])]) or the figures table."""

    heading: str
    parts: list = field(default_factory=list)
    is_table: bool = False


def body_sections(document):
    """The sections of the body, numbered I, II…: the results, sector by sector, the sections
    staff wrote (reports.narrative), then the table, numbered as the page numbers them."""
    report = document.report
    results = [
        (f"{number}. {section.sector.name}", [sentence(line, report) for line in section.lines])
        for number, section in enumerate(report.sections, 1)
    ]
    # The headings are the page's (msgids "I. RESULTS", "%(number)s. TABLE OF INDICATORS").
    narrative = [BodySection(heading, parts=[("", paragraphs)]) for heading, paragraphs in document.narrative_sections]
    table = BodySection(figures_heading(document.narrative_sections), is_table=True)
    return [BodySection(_("I. RESULTS"), parts=results), *narrative, table]


@dataclass
class Column:
    """A column of the figures table: its header, the value of a line in it, and its kind
    ("text", "number" or "percent", a Decimal like 109.4 for 109,4%)."""

    header: str
    value: object
    kind: str = "text"
    align: str = "left"

    def __post_init__(self):
        if self.kind != "text":
            self.align = "right"


def figure_columns(report):
    """The columns of the figures table, as on the page: no plan and percent columns in a
    report without any plan (a district's); the year before's, and the plan of the year after,
    when there are some."""
    columns = [
        Column(_("Indicator"), lambda line: line.indicator.name),
        Column(_("Unit"), lambda line: line.indicator.unit, align="center"),
    ]
    if report.has_plans:
        columns.append(Column(_("Plan"), lambda line: line.plan, "number"))
    actual = _("Actual (estimate)") if report.is_estimate else _("Actual")
    columns.append(Column(actual, lambda line: line.actual, "number"))
    if report.has_plans:
        # The template's msgid: {% translate "% of plan" %} escapes its percent sign.
        columns.append(Column(_("%% of plan") % {}, lambda line: line.percent, "percent"))
    if report.has_previous:
        year = {"year": report.previous_year}
        columns.append(Column(_("Actual %(year)s") % year, lambda line: line.previous, "number"))
        columns.append(Column(_("Against %(year)s (%%)") % year, lambda line: line.of_previous, "percent"))
    if report.has_next_plans:
        columns.append(
            Column(_("Plan %(year)s") % {"year": report.following_year}, lambda line: line.next_plan, "number")
        )
    return columns


@dataclass
class Row:
    """A row of the figures table: "sector" (I, II…: the sector's name across the row),
    "line" (1, 2…) or "child" ("-": a breakdown or "of which" line)."""

    kind: str
    number: str
    line: object = None
    sector: object = None


def figure_rows(report):
    """The rows of the figures table, in the page's order."""
    rows = []
    for number, section in enumerate(report.sections, 1):
        rows.append(Row("sector", roman(number), sector=section.sector))
        for line_number, line in enumerate(section.lines, 1):
            rows.append(Row("line", str(line_number), line=line))
            rows += [Row("child", "-", line=child) for child in line.children]
    return rows


def row_number_header():
    return _("Row no.")
