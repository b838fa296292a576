"""Importing a file from start to end, as the admin, the commands and the demo loader do it.

Every run leaves an ImportLog entry, written outside the import's transaction so that a
rolled-back import is still on record: as failed, with nothing counted, until the rows are
written. The outcome of a write is saved in the rows' own transaction, by the connection that
writes them, so that the log is true whichever connection is lost (or the process killed).
An admin import is two steps: `preview_upload` keeps the file privately and checks it;
`confirm_upload` checks it again (the data may have changed since) and writes it, or writes
nothing and says why.
"""

import functools
import hashlib
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from audit.context import Source, changes_by, current_source
from imports import storage
from imports.checking import CheckResult, Problem, check_file, without_garbage_collection
from imports.exporting import write_csv, write_xlsx
from imports.headers import ERRORS_HEADER
from imports.models import ImportLog
from imports.writing import PartWriter, WriteError, write, writes_while_checking

LOGGED_ERRORS = 1000


def run_import(
    kind,
    data,
    file_name,
    *,
    user=None,
    source=ImportLog.Source.COMMAND,
    dry_run=False,
    progress=None,
    before_write=None,
):
    """Check `data` and, unless `dry_run` or anything is wrong, write it. Returns (log, result).
    `before_write(result)` may complete the checked records in the write's transaction, just
    before they are written (the demo adds what its file has beside the import's columns)."""
    log = new_log(kind, data, file_name, user, source)
    if dry_run:
        result = check_file(kind, data, file_name, progress, user=log.user)
        record(log, result, ImportLog.Outcome.CHECKED if result.ok else ImportLog.Outcome.REJECTED)
    else:
        result = check_and_write(
            log, kind, data, problems_outcome=ImportLog.Outcome.REJECTED, progress=progress, before_write=before_write
        )
    return log, result


def expire_stale_previews():
    """Remove the uploads kept for more than a day; the previews that waited for them say that
    they were never confirmed, rather than waiting for ever. Returns (files removed, logs expired)."""
    removed = storage.remove_stale()
    expired = ImportLog.objects.filter(stored_file__in=removed, outcome=ImportLog.Outcome.PREVIEWED).update(
        outcome=ImportLog.Outcome.EXPIRED, stored_file="", finished_at=timezone.now()
    )
    return len(removed), expired


def preview_upload(kind, data, file_name, user):
    """Keep the upload privately and check it; returns (log, result). Nothing is written."""
    expire_stale_previews()
    log = new_log(kind, data, file_name, user, ImportLog.Source.ADMIN)
    log.stored_file = storage.store(data)
    result = check_file(kind, data, file_name, user=log.user)
    record(log, result, ImportLog.Outcome.PREVIEWED if result.ok else ImportLog.Outcome.REJECTED)
    return log, result


def confirm_upload(log, kind):
    """Check the kept file again and write it; returns the result (with its problems if nothing
    was written), or None when the upload was confirmed or cancelled already (a second click, or
    another tab). The kept file is removed either way."""
    # Claimed in one UPDATE, so that of two confirmations at once only one goes on; the log says
    # "failed", with nothing counted, until the write has succeeded.
    if not ImportLog.objects.filter(pk=log.pk, outcome=ImportLog.Outcome.PREVIEWED).update(**ImportLog.UNDER_WAY):
        return None
    # Forgotten with the outcome: nothing is saved after the rows are committed.
    stored, log.stored_file = log.stored_file, ""
    try:
        data = storage.load(stored)
    except FileNotFoundError:
        result = file_gone(kind)
        record(log, result, ImportLog.Outcome.FAILED)
    else:
        result = check_and_write(log, kind, data, problems_outcome=ImportLog.Outcome.FAILED)
    storage.discard(stored)
    return result


def file_gone(kind):
    """The result of a confirmation whose kept file is gone."""
    problem = Problem(_("The uploaded file is no longer kept (files are kept for a day). Upload it again."))
    return CheckResult(kind, file_problems=[problem])


def cancel_upload(log):
    storage.discard(log.stored_file)
    log.stored_file = ""
    log.outcome = ImportLog.Outcome.CANCELLED
    log.finished_at = timezone.now()
    log.save(update_fields=["stored_file", "outcome", "finished_at"])


