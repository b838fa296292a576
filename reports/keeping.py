"""How the register totals (reports.totals) are kept: PostgreSQL triggers, made from the
report's own aggregates (reports.registers.FIGURES), so that the rule of what a figure counts
stays in one place and holds for every path that writes (README, "Reports under load").

Each register's table has statement-level triggers on insert, update and delete, whose
transition tables hold the rows the statement wrote: the ORM's saves and querysets, the
import's COPY, raw SQL and a restore alike (and one on TRUNCATE, which forgets its totals).
A trigger runs the register's aggregate query over those rows, grouped by year and unit, and
inserts the result as steps of the totals (old rows subtracted): inserts only, so two writers
never wait for each other, and a rolled-back write takes its steps with it. A table the year is
read through (a rice line's round) has triggers too: the totals are those of the entries joined
with it, so a round moved to another year moves its lines, and a round written after its lines
(in one transaction) brings them in.

A figure that counts members once (rice relief's households, COUNT(DISTINCT household)) does
not add up across units; its triggers keep, per member, unit and year, how many entries give it
(RegisterMember, an upsert: the row of one household waits for another writer of the same
household only), a unit's figure as steps of the units its members enter or leave, and in how
many units each member has entries (MemberSpread), so that a reader can take off the members an
area would count twice.

`install()` runs after every `migrate`; it rebuilds the totals from the entries when the
triggers' SQL has changed since they were last built (a release that changes what a figure
counts), under a lock that keeps writers out meanwhile.
"""

import functools
import hashlib
import secrets

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from reports.models import MemberSpread, RegisterMember, RegisterTotal
from reports.registers import ENTRIES, FIGURES, ROWS, counted_entries, distinct_figures, live_rows
from reports.totals import are_kept, kept_rows, register_label

PREFIX = "bkxh_totals_"
TOTALS = RegisterTotal._meta.db_table
MEMBERS = RegisterMember._meta.db_table
SPREADS = MemberSpread._meta.db_table
# One write in this many folds the totals after its commit.
FOLD_EVERY = 64
# The statement's rows, as the triggers name their transition tables.
NEW, OLD = "new_rows", "old_rows"


def _sql(queryset, connection):
    """The SQL of `queryset` with its parameters in it (a trigger's body has no parameters)."""
    sql, params = queryset.query.get_compiler(connection=connection).as_sql()
    return connection.ops.compose_sql(sql, params)


def _read_from(sql, table, rows):
    """`sql` reading `rows` (a transition table) where it read `table`, under the table's name."""
    for clause in (f'FROM "{table}"', f'JOIN "{table}" ON'):
        if sql.count(clause) == 1:
            return sql.replace(clause, clause.replace(f'"{table}"', f'{rows} AS "{table}"'))
    raise ValueError(f"Cannot read {rows} for {table} in: {sql}")


def _read_through(model):
    """The models register `model`'s year is read through (a rice line's round: "round__year")."""
    found = []
    for name in model.year_path.split("__")[:-1]:
        model = model._meta.get_field(name).related_model
        found.append(model)
    return found


