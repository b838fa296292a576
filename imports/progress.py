"""A background job's counters (rows read, checked, written) and heartbeat, saved on its log.

The import calls the progress callback from its loops, often; the counters are saved by a
thread of its own, once a second, with the time (the heartbeat), on a database connection of
its own: outside the import's transaction, so that they are seen while it runs, and kept if it
is rolled back. A log whose heartbeat is older than BKXH_JOB_STALE_SECONDS belongs to a job
that stopped (its worker killed): imports.jobs offers to run it again.
"""

import contextlib
import datetime
import threading

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone
from django.utils.translation import gettext as _

from imports.models import ImportLog

INTERVAL_SECONDS = 1.0


def is_silent(heartbeat_at):
    """Whether a running job whose last sign of life was `heartbeat_at` has stopped."""
    silence = datetime.timedelta(seconds=settings.BKXH_JOB_STALE_SECONDS)
    return heartbeat_at is None or timezone.now() - heartbeat_at > silence


class Heartbeat:
    """Saves the time on `model`'s row `pk` (its `heartbeat_at`), with values(), now and once a
    second from a thread of its own while the block runs, and once more at its end."""

    def __init__(self, model, pk):
        self.model, self.pk = model, pk
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="bkxh-job-heartbeat", daemon=True)

    def values(self, beat):
        """The other fields saved with the heartbeat `beat`."""
        return {}

    def __enter__(self):
        self.save()
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stopped.set()
        self._thread.join()
        self.save()

    def save(self):
        beat = timezone.now()
        values = self.values(beat)
        # Refused while SQLite's one write lock is held by the job's own write: the next beat tries again.
        with contextlib.suppress(DatabaseError):
            self.model.objects.filter(pk=self.pk).update(heartbeat_at=beat, **values)

    def _beat(self):
        try:
            while not self._stopped.wait(INTERVAL_SECONDS):
                self.save()
        finally:
            connections.close_all()


class JobProgress(Heartbeat):
    """An import job's counters, saved on its log with the heartbeat."""

    def __init__(self, log):
        super().__init__(ImportLog, log.pk)
        self.log = log
        self.read = self.checked = self.written = 0

    def __call__(self, stage, done, total):
        """The progress callback of check_file and of the writers: (stage, done, total)."""
        if stage == _("writing"):
            self.written = done
        else:
            self.read, self.checked = total, done

    def values(self, beat):
        # Also set on the log the job holds, so that saving it never writes older counters.
        self.log.rows_read, self.log.rows_checked, self.log.rows_written = self.read, self.checked, self.written
        self.log.heartbeat_at = beat
        return {"rows_read": self.read, "rows_checked": self.checked, "rows_written": self.written}
