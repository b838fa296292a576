"""The database engines a backup knows, by Django's vendor name."""

from django.utils.translation import gettext as _

from backups import postgresql, sqlite
from backups.errors import BackupError

ENGINES = {postgresql.ENGINE: postgresql, sqlite.ENGINE: sqlite}
NAMES = {postgresql.ENGINE: "PostgreSQL", sqlite.ENGINE: "SQLite"}


def engine_of(connection):
    try:
        return ENGINES[connection.vendor]
    except KeyError:
        raise BackupError(
            _("Backups know PostgreSQL and SQLite databases, not %(vendor)s.") % {"vendor": connection.vendor}
        ) from None
