"""SQLite, the embedded default: the online backup API (sqlite3.Connection.backup) both ways.

The backup API copies the database page by page under SQLite's own locking, so it is consistent
while the application writes (the database is in WAL mode: readers and the copy go on beside the
writer), and a restore writes into the database through the same locks, leaving no stale WAL
file beside it as copying the file over would.
"""

import sqlite3
from contextlib import closing

from backups.contents import read_contents

ENGINE = "sqlite"
PART = "database.sqlite3"


def tables(cursor):
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return [name for (name,) in cursor.fetchall()]


def dump(connection, path):
    """Copy the database of `connection` to `path`; returns what the manifest says of it."""
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as copy:
        connection.connection.backup(copy)
        # One file, without the -wal and -shm beside it that WAL mode would keep.
        copy.execute("PRAGMA journal_mode=DELETE")
        cursor = copy.cursor()
        contents = read_contents(cursor, tables(cursor))
    return {"engine": ENGINE, "sqlite_version": sqlite3.sqlite_version}, contents


def restore(connection, path):
    """Replace the database of `connection` with the copy at `path`."""
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as copy:
        copy.backup(connection.connection)
