"""The figures of any unit for any year, on the unit's own boundaries: one function, for the
report of the year and for its comparison with the year before (a unit formed in 2025 has a
2024: that of the units it was formed from)."""

from areas.territory import territory_of
from bkxh.years import is_kept_year
from indicators.reports import annual_report, catalogue_of, compare_years
from reports.registers import register_figures_by_year


def report_of(*, year, area, compare=True, **options):
    """indicators.reports.AnnualReport of `year` for `area`'s territory, typed figures and
    register counts together, in a fixed number of queries; `options` go to annual_report.

    With `compare`, each line also has the actual of the year before, on the same territory
    (README, "Figures across the reform"), and the plan of the year after when one is entered."""
    territory = territory_of(area)
    years = [year, year - 1] if compare and is_kept_year(year - 1) else [year]
    catalogue = catalogue_of(options.get("sectors"))
    # An agency's report reads only the registers its sectors' indicators count.
    sources = {indicator.source for indicator in catalogue if indicator.source}
    registers = register_figures_by_year(years=years, area=area, territory=territory, sources=sources)

    def report_for(of_year, figures):
        return annual_report(
            year=of_year, area=area, register_figures=figures, territory=territory, catalogue=catalogue, **options
        )

    report = report_for(year, registers[year])
    if compare:
        previous = report_for(year - 1, registers[year - 1]) if year - 1 in registers else None
        # Only its plans are read: registers give actual figures, which a coming year has none of.
        following = report_for(year + 1, {}) if is_kept_year(year + 1) else None
        compare_years(report, previous, following)
    return report
