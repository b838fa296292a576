"""Reading a file as Excel on Vietnamese Windows writes it into a header and rows.

CSV comes in UTF-8 (with or without BOM), UTF-16 ("Unicode text") or Windows-1258, with ",",
";" or tab between cells; the encoding and the delimiter are detected, never asked for. XLSX is
read with openpyxl in read-only mode with cached values only (no formula is evaluated), after
checking that the archive cannot unpack into more than the configured size; the sheet read is
the first one Excel shows (a hidden sheet is skipped). Text is NFC and trimmed; wholly blank rows
are skipped but keep their number, so row numbers are Excel's.
"""

import codecs
import csv
import datetime
import io
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from bkxh.numbers import format_decimal, round_half_up
from imports.cells import ESCAPED_STARTS
from imports.headers import header_key

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "dấu phẩy (,)", ";": "dấu chấm phẩy (;)", "\t": "tab"}
ENCODING_NAMES = {
    "utf-8-sig": "UTF-8 (BOM)",
    "utf-8": "UTF-8",
    "utf-16": "UTF-16",
    "windows-1258": "Windows-1258",
    "xlsx": "XLSX",
}
TEXT_EXTENSIONS = (".csv", ".txt", ".tsv")
# A register has a few dozen columns; a header row far wider is not one, and reading it would take
# seconds and hundreds of megabytes.
MAX_COLUMNS = 200
# An Excel workbook is a dozen files in a zip archive; thousands of them make a zip bomb.
MAX_ARCHIVE_ENTRIES = 10_000
# Control characters never found in a text file; \t, \n and \r are fine.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class FileError(Exception):
    """The file as a whole cannot be read; the message is for the clerk."""


@dataclass
class Table:
    """A file's header cells and its data rows, each as (Excel row number, cells)."""

    header: list
    rows: list = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""  # the name of the workbook's sheet that was read
    hidden_sheets: list = field(default_factory=list)  # the names of the workbook's hidden sheets, not read


def read_table(data, file_name, known_headers):
    """The Table in `data` (bytes); raises FileError. `known_headers` (folded header keys of
    the import kind) help tell the delimiter when a header cell itself holds a comma."""
    if len(data) > settings.BKXH_IMPORT_MAX_BYTES:
        raise FileError(
            _("The file is %(size)s; the limit is %(limit)s. Split it into smaller files.")
            % {"size": describe_size(len(data)), "limit": describe_size(settings.BKXH_IMPORT_MAX_BYTES)}
        )
    name = (file_name or "").lower()
    if data.startswith(OLE_MAGIC):
        raise FileError(_("This is an Excel 97-2003 workbook (.xls). Save it as .xlsx or CSV and import it again."))
    if data.startswith(XLSX_MAGIC):
        if name.endswith(TEXT_EXTENSIONS):
            raise FileError(
                _(
                    "The file is named “%(name)s” but it is an Excel workbook (.xlsx), not a CSV file. "
                    "Rename it to .xlsx or save it as CSV."
                )
                % {"name": file_name}
            )
        return _read_xlsx(data)
    if name.endswith(".xlsx"):
        raise FileError(_("The file is named .xlsx but it is not an Excel workbook. Save it again from Excel."))
    text, encoding = _decode(data)
    _refuse_control_characters(text)
    return _read_csv(text, encoding, known_headers)


def describe_size(size):
    """A size in bytes as staff read it: 120 byte, 850 KB, 2,5 MB."""
    if size < 1024:
        return f"{format_decimal(size)} byte"
    if size < 1024 * 1024:
        return f"{format_decimal(round_half_up(Decimal(size) / 1024, 0))} KB"
    return f"{format_decimal(round_half_up(Decimal(size) / (1024 * 1024), 1))} MB"


