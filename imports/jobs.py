"""Big imports as background jobs (README, "Background jobs").

A file of more than BKXH_BACKGROUND_BYTES is checked, at the upload, and checked again and
written, at the confirmation, by the worker (`manage.py db_worker`, or RQ's worker) rather than
in the web request, which only keeps the file and queues the job. The job works as the request
would (imports.process), saves its counters on the log as it goes (imports.progress), and what
the preview page shows of its result (imports.preview); the page that follows the job
(admin_views.job_view) then shows the same preview, message or problems as for a small file.

A job killed in the middle leaves what a killed request leaves: nothing written (the write is
one transaction, committed with the log's outcome) and the log saying "failed, nothing
written"; its heartbeat stops, and the page offers to run it again on the file still kept.
"""

from contextlib import contextmanager

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from imports import process, storage
from imports.checking import CheckResult, Problem, check_file
from imports.kinds import get_kind
from imports.models import ImportLog
from imports.preview import preview_summary
from imports.progress import JobProgress, is_silent

Job, State = ImportLog.Job, ImportLog.JobState
NO_PROGRESS = {"rows_read": 0, "rows_checked": 0, "rows_written": 0, "heartbeat_at": None}


def runs_as_job(size):
    """Whether a file of `size` bytes is checked and written by the worker."""
    return size > settings.BKXH_BACKGROUND_BYTES


def start_check(kind, data, file_name, user):
    """Keep the upload and queue its check; returns the log the page follows. Until the check
    is done the log says "failed, nothing written", as it would if the check never ended."""
    process.expire_stale_previews()
    log = process.new_log(kind, data, file_name, user, ImportLog.Source.ADMIN)
    log.stored_file = storage.store(data)
    for field, value in ImportLog.UNDER_WAY.items():
        setattr(log, field, value)
    log.job, log.job_state = Job.CHECK, State.QUEUED
    log.save()
    check_upload.enqueue(log.pk)
    return log


def start_import(log):
    """Claim a previewed upload for the worker and queue its check and write; False when it was
    confirmed or cancelled already (a second click, or another tab)."""
    claimed = ImportLog.objects.filter(pk=log.pk, outcome=ImportLog.Outcome.PREVIEWED).update(
        **ImportLog.UNDER_WAY, **NO_PROGRESS, job=Job.IMPORT, job_state=State.QUEUED, summary={}
    )
    if claimed:
        import_upload.enqueue(log.pk)
    return bool(claimed)


def has_stopped(log):
    """Whether the log's job was running and has given no sign of life for too long."""
    return log.job_state == State.RUNNING and is_silent(log.heartbeat_at)


def run_again(log):
    """Queue again a job that stopped, on the file still kept; False if it had not stopped (or
    another click queued it already)."""
    if not has_stopped(log) or not log.stored_file:
        return False
    claimed = ImportLog.objects.filter(pk=log.pk, job_state=State.RUNNING, heartbeat_at=log.heartbeat_at).update(
        **NO_PROGRESS, job_state=State.QUEUED
    )
    if claimed:
        (check_upload if log.job == Job.CHECK else import_upload).enqueue(log.pk)
    return bool(claimed)


@task()
def check_upload(log_id):
    """The preview's check of a big upload."""
    log = _claim(log_id)
    if log is None:
        return
    kind = get_kind(log.kind)
    with translation.override(settings.LANGUAGE_CODE), _failing_on_error(log, kind):
        try:
            data = storage.load(log.stored_file)
        except FileNotFoundError:
            result, outcome = process.file_gone(kind), ImportLog.Outcome.FAILED
        else:
            with JobProgress(log) as progress:
                result = check_file(kind, data, log.file_name, progress, user=log.user)
            outcome = ImportLog.Outcome.PREVIEWED if result.ok else ImportLog.Outcome.REJECTED
        log.summary, log.job_state = job_summary(log, kind, result), State.DONE
        process.record(log, result, outcome)


@task()
def import_upload(log_id):
    """The confirmation's check and write of a big upload. The kept file is removed once the
    job has ended, not before: a job killed in the middle can be run again on it."""
    log = _claim(log_id)
    if log is None:
        return
    kind = get_kind(log.kind)
    stored = log.stored_file
    with translation.override(settings.LANGUAGE_CODE), _failing_on_error(log, kind):
        try:
            data = storage.load(stored)
        except FileNotFoundError:
            result = process.file_gone(kind)
            process.record(log, result, ImportLog.Outcome.FAILED)
        else:
            with JobProgress(log) as progress:
                result = process.check_and_write(
                    log,
                    kind,
                    data,
                    problems_outcome=ImportLog.Outcome.FAILED,
                    progress=progress,
                    write_progress=progress,
                )
        storage.discard(stored)
        log.summary, log.job_state, log.stored_file = job_summary(log, kind, result), State.DONE, ""
        log.save(update_fields=["summary", "job_state", "stored_file", "failed_rows_file"])


def job_summary(log, kind, result):
    """The preview's summary of `result`; the file of its failed rows is made here, in the
    worker, and kept on the log (ImportLog.failed_rows_file) for the page's download."""
    if result.failed_rows:
        log.failed_rows_file = storage.store(process.failed_rows_file(result, process.file_format_of(result.encoding)))
    return preview_summary(kind, result, log.user)


def _claim(log_id):
    """The log, if this run is the one to do its job: not done, and not taken by another run
    (a job queued twice, or run again while a slow one went on)."""
    claimed = ImportLog.objects.filter(pk=log_id, job_state=State.QUEUED).update(
        job_state=State.RUNNING, heartbeat_at=timezone.now()
    )
    return ImportLog.objects.select_related("user").get(pk=log_id) if claimed else None


@contextmanager
def _failing_on_error(log, kind):
    """A job that fails on an error of its own ends as done, with nothing written and a plain
    message, rather than leaving its page waiting; the error goes on to the worker's log."""
    try:
        yield
    except Exception:
        if not ImportLog.objects.filter(pk=log.pk, outcome=ImportLog.Outcome.IMPORTED).exists():
            result = CheckResult(kind, file_problems=[Problem(_("The job stopped on an error; nothing was written."))])
            log.summary, log.job_state = job_summary(log, kind, result), State.DONE
            process.record(log, result, ImportLog.Outcome.FAILED)
        raise
