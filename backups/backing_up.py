"""A backup: the database and the media folder, now, into one archive (backups.archive).

BKXH_PRIVATE_ROOT is left out: it holds only the uploads waiting between an import's preview
and its confirmation, removed after a day; after a restore such an import says its file is no
longer kept, and the clerk uploads it again.
"""

import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from backups import media
from backups.archive import new_archive
from backups.engines import engine_of


@dataclass
class Backup:
    path: Path
    engine: str
    tables: int
    rows: int
    files: int
    size: int


def archive_name(moment):
    return f"bkxh-{timezone.localtime(moment):%Y%m%d-%H%M%S}.tar"


def back_up(folder):
    """Write bkxh-<local time>.tar into `folder` (made if missing); returns what it holds."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    made_at = timezone.now()
    engine = engine_of(connection)
    path = folder / archive_name(made_at)
    with new_archive(path) as archive, tempfile.TemporaryDirectory(dir=folder, prefix=".bkxh-backup-") as work:
        dump = Path(work) / engine.PART
        database, contents = engine.dump(connection, dump)
        archive.add(engine.PART, dump)
        media_files = media.files(settings.MEDIA_ROOT, leaving_out=folder)
        for name, file in media_files:
            archive.add(name, file)
        archive.add_manifest(
            {
                "made_at": timezone.localtime(made_at).isoformat(timespec="seconds"),
                "database": database,
                "migrations": contents.migrations,
                "row_counts": contents.row_counts,
            }
        )
    return Backup(
        path=path,
        engine=engine.ENGINE,
        tables=len(contents.row_counts),
        rows=sum(contents.row_counts.values()),
        files=len(media_files),
        size=path.stat().st_size,
    )
