from django.core.management.base import BaseCommand

from imports.storage import remove_stale


class Command(BaseCommand):
    help = "Remove uploaded files left waiting for confirmation for more than a day (run it daily from cron)."

    def handle(self, *args, **options):
        self.stdout.write(f"{remove_stale()} file(s) removed.")
