"""The annual report's figures: plain Decimals, computed from the stored values.

`annual_report()` runs a fixed number of queries whatever the amount of data: the
catalogue in one, the year's values for the area and the units below it in another;
`annual_reports()` reads the values of several years in that one query. Formatting is the
template's job.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from areas.models import AdminUnit, year_bounds
from areas.territory import HIERARCHY, SUCCESSION, Territory, territory_of
from bkxh.numbers import HUNDRED, percent_of, round_half_up
from indicators.models import Indicator, IndicatorValue, achievement_of


@dataclass
class Note:
    """Something a person checking the report should look at; shown on screen, not printed.

    `check` names the check that found it: "reported_percent" (a printed percentage disagrees
    with the computed one), "parts" (a breakdown does not add up to its total), "of_which" (an "of which"
    figure exceeds its total), "roll_up" (a unit's own figure differs from the sum of the
    units below it), "register" (a typed figure differs from the total of its register).
    """

    check: str
    indicator: Indicator
    expected: Decimal | None = None
    found: Decimal | None = None
    area: object = None
    figure: str = ""


@dataclass
class Line:
    indicator: Indicator
    plan: Decimal | None = None
    actual: Decimal | None = None
    reported_percent: Decimal | None = None
    children: list = field(default_factory=list)
    # The actual of the year before, on the same territory, and the plan of the year after
    # (compare_years); None when there is none.
    previous: Decimal | None = None
    next_plan: Decimal | None = None
    # Whether the actual is a register's count (reports.registers) rather than typed values.
    from_register: bool = False

    @property
    def percent(self):
        return percent_of(self.actual, self.plan)

    @property
    def achievement(self):
        return achievement_of(self.actual, self.plan)

    @property
    def has_figures(self):
        return self.plan is not None or self.actual is not None

    @property
    def of_previous(self):
        """This year's actual as a percentage of the year before's ("So với năm 2023 (%)")."""
        return percent_of(self.actual, self.previous)

    @property
    def trend(self):
        """ "up", "down" or "same" against the year before; None without both figures."""
        if self.actual is None or self.previous is None:
            return None
        return "up" if self.actual > self.previous else "down" if self.actual < self.previous else "same"

    @property
    def change_percent(self):
        """How much the actual rose or fell against the year before, in percent of it (5,3 for
        "tăng 5,3%"); None when the year before was nought, and the change is said in units."""
        if self.trend is None or not self.previous:
            return None
        return round_half_up(abs(self.actual - self.previous) * HUNDRED / self.previous, 1)

    @property
    def change_amount(self):
        return None if self.trend is None else abs(self.actual - self.previous)

    @property
    def parts(self):
        """Breakdown lines written in brackets after the sentence: no plan of their own."""
        return [child for child in self.children if not child.indicator.has_plan and child.actual is not None]

    @property
    def planned_children(self):
        return [child for child in self.children if child.indicator.has_plan and child.plan is not None]


@dataclass
class Section:
    sector: object
    lines: list


@dataclass
class AnnualReport:
    year: int
    area: object
    agency: object
    sections: list
    notes: list
    is_estimate: bool
    # The units of another structure whose figures of the year are added in (areas.territory):
    # the old provinces in a new province's 2025 report; the report says so.
    carried: list = field(default_factory=list)
    # Any of its figures made up for the demo (IndicatorValue.illustrative), never published.
    is_illustrative: bool = False

    # The report of the year before, on the same territory, when compared (compare_years).
    previous_report: object = None
    following_year: int | None = None

    @property
    def has_data(self):
        return bool(self.sections)

    def all_lines(self):
        for section in self.sections:
            for line in section.lines:
                yield line
                yield from line.children

    @property
    def previous_year(self):
        return self.year - 1 if self.has_previous else None

    # has_previous, has_next_plans and has_plans walk every line and the template reads them on
    # each row: they are kept once read, which is after compare_years (reports.figures.report_of
    # returns the report finished; nothing changes its lines afterwards).
    @cached_property
    def has_previous(self):
        """Whether a line has the year before's figure: only then the table compares."""
        return any(line.previous is not None for line in self.all_lines())

    @cached_property
    def has_next_plans(self):
        return any(line.next_plan is not None for line in self.all_lines())

    @property
    def previous_carried(self):
        """The units of another structure whose figures the year before's column adds up."""
        return self.previous_report.carried if self.has_previous else []

    @property
    def column_count(self):
        """The table's columns after the row number: a sector's row spans them."""
        plans = 2 if self.has_plans else 0
        return 3 + plans + 2 * self.has_previous + self.has_next_plans

    @cached_property
    def has_plans(self):
        """Whether any line has a plan; a district's report usually has none (plans are set for
        the province), and then prints no plan and percent columns."""
        return any(
            line.plan is not None or any(child.plan is not None for child in line.children)
            for section in self.sections
            for line in section.lines
        )


