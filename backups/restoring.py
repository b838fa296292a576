"""A restore: an archive of backups.backing_up put back into the configured database and media
folder, once every part has been checked against the manifest.

The order is what keeps a failed restore harmless: the archive's parts are written out and
checked first (a damaged archive touches nothing), the database is replaced in one step (one
transaction on PostgreSQL, one backup-API copy on SQLite), the media files are moved in last,
and the restored tables are counted against the manifest.
"""

import datetime
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils.translation import gettext as _

from backups import media
from backups.archive import extract_verified, open_archive, read_manifest
from backups.contents import row_counts
from backups.engines import NAMES, engine_of
from backups.errors import BackupError
from bkxh.health import unapplied_migrations
from bkxh.numbers import format_decimal


@dataclass
class Restore:
    path: Path
    made_at: datetime.datetime
    engine: str
    tables: int
    rows: int
    files: int
    pending_migrations: int


def restore(path, *, force=False):
    """Put the archive at `path` back; without `force`, refuse a database that has tables or a
    media folder that has files. Returns what was restored."""
    path = Path(path)
    engine = engine_of(connection)
    try:
        connection.ensure_connection()
    except DatabaseError as error:
        raise BackupError(_("Cannot connect to the database: %(error)s") % {"error": error}) from None
    with open_archive(path) as tar:
        manifest = read_manifest(tar)
        archived = manifest["database"]["engine"]
        if archived != engine.ENGINE:
            raise BackupError(
                _("%(path)s holds a %(archived)s database, and the configured database is %(configured)s.")
                % {"path": path.name, "archived": NAMES.get(archived, archived), "configured": NAMES[engine.ENGINE]}
            )
        if not force:
            refuse_to_replace()
        replacement = media.Replacement(settings.MEDIA_ROOT)
        try:
            with tempfile.TemporaryDirectory(prefix="bkxh-restore-") as work:
                dump = Path(work) / engine.PART

                def place(name):
                    if name.as_posix() == engine.PART:
                        return dump
                    if media.is_part(name):
                        return replacement.place(name)
                    raise BackupError(_("The archive holds a part of no known kind: %(name)s") % {"name": name})

                extract_verified(tar, manifest, place)
                engine.restore(connection, dump)
        except BaseException:
            replacement.discard()
            raise
        replacement.put_in_place()
    expected = manifest["row_counts"]
    check_counts(expected)
    return Restore(
        path=path,
        made_at=datetime.datetime.fromisoformat(manifest["made_at"]),
        engine=engine.ENGINE,
        tables=len(expected),
        rows=sum(expected.values()),
        files=sum(1 for name in manifest["parts"] if name.startswith(media.PREFIX)),
        pending_migrations=len(unapplied_migrations(connection)),
    )


def refuse_to_replace():
    if tables := connection.introspection.table_names():
        raise BackupError(
            _(
                "The database %(name)s has %(tables)s tables already. A restore replaces them: run it again with "
                "--force to do so, or restore into a new, empty database."
            )
            % {"name": connection.settings_dict["NAME"], "tables": format_decimal(len(tables))}
        )
    if media.has_files(settings.MEDIA_ROOT):
        raise BackupError(
            _(
                "The media folder %(path)s has files already. A restore replaces them: run it again with --force "
                "to do so."
            )
            % {"path": settings.MEDIA_ROOT}
        )


def check_counts(expected):
    """Raise BackupError naming each table whose rows differ from the manifest's count."""
    present = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        found = row_counts(cursor, [table for table in expected if table in present])
    differences = [
        _("%(table)s: %(found)s rows, the manifest says %(expected)s")
        % {
            "table": table,
            "found": format_decimal(found[table]) if table in found else _("no table"),
            "expected": format_decimal(count),
        }
        for table, count in sorted(expected.items())
        if found.get(table) != count
    ]
    if differences:
        raise BackupError(
            _("The restored database differs from the manifest: %(differences)s.")
            % {"differences": "; ".join(differences)}
        )
