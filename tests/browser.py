"""Browser tests: Debian's own headless Chromium, driven by Playwright's sync API.

    with browser_page() as page:
        log_in(page, self.live_server_url, username="admin", password="...")
        page.goto(f"{self.live_server_url}/reports/2024/")

Playwright's own browser builds are never downloaded (`playwright install` needs the open
internet); the system browser from Debian's `chromium` package is used instead, and the
tests fail, not skip, without it, so a machine that lacks it cannot pass quietly.
"""

from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")

# --no-sandbox because tests run as root; the --disable-* flags stop the requests Chromium makes
# on its own (updates, sync, safe browsing), which on a closed network only pile up and slow it.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

MISSING_CHROMIUM = (
    "The browser tests need Debian's Chromium at {path} and the Liberation fonts: "
    "apt-get install chromium fonts-liberation fonts-liberation2 (.ci/run installs them)."
)

# Long enough for a cold start on a loaded CI machine, short enough that a page which never
# comes fails the test in seconds rather than hanging it.
TIMEOUT_MS = 15_000


@contextmanager
def browser_page(executable=CHROMIUM, **context_options):
    """A page in a fresh headless Chromium (its own cookies), closed afterwards.

    `context_options` go to Playwright's `Browser.new_context` (viewport, locale...).

    Use the database before the block (set up the data) and after it (check what the browser
    did), not inside it. Playwright's sync API runs an asyncio loop on this thread, so inside
    the block Django refuses ORM calls with SynchronousOnlyOperation. Lifting that guard with
    DJANGO_ALLOW_ASYNC_UNSAFE would be no fix: under the running loop Django hands out a second
    database connection, which cannot see a TestCase's uncommitted rows and finds SQLite's
    tables locked. The live server's own thread is unaffected.
    """
    if not Path(executable).exists():
        pytest.fail(MISSING_CHROMIUM.format(path=executable), pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(**context_options)
            context.set_default_timeout(TIMEOUT_MS)
            yield context.new_page()
        finally:
            browser.close()


def log_in(page, server_url, *, username, password):
    """Logs in through the admin's login form, as a person does; fails with the form's own
    error message when it refuses."""
    page.goto(f"{server_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("#login-form [type=submit]")
    if "/admin/login/" in page.url:
        errors = page.locator(".errornote, .errorlist").all_inner_texts()
        raise AssertionError(f"The admin refused the login of {username!r}: {' '.join(errors) or page.url}")