def catalogue_of(sectors=None):
    """The indicators of `sectors` (all when None), in the report's order: a list to share
    between the reports of several years."""
    indicators = Indicator.objects.select_related("sector").order_by("sector__order", "sector__code", "order", "code")
    if sectors is not None:
        indicators = indicators.filter(sector__in=[getattr(sector, "pk", sector) for sector in sectors])
    return list(indicators)


def annual_report(*, year, area, agency=None, register_figures=None, territory=None, sectors=None, catalogue=None):
    """The `year` report on `area` (a province or a district): sections of lines, and notes;
    of `sectors` only (those its agency holds), or of the whole catalogue when None.

    A unit with no figure of its own for an indicator that adds up gets the sum of the units
    below it (communes → districts → province); the figures of its predecessors in the year are
    added to it (`territory`, areas.territory: computed when not given). `area` need not have
    been in force in `year`: the new Thái Nguyên's 2024 is that of the provinces it was formed
    from, the year on today's boundaries. An indicator computed from a register takes
    its actual from `register_figures` (keyed by Indicator.source) when the register has
    entries; a typed figure that differs is reported to staff.
    """
    reports = annual_reports(
        years=[year],
        area=area,
        agency=agency,
        register_figures={year: register_figures or {}},
        territory=territory,
        sectors=sectors,
        catalogue=catalogue,
    )
    return reports[year]


def annual_reports(
    *, years, area, plans_only=(), agency=None, register_figures, territory=None, sectors=None, catalogue=None
):
    """{year: annual_report of that year} for each of `years`, with `register_figures` {year:
    its register figures}, and for each of `plans_only` a report of its plans alone (no actual
    and no register: what the year before's report prints of it); in two queries, the values
    and the predecessors, whatever the number of years, as each query on a territory's few
    hundred units costs more to build than to run (and a third, the units, for a report whose
    units' own figures disagree with those below them, which its notes name)."""
    indicators = catalogue_of(sectors) if catalogue is None else catalogue
    territory = territory or territory_of(area)
    every_year = [*years, *plans_only]
    # Unordered: the report groups them itself, and the values' admin ordering joins the
    # indicators, their sectors and the units only to sort them.
    values = IndicatorValue.objects.filter(year__in=every_year, area__in=territory.unit_ids).order_by()
    if sectors is not None:
        values = values.filter(indicator__sector__in=[getattr(sector, "pk", sector) for sector in sectors])
    values_by_year = defaultdict(list)
    for row in values.values_list(*StoredFigures._fields):
        value = StoredFigures(*row)
        values_by_year[value.year].append(value)
    predecessors = list(AdminUnit.objects.filter(pk__in=territory.predecessor_ids).order_by("code"))
    units = _UnitsById(territory.unit_ids, known=[area, *predecessors])
    return {
        year: _annual_report(
            year=year,
            area=area,
            agency=agency,
            indicators=indicators,
            values=values_by_year[year],
            territory=territory,
            register_figures=register_figures.get(year, {}),
            carried=[unit for unit in predecessors if unit.is_in_force_during(year)],
            figures=("plan",) if year in plans_only else ("plan", "actual"),
            units=units,
        )
        for year in every_year
    }


class StoredFigures(NamedTuple):
    """What the report reads of an IndicatorValue: tuples, not model instances, as a report reads
    a few hundred of them and builds nothing else from them."""

    indicator_id: int
    year: int
    area_id: int
    plan: Decimal | None
    actual: Decimal | None
    reported_percent: Decimal | None
    status: str
    illustrative: bool


class _UnitsById(dict):
    """The units of a territory by id, those `known` at hand and the others read in one query
    when one is first asked for: a note names the unit whose own figure disagrees with the units
    below it, which most reports have none of (or only the area's own)."""

    def __init__(self, unit_ids, known=()):
        super().__init__((unit.pk, unit) for unit in known)
        self.unit_ids = unit_ids
        self.all_read = False

    def __missing__(self, unit_id):
        if self.all_read:
            raise KeyError(unit_id)
        self.all_read = True
        self.update(AdminUnit.objects.in_bulk(self.unit_ids))
        return self[unit_id]


