"""Register totals that feed the annual report, as plain Decimals keyed by RegisterSource.

Two queries for the units of the area's territory, then one aggregate query per register, whatever its
size. A register with no entry for the year and area gives no figures at all, so a year kept
only as typed totals still reports them.
"""

from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, Q, Sum

from accounts.scope import scope_of
from areas.territory import territory_of
from beneficiaries.models import (
    AdmissionDossier,
    ElderlyVisit,
    FuneralAllowance,
    HousingSupport,
    LongevityGift,
    MedicalReferral,
    RecordAmendment,
    RiceReliefLine,
    TrainingClass,
    WorshipAllowance,
)
from indicators.models import RegisterSource
from reports.totals import ENTRIES, are_kept, kept_rows

# COUNT(*) rather than COUNT(id): a register counted by year and commune is then read from its
# (year, commune) index alone.
ROWS = Count("*")

# What each register gives the report, {register: {figure: aggregate}}: the one place that says
# it, and so also which registers the report counts. Every register of beneficiaries.registers is
# here but the rice rounds, counted through their lines (tests/test_beneficiaries_report.py).
# A figure counting a kind of entries only (a breakdown: gifts to the 90-year-olds), {figure:
# {field: value}}: its aggregate's filter, and the filter of the register's list it links to.
KINDS = {
    RegisterSource.LONGEVITY_90: {"milestone": LongevityGift.Milestone.AGE_90},
    RegisterSource.LONGEVITY_100: {"milestone": LongevityGift.Milestone.AGE_100},
}
FIGURES = {
    RiceReliefLine: {
        RegisterSource.RICE_KG: Sum("kg"),
        RegisterSource.RICE_HOUSEHOLDS: Count("household", distinct=True),
        RegisterSource.RICE_PERSONS: Sum("persons"),
    },
    LongevityGift: {
        RegisterSource.LONGEVITY_90: Count("pk", filter=Q(**KINDS[RegisterSource.LONGEVITY_90])),
        RegisterSource.LONGEVITY_100: Count("pk", filter=Q(**KINDS[RegisterSource.LONGEVITY_100])),
    },
    HousingSupport: {RegisterSource.HOUSING_HOUSES: ROWS, RegisterSource.HOUSING_AMOUNT: Sum("amount_vnd")},
    TrainingClass: {RegisterSource.TRAINING_CLASSES: ROWS, RegisterSource.TRAINING_PARTICIPANTS: Sum("participants")},
    FuneralAllowance: {RegisterSource.FUNERAL: ROWS},
    WorshipAllowance: {RegisterSource.WORSHIP: ROWS},
    MedicalReferral: {RegisterSource.MEDICAL_REFERRALS: ROWS},
    RecordAmendment: {RegisterSource.RECORD_AMENDMENTS: ROWS},
    AdmissionDossier: {RegisterSource.ADMISSION_DOSSIERS: ROWS},
    ElderlyVisit: {RegisterSource.ELDERLY_VISITS: ROWS},
}
# Entries a register keeps that the report does not count (a cancelled housing support is none),
# as each register declares them (`uncounted`): the list of a figure's entries leaves them out too.
UNCOUNTED_ENTRIES = {model: model.uncounted for model in FIGURES if getattr(model, "uncounted", None) is not None}


def counted_entries(model):
    """The entries of register `model` the report counts."""
    entries = model.objects.all()
    if model in UNCOUNTED_ENTRIES:
        entries = entries.exclude(UNCOUNTED_ENTRIES[model])
    return entries


def register_of(source):
    """The register model whose entries give the figure `source` (a RegisterSource), or None."""
    return next((model for model, aggregates in FIGURES.items() if source in aggregates), None)


def register_years(user):
    """The years in which some register has entries the report counts in `user`'s units, in
    one query (a UNION of each register's distinct years)."""
    scope = scope_of(user)
    years = [
        scope.rows_of(counted_entries(model)).order_by().values_list(model.year_path, flat=True).distinct()
        for model in FIGURES
    ]
    return set(years[0].union(*years[1:]))


def register_figures_by_year(*, years, area, territory=None, sources=None):
    """{year: every register figure of that year} for `area`'s territory: the units below it and
    its predecessors (areas.territory), each entry in the unit of its time. A fixed number of
    queries however many years (the report's year and the one it is compared with); with
    `sources` (RegisterSource values), only the registers that give one of them are read."""
    units = (territory or territory_of(area)).unit_ids
    figures = {year: {} for year in years}
    for model, rows in register_rows(_giving(sources), years=years, unit_ids=units).items():
        for year, row in rows.items():
            figures[year].update(_figures(model, row))
    return figures


def register_rows(models, *, years, unit_ids, by_unit=False, using=DEFAULT_DB_ALIAS):
    """{model: {year, or (year, unit id) with `by_unit`: {figure: value}}} of the counted entries
    of the registers `models` in `unit_ids`, "entries" (how many) among the figures: the totals
    kept beside the entries where the database keeps them (one query), else the entries' own
    aggregates (live_rows, one query per register); the two give the same figures."""
    if are_kept(using):
        distinct = {model: distinct_figures(model) for model in models}
        return kept_rows(distinct, years=years, unit_ids=unit_ids, by_unit=by_unit, using=using)
    return {model: live_rows(model, years=years, unit_ids=unit_ids, by_unit=by_unit, using=using) for model in models}


def distinct_figures(model):
    """The figures of register `model` that count each member once (rice relief's households)."""
    return [figure for figure, aggregate in FIGURES[model].items() if getattr(aggregate, "distinct", False)]


def live_rows(model, *, years, unit_ids, by_unit=False, using=DEFAULT_DB_ALIAS):
    """register_rows() of one register from its entries themselves, in one query."""
    keys = [model.year_path, model.area_path] if by_unit else [model.year_path]
    rows = (
        counted_entries(model)
        .using(using)
        .filter(**{f"{model.year_path}__in": list(years)})
        .in_units(unit_ids)
        .order_by()
        .values(*keys)
        .annotate(**{ENTRIES: ROWS}, **FIGURES[model])
    )
    found = {}
    for row in rows:
        key = tuple(row.pop(name) for name in keys)
        found[key if by_unit else key[0]] = {figure: value for figure, value in row.items() if value}
    return found


def register_figures_by_unit(*, year, unit_ids, sources):
    """{unit id: {RegisterSource: figure}} of `year` for each of `unit_ids` that has entries, for
    the registers giving one of `sources`, grouped by unit (register_rows). A figure of several
    units is the sum of theirs (a household is counted in each commune it received in)."""
    figures = {}
    for model, rows in register_rows(_giving(sources), years=[year], unit_ids=unit_ids, by_unit=True).items():
        for (_year, unit), row in rows.items():
            if found := _figures(model, row):
                figures.setdefault(unit, {}).update(found)
    return figures


def _giving(sources):
    """The registers giving one of `sources` (RegisterSource values); all of them for None."""
    return [model for model, aggregates in FIGURES.items() if sources is None or set(aggregates) & set(sources)]


def _figures(model, row):
    """{RegisterSource: Decimal} of register `model` from a row of register_rows(). A register
    with no entry for the year and area gives no figures at all (not noughts)."""
    if not row.get(ENTRIES):
        return {}
    return {key: Decimal(row.get(key) or 0) for key in FIGURES[model]}
