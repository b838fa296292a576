"""The Bắc Kạn demo for the tests that start from it, loaded for real once per run.

    @classmethod
    def setUpTestData(cls):
        load_demo()

The first call runs `load_demo_data` and keeps what it added to every table; a later call on a
database in the same state as before that first load (a TestCase's rollback, a flush that gave
the rows made by migrate the same ids) writes those rows back in a few statements instead of
loading the demo again, some 25 seconds each time. On any other database it loads for real.

Tests of the loader itself (its output, loading twice, the history it writes, its --user) call
the command, not this.
"""

from io import StringIO

from django.core.management import call_command
from django.db import connection, transaction

_demo = None  # (the tables before the first load, the rows the load added to each)


def load_demo():
    """The demo's rows in the database, as `manage.py load_demo_data` leaves them."""
    global _demo
    before = _tables()
    if _demo is not None and _demo[0] == before:
        # In one transaction, as the load: the foreign keys are checked at its end, so the
        # tables may go back in any order (a TransactionTestCase has none of its own).
        with transaction.atomic():
            for table, rows in _demo[1].items():
                _write(table, rows)
        return
    call_command("load_demo_data", stdout=StringIO())
    if _demo is None:
        added = _added(before, _tables())
        # A load that changed or removed a row it found is kept from being replayed: writing
        # back only what it added would not give what it left.
        if added is not None:
            _demo = (before, added)


def _added(before, after):
    """{table: rows} the load added, or None if it changed or deleted any row."""
    added = {}
    for table, rows in after.items():
        if not before[table] <= rows:
            return None
        if new := rows - before[table]:
            added[table] = new
    return added


def _tables():
    """{table: frozenset of its rows}, every table of the project's models."""
    return {table: frozenset(_read(table)) for table in connection.introspection.django_table_names(only_existing=True)}


# On PostgreSQL the rows go out and back in COPY's text format, one line per row: it writes back
# exactly what it read, JSON and time zones included, which parameters of a plain INSERT do not.
def _read(table):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} TO STDOUT") as copy:
                return b"".join(bytes(block) for block in copy).splitlines(keepends=True)
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
        return cursor.fetchall()


def _write(table, rows):
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quoted} FROM STDIN") as copy:
                copy.write(b"".join(rows))
            return
        width = len(next(iter(rows)))
        cursor.executemany(f"INSERT INTO {quoted} VALUES ({', '.join(['%s'] * width)})", list(rows))
