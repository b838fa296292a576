import sys
from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.commands import AuditedCommand
from audit.context import Source
from bkxh.numbers import format_decimal
from imports.kinds import all_kinds
from imports.management.kind_argument import kind_named
from imports.models import ImportLog
from imports.process import failed_rows_file, run_import


class Command(AuditedCommand):
    help = (
        "Import a CSV or XLSX file of one kind, with the same checks and messages as the admin. "
        "Nothing is written if anything is wrong (exit status 1). With --user, the rows are checked "
        "against that user's units and the log and the history name them."
    )
    # The history rows say "file import" and name the import log, whose source is the command line.
    change_source = Source.IMPORT

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("kind", nargs="?", help="the kind of file (see --list)")
        parser.add_argument("file", nargs="?", help="the CSV or XLSX file")
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")
        parser.add_argument("--list", action="store_true", help="list the kinds of file and their columns")
        parser.add_argument("--failed-rows", metavar="PATH", help="on errors, write the failed rows here")

    def handle(self, *args, **options):
        if options["list"]:
            for kind in all_kinds():
                self.stdout.write(f"{kind.name}: {kind.label} — {kind.describe_columns()}")
            return
        if not options["kind"] or not options["file"]:
            raise CommandError(_("Give the kind of file and the file (or --list)."))
        kind = kind_named(options["kind"])
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}) from None
        progress = ProgressBar(self.stderr) if sys.stderr.isatty() else None
        log, result = run_import(kind, data, path.name, user=self.user, dry_run=options["dry_run"], progress=progress)
        if progress:
            progress.done()
        for earlier in ImportLog.objects.earlier_imports_of(log)[:3]:
            self.stderr.write(
                self.style.WARNING(
                    _("This same file was already imported on %(when)s.")
                    % {"when": f"{timezone.localtime(earlier.started_at):%d/%m/%Y %H:%M}"}
                )
            )
        self._report(log, result, options)

    def _report(self, log, result, options):
        for problem in result.problems:
            self.stderr.write(str(problem))
        for note in result.notes:
            self.stdout.write(note)
        counts = _("%(new)s new, %(changed)s changed, %(unchanged)s unchanged rows") % {
            "new": len(result.new),
            "changed": len(result.changed),
            "unchanged": result.unchanged,
        }
        if log.outcome == ImportLog.Outcome.IMPORTED:
            self.stdout.write(self.style.SUCCESS(_("Imported: %(counts)s.") % {"counts": counts}))
        elif log.outcome == ImportLog.Outcome.CHECKED:
            self.stdout.write(
                self.style.SUCCESS(_("Checked, nothing written (dry run): %(counts)s.") % {"counts": counts})
            )
        else:
            if options["failed_rows"] and result.failed_rows:
                file_format = "xlsx" if options["failed_rows"].lower().endswith(".xlsx") else "csv"
                Path(options["failed_rows"]).write_bytes(failed_rows_file(result, file_format))
            raise CommandError(
                _("Nothing was written: %(count)s problems.") % {"count": format_decimal(len(result.problems))},
                returncode=1,
            )


class ProgressBar:
    """One line on the terminal, redrawn: "checking rows [#####     ] 52.000/100.000"."""

    WIDTH = 30

    def __init__(self, stream):
        self.stream = stream

    def __call__(self, stage, done, total):
        filled = self.WIDTH * done // max(total, 1)
        self.stream.write(f"\r{stage:<16} [{'#' * filled}{' ' * (self.WIDTH - filled)}] {done}/{total}", ending="")
        self.stream.flush()

    def done(self):
        self.stream.write("")
