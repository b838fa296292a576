"""PostgreSQL: pg_dump's custom format and pg_restore, with libpq's settings from DATABASE_URL.

The password goes to pg_dump and pg_restore in their environment (PGPASSWORD), never on the
command line, which every user of the machine can read (`ps`). The dump and the manifest's counts
are read in one snapshot (`pg_export_snapshot`, `pg_dump --snapshot`), so the counts are those of
the dump even while the application writes.
"""

import os
import subprocess

import psycopg
from django.utils.translation import gettext as _

from backups.contents import read_contents
from backups.errors import BackupError

ENGINE = "postgresql"
PART = "database.pgdump"
# libpq's connection keywords and the environment variables pg_dump and pg_restore read them from.
LIBPQ_ENVIRONMENT = {
    "dbname": "PGDATABASE",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "host": "PGHOST",
    "port": "PGPORT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
}


def connection_keywords(settings_dict):
    """libpq's keywords for Django's database settings (DATABASE_URL's, with its ?sslmode=…)."""
    keywords = {
        "dbname": settings_dict["NAME"],
        "user": settings_dict.get("USER"),
        "password": settings_dict.get("PASSWORD"),
        "host": settings_dict.get("HOST"),
        "port": settings_dict.get("PORT"),
    }
    keywords.update({key: value for key, value in settings_dict.get("OPTIONS", {}).items() if key in LIBPQ_ENVIRONMENT})
    return {key: str(value) for key, value in keywords.items() if value not in (None, "")}


def run(command, settings_dict):
    environment = dict(os.environ)
    environment.update({LIBPQ_ENVIRONMENT[key]: value for key, value in connection_keywords(settings_dict).items()})
    try:
        finished = subprocess.run(command, env=environment, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(
            _("%(tool)s is not installed: install PostgreSQL's client of the server's version.") % {"tool": command[0]}
        ) from None
    if finished.returncode != 0:
        raise BackupError(_("%(tool)s failed: %(error)s") % {"tool": command[0], "error": finished.stderr.strip()})
    return finished.stdout


def dump(connection, path):
    """Write the database of `connection` to `path`; returns what the manifest says of it."""
    settings_dict = connection.settings_dict
    try:
        snapshot = psycopg.connect(**connection_keywords(settings_dict))
    except psycopg.Error as error:
        raise BackupError(_("Cannot connect to the database: %(error)s") % {"error": error}) from None
    with snapshot:
        snapshot.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        snapshot.read_only = True
        with snapshot.cursor() as cursor:
            # The transaction's snapshot is taken by its first statement: this one.
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot_name,) = cursor.fetchone()
            run(
                ["pg_dump", "--format=custom", "--no-password", f"--snapshot={snapshot_name}", f"--file={path}"],
                settings_dict,
            )
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            contents = read_contents(cursor, [table for (table,) in cursor.fetchall()])
            cursor.execute("SHOW server_version")
            (server_version,) = cursor.fetchone()
    database = {
        "engine": ENGINE,
        "name": settings_dict["NAME"],
        "server_version": server_version,
        "dumped_with": run(["pg_dump", "--version"], settings_dict).strip(),
    }
    return database, contents


def restore(connection, path):
    """Replace the tables of `connection`'s database with those of the dump at `path`.

    In one transaction, so a restore that fails leaves the database as it was. Without the dump's
    owners and grants: the restoring role owns what it creates, and the roles of the server the
    dump came from need not exist on this one."""
    # pg_restore drops the tables this connection may have open.
    connection.close()
    run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={connection.settings_dict['NAME']}",
            str(path),
        ],
        connection.settings_dict,
    )