def _decode(data):
    """The text of a CSV file and the name of its encoding."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[len(codecs.BOM_UTF8) :], "utf-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16"), "utf-16"
    head = data[:4096]
    if head.count(b"\x00") * 4 > len(head):
        # UTF-16 without its BOM: every other byte of ASCII text is zero.
        zeros_first = head[0:1] == b"\x00"
        return _strict(data, "utf-16-be" if zeros_first else "utf-16-le"), "utf-16"
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = _strict(data, "cp1258"), "windows-1258"
    return text, encoding


def _refuse_control_characters(text):
    control = _CONTROL.search(text)
    if control and control.start() < 4096:
        raise FileError(_("This is not a text (CSV) file or an Excel workbook (.xlsx)."))
    if control:
        raise FileError(
            _("Line %(line)s holds a control character (code %(code)s) that a text file cannot have; delete it.")
            % {"line": text.count("\n", 0, control.start()) + 1, "code": ord(control.group())}
        )


def _strict(data, codec):
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        raise FileError(
            _("The file's characters cannot be read: save it as CSV UTF-8, Unicode text or an Excel workbook (.xlsx).")
        ) from None


def _read_csv(text, encoding, known_headers):
    text = unicodedata.normalize("NFC", text)
    delimiter = _delimiter(text, known_headers)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        if "'" in text:
            rows = ([_unescape(cell.strip()) for cell in cells] for cells in records)
        else:  # nothing to unescape: the common case, and a quicker one
            rows = ([cell.strip() for cell in cells] for cells in records)
        return _table(enumerate(rows, start=1), encoding, delimiter)
    except csv.Error as error:
        raise FileError(_csv_error(error, records.line_num)) from None


def _csv_error(error, line):
    """What Python's CSV reader refused, for staff (its own words are English)."""
    if "field larger than field limit" in str(error):
        return _(
            "Line %(line)s holds a cell of more than %(limit)s characters; no register's cell is that long. "
            "Check that the file is the right one."
        ) % {"line": format_decimal(line), "limit": format_decimal(csv.field_size_limit())}
    return _("The file is not a valid CSV file (line %(line)s).") % {"line": format_decimal(line)}


def _unescape(cell):
    """A CSV cell without the apostrophe our export puts before text Excel could run as a formula."""
    return cell[1:] if cell[:1] == "'" and cell[1:].startswith(ESCAPED_STARTS) else cell


def _delimiter(text, known_headers):
    lines = enumerate(text.splitlines(), start=1)
    number, first_line = next(((number, line) for number, line in lines if line.strip()), (0, ""))
    if not first_line:
        raise FileError(_("The file is empty."))
    candidates, failure = [], None
    for delimiter in DELIMITERS:
        try:
            cells = next(csv.reader([first_line], delimiter=delimiter), [])
        except csv.Error as error:  # a cell too long: split by another delimiter, it may not be
            failure = error
            continue
        # Folding a million header cells takes seconds; a row that wide is refused anyway.
        known = sum(header_key(cell) in known_headers for cell in cells) if len(cells) <= MAX_COLUMNS else 0
        candidates.append((known, len(cells), delimiter))
    if not candidates:
        raise FileError(_csv_error(failure, number))
    known, count, delimiter = max(candidates)
    _refuse_wide_header(count)
    if count < 2:
        raise FileError(
            _(
                "The columns of the first row could not be told apart: separate them with a comma, "
                "a semicolon or a tab (as Excel does when saving CSV)."
            )
        )
    return delimiter


def _refuse_wide_header(count):
    if count > MAX_COLUMNS:
        raise FileError(
            _("The header row has %(count)s columns, more than the %(limit)s a file may have. Is it the right file?")
            % {"count": format_decimal(count), "limit": format_decimal(MAX_COLUMNS)}
        )


