"""Writing a checked file: all of it in one transaction, or nothing.

New records go in by imports.inserting (COPY on PostgreSQL), changed ones with bulk_update of
the fields the file sets.
The database's own constraints stay the last guard: if one still fails (another user wrote the
same record since the check), the transaction is rolled back and the error is reported.

`write` writes a whole checked file. `PartWriter` writes a big file's parts while the rest is
still being checked: on PostgreSQL the database then works on one part while Python checks the
next, on the machine's other core.
"""

import contextvars
import queue
import threading

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connections, router, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bkxh.records import StaleRows
from imports.checking import Part
from imports.inserting import insert

BATCH = 5000


class WriteError(Exception):
    """Nothing was written; the message says why."""


def write(result, progress=None):
    """Write `result` (a CheckResult without problems), in a transaction of its own."""
    try:
        with transaction.atomic():
            result.kind.before_write(result)
            write_part(result, Part(result.prerequisites, result.new, result.changed), progress)
    except (ValidationError, DatabaseError) as error:
        raise write_error(error, result) from error


def write_part(result, part, progress=None):
    """Write one part of `result`: the records its rows point at first, then its new rows, then
    its changed ones. Runs inside the import's transaction."""
    kind = result.kind
    model = kind.model
    new = [instance for _row, instance in part.new]
    changed = [change.instance for change in part.changed]
    stamped = [field.name for field in model._meta.concrete_fields if getattr(field, "auto_now", False)]
    now = timezone.now()
    for instance in changed:
        for name in stamped:
            setattr(instance, name, now)
    for instance in (*new, *changed):
        kind.prepare(instance)
    total = len(new) + len(changed)
    for prerequisite, instances in part.prerequisites:
        for start in range(0, len(instances), BATCH):
            insert(prerequisite, instances[start : start + BATCH])
    for start in range(0, len(new), BATCH):
        insert(model, new[start : start + BATCH])
        _report(progress, start + BATCH, len(new), total)
    if changed:
        fields = {*result.fields, *stamped, *kind.derived_fields}
        fields = sorted(fields - {model._meta.get_field(name).name for name in kind.key})
        for start in range(0, len(changed), BATCH):
            # The model's own bulk_update: versions, history and the guards of a Record.
            model.objects.bulk_update(changed[start : start + BATCH], fields, batch_size=500)
            _report(progress, len(new) + start + BATCH, total, total)


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
    if isinstance(error, IntegrityError):
        return WriteError(
            _("The database refused the file, so nothing was written (%(error)s). Check the file again and retry.")
            % {"error": error}
        )
    return WriteError(_("Nothing was written: the database reported an error (%(error)s).") % {"error": error})


def writes_while_checking(kind):
    """Whether a file of `kind` can be written part by part as it is checked: on PostgreSQL, and
    only when the caller has no transaction open (the writer's connection could not see it)."""
    connection = connections[router.db_for_write(kind.model)]
    return kind.written_while_checked and connection.vendor == "postgresql" and not connection.in_atomic_block


_COMMIT, _ROLL_BACK = object(), object()


class _RolledBack(Exception):
    pass


class PartWriter:
    """Writes the parts of a file as check_file hands them over (its `on_part`), in a thread of
    its own, on a database connection of its own, all in one transaction. `finish(commit)`
    commits it once the whole file has passed, or rolls it back; nothing is visible to others
    before. A file whose first part already fails never starts the thread.

    The thread runs in the caller's context (the audit context names the user and the import
    log in the history rows; refusals speak the caller's language)."""

    def __init__(self):
        self.result = self.thread = self.error = None
        self.parts = queue.Queue(maxsize=2)  # a part or two ahead: the check waits for the rest

    def __call__(self, result, part):
        if self.thread is None:
            self.result = result
            context = contextvars.copy_context()
            self.thread = threading.Thread(
                target=context.run, args=(self._run, translation.get_language()), name="bkxh-import-writer"
            )
            self.thread.start()
        if self.error is None:
            self.parts.put(part)

    def finish(self, commit):
        """Commit (if `commit` and every part was written) or roll back; raises WriteError if the
        database refused a part."""
        if self.thread is None:
            return
        self.parts.put(_COMMIT if commit else _ROLL_BACK)
        self.thread.join()
        if isinstance(self.error, ValidationError | DatabaseError):
            raise write_error(self.error, self.result) from self.error
        if self.error is not None:
            raise self.error

    def _run(self, language):
        translation.activate(language)
        try:
            with transaction.atomic():
                connection = transaction.get_connection()
                if connection.vendor == "postgresql":
                    # Foreign keys checked as each part is written, while the next is checked,
                    # rather than all at the commit, when nothing else is left to do.
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                self.result.kind.before_write(self.result)
                while (part := self.parts.get()) is not _COMMIT:
                    if part is _ROLL_BACK:
                        raise _RolledBack
                    write_part(self.result, part)
        except _RolledBack:
            pass
        except Exception as error:  # a refusal, or a fault: either way, roll back and tell the caller
            self.error = error
            # The check goes on to list every problem of the file: take its parts, write nothing.
            while self.parts.get() not in (_COMMIT, _ROLL_BACK):
                pass
        finally:
            connections.close_all()


def _report(progress, done, total, grand_total):
    if progress:
        progress(_("writing"), min(done, total), grand_total)
