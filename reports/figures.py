"""The figures of any unit for any year, on the unit's own boundaries: one function, for the
report of the year and for comparisons with earlier years (a unit formed in 2025 has a 2024:
that of the units it was formed from)."""

from areas.territory import territory_of
from indicators.reports import annual_report
from reports.registers import register_figures


def report_of(*, year, area, **options):
    """indicators.reports.AnnualReport of `year` for `area`'s territory, typed figures and
    register counts together, in a fixed number of queries; `options` go to annual_report."""
    territory = territory_of(area)
    figures = register_figures(year=year, area=area, territory=territory)
    return annual_report(year=year, area=area, register_figures=figures, territory=territory, **options)
