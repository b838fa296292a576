from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from bkxh.numbers import format_decimal
from imports.exporting import export_records
from imports.management.kind_argument import kind_named


class Command(BaseCommand):
    help = "Export every record of one kind to a CSV (UTF-8 with BOM) or XLSX file that import_data reads back."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="the kind of file (see import_data --list)")
        parser.add_argument("file", help="the file to write: .csv or .xlsx")

    def handle(self, *args, **options):
        kind = kind_named(options["kind"])
        path = Path(options["file"])
        file_format = "xlsx" if path.suffix.lower() == ".xlsx" else "csv"
        queryset = kind.queryset()
        with open(path, "wb") as handle:
            export_records(kind, queryset, file_format, handle)
        self.stdout.write(
            self.style.SUCCESS(
                _("Wrote %(count)s rows to %(path)s.") % {"count": format_decimal(queryset.count()), "path": path}
            )
        )
