"""The figures of a report as charts: plain Decimals and shares of each chart's scale, for
templates/reports/charts.html to draw as bars in a table (the table is the chart's text, read
by a screen reader and printed as it is; no script, nothing from the internet)."""

from dataclasses import dataclass, field
from decimal import Decimal

from areas.territory import territory_of
from bkxh.numbers import HUNDRED, round_half_up
from bkxh.years import is_kept_year
from indicators.reports import annual_report, catalogue_of, unit_figures
from reports.figures import reports_of
from reports.registers import register_figures_by_unit, register_figures_by_year

# The years the history chart goes back: the report's year and the four before it.
HISTORY_YEARS = 5


@dataclass
class Bar:
    """A figure and its bar's length in percent of its chart's largest figure."""

    label: str
    value: Decimal
    share: Decimal


@dataclass
class IndicatorChart:
    """One indicator's bars (plan and actual, or one per year), with its unit."""

    indicator: object
    bars: list = field(default_factory=list)
    percent: Decimal | None = None


def _bars(pairs):
    """Bars of [(label, value)] scaled to the largest value (a chart of noughts draws none)."""
    largest = max((value for _label, value in pairs), default=Decimal(0))
    return [
        Bar(label, value, round_half_up(value * HUNDRED / largest, 1) if largest else Decimal(0))
        for label, value in pairs
    ]


def plan_and_actual(report):
    """An IndicatorChart per line of `report` (breakdowns too) with both a plan and an actual."""
    charts = []
    for line in report.all_lines():
        if line.plan is not None and line.actual is not None:
            bars = _bars([("plan", line.plan), ("actual", line.actual)])
            charts.append(IndicatorChart(line.indicator, bars, line.percent))
    return charts


def planned_progress(*, year, area):
    """plan_and_actual of `area`'s `year` report, read for its planned indicators alone (the home
    page's chart): the report's own rules, and of the registers only those a planned indicator
    counts (a plan can be entered only for an indicator that has one: Indicator.has_plan)."""
    territory = territory_of(area)
    catalogue = catalogue_of(None)
    sources = {indicator.source for indicator in catalogue if indicator.source and indicator.has_plan}
    registers = register_figures_by_year(years=[year], area=area, territory=territory, sources=sources)[year]
    report = annual_report(year=year, area=area, register_figures=registers, territory=territory, catalogue=catalogue)
    return plan_and_actual(report)


def history(report, *, sectors=None):
    """An IndicatorChart per indicator of `report` with an actual in at least two of the last
    HISTORY_YEARS years, one bar a year, on the report's territory (a unit formed in 2025 has
    its predecessors' earlier years): the years not in the report's comparison by reports_of,
    their registers read for all of them at once; a fixed number of queries."""
    years = [year for year in range(report.year - HISTORY_YEARS + 1, report.year + 1) if is_kept_year(year)]
    built = {report.year: report}
    if report.previous_report is not None:
        built[report.previous_report.year] = report.previous_report
    missing = [year for year in years if year not in built]
    if missing:
        built |= reports_of(years=missing, area=report.area, agency=report.agency, sectors=sectors)
    actuals = {year: {line.indicator.pk: line.actual for line in built[year].all_lines()} for year in years}
    charts = []
    for line in report.all_lines():
        series = [(str(year), actuals[year].get(line.indicator.pk)) for year in years]
        known = [(year, value) for year, value in series if value is not None]
        if len(known) >= 2:
            charts.append(IndicatorChart(line.indicator, _bars(known)))
    return charts


def units_side_by_side(report, *, sectors=None):
    """An IndicatorChart per indicator of `report` that adds up, one bar per unit directly below
    the report's area (a province's districts, a new province's communes), by the report's own
    rules; a fixed number of queries whatever the number of units."""
    territory = territory_of(report.area)
    catalogue = [indicator for indicator in catalogue_of(sectors) if indicator.pk in _shown(report)]
    sources = {indicator.source for indicator in catalogue if indicator.source}
    # The registers with entries in the area, as the report found them: their figures come from them.
    area_registers = {line.indicator.source: line.actual for line in report.all_lines() if line.from_register}
    by_unit = register_figures_by_unit(year=report.year, unit_ids=territory.unit_ids, sources=sources)
    figures = unit_figures(
        year=report.year,
        area=report.area,
        territory=territory,
        catalogue=catalogue,
        register_figures=area_registers,
        unit_register_figures=by_unit,
    )
    charts = []
    for indicator in catalogue:
        if indicator.pk in figures:
            pairs = [(unit.name, actual or Decimal(0)) for unit, actual in figures[indicator.pk]]
            charts.append(IndicatorChart(indicator, _bars(pairs)))
    return charts


def _shown(report):
    return {line.indicator.pk for line in report.all_lines()}
