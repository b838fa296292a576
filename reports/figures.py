"""The figures of any unit for any year, on the unit's own boundaries: one function, for the
report of the year and for its comparison with the year before (a unit formed in 2025 has a
2024: that of the units it was formed from)."""

from areas.territory import territory_of
from bkxh.years import is_kept_year
from indicators.reports import annual_reports, catalogue_of, compare_years
from reports.registers import register_figures_by_year


def report_of(*, year, area, compare=True, **options):
    """indicators.reports.AnnualReport of `year` for `area`'s territory, typed figures and
    register counts together, in a fixed number of queries; `options` go to annual_report.

    With `compare`, each line also has the actual of the year before, on the same territory
    (README, "Figures across the reform"), and the plan of the year after when one is entered."""
    years = [year, year - 1] if compare and is_kept_year(year - 1) else [year]
    # Only its plans are read: registers give actual figures, which a coming year has none of.
    following = [year + 1] if compare and is_kept_year(year + 1) else []
    reports = reports_of(years=years, area=area, plans_only=following, **options)
    report = reports[year]
    if compare:
        compare_years(report, reports.get(year - 1), reports.get(year + 1))
    return report


def reports_of(*, years, area, plans_only=(), **options):
    """{year: AnnualReport} of `area` for each of `years`, and of `plans_only` without their
    registers, by the rules of report_of (without its comparison): the territory and the
    catalogue read once, the registers' figures of all the years at once (register_figures_by_year)."""
    territory = territory_of(area)
    catalogue = catalogue_of(options.get("sectors"))
    # An agency's report reads only the registers its sectors' indicators count.
    sources = {indicator.source for indicator in catalogue if indicator.source}
    registers = register_figures_by_year(years=years, area=area, territory=territory, sources=sources)
    return annual_reports(
        years=years,
        area=area,
        plans_only=plans_only,
        register_figures=registers,
        territory=territory,
        catalogue=catalogue,
        **options,
    )
