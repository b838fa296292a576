"""The server error page (handler500), which tells a database that does not answer apart.

While the database is down or restarting, every page fails: the user gets a 503 page saying
so, with Retry-After, rather than "system error"; a load balancer sees the same in /healthz.
An error the database answered with (a statement cancelled after its time-out, a deadlock) is
a 500 like any other. Both pages show the request's id (bkxh/request_log.py), which finds the
error in the log.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponseServerError
from django.template import loader

# PostgreSQL's answers of a server shutting down or starting up (SQLSTATE class 57P); class 08 is
# the connection's own failures. psycopg's error for a server it cannot reach carries no SQLSTATE,
# nor does any of SQLite's: a file locked by a writer or gone is the database not answering too.
SERVER_GOING_AWAY = {"57P01", "57P02", "57P03"}
RETRY_AFTER_SECONDS = 30


def database_unreachable(error):
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith("08") or sqlstate in SERVER_GOING_AWAY


def server_error(request):
    """Django calls it while handling the exception, which sys.exc_info() gives. Rendered
    without the request's context, as Django's own: nothing here may need the database."""
    unreachable = database_unreachable(sys.exc_info()[1])
    template = loader.get_template("database_unavailable.html" if unreachable else "500.html")
    response = HttpResponseServerError(template.render({"request_id": getattr(request, "id", None)}))
    if unreachable:
        response.status_code = 503
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
