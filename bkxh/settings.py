"""bkxh settings: one module, configured by environment variables.

With DJANGO_DEBUG=1 (what `make run` and `make test` set) the project runs on its own with
a SQLite file and a development key. With DEBUG off, the default, these are production
settings: they refuse to start without DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS.
DATABASE_URL selects the database (postgres://… for PostgreSQL through psycopg 3).
`.env.example` lists every variable read here. They may also come from the file BKXH_ENV_FILE
(by default `.env` beside manage.py), which fills in what the environment does not set.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from bkxh.env_file import load_env_file

BASE_DIR = Path(__file__).resolve().parent.parent
load_env_file(BASE_DIR)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name):
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "").strip()
# .env.example's placeholder, which a copied file would otherwise put in production.
PLACEHOLDER_SECRET_KEY = "change-me-to-50-random-characters"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

if DEBUG:
    SECRET_KEY = SECRET_KEY or "django-insecure-bkxh-development-only"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost"]
else:
    missing = [
        name
        for name, value in (("DJANGO_SECRET_KEY", SECRET_KEY), ("DJANGO_ALLOWED_HOSTS", ALLOWED_HOSTS))
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            "bkxh runs with production settings because DJANGO_DEBUG is off, and they need "
            + " and ".join(missing)
            + ". Set them (see .env.example), or use `make run` for development."
        )
    if len(SECRET_KEY) < 50 or SECRET_KEY == PLACEHOLDER_SECRET_KEY:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be at least 50 random characters of this installation's own, not the "
            "placeholder of .env.example: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )

INSTALLED_APPS = [
    "bkxh.apps.BkxhAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "bkxh.apps.BkxhAxesConfig",
    "bkxh",
    "areas",
    "indicators",
    "beneficiaries",
    "agencies",
    "accounts",
    "audit",
    "approvals",
    "imports",
    "reports",
    "files",
    "demo",
    "backups",
]

MIDDLEWARE = [
    # First: it times and logs every request, the static files and the redirects among them.
    "bkxh.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.middleware.ChangeContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the cool-off page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bkxh.urls"
WSGI_APPLICATION = "bkxh.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer gives the "database unavailable" page (bkxh/errors.py) after
    # this many seconds, not a request hanging until the proxy's time-out. Added to the options the
    # address gives (?sslmode=require), never in their place.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("BKXH_DB_CONNECT_TIMEOUT", "5"))
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the report be read while an import writes; IMMEDIATE avoids "database is locked"
    # when two requests upgrade a read transaction to a write at the same time.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The rice lines' (round, commune) index carries the figures the report sums (`include`), so that
# PostgreSQL, production's database, reads the sums from the index alone; SQLite builds the same
# index without them, as intended, and Django's warning that it does would fail `check --deploy`.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "admin:login"
# Where a login lands when its `next` is missing or unsafe (Django's default is a page bkxh has not).
LOGIN_REDIRECT_URL = "admin:index"

AUTHENTICATION_BACKENDS = [
    "accounts.backends.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: five failures for one user name from one address, then a cool-off. Keyed on
# the pair, so that a colleague behind the same office NAT address still logs in.
AXES_FAILURE_LIMIT = int(os.environ.get("BKXH_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("BKXH_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "bkxh.client_ip.client_ip"
# How many reverse proxies in front of bkxh append to X-Forwarded-For (0: none, use REMOTE_ADDR).
BKXH_PROXY_COUNT = int(os.environ.get("BKXH_PROXY_COUNT", "0"))

# A working day, and never past closing the browser.
SESSION_COOKIE_AGE = int(os.environ.get("BKXH_SESSION_HOURS", "9")) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# The report's pages and files, served again while their data's generation holds
# (reports.caching, README "Reports under load"). Embedded: each web worker's own memory, which
# needs no server and no table and costs no query; sound however many workers, since the
# generation every entry is keyed on is read from the database, though each worker makes its
# own first copy. Production: Redis (BKXH_CACHE_URL=redis://127.0.0.1:6379/0), which every
# worker and server shares.
if os.environ.get("BKXH_CACHE_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["BKXH_CACHE_URL"]}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "bkxh",
            # A province report's page is about 100 KB: some tens of MB a worker at most.
            "OPTIONS": {"MAX_ENTRIES": 300},
        }
    }
# How long an entry is kept at most (its key holds the day anyway).
BKXH_REPORT_CACHE_SECONDS = int(os.environ.get("BKXH_REPORT_CACHE_SECONDS", str(24 * 3600)))

# Approved years are locked, and history is what the audit shows: it is never reverted.
SIMPLE_HISTORY_REVERT_DISABLED = True

if not DEBUG:
    # HTTPS only. Behind a TLS proxy set BKXH_PROXY_COUNT and DJANGO_SECURE_PROXY_SSL_HEADER=1 (the
    # proxy must set X-Forwarded-Proto); the redirect stays on, so plain HTTP never reaches a form.
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # A load balancer probes the health check over plain HTTP; it carries no cookie and no data.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)

# Vietnamese first. Django's own vi formats print 7000 for 7.000 and read 05/12/2024 as
# 12 May, so bkxh/formats/vi overrides them. Thousands grouping stays off globally
# (it would print the year 2024 as 2.024 in the admin); figures are grouped explicitly
# by bkxh.numbers and the vn_format template filters.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["bkxh.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("BKXH_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where uploaded files are kept: "default" the decisions' scans, "private" the uploads waiting
# for an import's confirmation (README, "Files shared by every server"). "local" keeps them in
# folders of this server, MEDIA_ROOT and BKXH_PRIVATE_ROOT, which is all one server needs;
# "database" in the database, which every web and worker server shares and backs up.
BKXH_FILE_STORAGES = {
    "local": {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {"BACKEND": "files.storage.PrivateFolderStorage"},
    },
    "database": {
        "default": {"BACKEND": "files.storage.DatabaseStorage", "OPTIONS": {"location": "media"}},
        "private": {"BACKEND": "files.storage.DatabaseStorage", "OPTIONS": {"location": "private"}},
    },
}
BKXH_FILE_STORAGE = os.environ.get("BKXH_FILE_STORAGE", "local").strip() or "local"
if BKXH_FILE_STORAGE not in BKXH_FILE_STORAGES:
    raise ImproperlyConfigured(
        f"BKXH_FILE_STORAGE is {BKXH_FILE_STORAGE!r}; it must be one of: " + ", ".join(BKXH_FILE_STORAGES)
    )
STORAGES = {
    **BKXH_FILE_STORAGES[BKXH_FILE_STORAGE],
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(os.environ.get("BKXH_MEDIA_ROOT", BASE_DIR / "media"))
# The only uploaded files are the decisions' scanned copies, and they are not public: their
# address is a page of the decisions' admin (beneficiaries/admin/people.py) that serves a file,
# from whichever storage holds it, only to a user who may view the decision it belongs to.
# Nothing serves MEDIA_ROOT or the stored files' table directly.
MEDIA_URL = "admin/beneficiaries/decision/scan/"

# A web request's database statement is cancelled after this many milliseconds (PostgreSQL;
# bkxh/web.py): no page needs more, and a runaway query must not outlive the request.
BKXH_WEB_STATEMENT_TIMEOUT_MS = int(os.environ.get("BKXH_WEB_STATEMENT_TIMEOUT_MS", "30000"))

# The name shown on every admin page; the report's letterhead comes from the Agency table. Not
# an agency's name: since 01/03/2025 several share the work (Sở Nội vụ, Sở Y tế…), and since
# 01/07/2025 Bắc Kạn is part of Thái Nguyên.
BKXH_ORGANISATION = os.environ.get("BKXH_ORGANISATION", "Lao động, người có công và xã hội – Tỉnh Thái Nguyên")

# The browser the server prints the report's PDF with (reports/pdf.py): a command on the PATH or
# a path. Debian's package is "chromium".
BKXH_CHROMIUM = os.environ.get("BKXH_CHROMIUM", "chromium")

# With BKXH_FILE_STORAGE=local, uploaded files wait here between the preview and the confirmation.
# The folder is private (never under MEDIA_ROOT or STATIC_ROOT, never served) and shared by every
# worker process of this server; files are removed after use, and by `clean_import_files` (also run
# on each upload) after a day.
BKXH_PRIVATE_ROOT = Path(os.environ.get("BKXH_PRIVATE_ROOT", BASE_DIR / "private"))
# Where `manage.py backup_data` (`make backup`) writes its archives unless given --to: README,
# "Backup and restore". Another disk, or a folder copied off the machine, in production.
BKXH_BACKUP_ROOT = Path(os.environ.get("BKXH_BACKUP_ROOT", BASE_DIR / "backup-archives"))
# The largest file (bytes) and the most data rows an import accepts; bigger files are refused
# with a message that says so. XLSX files are also refused when they unpack to more than
# BKXH_IMPORT_MAX_UNPACKED_BYTES (a "zip bomb").
BKXH_IMPORT_MAX_BYTES = int(os.environ.get("BKXH_IMPORT_MAX_BYTES", 32 * 1024 * 1024))
BKXH_IMPORT_MAX_ROWS = int(os.environ.get("BKXH_IMPORT_MAX_ROWS", 200_000))
BKXH_IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("BKXH_IMPORT_MAX_UNPACKED_BYTES", 400 * 1024 * 1024))

# Big imports and exports run as background jobs (README, "Background jobs"): a file of more than
# BKXH_BACKGROUND_BYTES is checked, and written, by the worker rather than in the web request, and a
# list of more than BKXH_BACKGROUND_EXPORT_ROWS rows is exported by it. 1 MB is about 11.000 rows of a
# longevity gift file, a check of a few seconds: below it the page answers at once, as it always did.
BKXH_BACKGROUND_BYTES = int(os.environ.get("BKXH_BACKGROUND_BYTES", 1024 * 1024))
BKXH_BACKGROUND_EXPORT_ROWS = int(os.environ.get("BKXH_BACKGROUND_EXPORT_ROWS", 20_000))
# A running job saves its counters and a heartbeat every second; one silent for longer than this
# has stopped (its worker killed, its machine down): the page says so and offers to run it again.
# SQLite holds its one write lock while an import writes, so the heartbeat pauses for the write.
BKXH_JOB_STALE_SECONDS = int(os.environ.get("BKXH_JOB_STALE_SECONDS", 120))
# The queue: the database (django-tasks-db, `manage.py db_worker`), which needs nothing more, or
# Redis (django-tasks-rq, `manage.py rqworker --job-class django_tasks_rq.Job default`).
BKXH_TASKS_BACKEND = os.environ.get("BKXH_TASKS_BACKEND", "database")
BKXH_REDIS_URL = os.environ.get("BKXH_REDIS_URL", "redis://127.0.0.1:6379/0")
TASKS_BACKENDS = {
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "redis": {"BACKEND": "django_tasks_rq.RQBackend"},
}
if BKXH_TASKS_BACKEND not in TASKS_BACKENDS:
    raise ImproperlyConfigured("BKXH_TASKS_BACKEND is database or redis.")
TASKS = {"default": TASKS_BACKENDS[BKXH_TASKS_BACKEND]}
if BKXH_TASKS_BACKEND == "redis":
    INSTALLED_APPS += ["django_rq"]
# An import of 200.000 rows takes about a minute; RQ's own limit would be three.
RQ_QUEUES = {"default": {"URL": BKXH_REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
# RQ's dashboard in the admin speaks English to operators, not staff: left out, as the database queue's is.
RQ_SHOW_ADMIN_LINK = False

# One JSON object a line on stderr (journald, a container's log), for a log collector: every
# request (bkxh/request_log.py) and every warning or error, each with the request's id. Under
# DEBUG, Django's plain lines, and runserver logs the requests itself.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "bkxh.json_log.RequestIdFilter"}},
    "formatters": {"json": {"()": "bkxh.json_log.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            **({} if DEBUG else {"formatter": "json"}),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {"bkxh.requests": {"level": "WARNING" if DEBUG else "INFO"}},
}

# The day by which each level sends its year's figures for approval, as (month, day) of the report's
# year: the year's figures close on 14/12 (Decree 09/2019/NĐ-CP, art. 12), and each level has a few
# days to send them up. A submission after its day is shown as late ("gửi muộn") on the home page.
BKXH_DATA_DEADLINES = {"commune": (12, 15), "district": (12, 20), "province": (12, 25)}
