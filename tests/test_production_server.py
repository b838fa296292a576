"""The production configuration behind gunicorn, as the README's "Production" steps start it.

`make serve` runs on the test database (a TransactionTestCase, so that the server's own
connections see the rows; on SQLite, a copy of the in-memory test database in a file), with
production settings from the .env it writes: a user logs in, opens the report, its static file
and /healthz, and the server stops. A second server, on a database at a closed port, answers
its pages with the 503 page at once. Each start takes a few seconds.
"""

import http.client
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

from django.conf import global_settings, settings
from django.db import connection
from django.test import SimpleTestCase, TransactionTestCase, override_settings

from tests.factories import PASSWORD, make_agency, make_indicator, make_province, make_superuser, make_value

# The virtualenv running the suite, which `make serve` would otherwise install in .venv.
VENV = Path(sys.prefix)
STARTUP_SECONDS = 180


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_settings(**env):
    """deploy/gunicorn.conf.py's bind, workers and timeout, read in a process with `env` only."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("BKXH_")}
    environment.update({"BKXH_ENV_FILE": "", **env})
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import runpy; c = runpy.run_path('deploy/gunicorn.conf.py'); print(c['bind'], c['workers'], c['timeout'])",
        ],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


class GunicornSettingsTests(SimpleTestCase):
    def test_gunicorn_listens_on_the_loopback_with_two_workers_a_core_and_one_at_most_nine(self):
        workers = min(2 * os.cpu_count() + 1, 9)
        self.assertEqual(gunicorn_settings(), ["127.0.0.1:8000", str(workers), "60"])

    def test_gunicorn_reads_its_settings_from_the_env_file_as_django_does(self):
        with tempfile.TemporaryDirectory() as folder:
            env_file = Path(folder) / ".env"
            env_file.write_text("BKXH_BIND=0.0.0.0:8123\nBKXH_WEB_WORKERS=3\n")
            self.assertEqual(
                gunicorn_settings(BKXH_ENV_FILE=str(env_file), BKXH_WEB_TIMEOUT="90"), ["0.0.0.0:8123", "3", "90"]
            )


class Browser:
    """Plain HTTP with the cookies kept by hand: the production cookies are Secure, which
    http.cookiejar keeps off plain HTTP (a browser sends them to 127.0.0.1 and localhost)."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, form=None, headers=()):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = dict(headers)
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, value = cookie.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return response, content

    def get(self, path, headers=()):
        return self.request("GET", path, headers=headers)