def file_format_of(encoding):
    """The format the failed rows of a file read as `encoding` are given back in: the file's own."""
    return "xlsx" if encoding == "xlsx" else "csv"


def failed_rows_file(result, file_format):
    """The rows with problems, as read, with a “Lỗi” column listing each row's problems."""
    rows = []
    for row in result.failed_rows:
        cells = list(row.as_read) + [""] * (len(result.header) - len(row.as_read))
        rows.append([*cells, "; ".join(str(problem) for problem in row.problems)])
    header = [*result.header, ERRORS_HEADER]
    handle = io.BytesIO()
    if file_format == "xlsx":
        write_xlsx(header, rows, handle)
    else:
        write_csv(header, rows, handle)
    return handle.getvalue()


def new_log(kind, data, file_name, user, source):
    return ImportLog(
        user=user if user is not None and user.is_authenticated else None,
        source=source,
        kind=kind.name,
        file_name=file_name[:255],
        file_size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def check_and_write(log, kind, data, *, problems_outcome, progress=None, before_write=None, write_progress=None):
    """Check `data` and write it if nothing is wrong; record what happened. Returns the result."""
    # Saved first, as under way, so that the history rows can name it.
    for field, value in ImportLog.UNDER_WAY.items():
        setattr(log, field, value)
    log.save()
    # A management command that imports (the demo loader) says it is one, as commands do.
    source = Source.COMMAND if current_source() == Source.COMMAND else Source.IMPORT
    with changes_by(user=log.user, source=source, import_log_id=log.pk), without_garbage_collection():
        result, failure = _check_writing(kind, data, log, progress, before_write, write_progress)
    if failure is not None and ImportLog.objects.filter(pk=log.pk, outcome=ImportLog.Outcome.IMPORTED).exists():
        # The commit went through but its answer was lost with the connection: the rows and
        # their outcome are in, and the database is the one to believe.
        log.refresh_from_db()
        failure = None
    if failure is not None:
        result.file_problems.append(Problem(str(failure)))
        record(log, result, ImportLog.Outcome.FAILED)
    elif not result.ok:
        record(log, result, problems_outcome)
    return result


def _check_writing(kind, data, log, progress, before_write, write_progress):
    """(result, the WriteError if the database refused it, else None). A file written is
    recorded as imported in the transaction of its rows. `write_progress` follows the parts
    written while the file is checked (PartWriter)."""
    if writes_while_checking(kind, before_write):
        writer = PartWriter(write_progress)
        try:
            result = check_file(kind, data, log.file_name, progress, user=log.user, on_part=writer)
        except BaseException:
            writer.stop()
            raise
        try:
            writer.finish(commit=result.ok, with_rows=_imported(log, result))
        except WriteError as error:
            return result, error
        return result, None
    result = check_file(kind, data, log.file_name, progress, user=log.user)
    if not result.ok:
        return result, None
    try:
        write(result, progress, with_rows=_imported(log, result), before_write=before_write)
    except WriteError as error:
        return result, error
    return result, None


def _imported(log, result):
    return functools.partial(record, log, result, ImportLog.Outcome.IMPORTED)


def record(log, result, outcome):
    problems = result.problems
    log.encoding = result.encoding
    log.delimiter = {"\t": "tab"}.get(result.delimiter, result.delimiter)
    log.sheet = result.sheet
    log.rows = len(result.rows)
    # The rows a file would write are counted only where they were written, or would be by the
    # confirmation: a log that wrote nothing counts nothing.
    counted = outcome in ImportLog.COUNTED_OUTCOMES
    log.created = len(result.new) if counted else 0
    log.changed = len(result.changed) if counted else 0
    log.unchanged = result.unchanged if counted else 0
    log.error_count = len(problems)
    log.errors = [{"row": problem.row, "column": problem.column, "message": problem.message} for problem in problems][
        :LOGGED_ERRORS
    ]
    log.outcome = outcome
    if outcome != ImportLog.Outcome.PREVIEWED:
        log.finished_at = timezone.now()
    log.save()
