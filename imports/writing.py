"""Writing a checked file: all of it in one transaction, or nothing.

New records go in by imports.fast_insert (COPY on PostgreSQL), changed ones with bulk_update of
the fields the file sets.
The database's own constraints stay the last guard: if one still fails (another user wrote the
same record since the check), the transaction is rolled back and the error is reported.

`write` writes a whole checked file. `PartWriter` writes a big file's parts while the rest is
still being checked: on PostgreSQL the database then works on one part while Python checks the
next, on the machine's other core. Both take `with_rows`, what is written in the rows'
transaction just before its commit (the import log's outcome: one commit for both, so that the
log is true whichever connection is lost).

What the database said goes to the server log, not to staff: its message can quote a row
(a whole citizen ID in a COPY line); staff get a plain message and the database's error code.
"""

import contextvars
import logging
import queue
import threading

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connections, router, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.context import current_import_log_id
from bkxh.records import StaleRows
from imports.checking import Part
from imports.fast_insert import prepare, send

BATCH = 5000

logger = logging.getLogger("imports")


class WriteError(Exception):
    """Nothing was written; the message says why."""


def write(result, progress=None, with_rows=None, before_write=None):
    """Write `result` (a CheckResult without problems), in a transaction of its own, with what
    `with_rows()` writes. The kind's before_write, then the caller's `before_write(result)`,
    complete the records inside that transaction, so whatever they read or add is part of it."""
    part = Part(result.prerequisites, result.new, result.changed)
    try:
        with transaction.atomic():
            result.kind.before_write(result)
            if before_write is not None:
                before_write(result)
            # Each batch made ready just before it is sent: SQLite draws a batch's ids after
            # those already written.
            send_part(result, prepare_part(result, part, ahead=False), progress)
            if with_rows is not None:
                with_rows()
    except (ValidationError, DatabaseError) as error:
        raise write_error(error, result) from error


class PreparedPart:
    def __init__(self, inserts, changed, total):
        self.inserts = inserts  # (imports.fast_insert.Prepared or None, rows of the file it counts for)
        self.changed = changed  # instances to update
        self.total = total  # rows of the file it counts for


def prepare_part(result, part, *, ahead=True):
    """The work of writing `part` that needs no transaction: derived fields and stamps set, new
    records given their ids and made into rows (imports.fast_insert.prepare) — now, or (not
    `ahead`) each batch as send_part reaches it."""
    changed = _set_derived_values(result, part)
    inserts = ((prepare(model, batch), count) for model, batch, count in _batches(result, part))
    return PreparedPart(list(inserts) if ahead else inserts, changed, len(part.new) + len(changed))


def send_part(result, prepared, progress=None):
    """Write a prepared part, in the import's transaction."""
    kind = result.kind
    model = kind.model
    done = 0
    for insert, count in prepared.inserts:
        send(insert)
        done += count
        if count:
            _report(progress, done, prepared.total)
    if prepared.changed:
        fields = {*result.fields, *_stamped(model), *kind.derived_fields}
        fields = sorted(fields - {model._meta.get_field(name).name for name in kind.key})
        for start in range(0, len(prepared.changed), BATCH):
            # The model's own bulk_update: versions, history and the guards of a Record.
            model.objects.bulk_update(prepared.changed[start : start + BATCH], fields, batch_size=500)
            done += len(prepared.changed[start : start + BATCH])
            _report(progress, done, prepared.total)


def _set_derived_values(result, part):
    """Set what save() would derive and stamp (bulk writes skip save()); returns the changed instances."""
    kind = result.kind
    changed = [change.instance for change in part.changed]
    stamped, now = _stamped(kind.model), timezone.now()
    for instance in changed:
        for name in stamped:
            setattr(instance, name, now)
    for instance in (*(instance for _row, instance in part.new), *changed):
        kind.prepare(instance)
    return changed


def _batches(result, part):
    """(model, new instances, rows of the file they count for) in the order they are written:
    the records the rows point at, then the rows."""
    for model, instances in part.prerequisites:
        for start in range(0, len(instances), BATCH):
            yield model, instances[start : start + BATCH], 0
    new = [instance for _row, instance in part.new]
    for start in range(0, len(new), BATCH):
        batch = new[start : start + BATCH]
        yield result.kind.model, batch, len(batch)


def _stamped(model):
    return [field.name for field in model._meta.concrete_fields if getattr(field, "auto_now", False)]


def write_error(error, result):
    """The WriteError telling staff why the database or a Record refused `result`."""
    if isinstance(error, StaleRows):
        stale = set(error.pks)
        rows = [change.row for change in result.changed if change.instance.pk in stale]
        return WriteError(
            _(
                "Nothing was written: rows %(rows)s were changed by someone else after the file was checked. "
                "Check the file again."
            )
            % {"rows": ", ".join(str(row) for row in rows)}
        )
    if isinstance(error, ValidationError):
        # A Record refused the write: a year approved, or a unit outside the user's scope, since the check.
        return WriteError(" ".join(error.messages))
    logger.error("Import log %s: the database refused the write", current_import_log_id(), exc_info=error)
    code = _error_code(error)
    if isinstance(error, IntegrityError):
        message = (
            _("The database refused the file, so nothing was written. Check the file again and retry.")
            if code is None
            else _(
                "The database refused the file, so nothing was written (error code %(code)s). "
                "Check the file again and retry."
            )
        )
    elif code is None:
        message = _("Nothing was written: the database reported an error.")
    else:
        message = _("Nothing was written: the database reported an error (error code %(code)s).")
    return WriteError(message % {"code": code})


