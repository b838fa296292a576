"""What a database holds, as the manifest records it and a restore checks it: the rows of every
table and the migrations applied. Read through a DB-API cursor, so the same code reads a
PostgreSQL snapshot, a SQLite copy and the restored database."""

from dataclasses import dataclass

MIGRATIONS_TABLE = "django_migrations"


@dataclass
class Contents:
    row_counts: dict
    migrations: dict


def quoted(table):
    return '"' + table.replace('"', '""') + '"'


def row_counts(cursor, tables):
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quoted(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def read_contents(cursor, tables):
    migrations = {}
    if MIGRATIONS_TABLE in tables:
        cursor.execute(f"SELECT app, name FROM {MIGRATIONS_TABLE} ORDER BY app, name")
        for app, name in cursor.fetchall():
            migrations.setdefault(app, []).append(name)
    return Contents(row_counts=row_counts(cursor, tables), migrations=migrations)