class Register:
    """The SQL that keeps the totals of one register (a model of FIGURES)."""

    def __init__(self, model, connection):
        self.model = model
        self.label = register_label(model)
        self.table = model._meta.db_table
        aggregates = FIGURES[model]
        self.distinct = {figure: aggregates[figure].source_expressions[0].name for figure in distinct_figures(model)}
        self.additive = {figure: a for figure, a in aggregates.items() if figure not in self.distinct}
        entries = counted_entries(model).order_by()
        by_unit = entries.values(model.year_path, model.area_path)
        self.sums = _sql(by_unit.annotate(**{ENTRIES: ROWS}, **self.additive), connection)
        self.members = {
            figure: _sql(entries.values(model.year_path, model.area_path, field).annotate(n=ROWS), connection)
            for figure, field in self.distinct.items()
        }
        self.through = [related._meta.db_table for related in _read_through(model)]

    def statements(self, table, sources):
        """The statements that add to the totals what `sources` give: [(rows, sign)], where rows
        is the transition table read in place of `table` (None: the register as it is)."""

        def over(sql, rows):
            return sql if rows is None else _read_from(sql, table, rows)

        figures = [ENTRIES, *self.additive]
        columns = ", ".join(f"c{i}" for i in range(len(figures)))
        signed = " UNION ALL ".join(
            f"SELECT year, unit_id, {', '.join(f'{sign} * c{i}' for i in range(len(figures)))} "
            f"FROM ({over(self.sums, rows)}) AS q(year, unit_id, {columns})"
            for rows, sign in sources
        )
        pairs = ", ".join(f"('{figure}', s.c{i})" for i, figure in enumerate(figures))
        statements = [
            f"INSERT INTO {TOTALS} (register, figure, year, unit_id, value) "
            f"SELECT '{self.label}', f.figure, s.year, s.unit_id, SUM(f.value) "
            f"FROM ({signed}) AS s(year, unit_id, {columns}) "
            f"CROSS JOIN LATERAL (VALUES {pairs}) AS f(figure, value) "
            f"GROUP BY f.figure, s.year, s.unit_id HAVING SUM(f.value) <> 0"
        ]
        for figure, sql in self.members.items():
            signed = " UNION ALL ".join(
                f"SELECT year, unit_id, member, {sign} * n FROM ({over(sql, rows)}) AS q(year, unit_id, member, n)"
                for rows, sign in sources
            )
            statements.append(self._members(figure, signed))
        return statements

    def _members(self, figure, signed):
        """Add `signed` (year, unit, member, entries) to the members' entries; a unit's figure
        steps by the members that came to have entries in it (+1) or none left (-1), and each
        member's spread by the units it came into or left."""
        return (
            f"WITH d AS (SELECT year, unit_id, member, SUM(n) AS n FROM ({signed}) AS s(year, unit_id, member, n) "
            f"GROUP BY year, unit_id, member HAVING SUM(n) <> 0), "
            f"m AS (INSERT INTO {MEMBERS} AS t (register, figure, year, unit_id, member, entries) "
            f"SELECT '{self.label}', '{figure}', year, unit_id, member, n FROM d "
            f"ON CONFLICT (register, figure, year, member, unit_id) "
            f"DO UPDATE SET entries = t.entries + EXCLUDED.entries "
            f"RETURNING t.year, t.unit_id, t.member, t.entries), "
            f"c AS (SELECT m.year, m.unit_id, m.member, CASE WHEN m.entries > 0 AND m.entries - d.n <= 0 THEN 1 "
            f"WHEN m.entries <= 0 AND m.entries - d.n > 0 THEN -1 ELSE 0 END AS step "
            f"FROM m JOIN d USING (year, unit_id, member)), "
            f"u AS (INSERT INTO {TOTALS} (register, figure, year, unit_id, value) "
            f"SELECT '{self.label}', '{figure}', year, unit_id, SUM(step) FROM c WHERE step <> 0 "
            f"GROUP BY year, unit_id) "
            f"INSERT INTO {SPREADS} AS t (register, figure, year, member, units) "
            f"SELECT '{self.label}', '{figure}', year, member, SUM(step) FROM c WHERE step <> 0 GROUP BY year, member "
            f"ON CONFLICT (register, figure, year, member) DO UPDATE SET units = t.units + EXCLUDED.units"
        )

    def triggers(self):
        """{(table, operation): [statement]}: what the triggers of the register's tables run."""
        found = {
            (self.table, "INSERT"): self.statements(self.table, [(NEW, 1)]),
            (self.table, "UPDATE"): self.statements(self.table, [(NEW, 1), (OLD, -1)]),
            (self.table, "DELETE"): self.statements(self.table, [(OLD, -1)]),
        }
        # The entries' year is read through these tables' rows (a line's round), which a
        # transaction may write after the entries (foreign keys are checked at its end: a fixture,
        # the tests' replay of the demo): each of their statements adds what it joins in.
        for table in self.through:
            found[table, "INSERT"] = self.statements(table, [(NEW, 1)])
            found[table, "UPDATE"] = self.statements(table, [(NEW, 1), (OLD, -1)])
            found[table, "DELETE"] = self.statements(table, [(OLD, -1)])
        # A TRUNCATE leaves no entries, and tells no trigger of rows.
        found[self.table, "TRUNCATE"] = [
            f"DELETE FROM {table} WHERE register = '{self.label}'" for table in (TOTALS, MEMBERS, SPREADS)
        ]
        return found


def _definitions(registers):
    """[SQL] creating every trigger function and trigger of `registers`, in a stable order."""
    by_trigger = {}
    for register in registers:
        for key, statements in register.triggers().items():
            by_trigger.setdefault(key, []).extend(statements)
    definitions = []
    for (table, operation), statements in sorted(by_trigger.items()):
        name = f"{PREFIX}{table}_{operation.lower()}"
        body = ";\n".join(statements)
        referencing = {
            "INSERT": f"REFERENCING NEW TABLE AS {NEW}",
            "UPDATE": f"REFERENCING NEW TABLE AS {NEW} OLD TABLE AS {OLD}",
            "DELETE": f"REFERENCING OLD TABLE AS {OLD}",
            "TRUNCATE": "",
        }[operation]
        definitions += [
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql "
            f"AS $body$\nBEGIN\n{body};\nRETURN NULL;\nEND\n$body$",
            f'CREATE TRIGGER {name} AFTER {operation} ON "{table}" {referencing} '
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        ]
    return definitions


DROP_TRIGGERS = f"""
DO $$ DECLARE f record; BEGIN
  FOR f IN SELECT oid::regprocedure AS signature FROM pg_proc WHERE starts_with(proname, '{PREFIX}') LOOP
    EXECUTE 'DROP FUNCTION ' || f.signature || ' CASCADE';
  END LOOP;
END $$"""


