from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from backups.engines import NAMES
from backups.errors import BackupError
from backups.restoring import restore
from bkxh.numbers import format_decimal


class Command(BaseCommand):
    help = (
        "Restore an archive of backup_data into the configured database and media folder, once every "
        "part matches the manifest's checksums. Refuses a database with tables or a media folder with "
        "files unless --force. Stop bkxh first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the bkxh-<time>.tar file")
        parser.add_argument(
            "--force", action="store_true", help="replace the database's tables and the media folder's files"
        )

    def handle(self, *args, **options):
        try:
            restored = restore(options["archive"], force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Restored %(name)s, made %(made_at)s: the %(engine)s database, %(tables)s tables, %(rows)s rows, "
                    "as the manifest counts them; %(files)s files of the media folder."
                )
                % {
                    "name": restored.path.name,
                    "made_at": f"{timezone.localtime(restored.made_at):%d/%m/%Y %H:%M}",
                    "engine": NAMES[restored.engine],
                    "tables": format_decimal(restored.tables),
                    "rows": format_decimal(restored.rows),
                    "files": format_decimal(restored.files),
                }
            )
        )
        if restored.pending_migrations:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "The archive was made by an earlier version of bkxh: %(count)s migrations of this one are "
                        "not applied. Run `manage.py migrate`."
                    )
                    % {"count": format_decimal(restored.pending_migrations)}
                )
            )
