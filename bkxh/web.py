"""What holds for the database connections of the web server's processes only.

A statement of a web request is cancelled after BKXH_WEB_STATEMENT_TIMEOUT_MS: PostgreSQL
does not notice that the browser has gone, and a pathological query (a search of thousands
of words) kept a backend and its parallel workers busy for half an hour. JIT is off too: it
made such queries slower to plan than to run. Commands (imports, migrations, benches) keep no
limit; wsgi.py and asgi.py call `limit_statements_of_this_process()`.
"""

from django.conf import settings
from django.db.backends.signals import connection_created


def limit_statements(sender, connection, **kwargs):
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('statement_timeout', %s, false), set_config('jit', 'off', false)",
            [str(settings.BKXH_WEB_STATEMENT_TIMEOUT_MS)],
        )


def limit_statements_of_this_process():
    connection_created.connect(limit_statements, dispatch_uid="bkxh.web.limit_statements")