def _error_code(error):
    """The driver's code of a database error: PostgreSQL's SQLSTATE (23505), SQLite's error name;
    None for an error raised before the server answered (a connection lost)."""
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) or getattr(cause, "sqlite_errorname", None)


def writes_while_checking(kind, before_write=None):
    """The import's one choice of write path. True: each part of the file is written as soon as
    it passes, by PartWriter, while the next part is checked, and committed only if the whole
    file passed; PostgreSQL works on one core while Python checks on the other, when that core
    is free (measured against the other path, not yet clearly worth it: README, "The writer
    thread, measured"). False:
    the whole file is checked, then written by write(). The first needs every one of:
    - the kind allows it (Kind.written_while_checked): a kind's before_write needs every row;
    - the caller completes nothing before the write (`before_write`, run_import's): it needs
      every row too;
    - PostgreSQL: SQLite works inside this process, so a writer thread would share Python's one
      core with the check rather than use the other;
    - no transaction open by the caller: the writer's connection could not see its rows."""
    connection = connections[router.db_for_write(kind.model)]
    return (
        kind.written_while_checked
        and before_write is None
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
    )


_COMMIT, _ROLL_BACK = object(), object()


class _RolledBack(Exception):
    pass


class PartWriter:
    """Writes the parts of a file as check_file hands them over (its `on_part`), all in one
    transaction, committed by `finish(commit)` once the whole file has passed (or rolled back);
    nothing is visible to others before.

    A part is made ready where it was checked (ids drawn, rows built: Python's work) and sent
    by a thread of its own, on a database connection of its own, while the next part is
    checked: the database works on one part while Python works on the next. A file whose first
    part already fails never starts the thread. The thread runs in the caller's context (the
    audit context names the user and the import log in the history rows) and language."""

    def __init__(self, progress=None):
        self.result = self.thread = self.error = self.with_rows = None
        # Told the rows written so far after each part (a job's counters); the command line's
        # progress bar is not, drawn by the check meanwhile.
        self.progress, self.written = progress, 0
        self.parts = queue.Queue(maxsize=2)  # a part or two ahead: the check waits for the rest

    def __call__(self, result, part):
        if self.error is not None:
            return
        self.result = result
        try:
            prepared = prepare_part(result, part)
        except (ValidationError, DatabaseError) as error:
            self.error = error  # refused before anything was sent: nothing more will be
            return
        if self.thread is None:
            context = contextvars.copy_context()
            thread = threading.Thread(
                target=context.run, args=(self._run, translation.get_language()), name="bkxh-import-writer"
            )
            thread.start()
            self.thread = thread
        self.parts.put(prepared)

    def finish(self, commit, with_rows=None):
        """Commit (if `commit` and every part was written), with what `with_rows()` writes, or roll
        back; raises WriteError if the database or a Record refused a part."""
        self.with_rows = with_rows  # read by the thread once it takes the commit from the queue
        self.stop(commit)
        if isinstance(self.error, ValidationError | DatabaseError):
            raise write_error(self.error, self.result) from self.error
        if self.error is not None:
            raise self.error

    def stop(self, commit=False):
        """Commit or roll back, and wait for the thread to end; raises nothing (for a caller that
        is already failing)."""
        if self.thread is not None:
            self.parts.put(_COMMIT if commit and self.error is None else _ROLL_BACK)
            self.thread.join()

    def _run(self, language):
        ended = False  # whether the end of the file (commit or roll back) was taken from the queue
        try:
            translation.activate(language)  # not carried by the copied context
            with transaction.atomic():
                connection = transaction.get_connection()
                if connection.vendor == "postgresql":
                    # Foreign keys checked as each part is written, while the next is checked,
                    # rather than all at the commit, when nothing else is left to do.
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                while True:
                    part = self.parts.get()
                    ended = part is _COMMIT or part is _ROLL_BACK
                    if part is _COMMIT:
                        if self.with_rows is not None:
                            self.with_rows()
                        break
                    if part is _ROLL_BACK:
                        raise _RolledBack
                    send_part(self.result, part)
                    self.written += part.total
                    _report(self.progress, self.written, len(self.result.rows))
        except _RolledBack:
            pass
        except BaseException as error:  # a refusal, or a fault: either way, roll back and tell the caller
            self.error = error
            # The check goes on to list every problem of the file: take its parts, write nothing.
            while not ended:
                ended = self.parts.get() in (_COMMIT, _ROLL_BACK)
        finally:
            connections.close_all()


def _report(progress, done, total):
    if progress:
        progress(_("writing"), done, total)