def _annual_report(*, year, area, agency, indicators, values, territory, register_figures, carried, figures, units):
    """annual_report of `year` from its `values` (StoredFigures of the territory's units, which
    `units` gives by id), rolling up `figures` ("plan", "actual") alone."""
    values_by_indicator = defaultdict(list)
    for value in values:
        values_by_indicator[value.indicator_id].append(value)

    notes = []
    lines = {}
    for indicator in indicators:
        line = Line(indicator)
        for figure in figures:
            total, mismatches, _used = _roll_up(
                values_by_indicator[indicator.pk],
                area,
                figure,
                indicator.aggregation,
                territory,
                year_end=year_bounds(year)[1] if indicator.at_year_end else None,
            )
            setattr(line, figure, total)
            # By the units' codes, as the admin lists them: the roll-up finds them in no set order.
            notes += sorted(
                (
                    Note("roll_up", indicator, expected=below, found=own, area=units[unit_id], figure=figure)
                    for unit_id, own, below in mismatches
                ),
                key=lambda note: note.area.code,
            )
        if indicator.source in register_figures:
            from_register = register_figures[indicator.source]
            if line.actual is not None and line.actual != from_register:
                notes.append(Note("register", indicator, expected=from_register, found=line.actual))
            line.actual = from_register
            line.from_register = True
        own = next((v for v in values_by_indicator[indicator.pk] if v.area_id == area.pk), None)
        line.reported_percent = own.reported_percent if own else None
        lines[indicator.pk] = line

    sections = []
    for indicator in indicators:
        line = lines[indicator.pk]
        # A parent of another sector than its child's is not in a report of some sectors.
        if indicator.parent_id in lines:
            lines[indicator.parent_id].children.append(line)
    for indicator in indicators:
        line = lines[indicator.pk]
        line.children = [child for child in line.children if child.has_figures]
        if indicator.parent_id or not (line.has_figures or line.children):
            continue
        if not sections or sections[-1].sector != indicator.sector:
            sections.append(Section(indicator.sector, []))
        sections[-1].lines.append(line)
        notes += _percent_notes(line) + _breakdown_notes(line)
        for child in line.children:
            notes += _percent_notes(child)

    return AnnualReport(
        year=year,
        area=area,
        agency=agency,
        sections=sections,
        notes=notes,
        is_estimate=any(value.status == IndicatorValue.Status.ESTIMATE for value in values),
        carried=carried,
        is_illustrative=any(value.illustrative for value in values),
    )


def compare_years(report, previous, following):
    """Give each line of `report` the actual of its indicator in `previous` (the year before's
    report on the same territory, or None) and the plan in `following` (the year after's)."""
    before = {line.indicator.pk: line for line in previous.all_lines()} if previous else {}
    after = {line.indicator.pk: line for line in following.all_lines()} if following else {}
    for line in report.all_lines():
        if line.indicator.pk in before:
            line.previous = before[line.indicator.pk].actual
        if line.indicator.pk in after:
            line.next_plan = after[line.indicator.pk].plan
    report.previous_report = previous
    report.following_year = report.year + 1


def unit_figures(*, year, area, territory, catalogue, register_figures, unit_register_figures):
    """{indicator pk: [(unit, actual or None)]}: the actual of each indicator that adds up (and
    has no parent) for each unit directly below `area` in force in `year`, by the report's own
    rules: typed figures rolled up through the unit's part of `territory`, or, for an indicator
    a register gives when the register has entries in the area (`register_figures`), the sum of
    `unit_register_figures` ({unit id: {source: figure}}) over the unit's part. Three queries."""
    below = territory.below(area.pk, HIERARCHY)
    units = list(AdminUnit.objects.filter(pk__in=below).in_force_during(year).order_by("code"))
    branch = {unit.pk: unit.pk for unit in units}

    def branch_of(unit_id):
        """The unit below the area whose part `unit_id` lies in, or None."""
        path = []
        while unit_id not in branch and unit_id in territory.links:
            path.append(unit_id)
            unit_id = territory.links[unit_id][0]
        found = branch.get(unit_id)
        branch.update(dict.fromkeys(path, found))
        return found

    parts = defaultdict(dict)
    for unit_id, link in territory.links.items():
        top = branch_of(unit_id)
        if top is not None and unit_id != top:
            parts[top][unit_id] = link
    indicators = [indicator for indicator in catalogue if not indicator.parent_id]
    indicators = [indicator for indicator in indicators if indicator.aggregation == Indicator.Aggregation.SUM]
    values = (
        IndicatorValue.objects.for_year(year).filter(area__in=territory.unit_ids, indicator__in=indicators).order_by()
    )
    by_branch = defaultdict(list)
    for value in values:
        top = branch_of(value.area_id)
        if top is not None:
            by_branch[top, value.indicator_id].append(value)
    year_end = year_bounds(year)[1]
    figures = {}
    for indicator in indicators:
        row = []
        for unit in units:
            if indicator.source in register_figures:
                members = {unit.pk, *parts[unit.pk]}
                entries = [unit_register_figures.get(member, {}).get(indicator.source) for member in members]
                actual = sum((figure for figure in entries if figure is not None), Decimal(0))
            else:
                part = Territory(unit.pk, parts[unit.pk], territory.ends)
                actual, _mismatches, _used = _roll_up(
                    by_branch[unit.pk, indicator.pk],
                    unit,
                    "actual",
                    indicator.aggregation,
                    part,
                    year_end=year_end if indicator.at_year_end else None,
                )
            row.append((unit, actual))
        if any(actual for _unit, actual in row):
            figures[indicator.pk] = row
    return figures


