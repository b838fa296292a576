"""A background job's counters (rows read, checked, written) and heartbeat, saved on its log.

The import calls the progress callback from its loops, often; the counters are saved by a
thread of its own, once a second, with the time (the heartbeat), on a database connection of
its own: outside the import's transaction, so that they are seen while it runs, and kept if it
is rolled back. A log whose heartbeat is older than BKXH_JOB_STALE_SECONDS belongs to a job
that stopped (its worker killed): imports.jobs offers to run it again.
"""

import contextlib
import threading

from django.db import DatabaseError, connections
from django.utils import timezone
from django.utils.translation import gettext as _

from imports.models import ImportLog

INTERVAL_SECONDS = 1.0


class JobProgress:
    def __init__(self, log):
        self.log = log
        self.read = self.checked = self.written = 0
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="bkxh-job-progress", daemon=True)

    def __call__(self, stage, done, total):
        """The progress callback of check_file and of the writers: (stage, done, total)."""
        if stage == _("writing"):
            self.written = done
        else:
            self.read, self.checked = total, done

    def __enter__(self):
        self.save()
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stopped.set()
        self._thread.join()
        self.save()

    def save(self):
        # Also set on the log the job holds, so that saving it never writes older counters.
        self.log.rows_read, self.log.rows_checked, self.log.rows_written = self.read, self.checked, self.written
        self.log.heartbeat_at = timezone.now()
        # Refused while SQLite's one write lock is held by the import's write: the next beat tries again.
        with contextlib.suppress(DatabaseError):
            ImportLog.objects.filter(pk=self.log.pk).update(
                rows_read=self.read,
                rows_checked=self.checked,
                rows_written=self.written,
                heartbeat_at=self.log.heartbeat_at,
            )

    def _beat(self):
        try:
            while not self._stopped.wait(INTERVAL_SECONDS):
                self.save()
        finally:
            connections.close_all()
