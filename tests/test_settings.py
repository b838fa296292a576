import datetime
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session
from django.template import Context, Template
from django.test import SimpleTestCase, TestCase
from django.utils import timezone

from tests.factories import PASSWORD, make_superuser


def import_settings(*, probe="", **env):
    """Import the settings in a process of their own, with `env` only (and no .env, unless given),
    then run `probe` (Python, with the settings as `s`)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "BKXH_ENV_FILE"))
    }
    environment.update({"BKXH_ENV_FILE": "", **env})
    return subprocess.run(
        [sys.executable, "-c", "import bkxh.settings as s\n" + probe],
        env=environment,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )


class ProductionSettingsTests(SimpleTestCase):
    def test_production_settings_refuse_to_start_without_a_key_and_hosts(self):
        result = import_settings()
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS", result.stderr)

    def test_production_settings_start_with_a_key_and_hosts(self):
        result = import_settings(DJANGO_SECRET_KEY="x" * 50, DJANGO_ALLOWED_HOSTS="bkxh.example.vn")
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_production_settings_refuse_a_blank_short_or_placeholder_key(self):
        for key in (" " * 60, "short-key", "change-me-to-50-random-characters"):
            with self.subTest(key=key):
                result = import_settings(DJANGO_SECRET_KEY=key, DJANGO_ALLOWED_HOSTS="bkxh.example.vn")
                self.assertNotEqual(result.returncode, 0)
                self.assertIn("DJANGO_SECRET_KEY", result.stderr.splitlines()[-1])

    def test_development_settings_need_nothing(self):
        self.assertEqual(import_settings(DJANGO_DEBUG="1").returncode, 0)

    def test_a_postgresql_database_that_does_not_answer_is_given_up_after_a_few_seconds(self):
        probe = "print(s.DATABASES['default']['OPTIONS']['connect_timeout'])"
        url = "postgres://bkxh@db.example.vn:5432/bkxh"
        for env, seconds in (({}, "5"), ({"BKXH_DB_CONNECT_TIMEOUT": "2"}, "2")):
            with self.subTest(env=env):
                result = import_settings(probe=probe, DJANGO_DEBUG="1", DATABASE_URL=url, **env)
                self.assertEqual(result.stdout.strip(), seconds, result.stderr)


    def test_the_time_out_is_added_to_the_options_of_the_address_not_put_in_their_place(self):
        probe = "print(sorted(s.DATABASES['default']['OPTIONS'].items()))"
        url = "postgres://bkxh@db.example.vn:5432/bkxh?sslmode=require"
        result = import_settings(probe=probe, DJANGO_DEBUG="1", DATABASE_URL=url)
        self.assertEqual(result.stdout.strip(), "[('connect_timeout', 5), ('sslmode', 'require')]", result.stderr)


class EnvFileTests(SimpleTestCase):
    """make serve and the systemd units give the settings through .env (README, "Production")."""

    def env_file(self, text):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        path = Path(folder.name) / ".env"
        path.write_text(text, encoding="utf-8")
        return str(path)

    def test_production_settings_start_from_the_env_file_alone(self):
        path = self.env_file(
            "# made by make serve\n"
            "\n"
            f"DJANGO_SECRET_KEY={'k' * 50}\n"
            "DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost\n"
            "BKXH_ORGANISATION=Sở Nội vụ – Tỉnh Thái Nguyên\n"
            "export BKXH_SESSION_HOURS='8'\n"
            'BKXH_LOGIN_FAILURE_LIMIT="3"\n'
        )
        result = import_settings(
            probe="print(s.DEBUG, s.ALLOWED_HOSTS, s.BKXH_ORGANISATION, s.SESSION_COOKIE_AGE, s.AXES_FAILURE_LIMIT)",
            BKXH_ENV_FILE=path,
        )
        self.assertEqual(
            result.stdout.strip(),
            "False ['127.0.0.1', 'localhost'] Sở Nội vụ – Tỉnh Thái Nguyên 28800 3",
            result.stderr,
        )

    def test_the_environment_wins_over_the_env_file(self):
        path = self.env_file(f"DJANGO_SECRET_KEY={'k' * 50}\nDJANGO_ALLOWED_HOSTS=127.0.0.1\n")
        result = import_settings(probe="print(s.ALLOWED_HOSTS)", BKXH_ENV_FILE=path, DJANGO_ALLOWED_HOSTS="bkxh.vn")
        self.assertEqual(result.stdout.strip(), "['bkxh.vn']", result.stderr)

    def test_an_empty_env_file_setting_reads_no_file(self):
        result = import_settings(BKXH_ENV_FILE="")
        self.assertIn("DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS", result.stderr)


class DeploymentChecksTests(SimpleTestCase):
    def test_the_deployment_checklist_passes_under_production_settings(self):
        environment = {
            key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))
        }
        environment.update(
            DJANGO_SECRET_KEY="k3y-" + "x7Q9#pL2" * 7, DJANGO_ALLOWED_HOSTS="bkxh.example.gov.vn", BKXH_ENV_FILE=""
        )
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            env=environment,
            capture_output=True,
            text=True,
            cwd=settings.BASE_DIR,
        )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("no issues (0 silenced)", result.stdout)

    def test_production_cookies_are_secure_and_https_is_enforced(self):
        probe = subprocess.run(
            [
                sys.executable,
                "-c",
                "from bkxh import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
                "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0, s.SECURE_PROXY_SSL_HEADER)",
            ],
            env={
                **os.environ,
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": "x" * 50,
                "DJANGO_ALLOWED_HOSTS": "h",
                "DJANGO_SECURE_PROXY_SSL_HEADER": "1",
                "BKXH_ENV_FILE": "",
            },
            capture_output=True,
            text=True,
            cwd=settings.BASE_DIR,
        )
        self.assertEqual(probe.stdout.strip(), "True True True True ('HTTP_X_FORWARDED_PROTO', 'https')")


class VietnameseOfficeTests(TestCase):
    def test_pages_speak_vietnamese_and_tell_the_time_of_vietnam(self):
        page = self.client.get("/admin/login/")
        self.assertContains(page, '<html lang="vi"')
        self.assertContains(page, "Đăng nhập")
        # 17:30 on 31/12/2024 in UTC is half past midnight of the new year in Hà Nội (UTC+7).
        moment = datetime.datetime(2024, 12, 31, 17, 30, tzinfo=datetime.UTC)
        rendered = Template("{{ moment|date:'d/m/Y H:i' }}").render(Context({"moment": moment}))
        self.assertEqual(rendered, "01/01/2025 00:30")

    def test_a_login_whose_next_page_is_elsewhere_lands_on_the_admin_home(self):
        user = make_superuser()
        response = self.client.post(
            "/admin/login/?next=https://ke-gian.example/", {"username": user.username, "password": PASSWORD}
        )
        self.assertRedirects(response, "/admin/")

    def test_a_session_lasts_a_working_day_and_ends_with_the_browser(self):
        user = make_superuser()
        before = timezone.now()
        response = self.client.post("/admin/login/", {"username": user.username, "password": PASSWORD})
        self.assertEqual(response.status_code, 302)
        cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        # No expiry on the cookie: the browser forgets it when it closes.
        self.assertEqual((cookie["expires"], cookie["max-age"]), ("", ""))
        session = Session.objects.get(session_key=cookie.value)
        self.assertAlmostEqual(
            (session.expire_date - before).total_seconds(), 9 * 3600, delta=60, msg="a session ends after 9 hours"
        )