def _read_xlsx(data):
    import openpyxl

    _check_archive(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors for a damaged workbook
        raise _damaged() from None
    try:
        # Excel opens on the first sheet it shows; a hidden one before it is not what the clerk sees.
        sheet = next((sheet for sheet in workbook.worksheets if sheet.sheet_state == "visible"), None)
        if sheet is None:
            raise FileError(_("Every sheet of the workbook is hidden; show the sheet to import and save it again."))
        table = _table(_xlsx_rows(workbook, sheet), "xlsx", "", sheet=sheet.title)
        table.hidden_sheets = [other.title for other in workbook.worksheets if other.sheet_state != "visible"]
        return table
    except (ValueError, IndexError, KeyError):  # the sheet's XML is not what Excel writes
        raise _damaged() from None
    finally:
        workbook.close()


def _damaged():
    return FileError(_("The Excel workbook is damaged and cannot be read. Open it in Excel and save it again."))


def _check_archive(data):
    """Refuse an archive that would unpack into more than the limit, before parsing it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
    except zipfile.BadZipFile:
        raise _damaged() from None
    if len(entries) > MAX_ARCHIVE_ENTRIES:
        raise FileError(
            _(
                "The workbook is a zip archive of %(count)s files, more than the %(limit)s allowed "
                "(an Excel workbook holds a few dozen); it cannot be imported."
            )
            % {"count": format_decimal(len(entries)), "limit": format_decimal(MAX_ARCHIVE_ENTRIES)}
        )
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > settings.BKXH_IMPORT_MAX_UNPACKED_BYTES:
        raise FileError(
            _("The workbook unpacks to %(size)s, more than the %(limit)s allowed; it cannot be imported.")
            % {"size": describe_size(unpacked), "limit": describe_size(settings.BKXH_IMPORT_MAX_UNPACKED_BYTES)}
        )
    if "xl/workbook.xml" not in names:
        raise FileError(_("The file is a zip archive, not an Excel workbook (.xlsx)."))


def _xlsx_rows(workbook, sheet):
    """(Excel row number, cells) of `sheet`, each cell at its column whatever size the sheet
    declares (some programs write A1:A1). openpyxl's own row reader is not used: it stops the
    whole file at a number cell it cannot read."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._reader import VALUE_TAG, WorkSheetParser

    class SheetParser(WorkSheetParser):
        def parse_cell(self, element):
            try:
                cell = super().parse_cell(element)
            except ValueError:
                if element.get("t", "n") != "n":
                    raise
                cell = {"row": self.row_counter, "column": self.col_counter}
            else:
                if not (isinstance(cell["value"], float) and not math.isfinite(cell["value"])):
                    return cell
            # "NaN", or 1e309 (read as infinity): kept as written, for the column's parser to refuse
            # with its row and column like any text that is not a number.
            return {**cell, "value": element.findtext(VALUE_TAG) or ""}

    # What openpyxl's read-only sheet gives its parser (openpyxl is pinned: these are not public).
    with sheet._get_source() as source:
        parser = SheetParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            # A formatted but empty cell far to the right is common; a value there is not. (The
            # header's width is refused with its own message.)
            filled = [cell for cell in cells if cell["value"] is not None]
            width = max((cell["column"] for cell in filled), default=0)
            if width > MAX_COLUMNS and number > 1:
                raise FileError(
                    _("Row %(row)s has a value in column %(letter)s; a file may have at most %(limit)s columns.")
                    % {"row": number, "letter": get_column_letter(width), "limit": MAX_COLUMNS}
                )
            values = [""] * width
            for cell in filled:
                values[cell["column"] - 1] = _xlsx_cell(cell["value"])
            yield number, values


def _xlsx_cell(value):
    """A cell as the parsers take it: text NFC and trimmed; numbers and dates as they are."""
    if value is None:
        return ""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time() else value
    if isinstance(value, bool):
        return str(value).upper()
    return value


def _table(records, encoding, delimiter, sheet=""):
    """Header and non-blank rows from (Excel row number, cells); text cells trimmed. Enforces the
    column and row limits."""
    limit = settings.BKXH_IMPORT_MAX_ROWS
    table = None
    # The readers give cells already trimmed.
    for number, cells in records:
        if table is None:
            table = Table(header=cells, encoding=encoding, delimiter=delimiter, sheet=sheet)
            if number != 1 or not any(cells):
                raise FileError(_("Row 1 must hold the column headers, but it is blank."))
            _refuse_wide_header(len(cells))
            continue
        if not any(cells) and all(cell == "" for cell in cells):
            continue
        if len(table.rows) >= limit:
            raise FileError(
                _("The file has more than %(limit)s data rows. Split it, or ask IT to import it with the command.")
                % {"limit": format_decimal(limit)}
            )
        table.rows.append((number, cells))
    if table is None:
        raise FileError(_("The file is empty."))
    if not table.rows:
        raise FileError(_("The file has a header row but no data rows."))
    return table
