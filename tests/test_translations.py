"""The Vietnamese the pages show is the Vietnamese in the catalogues: every .po is compiled.

Django's compilemessages skips a .mo newer than its .po, which a merge can leave stale."""

import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase


@unittest.skipUnless(shutil.which("msgfmt"), "needs gettext's msgfmt, as compilemessages does")
class CompiledCataloguesTests(SimpleTestCase):
    def test_every_catalogue_is_compiled_from_its_translations(self):
        catalogues = sorted(Path(settings.BASE_DIR).glob("*/locale/vi/LC_MESSAGES/*.po")) + sorted(
            Path(settings.BASE_DIR).glob("locale/vi/LC_MESSAGES/*.po")
        )
        self.assertGreaterEqual(len(catalogues), 9)
        with tempfile.TemporaryDirectory() as folder:
            for po in catalogues:
                with self.subTest(catalogue=str(po.relative_to(settings.BASE_DIR))):
                    fresh = Path(folder) / "fresh.mo"
                    subprocess.run(["msgfmt", "-o", str(fresh), str(po)], check=True, capture_output=True)
                    self.assertEqual(po.with_suffix(".mo").read_bytes(), fresh.read_bytes(), "run `make messages`")
