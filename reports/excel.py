"""The report's figures table as an Excel file (XLSX), for those who consolidate the reports.

Every figure is a number, shown the Vietnamese way by Vietnamese Excel: 7.000 and 109,4%. A
format code in an XLSX file is always written with the separators of en-US ("," groups
thousands, "." marks decimals: ECMA-376 Part 1, 18.8.31) and Excel shows it with those of the
reader's system, so "#,##0" is 7.000 in Vietnamese Windows and 7,000 in American; written
"#.##0", as the Vietnamese format dialog shows it, it would be read as three decimals. A
percentage is the fraction (1,094) under "0.0%", so that Excel computes with it.
"""

from decimal import Decimal
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from bkxh.templatetags.vn_format import document_date
from reports.documents import figure_columns, figure_rows, number_line, row_number_header, summary, title_notes
from reports.narrative import figures_heading

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT = "Times New Roman"
PERCENT_FORMAT = "0.0%"
THIN = Side(style="thin", color="000000")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WIDTHS = {"text": 50, "number": 14, "percent": 12}
MM_PER_INCH = Decimal("25.4")


def number_format(value):
    """#,##0 for a whole number, #,##0.0 … with as many decimals as the figure has (4,5)."""
    places = max(0, -value.normalize().as_tuple().exponent)
    return "#,##0" + ("." + "0" * places if places else "")


def xlsx_of(document):
    """The XLSX bytes of a reports.documents.ReportDocument: the report's header, the sections
    staff wrote, then its figures table, on a sheet set up for A4 portrait, one page wide, header rows repeated."""
    report = document.report
    columns = figure_columns(report)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(report.year)
    last = get_column_letter(len(columns) + 1)

    def line(text, *, bold=False, italic=False, size=12, centred=True):
        sheet.append([text])
        row = sheet.max_row
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = sheet.cell(row, 1)
        cell.font = Font(name=FONT, size=size, bold=bold, italic=italic)
        cell.alignment = Alignment(horizontal="center" if centred else "left", wrap_text=True)

    if not document.approved:
        line(_("DRAFT"), bold=True, centred=False)
    agency = report.agency
    if agency:
        if agency.managing_body:
            line(agency.managing_body.upper(), centred=False)
        line(agency.name.upper(), bold=True, centred=False)
        if document.issue:
            line(number_line(agency, document.issue), centred=False)
        line(f"{agency.place}, {document_date(document.document_date)}", italic=True, centred=False)
    line(_("REPORT"), bold=True, size=14)
    line(summary(report, document.replaces), bold=True, size=13)
    for _kind, text in title_notes(report):
        line(text, italic=True)
    # The sections staff wrote come before the table, as on the page (reports.narrative).
    for heading, paragraphs in document.narrative_sections:
        line(heading, bold=True, centred=False)
        for paragraph in paragraphs:
            line(paragraph, centred=False)
            sheet.row_dimensions[sheet.max_row].height = _height(paragraph)
    line(figures_heading(document.narrative_sections), bold=True, centred=False)

    header = sheet.max_row + 1
    sheet.append([row_number_header(), *(column.header for column in columns)])
    sheet.row_dimensions[header].height = 32
    for cell in sheet[header]:
        cell.font = Font(name=FONT, size=12, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = GRID
    for row in figure_rows(report):
        if row.kind == "sector":
            sheet.append([row.number, row.sector.name])
        else:
            sheet.append([row.number, *(_value(column, row.line) for column in columns)])
        number = sheet.max_row
        if row.kind != "sector":
            sheet.row_dimensions[number].height = _height(row.line.indicator.name)
        if row.kind == "sector":
            sheet.merge_cells(start_row=number, start_column=2, end_row=number, end_column=len(columns) + 1)
        for cell, column in zip(sheet[number], [None, *columns], strict=True):
            cell.border = GRID
            cell.font = Font(
                name=FONT,
                size=12,
                bold=row.kind == "sector",
                italic=row.kind == "child" and column is columns[0],
            )
            if column is None:
                cell.alignment = Alignment(horizontal="center", vertical="top")
            elif column.kind == "text":
                cell.alignment = Alignment(horizontal=column.align, vertical="top", wrap_text=True)
            else:
                cell.alignment = Alignment(vertical="top")
            if column is not None and column.kind != "text" and cell.value is not None:
                cell.number_format = PERCENT_FORMAT if column.kind == "percent" else number_format(cell.value)
    sheet.column_dimensions["A"].width = 6
    for index, column in enumerate(columns, 2):
        width = 10 if column.align == "center" else WIDTHS[column.kind]
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(header + 1, 1)
    _print_setup(sheet, header)
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()


def _height(text):
    """Points for a row whose name wraps in column B (about 80 characters a line at 12 pt):
    LibreOffice keeps a row without a height to one line when it opens the file."""
    return 16 * max(1, -(-len(text) // 80))


def _value(column, line):
    value = column.value(line)
    if column.kind == "percent" and value is not None:
        return value / 100
    return value


def _print_setup(sheet, header):
    """A4 portrait, one page wide however long, the table's header on every page; the margins
    of Decree 30 (top 20, bottom 20, left 30, right 15 mm)."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_PORTRAIT
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header}:{header}"
    for side, millimetres in (("top", 20), ("bottom", 20), ("left", 30), ("right", 15)):
        setattr(sheet.page_margins, side, float(Decimal(millimetres) / MM_PER_INCH))
    sheet.print_options.horizontalCentered = True
