"""Reading one cell: text, whole numbers, Vietnamese decimals, dd/mm/yyyy dates and choices.

A parser takes the cell as the reader gives it (trimmed NFC text from CSV; text, number or date
from XLSX), never a blank one, and returns the Python value or raises ValueError with a message
for staff. Nothing is guessed: 1.5 and 05/03/24 are refused, not read as something.
"""

import datetime
import re
from decimal import Decimal

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from bkxh.numbers import parse_decimal
from bkxh.text import direction_control, fold, without_format_characters
from bkxh.years import YEAR_RANGE_MESSAGE, is_kept_year

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Our CSV export puts an apostrophe before text starting with one of these (or with an
# apostrophe) so that Excel does not run it as a formula; the reader takes one off again.
ESCAPED_STARTS = (*FORMULA_STARTS, "'")
# What the template's example row carries, so that a file sent with it still in is refused
# rather than the example imported as a real person.
EXAMPLE_MARK = "(ví dụ – xóa dòng này)"
_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$", re.ASCII)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$", re.ASCII)


def text(value):
    """Text as written, with line breaks as "\n" whatever wrote them, without format characters
    (bkxh.text: what the row is matched on must be what shows); a number from an XLSX cell as
    its digits."""
    if isinstance(value, str):
        if EXAMPLE_MARK in value:
            raise ValueError(_("This is the template's example row; delete it."))
        control = direction_control(value)
        if control is not None:
            raise ValueError(
                _(
                    "This cell holds an invisible character (%(code)s) that changes the direction of the text "
                    "around it: delete it (write the text again)."
                )
                % {"code": control}
            )
        value = without_format_characters(value)
        return value if "\r" not in value else value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.date):
        value = value.strftime("%d/%m/%Y")
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def integer(value):
    """A whole number: 2024, 1.200 or an XLSX number without decimals."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    number = decimal(value)
    if number != number.to_integral_value():
        raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text(value)})
    return int(number)


def year(value):
    """A year bkxh keeps figures for: 2024, never 0, -5 or 20240, which no unit, round or
    approval can be looked up in."""
    number = integer(value)
    if not is_kept_year(number):
        raise ValueError(str(YEAR_RANGE_MESSAGE))
    return number


def decimal(value):
    """A figure written the Vietnamese way (7.000; 1.234,5) or an XLSX number."""
    if isinstance(value, bool | datetime.date):
        raise ValueError(_("“%(value)s” is not a number.") % {"value": text(value)})
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # repr gives the shortest text that reads back as the same float: 1234.5, not 1234.4999…
        return Decimal(repr(value))
    if value.isascii() and value.isdigit():
        return Decimal(value)
    return parse_decimal(value)


def date(value):
    """A date as dd/mm/yyyy (also d/m/yyyy, with "." or "-"), yyyy-mm-dd, or an XLSX date."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = str(value)
    day_first, iso = _DATE.match(raw), _ISO_DATE.match(raw)
    if day_first:
        day, month, year = (int(part) for part in day_first.groups())
    elif iso:
        year, month, day = (int(part) for part in iso.groups())
    else:
        raise ValueError(_("“%(value)s” is not a date. Write dates as dd/mm/yyyy, e.g. 05/03/2024.") % {"value": raw})
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(_("“%(value)s” is not a date that exists.") % {"value": raw}) from None


class choice:
    """A parser for one of `choices` ((value, label) pairs), written as its label or its value,
    with or without diacritics: "Nữ", "nu" and "female" are all the same choice."""

    def __init__(self, choices):
        self.choices = choices

    def __call__(self, value):
        return self.for_current_language()(value)

    def for_current_language(self):
        """The parser with the labels of the language in use (they are translated)."""
        table = {}
        for stored, label in self.choices:
            for written in (str(stored), str(label), capfirst(str(label))):
                table[written] = table[fold(written)] = stored
        allowed = ", ".join(f"“{label}”" for _stored, label in self.choices)

        def parse(value):
            written = text(value)
            if written in table:
                return table[written]
            key = fold(written)
            if key not in table:
                raise ValueError(_("“%(value)s” is not one of: %(allowed)s.") % {"value": written, "allowed": allowed})
            return table[key]

        return parse


def boolean(value):
    """Có / Không (also x for yes), as a tick in a paper register."""
    key = fold(text(value))
    if key in {"co", "x", "yes", "true", "1"}:
        return True
    if key in {"khong", "no", "false", "0"}:
        return False
    raise ValueError(_("“%(value)s” is not “Có” or “Không”.") % {"value": text(value)})
