from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from bkxh.numbers import format_decimal
from reports.keeping import install, mismatches
from reports.totals import are_kept


class Command(BaseCommand):
    help = (
        "Check that the register totals the database keeps for the reports equal the registers' own "
        "aggregates, unit by unit and for every unit at once; --rebuild makes them again from the entries."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="make the totals again from the entries first")

    def handle(self, *args, **options):
        if not are_kept():
            self.stdout.write(_("This database keeps no register totals: the reports add up the entries themselves."))
            return
        if options["rebuild"]:
            install(rebuild=True)
        found = mismatches()
        for register, year, unit, figure, kept, live in found[:50]:
            self.stderr.write(
                _("%(register)s, %(year)s, unit %(unit)s, %(figure)s: kept %(kept)s, in the entries %(live)s")
                % {"register": register, "year": year, "unit": unit, "figure": figure, "kept": kept, "live": live}
            )
        if found:
            raise CommandError(
                _("%(count)s register totals differ from the entries: run it again with --rebuild.")
                % {"count": format_decimal(len(found))}
            )
        self.stdout.write(self.style.SUCCESS(_("The register totals equal the entries.")))
