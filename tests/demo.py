"""The Bắc Kạn demo for the tests that start from it, loaded for real once per run.

    @classmethod
    def setUpTestData(cls):
        load_demo()

The first call runs `load_demo_data` and keeps what it added to every table and what it printed;
a later call on a database in the same state as before that first load (a TestCase's rollback)
writes those rows back in a few statements instead of loading the demo again, some 25 seconds
each time. So does a call on the database a TransactionTestCase's flush leaves: the post_migrate
receivers have made the content types, permissions and role groups again, as many rows in each
table as before the first load but with new ids, which the demo's rows would not point at; these
tables are first put back as they were before the first load. On any other database (one a test
has added rows to, say) it loads for real.

Tests of what the command prints and leaves read the return value and the rows of the run's one
real load; loading twice, the history the command writes and its --user still run it.
"""

from io import StringIO

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

from reports.generations import step_everything
from reports.models import DataGeneration, MemberSpread, RegisterMember, RegisterTotal

_demo = None  # (the tables before the first load, the rows the load added to each, what it printed)


def load_demo():
    """The demo's rows in the database, as `manage.py load_demo_data` leaves them; returns what
    the command printed."""
    global _demo
    before = _tables()
    if _demo is not None and (_demo[0] == before or _flushed(before)):
        # In one transaction, as the load: the foreign keys are checked at its end, so the
        # tables may go back in any order (a TransactionTestCase has none of its own).
        with transaction.atomic():
            if _demo[0] != before:
                connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), list(before)))
                for table, rows in _demo[0].items():
                    _write(table, rows)
                # The content types post_migrate made, which ContentType.objects remembers by
                # model (the admin's log and the history write their ids), are gone.
                ContentType.objects.clear_cache()
            for table, rows in _demo[1].items():
                _write(table, rows)
            # The rows went in past the ORM: the report's cache must not take them for older data.
            step_everything()
        return _demo[2]
    output = StringIO()
    call_command("load_demo_data", stdout=output)
    if _demo is None:
        added = _added(before, _tables())
        # A load that changed or removed a row it found is kept from being replayed: writing
        # back only what it added would not give what it left.
        if added is not None:
            _demo = (before, added, output.getvalue())
    return output.getvalue()


def _flushed(tables):
    """Whether `tables` are what a TransactionTestCase's flush leaves: outside any transaction (a
    TestCase's database differs from the first load's only by what the test wrote), the same
    number of rows in each table as before the first load, the ones post_migrate made again."""
    counts = {table: len(rows) for table, rows in tables.items()}
    return not connection.in_atomic_block and counts == {table: len(rows) for table, rows in _demo[0].items()}


def _added(before, after):
    """{table: rows} the load added, or None if it changed or deleted any row."""
    added = {}
    for table, rows in after.items():
        if not before[table] <= rows:
            return None
        if new := rows - before[table]:
            added[table] = new
    return added


# The generations of the report's cache, which any write moves on (and a fold rewrites,
# reports.generations), and the register totals, which the database's triggers make again from
# the entries written back (reports.keeping): written back too, they would count twice.
DERIVED = {model._meta.db_table for model in (DataGeneration, RegisterTotal, RegisterMember, MemberSpread)}


def _tables():
    """{table: frozenset of its rows}, every table of the project's models but the DERIVED ones."""
    tables = connection.introspection.django_table_names(only_existing=True)
    return {table: frozenset(_read(table)) for table in tables if table not in DERIVED}


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
    if not rows:
        return
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quoted} FROM STDIN") as copy:
                copy.write(b"".join(rows))
            return
        width = len(next(iter(rows)))
        cursor.executemany(f"INSERT INTO {quoted} VALUES ({', '.join(['%s'] * width)})", list(rows))
