from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from backups.backing_up import back_up
from backups.engines import NAMES
from backups.errors import BackupError
from bkxh.numbers import format_decimal


class Command(BaseCommand):
    help = (
        "Back up the database and the media folder (the decisions' scans) into one archive, "
        "bkxh-<time>.tar, with a manifest of row counts and checksums; safe while bkxh runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", metavar="DIR", help="the folder to write it to (default: BKXH_BACKUP_ROOT)")

    def handle(self, *args, **options):
        try:
            backup = back_up(Path(options["to"] or settings.BKXH_BACKUP_ROOT))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Backed up to %(path)s (%(size)s MB): the %(engine)s database, %(tables)s tables, %(rows)s rows; "
                    "%(files)s files of the media folder."
                )
                % {
                    "path": backup.path,
                    "size": format_decimal(Decimal(backup.size) / 1_000_000, places=1),
                    "engine": NAMES[backup.engine],
                    "tables": format_decimal(backup.tables),
                    "rows": format_decimal(backup.rows),
                    "files": format_decimal(backup.files),
                }
            )
        )
