"""The years bkxh keeps figures for: every model with a year, and the report's address, hold to
this one range (a year typed 224 or 20240 is a mistake, not a year of the department)."""

from django.utils.translation import gettext_lazy as _

MIN_YEAR, MAX_YEAR = 2000, 2100

# Said by the models' year constraints and by the import, which refuses such a year in its cell
# before anything looks up what the year holds.
YEAR_RANGE_MESSAGE = _("The year must be between 2000 and 2100.")


def is_kept_year(year):
    """Whether bkxh keeps figures for `year` (the models' year constraints say the same)."""
    return year is not None and MIN_YEAR <= year <= MAX_YEAR
