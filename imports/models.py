"""The import log: every file staff checked or imported, and what came of it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportLogQuerySet(models.QuerySet):
    def earlier_imports_of(self, log):
        """Imports that wrote the same file (same SHA-256) as `log`, for the same kind."""
        return (
            self.filter(kind=log.kind, sha256=log.sha256, outcome=ImportLog.Outcome.IMPORTED)
            .exclude(pk=log.pk)
            .select_related("user")
        )


class ImportLog(models.Model):
    class Outcome(models.TextChoices):
        REJECTED = "rejected", _("rejected (errors in the file)")
        PREVIEWED = "previewed", _("checked, awaiting confirmation")
        CHECKED = "checked", _("checked only (dry run)")
        IMPORTED = "imported", _("imported")
        FAILED = "failed", _("failed, nothing written")
        CANCELLED = "cancelled", _("cancelled")
        EXPIRED = "expired", _("not confirmed within a day; nothing written")

    class Job(models.TextChoices):
        """What a background job does for the log (README, "Background jobs"); blank: no job."""

        CHECK = "check", _("checking the file")
        IMPORT = "import", _("checking and writing the file")

    class JobState(models.TextChoices):
        QUEUED = "queued", _("waiting for the worker")
        RUNNING = "running", _("running")
        DONE = "done", _("done")

    class Source(models.TextChoices):
        ADMIN = "admin", _("admin")
        COMMAND = "command", _("command line")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, verbose_name=_("user"))
    source = models.CharField(_("from"), max_length=10, choices=Source.choices, default=Source.ADMIN)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    kind = models.CharField(_("kind of file"), max_length=50)
    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    delimiter = models.CharField(_("delimiter"), max_length=5, blank=True)
    sheet = models.CharField(_("sheet"), max_length=31, blank=True)  # Excel's longest sheet name
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("new"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("error list"), default=list, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    stored_file = models.CharField(max_length=64, blank=True, editable=False)
    # The file of the failed rows a job made in the worker (imports.jobs.job_summary), kept as
    # uploads are: its download serves it rather than check a big file again in the web request.
    failed_rows_file = models.CharField(max_length=64, blank=True, editable=False)
    # A background job's work, saved by the job every second or so (imports.progress): the page
    # that follows it reads them, whichever web worker serves it.
    job = models.CharField(_("background job"), max_length=10, choices=Job.choices, blank=True)
    job_state = models.CharField(_("job state"), max_length=10, choices=JobState.choices, blank=True)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_checked = models.PositiveIntegerField(_("rows checked"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    heartbeat_at = models.DateTimeField(_("last sign of the job"), null=True, blank=True)
    # What the preview page shows of the job's result (imports.preview), which the page cannot
    # check again in the request.
    summary = models.JSONField(default=dict, blank=True, editable=False)

    objects = ImportLogQuerySet.as_manager()

    # Outcomes whose new, changed and unchanged rows were written, or would be by confirming
    # (a dry run, a preview); the others wrote nothing and count nothing.
    COUNTED_OUTCOMES = frozenset({Outcome.IMPORTED, Outcome.PREVIEWED, Outcome.CHECKED})
    # What a log says while its import runs, until the rows and the outcome are committed
    # together: true if the import is killed, or its connection lost, before that.
    UNDER_WAY = {"outcome": Outcome.FAILED, "created": 0, "changed": 0, "unchanged": 0}

    class Meta:
        verbose_name = _("import log entry")
        verbose_name_plural = _("import log")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.file_name} ({timezone.localtime(self.started_at):%d/%m/%Y %H:%M})"


class ExportFile(models.Model):
    """A list exported by the background worker (imports.jobs), kept for its user to download.

    The list is the changelist under `query` (its filters and search) as `user` sees it; the
    file waits in the private storage (imports.storage) for a day, like an upload."""

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting for the worker")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("stopped on an error")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, verbose_name=_("user"))
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    kind = models.CharField(_("kind of file"), max_length=50)
    file_format = models.CharField(max_length=4)
    file_name = models.CharField(_("file name"), max_length=255)
    query = models.TextField(blank=True)
    state = models.CharField(_("job state"), max_length=10, choices=State.choices, default=State.QUEUED)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    stored_file = models.CharField(max_length=64, blank=True, editable=False)
    # Saved every second while the job runs (imports.progress.Heartbeat): a running export silent
    # for longer than BKXH_JOB_STALE_SECONDS has stopped, and its page offers to run it again.
    heartbeat_at = models.DateTimeField(_("last sign of the job"), null=True, blank=True)

    class Meta:
        verbose_name = _("exported file")
        verbose_name_plural = _("exported files")
        ordering = ["-started_at"]

    def __str__(self):
        return self.file_name
