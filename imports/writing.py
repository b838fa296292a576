"""Writing a checked file: all of it in one transaction, or nothing.

New records go in by imports.inserting (COPY on PostgreSQL), changed ones with bulk_update of
the fields the file sets.
The database's own constraints stay the last guard: if one still fails (another user wrote the
same record since the check), the transaction is rolled back and the error is reported.
"""

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bkxh.records import StaleRows
from imports.checking import without_garbage_collection
from imports.inserting import insert

BATCH = 2000


class WriteError(Exception):
    """Nothing was written; the message says why."""


def write(result, progress=None):
    """Write `result` (a CheckResult without problems); returns (created, updated)."""
    model = result.kind.model
    new = [instance for _row, instance in result.new]
    changed = [change.instance for change in result.changed]
    stamped = [field.name for field in model._meta.concrete_fields if getattr(field, "auto_now", False)]
    now = timezone.now()
    for instance in changed:
        for name in stamped:
            setattr(instance, name, now)
    for instance in (*new, *changed):
        result.kind.prepare(instance)
    total = len(new) + len(changed)
    try:
        with without_garbage_collection(), transaction.atomic():
            result.kind.before_write(result)
            for start in range(0, len(new), BATCH):
                insert(model, new[start : start + BATCH])
                _report(progress, start + BATCH, len(new), total)
            if changed:
                fields = {*result.fields, *stamped, *result.kind.derived_fields}
                fields = sorted(fields - {field.name for field in _key_fields(result.kind)})
                for start in range(0, len(changed), BATCH):
                    # The model's own bulk_update: versions, history and the guards of a Record.
                    model.objects.bulk_update(changed[start : start + BATCH], fields, batch_size=500)
                    _report(progress, len(new) + start + BATCH, total, total)
    except StaleRows as error:
        stale = set(error.pks)
        rows = [change.row for change in result.changed if change.instance.pk in stale]
        raise WriteError(
            _(
                "Nothing was written: rows %(rows)s were changed by someone else after the file was checked. "
                "Check the file again."
            )
            % {"rows": ", ".join(str(row) for row in rows)}
        ) from error
    except ValidationError as error:
        # A Record refused the write: a year approved, or a unit outside the user's scope, since the check.
        raise WriteError(" ".join(error.messages)) from error
    except IntegrityError as error:
        raise WriteError(
            _("The database refused the file, so nothing was written (%(error)s). Check the file again and retry.")
            % {"error": error}
        ) from error
    except DatabaseError as error:
        raise WriteError(
            _("Nothing was written: the database reported an error (%(error)s).") % {"error": error}
        ) from error
    return len(new), len(changed)


def _key_fields(kind):
    return [kind.model._meta.get_field(name) for name in kind.key]


def _report(progress, done, total, grand_total):
    if progress:
        progress(_("writing"), min(done, total), grand_total)
