"""gunicorn's settings for bkxh: `gunicorn -c deploy/gunicorn.conf.py` (make serve, bkxh-web.service).

BKXH_BIND and BKXH_WEB_WORKERS, BKXH_WEB_TIMEOUT and BKXH_FORWARDED_ALLOW_IPS may change them,
from the environment or .env (bkxh/env_file.py), as Django's settings are read.

Sync workers, one request at a time each, rather than gthread's threads: the pages are Python
work (the report, the admin's lists), which threads of one process do not run side by side, and
a sync worker stuck on a request past the time-out is killed and replaced, while gthread lets a
stuck thread run on. A slow client or a 32 MB upload does not hold a worker: nginx buffers both
(deploy/nginx-bkxh.conf). One database connection per worker keeps PostgreSQL's count plain.
"""

import multiprocessing
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bkxh.env_file import load_env_file  # noqa: E402 — after the path it is found on

load_env_file(ROOT)

wsgi_app = "bkxh.wsgi:application"
chdir = str(ROOT)

bind = os.environ.get("BKXH_BIND", "127.0.0.1:8000")
worker_class = "sync"
# gunicorn's advice of 2 per core + 1, capped: each worker holds a Django process (about 100 MB)
# and a database connection, and past the cores more only queue.
workers = int(os.environ.get("BKXH_WEB_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9)))

# Above the database's statement time-out (BKXH_WEB_STATEMENT_TIMEOUT_MS, 30 s), so that a
# cancelled query still gets its error page; below nginx's proxy_read_timeout (90 s).
timeout = int(os.environ.get("BKXH_WEB_TIMEOUT", "60"))
# On a restart or a stop, a request under way gets this long to finish (systemd waits longer).
graceful_timeout = 30

# The address of the proxy whose X-Forwarded-Proto is believed (nginx on the same machine).
forwarded_allow_ips = os.environ.get("BKXH_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# No access log: the application writes one JSON line per request with its id, the user and the
# duration (bkxh/request_log.py). gunicorn's own lines (workers started, killed) go to stderr in
# the same JSON; a logconfig_dict turns gunicorn's access log on, so its logger drops the lines.
accesslog = None
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "bkxh.json_log.JsonFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
    },
}

# No control socket ($HOME/.gunicorn/gunicorn.ctl): two servers of one user (make serve, a test, the
# bench) would share it; systemd's signals (HUP to reload, TERM to stop) are the controls.
control_socket_disable = True
