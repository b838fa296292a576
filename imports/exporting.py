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
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from beneficiaries.citizen_id import mask
from bkxh.numbers import format_decimal
from imports import cells
from imports.cells import ESCAPED_STARTS, FORMULA_STARTS

DATE_FORMAT = "DD/MM/YYYY"


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


def xlsx_cell(sheet, value, bold=False):
    if isinstance(value, bool):
        value = "Có" if value else "Không"
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime.date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, str):
        # Stored as text whatever it starts with: never a formula, and "06" keeps its zero.
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    if bold:
        cell.font = Font(bold=True)
    return cell


def write_xlsx(header, rows, handle, title="Dữ liệu", extra_sheets=()):
    """`rows` under `header` as the first sheet of a workbook; `extra_sheets` are (title,
    header, rows) for the sheets after it."""
    workbook = Workbook(write_only=True)
    for sheet_title, sheet_header, sheet_rows in ((title, header, rows), *extra_sheets):
        sheet = workbook.create_sheet(sheet_title[:31])
        sheet.append([xlsx_cell(sheet, value, bold=True) for value in sheet_header])
        for row in sheet_rows:
            sheet.append([xlsx_cell(sheet, value) for value in row])
    workbook.save(handle)


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


def write_template(kind, handle, units=None):
    """An empty file of `kind` for staff to fill in: the header, one example row marked as one
    (the importer refuses it if it is left in), the text columns formatted as text (so Excel keeps
    "06" and 12-digit IDs whole), and a sheet per list of valid codes, those of units only for
    `units` when given (the user's, in force in the year the file is for)."""
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
    for title, codes in kind.code_lists(units):
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
