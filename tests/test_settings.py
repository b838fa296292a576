import os
import subprocess
import sys

from django.conf import settings
from django.test import SimpleTestCase


def import_settings(**env):
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import bkxh.settings"],
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

    def test_development_settings_need_nothing(self):
        self.assertEqual(import_settings(DJANGO_DEBUG="1").returncode, 0)

    def test_vietnamese_and_the_local_time_zone(self):
        self.assertEqual((settings.LANGUAGE_CODE, settings.TIME_ZONE), ("vi", "Asia/Ho_Chi_Minh"))


class DeploymentChecksTests(SimpleTestCase):
    def test_the_deployment_checklist_passes_under_production_settings(self):
        environment = {
            key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))
        }
        environment.update(DJANGO_SECRET_KEY="k3y-" + "x7Q9#pL2" * 7, DJANGO_ALLOWED_HOSTS="bkxh.example.gov.vn")
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
            },
            capture_output=True,
            text=True,
            cwd=settings.BASE_DIR,
        )
        self.assertEqual(probe.stdout.strip(), "True True True True ('HTTP_X_FORWARDED_PROTO', 'https')")

    def test_a_session_lasts_a_working_day_and_ends_with_the_browser(self):
        self.assertEqual(settings.SESSION_COOKIE_AGE, 9 * 3600)
        self.assertTrue(settings.SESSION_EXPIRE_AT_BROWSER_CLOSE)
