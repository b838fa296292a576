"""The register totals kept beside the entries (reports.keeping), as the report reads them.

On PostgreSQL a report's register figures are sums of a few thousand kept steps per year instead
of aggregates over every entry of the area (a million entries: rice relief's 60.000 lines of a
province-year and their distinct households were about 15 ms of the report's first view);
SQLite, the embedded default with a few thousand entries, aggregates the entries themselves.
Both give the same Decimals: tests/test_register_totals.py checks every path that writes.
"""

from collections import defaultdict

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Sum

from reports.models import RegisterTotal

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
    units. Two queries, whatever the registers."""
    models = {register_label(model): model for model in distinct}
    unit_ids = list(unit_ids)
    keys = ("year", "unit_id") if by_unit else ("year",)
    rows = (
        RegisterTotal.objects.using(using)
        .filter(register__in=list(models), year__in=list(years), unit_id__in=unit_ids)
        .order_by()
        .values_list("register", *keys, "figure")
        .annotate(total=Sum("value"))
    )
    found = {model: defaultdict(dict) for model in distinct}
    for label, *key, figure, total in rows:
        if total:
            found[models[label]][tuple(key) if by_unit else key[0]][figure] = total
    pairs = [(register_label(model), figure) for model, figures in distinct.items() for figure in figures]
    if pairs and not by_unit:
        for label, year, figure, twice in _counted_twice(pairs, years, unit_ids, using):
            found[models[label]][year][figure] -= twice
    return {model: dict(rows) for model, rows in found.items()}


def _counted_twice(pairs, years, unit_ids, using):
    """(register, year, figure, how many times members are counted beyond once) for the members
    of the (register, figure) `pairs` with entries in more than one of `unit_ids`: found from the
    few members with entries in several units (MemberSpread's partial index), not from all."""
    sql = (
        "SELECT m.register, m.year, m.figure, COUNT(*) - COUNT(DISTINCT m.member) "
        "FROM reports_memberspread s JOIN reports_registermember m "
        "ON m.register = s.register AND m.figure = s.figure AND m.year = s.year AND m.member = s.member "
        "WHERE (s.register, s.figure) IN (SELECT * FROM unnest(%s::text[], %s::text[])) "
        "AND s.year = ANY(%s) AND s.units > 1 AND m.entries > 0 AND m.unit_id = ANY(%s) "
        "GROUP BY m.register, m.year, m.figure"
    )
    labels, figures = zip(*pairs, strict=True)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [list(labels), [str(figure) for figure in figures], list(years), unit_ids])
        return [row for row in cursor.fetchall() if row[3]]