def install(using=DEFAULT_DB_ALIAS, apps=None, rebuild=False, **kwargs):
    """Make sure the triggers are those of this release (post_migrate, on PostgreSQL): when their
    SQL differs from that of the last build (its digest is the totals table's comment), or one is
    missing (writes went past them), or with `rebuild`, create them again and make the totals
    again from the entries. Otherwise touch nothing: a test's flush runs post_migrate too."""
    connection = connections[using]
    if not are_kept(using):
        return
    if apps is not None:
        try:
            apps.get_model("reports", "RegisterTotal")
        except LookupError:
            return
    registers = [Register(model, connection) for model in FIGURES]
    definitions = _definitions(registers)
    digest = hashlib.sha256("\n".join(definitions).encode()).hexdigest()
    tables = sorted({register.table for register in registers} | {t for r in registers for t in r.through})
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT obj_description('{TOTALS}'::regclass, 'pg_class'), "
            f"(SELECT COUNT(*) FROM pg_trigger WHERE starts_with(tgname, '{PREFIX}') AND tgenabled <> 'D')"
        )
        if not rebuild and cursor.fetchone() == (digest, len(definitions) // 2):
            return
        # Writers wait until the triggers are in place and the totals made again.
        quoted = ", ".join(connection.ops.quote_name(table) for table in tables)
        cursor.execute(f"LOCK TABLE {quoted} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(DROP_TRIGGERS)
        for sql in definitions:
            cursor.execute(sql)
        cursor.execute(f"TRUNCATE {TOTALS}, {MEMBERS}, {SPREADS}")
        for register in registers:
            for sql in register.statements(register.table, [(None, 1)]):
                cursor.execute(sql)
        cursor.execute(f"COMMENT ON TABLE {TOTALS} IS '{digest}'")
        # The planner's statistics of the tables just filled: without them it guessed a few rows
        # and sorted the report's 2.000 totals (4 ms) instead of hashing them (1,5 ms).
        cursor.execute(f"ANALYZE {TOTALS}, {MEMBERS}, {SPREADS}")


FOLD = f"""
WITH doubled AS (
  SELECT register, figure, year, unit_id FROM {TOTALS} GROUP BY 1, 2, 3, 4 HAVING COUNT(*) > 1 OR SUM(value) = 0
), gone AS (
  DELETE FROM {TOTALS} t USING doubled d
  WHERE (t.register, t.figure, t.year, t.unit_id) = (d.register, d.figure, d.year, d.unit_id)
  RETURNING t.register, t.figure, t.year, t.unit_id, t.value
)
INSERT INTO {TOTALS} (register, figure, year, unit_id, value)
SELECT register, figure, year, unit_id, SUM(value) FROM gone GROUP BY 1, 2, 3, 4 HAVING SUM(value) <> 0;
DELETE FROM {MEMBERS} WHERE entries = 0;
DELETE FROM {SPREADS} WHERE units = 0"""


def fold(using=DEFAULT_DB_ALIAS):
    """Sum each total's steps into one row, and forget members left with no entries. Exactly what
    it deletes it inserts again as sums, so a concurrent fold or writer changes no total: rows not
    committed yet are not seen, and those another fold deleted first are not deleted twice."""
    if are_kept(using):
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            cursor.execute(FOLD)


@functools.cache
def _kept_models():
    """The registers and the models their year is read through: those whose writes insert steps."""
    return {*FIGURES, *(related for model in FIGURES for related in _read_through(model))}


def note_written(model, years, using):
    """The write observer (bkxh.records.register_write_observer): now and then, after a commit
    of a write that inserted steps, and never failing it, fold them."""
    if model in _kept_models() and are_kept(using) and secrets.randbelow(FOLD_EVERY) == 0:
        transaction.on_commit(functools.partial(fold, using), using=using, robust=True)


def mismatches(using=DEFAULT_DB_ALIAS):
    """[(register, year, unit id or "*", figure, kept, live)] wherever the kept totals differ from
    the register's own aggregate: unit by unit, and for all its units at once (where a member in
    several units counts once): an empty list is the proof the totals hold (the tests, and
    `manage.py check_register_totals` on a live database)."""
    found = []
    for model in FIGURES:
        label = register_label(model)
        kept_years = RegisterTotal.objects.using(using).filter(register=label).values_list("year", flat=True)
        kept_units = RegisterTotal.objects.using(using).filter(register=label).values_list("unit_id", flat=True)
        entries = counted_entries(model).using(using)
        years = set(entries.values_list(model.year_path, flat=True)) | set(kept_years)
        units = set(entries.values_list(model.area_path, flat=True)) | set(kept_units)
        for by_unit in (True, False):
            options = {"years": years, "unit_ids": units, "by_unit": by_unit, "using": using}
            kept = kept_rows({model: distinct_figures(model)}, **options)[model]
            live = live_rows(model, **options)
            for key in sorted(set(kept) | set(live), key=str):
                year, unit = key if by_unit else (key, "*")
                for figure in sorted(set(kept.get(key, {})) | set(live.get(key, {}))):
                    a, b = kept.get(key, {}).get(figure), live.get(key, {}).get(figure)
                    if str(a) != str(b):
                        found.append((label, year, unit, figure, a, b))
    return found
