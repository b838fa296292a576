"""A background worker in a process of its own, on the test database, for the tests of jobs.

The database queue's worker (`manage.py db_worker`) or Redis' (`manage.py rqworker`, on Redis
database 3, emptied first). The process leads a group of its own, so that `kill()` ends it and
any process it forked (RQ's work horse), as a machine going down would: SIGKILL, nothing caught.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/3"
RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}


def redis_is_up():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        return False
    return True


def empty_redis():
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


class Worker:
    def __init__(self, private_root, *, queue="database"):
        self.private_root, self.queue = private_root, queue
        self.process = None

    def start(self):
        if self.queue == "database":
            command = ["db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2", "--verbosity", "0"]
        else:
            # SimpleWorker: the job runs in the worker's process, the one the tests kill.
            command = ["rqworker", "--job-class", "django_tasks_rq.Job", "--worker-class", "rq.SimpleWorker", "default"]
        environment = {
            **os.environ,
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": _database_url(),
            "BKXH_PRIVATE_ROOT": str(self.private_root),
            "BKXH_TASKS_BACKEND": self.queue,
            "BKXH_REDIS_URL": REDIS_URL,
        }
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        return self

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def _database_url():
    """The test database, as the worker's DATABASE_URL."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    host, port = database["HOST"] or "127.0.0.1", database["PORT"] or 5432
    return f"postgres://{database['USER']}@{host}:{port}/{database['NAME']}"
