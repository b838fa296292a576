"""Writing rows as files Excel opens as they are: CSV in UTF-8 with BOM, and XLSX.

Numbers stay numbers (a real number in XLSX; 7.000 and 1.234,5 in CSV, as the importer reads
them); dates are dd/mm/yyyy. A text cell starting with = + - @ tab or CR could run as a formula
when opened ("CSV injection"): in CSV it gets a leading apostrophe, which the importer removes
again; in XLSX it is stored as plain text, never as a formula.
"""

import codecs
import csv
import datetime
import io
import itertools
import re
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from audit.personal_data import mask
from bkxh.numbers import format_decimal
from imports import cells
from imports.cells import ESCAPED_STARTS, FORMULA_STARTS

DATE_FORMAT = "DD/MM/YYYY"
FRACTION_FORMAT = "#,##0.##"


def csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    return "'" + text if text.startswith(ESCAPED_STARTS) else text


def write_csv(header, rows, handle):
    """`rows` (lists of values) under `header` into the binary `handle`, UTF-8 with BOM."""
    handle.write(codecs.BOM_UTF8)
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    text.detach()


# The parts of a workbook of one sheet, but the sheet. Styles: 1 a date, 2 a header, 3 text
# that would look like a formula (Excel's quotePrefix, as typing an apostrophe first does).
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_WORKBOOK_PARTS = {
    "[Content_Types].xml": _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_CONTENT_TYPE}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CONTENT_TYPE}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_CONTENT_TYPE}.styles+xml"/>'
    "</Types>",
    "_rels/.rels": _XML + f'<Relationships xmlns="{_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{_OFFICE}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>",
    "xl/workbook.xml": _XML + f'<workbook xmlns="{_MAIN}" xmlns:r="{_OFFICE}">'
    '<sheets><sheet name="Dữ liệu" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": _XML + f'<Relationships xmlns="{_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{_OFFICE}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_OFFICE}/styles" Target="styles.xml"/>'
    "</Relationships>",
    "xl/styles.xml": _XML + f'<styleSheet xmlns="{_MAIN}">'
    f'<numFmts count="2"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/>'
    f'<numFmt numFmtId="165" formatCode="{FRACTION_FORMAT}"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
    '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
}
_EXCEL_EPOCH = datetime.datetime(1899, 12, 30)
# Characters XML 1.0 cannot carry (a vertical tab is how Word writes a line break in a cell pasted from it).
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xlsx_cell(reference, value, header=False):
    """The XML of one cell: numbers as numbers, dates as dates shown dd/mm/yyyy, and any text as
    text (stored inline), never a formula, so "06" keeps its zero."""
    if isinstance(value, bool):
        value = "Có" if value else "Không"
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal):
        # Amounts and quantities with their thousands marked (Excel shows 500.000 in Vietnamese);
        # whole numbers (years, counts) as they are, so that 2024 is not 2.024.
        style = 4 if value == value.to_integral_value() else 5
        return f'<c r="{reference}" s="{style}"><v>{value:f}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{reference}"><v>{value!r}</v></c>'
    if isinstance(value, datetime.datetime):
        serial = (value.replace(tzinfo=None) - _EXCEL_EPOCH).total_seconds() / 86400
        return f'<c r="{reference}" s="1"><v>{serial!r}</v></c>'
    if isinstance(value, datetime.date):
        return f'<c r="{reference}" s="1"><v>{(value - _EXCEL_EPOCH.date()).days}</v></c>'
    text = _NOT_IN_XML.sub("", str(value))
    style = ' s="2"' if header else ' s="3"' if text.startswith(FORMULA_STARTS) else ""
    return f'<c r="{reference}"{style} t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def write_xlsx(header, rows, handle):
    """`rows` under `header` as a workbook of one sheet, in the binary `handle`. The sheet is
    written as text, row by row: openpyxl takes some 50 µs a cell (without lxml), which made the
    export of 200.000 rows take minutes."""
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in _WORKBOOK_PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w") as part, io.TextIOWrapper(part, "utf-8") as sheet:
            sheet.write(f'{_XML}<worksheet xmlns="{_MAIN}"><sheetData>')
            for number, row in enumerate(itertools.chain([header], rows), start=1):
                cells = "".join(
                    xlsx_cell(f"{get_column_letter(column)}{number}", value, header=number == 1)
                    for column, value in enumerate(row, start=1)
                )
                sheet.write(f'<row r="{number}">{cells}</row>')
            sheet.write("</sheetData></worksheet>")


def export_records(kind, queryset, file_format, handle, masked=()):
    """The records of `queryset` as a file of `kind` (the import's own columns); the values of
    the `masked` columns (citizen IDs, for a user who may not see them whole) are masked.
    Returns the number of rows written."""
    header = [column.header for column in kind.export_columns]
    positions = [index for index, column in enumerate(kind.export_columns) if column in masked]
    count = 0

    def rows():
        nonlocal count
        for instance in queryset.iterator(chunk_size=2000):
            row = kind.export_row(instance)
            for index in positions:
                row[index] = mask(row[index])
            count += 1
            yield row

    if file_format == "xlsx":
        write_xlsx(header, rows(), handle)
    else:
        write_csv(header, rows(), handle)
    return count


def write_template(kind, handle, units=None, year=None):
    """An empty file of `kind` for staff to fill in: the header, one example row marked as one
    (the importer refuses it if it is left in), the text columns formatted as text (so Excel keeps
    "06" and 12-digit IDs whole), and a sheet per list of valid codes, those of units only for
    `units` when given (the user's, in force in `year`, the year the file is for)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Dữ liệu"
    marked = _example_marked_column(kind)
    for index, column in enumerate(kind.export_columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index, value=column.header)
        header.font = Font(bold=True)
        value = kind.example.get(column.name)
        if column is marked:
            value = f"{value} {cells.EXAMPLE_MARK}" if value not in (None, "") else cells.EXAMPLE_MARK
        sheet.column_dimensions[letter].width = max(12, len(column.header) + 4, len(str(value or "")) + 2)
        example = sheet.cell(row=2, column=index, value=value)
        if column.parser is cells.text:
            sheet.column_dimensions[letter].number_format = "@"
            example.number_format = "@"
        elif column.parser is cells.date:
            example.number_format = DATE_FORMAT
    for title, codes in kind.code_lists(units, year):
        codes_sheet = workbook.create_sheet(title[:31])
        codes_sheet.append(["Mã", "Tên"] if any(name for _code, name in codes) else ["Giá trị"])
        codes_sheet["A1"].font = codes_sheet["B1"].font = Font(bold=True)
        for code, name in codes:
            codes_sheet.append([code, name] if name else [code])
            codes_sheet.cell(row=codes_sheet.max_row, column=1).number_format = "@"
        codes_sheet.column_dimensions["A"].width = 24
        codes_sheet.column_dimensions["B"].width = 60
    workbook.save(handle)


def _example_marked_column(kind):
    """The cell of the example row that says it is one: a text column, since only text carries
    the mark through to the importer; a name, number or note rather than a code where there is
    one, so the row reads "Hoàng Thị Mai (ví dụ – xóa dòng này)"."""
    text_columns = [column for column in kind.export_columns if column.parser is cells.text]
    return next((column for column in text_columns if column.lookup is None), text_columns[0])
