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
