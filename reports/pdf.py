"""The report as the PDF that is signed and archived: the report page itself, printed by headless
Chromium, the engine staff check the browser print with, so the file and the print agree page
for page (README, "The report's files"). Chromium embeds the fonts it uses (Liberation Serif,
the metric twin of Times New Roman, on the servers bkxh installs)."""

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

# Printing a page takes Chromium about a second; past this it has hung.
TIMEOUT_SECONDS = 60


class PdfUnavailableError(RuntimeError):
    """The server has no Chromium to print with, or it failed."""


def chromium_path():
    """The Chromium the server prints with (setting BKXH_CHROMIUM), or None when it has none."""
    return shutil.which(settings.BKXH_CHROMIUM)


def _with_local_static(html):
    """`html` with its static files (the report's style sheets) named by their path on disk: the
    printer reads the page from a file, not from the web server."""
    prefix = re.escape("/" + settings.STATIC_URL.lstrip("/"))

    def local(match):
        found = finders.find(match["path"])
        return f'{match["attribute"]}="{Path(found).as_uri()}"' if found else match[0]

    return re.sub(rf'(?P<attribute>href|src)="{prefix}(?P<path>[^"?#]+)"', local, html)


def pdf_from_html(html):
    """The PDF bytes of the report page `html`, printed on A4 as its print style sheet says."""
    chromium = chromium_path()
    if chromium is None:
        raise PdfUnavailableError(f"no Chromium at {settings.BKXH_CHROMIUM}")
    with tempfile.TemporaryDirectory(prefix="bkxh-pdf-") as folder:
        page, pdf = Path(folder) / "report.html", Path(folder) / "report.pdf"
        page.write_text(_with_local_static(html), encoding="utf-8")
        command = [
            chromium,
            "--headless",
            # Chromium's sandbox needs kernel features a server's service account often lacks;
            # the page printed is bkxh's own, from a private temporary folder.
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={Path(folder) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=True)
        except (subprocess.SubprocessError, OSError) as error:
            raise PdfUnavailableError(str(error)) from error
        if not pdf.exists():
            raise PdfUnavailableError("Chromium wrote no PDF")
        return pdf.read_bytes()