def _roll_up(values, root, figure, aggregation, territory, year_end=None):
    """The `figure` of `root`, the (unit id, own, sum below) triples where the two disagree, and
    the ids of the units whose own figures make it up.

    Figures add up along the territory's links (areas.territory): a unit's own figure, else the
    sum of the units below it, and in either case plus the figures of its predecessors for the
    part of the year they were in force (README, "Figures across the reform"). Only a unit's
    own figure and the sum of the units below it in its own structure are compared. A figure of
    the year's last day (`year_end`) carries only the predecessors still in force on that day."""
    own = {}
    below = {HIERARCHY: defaultdict(set), SUCCESSION: defaultdict(set)}
    for value in values:
        if getattr(value, figure) is not None:
            own[value.area_id] = getattr(value, figure)
        step = value.area_id
        while step != root.pk:
            above, link = territory.links[step]
            below[link][above].add(step)
            step = above
    mismatches = []

    def total(unit_id):
        """(the unit's figure or None, the ids of the units whose own figures make it up)."""
        parts = [t for t in (total(child) for child in below[HIERARCHY][unit_id]) if t[0] is not None]
        parts_sum = sum((part for part, _used in parts), Decimal(0)) if parts else None
        mine = own.get(unit_id)
        if mine is not None and parts_sum is not None and mine != parts_sum:
            mismatches.append((unit_id, mine, parts_sum))
        if mine is not None:
            figure, used = mine, {unit_id}
        else:
            figure, used = parts_sum, set().union(*(part_used for _part, part_used in parts))
        carried = [
            t
            for t in (total(old) for old in below[SUCCESSION][unit_id] if _in_force_on(territory, old, year_end))
            if t[0] is not None
        ]
        if not carried:
            return figure, used
        return (
            sum((part for part, _used in carried), figure or Decimal(0)),
            used.union(*(part_used for _part, part_used in carried)),
        )

    if aggregation != Indicator.Aggregation.SUM:
        mine = own.get(root.pk)
        return mine, [], set() if mine is None else {root.pk}
    figure, used = total(root.pk)
    return figure, mismatches, used


def values_adding_up(values, *, year, area, territory):
    """Of `values` (IndicatorValues of `year` in `area`'s territory, with their indicator and
    area), those whose own plan or actual makes up a figure of `area`'s report: what
    annual_report adds up, and no unit's figure that a unit above it replaces."""
    by_indicator = defaultdict(list)
    for value in values:
        by_indicator[value.indicator_id].append(value)
    found = []
    for rows in by_indicator.values():
        indicator = rows[0].indicator
        year_end = year_bounds(year)[1] if indicator.at_year_end else None
        used = set()
        for figure in ("plan", "actual"):
            used |= _roll_up(rows, area, figure, indicator.aggregation, territory, year_end=year_end)[2]
        found += [value for value in rows if value.area_id in used]
    return found


def _in_force_on(territory, unit_id, day):
    """Whether the unit was still in force on `day` (always, without a day)."""
    end = territory.ends.get(unit_id)
    return day is None or end is None or end >= day


def _percent_notes(line):
    """A printed percentage that disagrees with the figures, compared at its own precision:
    "106%" for 106,25% is a rounding, "102,5%" for 102,06% is an error."""
    if line.reported_percent is None or line.actual is None or not line.plan:
        return []
    printed = line.reported_percent.normalize()
    places = max(0, -printed.as_tuple().exponent)
    if round_half_up(line.actual * HUNDRED / line.plan, places) == printed:
        return []
    return [Note("reported_percent", line.indicator, expected=line.percent, found=line.reported_percent)]


def _breakdown_notes(line):
    notes = []
    parts = [child for child in line.children if child.indicator.relation == Indicator.Relation.PART]
    if parts and line.actual is not None:
        parts_sum = sum((child.actual or Decimal(0) for child in parts), Decimal(0))
        if parts_sum != line.actual:
            notes.append(Note("parts", line.indicator, expected=line.actual, found=parts_sum))
    for child in line.children:
        if (
            child.indicator.relation == Indicator.Relation.OF_WHICH
            and child.actual is not None
            and line.actual is not None
            and child.actual > line.actual
        ):
            notes.append(Note("of_which", child.indicator, expected=line.actual, found=child.actual))
    return notes
