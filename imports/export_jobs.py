"""Big exports as background jobs (README, "Background jobs").

A list of more than BKXH_BACKGROUND_EXPORT_ROWS rows is written by the worker: the request
records what was asked (the list, its filters in the address, the format, the user), and the
worker builds the same list as the user's own changelist would (their scope, their masking),
writes the file and keeps it (imports.storage) for the user to download from the page that
followed the job.
"""

import io

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, QueryDict
from django.utils import timezone, translation
from django_tasks import task

from audit.personal_data import may_see_full_ids
from imports import storage
from imports.exporting import export_records
from imports.kinds import get_kind
from imports.models import ExportFile
from imports.progress import Heartbeat, is_silent

State = ExportFile.State


def runs_as_job(rows):
    return rows > settings.BKXH_BACKGROUND_EXPORT_ROWS


def start_export(model_admin, request, file_format, file_name):
    """Queue the export of the list `request` shows; returns the ExportFile its page follows."""
    export = ExportFile.objects.create(
        user=request.user,
        kind=model_admin.import_kind_object.name,
        file_format=file_format,
        file_name=file_name,
        query=request.GET.urlencode(),
    )
    export_list.enqueue(export.pk)
    return export


def has_stopped(export):
    """Whether the export's job was running and has given no sign of life for too long (its
    worker killed): nothing of it is kept, and it may run again."""
    return export.state == State.RUNNING and is_silent(export.heartbeat_at)


def run_again(export):
    """Queue again an export that stopped; False if it had not (or another click queued it)."""
    if not has_stopped(export):
        return False
    claimed = ExportFile.objects.filter(pk=export.pk, state=State.RUNNING, heartbeat_at=export.heartbeat_at).update(
        state=State.QUEUED, heartbeat_at=None
    )
    if claimed:
        export_list.enqueue(export.pk)
    return bool(claimed)


@task()
def export_list(export_id):
    claimed = ExportFile.objects.filter(pk=export_id, state=State.QUEUED)
    if not claimed.update(state=State.RUNNING, heartbeat_at=timezone.now()):
        return
    export = ExportFile.objects.select_related("user").get(pk=export_id)
    kind = get_kind(export.kind)
    try:
        with translation.override(settings.LANGUAGE_CODE), Heartbeat(ExportFile, export.pk):
            queryset = kind.queryset(_changelist(kind, export).queryset)
            handle = io.BytesIO()
            masked = () if may_see_full_ids(export.user) else kind.personal_columns()
            export.rows = export_records(kind, queryset, export.file_format, handle, masked=masked)
    except Exception:
        # Said on its page, which would otherwise wait and then call it a stopped worker, offered
        # to run again into the same error; the error itself goes to the worker's log.
        ExportFile.objects.filter(pk=export.pk).update(state=State.FAILED, finished_at=timezone.now())
        raise
    export.stored_file = storage.store(handle.getvalue())
    export.state, export.finished_at = State.DONE, timezone.now()
    export.save(update_fields=["rows", "stored_file", "state", "finished_at"])


def _changelist(kind, export):
    """The list as its user's changelist shows it under the filters asked for."""
    model_admin = admin.site.get_model_admin(kind.model)
    request = HttpRequest()
    request.method = "GET"
    request.GET = QueryDict(export.query)
    request.user = export.user
    return model_admin.get_changelist_instance(request)
