from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from imports.process import expire_stale_previews


class Command(BaseCommand):
    help = "Remove uploaded files left waiting for confirmation for more than a day (run it daily from cron)."

    def handle(self, *args, **options):
        files, logs = expire_stale_previews()
        self.stdout.write(
            _("%(files)s kept file(s) removed; %(logs)s preview(s) never confirmed marked as expired.")
            % {"files": files, "logs": logs}
        )
