"""Matching a file's header row to an import kind's columns.

A header is accepted as the canonical name (plan) or the Vietnamese header staff write
(Kế hoạch), compared without regard to case, spaces, underscores or diacritics, so "KE HOACH",
"kế  hoạch" and "Ke_hoach" are all the plan column.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from bkxh.text import fold

_IGNORED = re.compile(r"[\s_]+")
# The column our file of failed rows adds; a corrected copy of that file imports as it is.
ERRORS_HEADER = "Lỗi"


def header_key(text):
    """The comparison key of a header: folded, without spaces or underscores."""
    return _IGNORED.sub("", fold(str(text)))


def column_letter(index):
    """Excel's letter for the column at 0-based `index`: A, B, … AA."""
    return get_column_letter(index + 1)


@dataclass
class HeaderMatch:
    columns: dict = field(default_factory=dict)  # file column index -> Column
    written: dict = field(default_factory=dict)  # Column.name -> the header as written in the file
    errors: list = field(default_factory=list)


def match_header(cells, kind):
    """Which file column is which of `kind`'s columns; every problem with the header at once."""
    by_key = {}
    for column in kind.columns:
        for text in column.accepted_headers:
            by_key[header_key(text)] = column
    match = HeaderMatch()
    first_seen = {}
    for index, cell in enumerate(cells):
        text = str(cell).strip()
        if not text or header_key(text) in (header_key(ERRORS_HEADER), "errors"):
            continue
        column = by_key.get(header_key(text))
        if column is None:
            match.errors.append(
                _("Column %(letter)s “%(header)s” is not a column of this kind of file. The columns are: %(columns)s.")
                % {"letter": column_letter(index), "header": text, "columns": kind.describe_columns()}
            )
        elif column.name in first_seen:
            match.errors.append(
                _("Columns %(first)s and %(second)s are both “%(header)s”; keep only one of them.")
                % {
                    "first": column_letter(first_seen[column.name]),
                    "second": column_letter(index),
                    "header": column.header,
                }
            )
        else:
            first_seen[column.name] = index
            match.columns[index] = column
            match.written[column.name] = text
    for column in kind.columns:
        if column.required and column.name not in first_seen:
            match.errors.append(
                _("The column “%(header)s” (%(name)s) is missing.") % {"header": column.header, "name": column.name}
            )
    for group in kind.one_of:
        present = [name for name in group if name in first_seen]
        headers = " / ".join(f"“{kind.column(name).header}”" for name in group)
        if not present:
            match.errors.append(_("The file needs one of the columns %(headers)s.") % {"headers": headers})
    return match
