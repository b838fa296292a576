"""The 12-digit citizen ID (CCCD) and what its digits say (Circular 07/2016/TT-BCA, Art. 7).

Digits 1–3: the province of birth; digit 4: gender and century of birth (0/1 a man/woman
born 1900–1999, 2/3 in 2000–2099, and so on); digits 5–6: the last two digits of the birth
year; digits 7–12: a serial number.
"""

import re

from django.utils.translation import gettext as _

PROVINCE_CODES = frozenset(
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036 037 038 "
    "040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 077 079 080 082 "
    "083 084 086 087 089 091 092 093 094 095 096".split()
)
_TWELVE_DIGITS = re.compile(r"^\d{12}$", re.ASCII)


def gender_century_digit(*, female, birth_year):
    return str(2 * (birth_year // 100 - 19) + (1 if female else 0))


def citizen_id_problems(citizen_id, *, female=None, birth_year=None):
    """What is wrong with `citizen_id` for a person of that gender and birth year: a list of
    Vietnamese messages, empty when the ID is well formed and agrees with the person."""
    if not _TWELVE_DIGITS.match(citizen_id):
        return [_("A citizen ID has exactly 12 digits.")]
    problems = []
    if citizen_id[:3] not in PROVINCE_CODES:
        problems.append(_("The first three digits (%(code)s) are not a province code.") % {"code": citizen_id[:3]})
    if female is not None and birth_year and 1900 <= birth_year <= 2399:
        if citizen_id[3] != gender_century_digit(female=female, birth_year=birth_year):
            problems.append(
                _("The fourth digit (%(digit)s) does not match the gender and the century of birth.")
                % {"digit": citizen_id[3]}
            )
        if citizen_id[4:6] != f"{birth_year % 100:02d}":
            problems.append(
                _("Digits 5–6 (%(digits)s) do not match the birth year %(year)s.")
                % {"digits": citizen_id[4:6], "year": birth_year}
            )
    return problems
