"""Reading and writing numbers the Vietnamese way: 7.000 and 1.234,5.

One parser serves admin forms and file imports, so a figure typed in a form and the same
figure in a spreadsheet are read alike. An ambiguous figure ("1.5", "7,000") is refused
rather than guessed.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

HUNDRED = Decimal(100)
_DOT_GROUPS = re.compile(r"^\d{1,3}(\.\d{3})+$", re.ASCII)
_PLAIN = re.compile(r"^\d+$", re.ASCII)
_COMMA_DECIMAL = re.compile(r"^\d+,\d+$", re.ASCII)
_GROUPED_COMMA_DECIMAL = re.compile(r"^\d{1,3}(\.\d{3})*,\d+$", re.ASCII)
_AMBIGUOUS_COMMA = re.compile(r"^\d{1,3},\d{3}$", re.ASCII)
_SPACES = re.compile(r"[\s\u00a0\u202f]")


def parse_decimal(text):
    """The Decimal written in `text`, or raise ValueError with a message for staff.

    Accepted: 7000, 7.000, 1.234.567, 1 234 567, 1234,5, 1.234,5, and a leading minus.
    Refused: 1.5 or 12.34 (a dot that cannot be a thousands separator), 7,000 (could be
    seven or seven thousand), 1,234.5 and 1,234,567 (English separators).
    """
    raw = str(text).strip()
    compact = _SPACES.sub("", raw)
    sign = ""
    if compact[:1] in "-+" and compact:
        sign, compact = ("-" if compact[0] == "-" else ""), compact[1:]
    if _PLAIN.match(compact):
        digits = compact
    elif _DOT_GROUPS.match(compact):
        digits = compact.replace(".", "")
    elif _AMBIGUOUS_COMMA.match(compact):
        raise ValueError(
            _("“%(value)s” is ambiguous (thousands or decimals?): write thousands with a dot, as %(thousands)s.")
            % {"value": raw, "thousands": compact.replace(",", ".")}
        )
    elif _COMMA_DECIMAL.match(compact) or _GROUPED_COMMA_DECIMAL.match(compact):
        digits = compact.replace(".", "").replace(",", ".")
    elif re.match(r"^\d+\.\d+$", compact, re.ASCII):
        raise ValueError(
            _("“%(value)s” is ambiguous: use a comma for decimals (%(example)s) and a dot only for thousands.")
            % {"value": raw, "example": compact.replace(".", ",")}
        )
    else:
        raise ValueError(_("“%(value)s” is not a number. Write numbers as 7.000 or 1.234,5.") % {"value": raw})
    try:
        return Decimal(sign + digits)
    except InvalidOperation:  # pragma: no cover - the patterns above only let digits through
        raise ValueError(_("“%(value)s” is not a number.") % {"value": raw}) from None


def round_half_up(value, places=1):
    """`value` rounded half-up (109,375 → 109,4; 106,25 → 106,3), as official reports round."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percent_of(actual, plan, places=1):
    """actual ÷ plan × 100 rounded half-up, or None when there is no plan to compare with."""
    if actual is None or not plan:
        return None
    return round_half_up(Decimal(actual) * HUNDRED / Decimal(plan), places)


def format_decimal(value, places=None):
    """`value` written the Vietnamese way: 7.000, 259.310, 4,5, 102,1.

    With `places` the figure shows exactly that many decimals (rounded half-up); without,
    trailing zeros are dropped, so a count stored as 7000.00 prints as 7.000.
    """
    if value is None:
        return ""
    value = Decimal(value)
    if places is not None:
        value = round_half_up(value, places)
        text = f"{abs(value):.{places}f}"
    else:
        text = format(abs(value).normalize(), "f")
    whole, _sep, fraction = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    result = ".".join(groups) + ("," + fraction if fraction else "")
    return ("-" if value < 0 else "") + result
