"""/healthz, for a load balancer or systemd's watchdog: is this server fit to answer?

200 {"status": "ok"} when the database answers and no migration is left to apply, else 503
with what is wrong. No login, no session, no cookie. The migration graph is read only until it
was once found applied: a process keeps its code, so the answer cannot go back; after that a
probe costs one `SELECT 1`.
"""

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

migrations_applied = False


def unapplied_migrations(connection):
    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


@never_cache
@require_safe
def healthz(request):
    global migrations_applied
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if not migrations_applied:
            if unapplied_migrations(connection):
                return JsonResponse({"status": "migrations_pending"}, status=503)
            migrations_applied = True
    except DatabaseError:
        return JsonResponse({"status": "database_unreachable"}, status=503)
    return JsonResponse({"status": "ok"})
