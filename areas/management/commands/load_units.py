from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from areas.loading import load_units
from areas.units_dataset import Dataset
from audit.commands import AuditedCommand
from bkxh.numbers import format_decimal


class Command(AuditedCommand):
    help = (
        "Load the administrative units of provinces from the vietnamadminunits dataset, before and after "
        "01/07/2025, with who succeeded whom. Give the GSO code of a new province or of an old one. Safe to run again."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("codes", nargs="+", metavar="code", help="GSO province code, e.g. 19")

    def handle(self, *args, **options):
        dataset = Dataset()
        for code in options["codes"]:
            loaded = load_units(code, dataset)
            if loaded is None:
                raise CommandError(_("The dataset has no province with code %(code)s.") % {"code": code})
            self.stdout.write(
                _(
                    "%(province)s (%(code)s): %(communes)s communes from 01/07/2025; until 30/06/2025 "
                    "%(old_provinces)s, %(districts)s districts, %(old_communes)s communes, %(divided)s of them "
                    "divided between several new communes. %(created)s units added, %(updated)s updated."
                )
                % {
                    "province": loaded.province.name,
                    "code": loaded.province.code,
                    "communes": format_decimal(loaded.communes),
                    "old_provinces": ", ".join(f"{unit.name} ({unit.code})" for unit in loaded.old_provinces),
                    "districts": format_decimal(loaded.old_districts),
                    "old_communes": format_decimal(loaded.old_communes),
                    "divided": format_decimal(loaded.divided),
                    "created": format_decimal(loaded.created),
                    "updated": format_decimal(loaded.updated),
                }
            )
