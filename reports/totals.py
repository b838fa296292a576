"""The register totals kept beside the entries (reports.keeping), as the report reads them.

On PostgreSQL a report's register figures are sums of a few thousand kept steps per year instead
of aggregates over every entry of the area (a million entries: rice relief's 60.000 lines of a
province-year and their distinct households were about 15 ms of the report's first view);
SQLite, the embedded default with a few thousand entries, aggregates the entries themselves.
Both give the same Decimals: tests/test_register_totals.py checks every path that writes.
"""

from collections import defaultdict
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS, connections

from reports.models import MemberSpread, RegisterMember, RegisterTotal

ENTRIES = "entries"


def are_kept(using=DEFAULT_DB_ALIAS):
    """Whether the database keeps the totals (PostgreSQL's triggers, reports.keeping)."""
    return connections[using].vendor == "postgresql"


def register_label(model):
    return model._meta.label_lower


def kept_rows(distinct, *, years, unit_ids, by_unit=False, using=DEFAULT_DB_ALIAS):
    """{register model: {year, or (year, unit id) with `by_unit`: {figure: total}}} of the
    registers of `distinct` ({model: [figures counted once per member]}) in `unit_ids`,
    "entries" among the figures, as the live aggregates would give them: for a figure counted
    once per member, the units' counts less the members an area counts in more than one of its
    units, found from the few members with entries in several units (MemberSpread's partial
    index), not from all.

    One query, its lists as arrays: as Django's `IN (…)` of the area's four hundred units, the
    query cost more to build than to run (and the correction a round trip of its own). The units
    are matched through `IN (SELECT unnest(…))`, which PostgreSQL hashes: `= ANY(…)` compared
    each kept row with every unit in turn (the province's 2024 and 2023: 4,5 against 3,3 ms; Thái
    Nguyên's 2025, 392 units: 7,1 against 4,4 ms, at 1.000.000 entries)."""
    if not distinct:
        return {}
    models = {register_label(model): model for model in distinct}
    pairs = [(register_label(model), str(figure)) for model, figures in distinct.items() for figure in figures]
    unit = ", unit_id" if by_unit else ""
    sql = (
        f"SELECT register, year{unit}, figure, SUM(value) FROM {RegisterTotal._meta.db_table} "
        f"WHERE register = ANY(%(registers)s) AND year = ANY(%(years)s) "
        f"AND unit_id IN (SELECT unnest(%(units)s::bigint[])) "
        f"GROUP BY register, year{unit}, figure"
    )
    if pairs and not by_unit:
        sql += (
            " UNION ALL SELECT m.register, m.year, m.figure, COUNT(DISTINCT m.member) - COUNT(*) "
            f"FROM {MemberSpread._meta.db_table} s JOIN {RegisterMember._meta.db_table} m "
            "ON m.register = s.register AND m.figure = s.figure AND m.year = s.year AND m.member = s.member "
            "WHERE (s.register, s.figure) IN (SELECT * FROM unnest(%(labels)s::text[], %(figures)s::text[])) "
            "AND s.year = ANY(%(years)s) AND s.units > 1 AND m.entries > 0 AND m.unit_id = ANY(%(units)s) "
            "GROUP BY m.register, m.year, m.figure"
        )
    params = {
        "registers": list(models),
        "years": list(years),
        "units": list(unit_ids),
        "labels": [label for label, _figure in pairs],
        "figures": [figure for _label, figure in pairs],
    }
    found = {model: defaultdict(lambda: defaultdict(Decimal)) for model in distinct}
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        for label, *key, figure, total in cursor.fetchall():
            found[models[label]][tuple(key) if by_unit else key[0]][figure] += total
    return {
        model: {key: {figure: total for figure, total in row.items() if total} for key, row in rows.items()}
        for model, rows in found.items()
    }