class ProductionServerTests(TransactionTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.folder = Path(tempfile.mkdtemp(prefix="bkxh-serve-"))
        for name in ("static", "private", "media"):
            (cls.folder / name).mkdir()

    @classmethod
    def tearDownClass(cls):
        subprocess.run(["rm", "-rf", str(cls.folder)], check=True)
        super().tearDownClass()

    def environment(self, port, **settings_env):
        """Production settings and nothing of the suite's own: no DJANGO_* or BKXH_* of its environment."""
        environment = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("DJANGO_", "DATABASE_URL", "BKXH_"))
        }
        environment.update(
            BKXH_BIND=f"127.0.0.1:{port}",
            BKXH_WEB_WORKERS="2",
            BKXH_STATIC_ROOT=str(self.folder / "static"),
            BKXH_PRIVATE_ROOT=str(self.folder / "private"),
            BKXH_MEDIA_ROOT=str(self.folder / "media"),
            **settings_env,
        )
        return environment

    def database_url(self):
        """The test database, for another process: on SQLite a file copied from memory."""
        if connection.vendor == "sqlite":
            path = self.folder / "db.sqlite3"
            connection.ensure_connection()
            copy = sqlite3.connect(path)
            connection.connection.backup(copy)
            copy.close()
            return f"sqlite:///{path}"
        database = connection.settings_dict
        credentials = quote(database["USER"]) + (f":{quote(database['PASSWORD'])}" if database["PASSWORD"] else "")
        return f"postgres://{credentials}@{database['HOST']}:{database['PORT']}/{database['NAME']}"

    def start(self, command, environment, port):
        """Start `command` in a process group of its own, stopped at the end; wait for /healthz to answer."""
        log = (self.folder / f"server-{port}.log").open("w+")
        self.addCleanup(log.close)
        server = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.addCleanup(self.stop, server)
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if server.poll() is not None:
                self.fail(f"the server ended ({server.returncode}):\n{self.output(log)}")
            try:
                Browser(port).get("/healthz")
                return server, log
            except OSError:
                time.sleep(0.3)
        self.fail(f"no answer on port {port} after {STARTUP_SECONDS} s:\n{self.output(log)}")

    def stop(self, server):
        """TERM to the whole group (make, gunicorn and its workers), then wait until all are gone."""
        try:
            os.killpg(server.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        server.wait(timeout=60)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                os.killpg(server.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
        os.killpg(server.pid, signal.SIGKILL)

    def output(self, log):
        log.flush()
        log.seek(0)
        return log.read()

    def request_lines(self, log):
        lines = []
        for line in self.output(log).splitlines():
            if line.startswith("{"):
                entry = json.loads(line)
                if entry["logger"] == "bkxh.requests":
                    lines.append(entry)
        return lines

    def test_make_serve_runs_production_settings_behind_gunicorn_and_a_user_opens_the_report(self):
        province = make_province()
        make_agency(area=province)
        make_value(indicator=make_indicator(), area=province, plan=6400, actual=7000)
        # The server checks passwords with the production hashers, not the suite's MD5.
        with override_settings(PASSWORD_HASHERS=global_settings.PASSWORD_HASHERS):
            make_superuser(username="tinh.quantri")
        port = free_port()
        env_file = self.folder / ".env"
        environment = self.environment(port, DATABASE_URL=self.database_url(), BKXH_ENV_FILE=str(env_file))
        server, log = self.start(["make", "-o", f"{VENV}/.installed", "serve", f"VENV={VENV}"], environment, port)

        # The first run wrote the settings file, with a key of its own, and said so.
        self.assertRegex(env_file.read_text(), r"(?m)^DJANGO_SECRET_KEY=[A-Za-z0-9_-]{60,}$")
        self.assertIn(f"make serve: wrote {env_file}", self.output(log))

        browser = Browser(port)
        response, content = browser.get("/healthz")
        self.assertEqual((response.status, json.loads(content)), (200, {"status": "ok"}))
        response, content = browser.get("/admin/login/?next=/reports/2024/")
        self.assertEqual(response.status, 200)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1).decode()
        response, _ = browser.request(
            "POST",
            "/admin/login/?next=/reports/2024/",
            {"username": "tinh.quantri", "password": PASSWORD, "csrfmiddlewaretoken": token, "next": "/reports/2024/"},
        )
        self.assertEqual((response.status, response.headers["Location"]), (302, "/reports/2024/"))
        self.assertIn("Secure", response.headers["Set-Cookie"])

        response, content = browser.get("/reports/2024/")
        self.assertEqual(response.status, 200)
        page = content.decode()
        self.assertIn("BÁO CÁO", page)
        self.assertIn("7.000", page)

        # The static files are collected, hashed and served by whitenoise for a year.
        stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page).group(1)
        response, content = browser.get(stylesheet)
        self.assertEqual(response.status, 200)
        self.assertIn("immutable", response.headers["Cache-Control"])
        self.assertGreater(len(content), 0)

        self.stop(server)
        self.assertIn("Shutting down: Master", self.output(log))
        report_line = next(line for line in self.request_lines(log) if line["path"] == "/reports/2024/")
        self.assertEqual(
            (report_line["user"], report_line["status"], report_line["method"]), ("tinh.quantri", 200, "GET")
        )
        self.assertRegex(report_line["request_id"], r"^[0-9a-f]{32}$")

    def test_a_server_whose_database_is_down_answers_the_503_page_at_once(self):
        port = free_port()
        environment = self.environment(
            port,
            DATABASE_URL="postgres://bkxh@127.0.0.1:1/bkxh",
            DJANGO_SECRET_KEY="k3y-" + "x7Q9#pL2" * 7,
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            # HTTPS as behind nginx, to show the health check exempt from the redirect.
            DJANGO_SECURE_PROXY_SSL_HEADER="1",
        )
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=settings.BASE_DIR,
            env=environment,
            check=True,
        )
        server, log = self.start([str(VENV / "bin" / "gunicorn"), "-c", "deploy/gunicorn.conf.py"], environment, port)
        browser = Browser(port)

        response, content = browser.get("/healthz")
        self.assertEqual((response.status, json.loads(content)), (503, {"status": "database_unreachable"}))

        # A user with a session, whose page needs the database.
        browser.cookies["sessionid"] = "phien-lam-viec-cua-hom-qua"
        started = time.monotonic()
        response, content = browser.get("/admin/", headers={"X-Forwarded-Proto": "https"})
        self.assertLess(time.monotonic() - started, 5)
        self.assertEqual(response.status, 503)
        self.assertEqual(response.headers["Retry-After"], "30")
        self.assertIn("Cơ sở dữ liệu tạm thời không truy cập được", content.decode())
        self.assertIn(f"Mã yêu cầu: {response.headers['X-Request-ID']}", content.decode())

        response, _ = browser.get("/admin/")
        self.assertEqual((response.status, response.headers["Location"]), (301, f"https://127.0.0.1:{port}/admin/"))
        self.stop(server)
        self.assertEqual(
            [(line["path"], line["status"]) for line in self.request_lines(log)],
            [("/healthz", 503), ("/healthz", 503), ("/admin/", 503), ("/admin/", 301)],
        )
