"""Vietnamese formatting for reports and admin pages: 7.000, 109,4%, 05/12/2024."""

import datetime
import re
from decimal import Decimal

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from bkxh.numbers import format_decimal

register = template.Library()

ROMAN = [
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
]


# The two figure filters write digits, dots, commas, a minus and a percent sign, which HTML
# never escapes: their text is marked safe so that the report's hundreds of figures are not
# escaped again (by the variable, the sentence's blocktranslate and figure_text) to no effect.
@register.filter
def vn_number(value, places=None):
    """7000 → 7.000; 4.5 → 4,5; with `places`, exactly that many decimals."""
    if value is None or value == "":
        return ""
    return mark_safe(format_decimal(Decimal(value), None if places is None else int(places)))


@register.filter
def vn_percent(value):
    """109.4 → 109,4% (one decimal, as the report prints every percentage)."""
    if value is None or value == "":
        return ""
    return mark_safe(f"{format_decimal(Decimal(value), 1)}%")


@register.filter
def roman(number):
    result = ""
    for arabic, letters in ROMAN:
        count, number = divmod(number, arabic)
        result += letters * count
    return result


@register.filter
def document_date(day):
    """The date as an official document writes it: "ngày 05 tháng 02 năm 2025".

    Decree 30/2020 pads days 1–9 and months 1–2 with a zero (so "tháng 02" but "tháng 3"),
    which no strftime pattern does. Without a date the line is left for the signer to fill in.
    """
    if not day:
        return _("day …… month …… year ……")
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return _("day %(day)s month %(month)s year %(year)s") % {
        "day": f"{day.day:02d}",
        "month": month,
        "year": day.year,
    }


@register.filter
def vn_cell(value):
    """A value of an imported file as staff wrote it: 7.000, 05/03/2024, Có; a blank cell shows so."""
    if value is None or value == "":
        return _("(blank)")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return value


# A Vietnamese word is several syllables written apart ("THƯƠNG BINH"), so a letterhead may not
# break at any space: only where an agency name joins its fields, after " - " or ", ", before
# "VÀ", and after "ỦY BAN NHÂN DÂN" (a People's Committee over its unit's name).
_BETWEEN_FIELDS = re.compile(r"(?<=[-,]) | (?=VÀ )|(?<=ỦY BAN NHÂN DÂN) ", re.IGNORECASE)


@register.filter
def letterhead_name(name):
    """The name of an issuing agency with its line breaks only between its fields: "PHÒNG LAO
    ĐỘNG -" / "THƯƠNG BINH VÀ XÃ HỘI", never "… THƯƠNG" / "BINH …" (other spaces do not break)."""
    return " ".join(part.replace(" ", "\N{NO-BREAK SPACE}") for part in _BETWEEN_FIELDS.split(name))


@register.filter
def carried_units(units):
    """Units of an earlier structure as a report's note lists them: "Tỉnh Bắc Kạn (đến
    30/06/2025) và Tỉnh Thái Nguyên (đến 30/06/2025)"."""
    named = [
        _("%(unit)s (until %(date)s)") % {"unit": unit.name, "date": unit.valid_to.strftime("%d/%m/%Y")}
        if unit.valid_to
        else unit.name
        for unit in units
    ]
    if len(named) < 2:
        return "".join(named)
    return _("%(first)s and %(last)s") % {"first": ", ".join(named[:-1]), "last": named[-1]}
