"""The requests of a hostile or careless user, sent to a real server, timed, with its memory.

    DJANGO_DEBUG=1 .venv/bin/python bench/pathological_bench.py               # SQLite
    DJANGO_DEBUG=1 .venv/bin/python bench/pathological_bench.py --database pg  # PostgreSQL

In a fresh database (SQLite in a temporary file; PostgreSQL at --pg-url, dropped and created
again, refused unless its name has "bench"): migrate and load the Bắc Kạn demo, then start
`manage.py runserver --noreload` (one process, so its memory is the server's) and log in as the
demo superuser `admin`. Then, one after the other: imports of crafted files into the indicator
values (a header of 200 KB, a header of 100.000 columns, a workbook number cell holding NaN, one
holding 1e309, a year of 0, a workbook that is a zip of 10.001 files), then searches of the
people list of 5.000 words and of 200 KB. For each: the answer's status, the time until the
whole answer was read, the message the page shows, and the server's resident memory after it
and at its peak so far (VmRSS and VmHWM of /proc/<pid>/status). An answer over 2 s, without a
message, an error page (500) or a peak over 300 MB is marked FAILED and the script exits with 1.
Not part of the test suite.
"""

import argparse
import html
import http.cookiejar
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT_SECONDS = 2
LIMIT_MB = 300
WAIT_SECONDS = 60  # for an answer, before the request is given up (the server may go on working)
IMPORT = "/admin/indicators/indicatorvalue/import/"
SEARCH = "/admin/beneficiaries/person/"
HEADER = ["Mã chỉ tiêu", "Năm", "Mã địa bàn", "Kế hoạch", "Thực hiện", "Ghi chú"]
ROW = ["jobs_created", 2024, "06", 6400, 7100, ""]
# Where a page says what went wrong, most telling first: the import's problems, the admin's
# messages, an error note.
MESSAGES = [
    re.compile(pattern, re.S)
    for pattern in (
        r'<ul class="import-problems">\s*<li>(.*?)</li>',
        r'<li class="(?:error|warning)">(.*?)</li>',
        r'<p class="errornote">(.*?)</p>',
    )
]


def crafted_uploads():
    """(what, file name, bytes) of each crafted import."""
    from tests.factories import make_csv_bytes, make_xlsx_bytes

    text_row = [str(cell) for cell in ROW]
    entries = io.BytesIO()
    with zipfile.ZipFile(entries, "w") as archive:
        archive.writestr("xl/workbook.xml", "")
        for index in range(10_000):
            archive.writestr(f"xl/{index}.xml", "")
    return [
        ("import, header of 200 KB", "a.csv", make_csv_bytes([[*HEADER, "x" * 200_000], text_row])),
        ("import, 100.000 columns", "a.csv", make_csv_bytes([[f"c{index}" for index in range(100_000)], text_row])),
        ("import, NaN cell", "a.xlsx", make_xlsx_bytes([HEADER, ROW], written_numbers={"E2": "NaN"})),
        ("import, 1e309 cell", "a.xlsx", make_xlsx_bytes([HEADER, ROW], written_numbers={"D2": "1e309"})),
        ("import, year 0", "a.csv", make_csv_bytes([HEADER, ["jobs_created", "0", "06", "6.400", "7.100", ""]])),
        ("import, zip of 10.001 files", "a.xlsx", entries.getvalue()),
    ]


def searches():
    """(what, search term) of each long search."""
    # ASCII words: 30 KB in the address (percent-encoded diacritics would pass the server's 64 KB).
    words = " ".join(f"thu{index}" for index in range(5_000))
    name = "Lò Thị Thử "
    return [("search, 5.000 words", words), ("search, 200 KB", name * (200_000 // len(name.encode())))]


class Server:
    """`manage.py runserver` on the bench database, in a process of its own."""

    def __init__(self, environment, port):
        self.port = port
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    sys.exit(f"the server did not start: {self.process.stderr.read()[-2000:]}")
                time.sleep(0.2)
        self.stop()
        sys.exit("the server did not start in 60 s")

    def memory_mb(self):
        """(resident, peak resident) in MB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return tuple(
            int(re.search(rf"^{name}:\s+(\d+) kB", status, re.M).group(1)) / 1024 for name in ("VmRSS", "VmHWM")
        )

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


class Browser:
    """A logged-in admin user: cookies and the CSRF token, as a browser keeps them."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def log_in(self, username, password):
        page = self.request("/admin/login/")[2]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        fields = {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"}
        page = self.request("/admin/login/", urllib.parse.urlencode(fields).encode())[2]
        assert 'id="logout-form"' in page, "the login failed"

    def csrf_token(self):
        return next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")

    def request(self, path, data=None, headers=None):
        """(status, reason, page text) of a GET, or of a POST when `data` is given."""
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=WAIT_SECONDS) as response:
                return response.status, response.reason, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.reason, error.read().decode("utf-8", "replace")
        except TimeoutError:
            return 0, f"no answer in {WAIT_SECONDS} s", ""

    def search(self, path, term):
        return self.request(f"{path}?{urllib.parse.urlencode({'q': term})}")

    def upload(self, path, file_name, data):
        boundary = uuid.uuid4().hex
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{self.csrf_token()}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
        return self.request(path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def shown_message(status, reason, page):
    """The first message the page shows staff, as text; the status's reason for an answer the
    server gave before Django (414 Request-URI Too Long)."""
    match = next((match for pattern in MESSAGES if (match := pattern.search(page))), None)
    if match is None:
        return reason if status >= 400 else ""
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()


def prepare(database, pg_url, folder):
    """The environment of a fresh database with the demo loaded."""
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    if database == "pg":
        from bench.filling import prepare_database

        url = pg_url
        prepare_database(url, fresh=True)
    environment = {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    for command in (["migrate", "--verbosity", "0"], ["load_demo_data"]):
        manage = [sys.executable, "manage.py", *command]
        subprocess.run(manage, cwd=ROOT, env=environment, check=True, capture_output=True)
    return environment


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=("sqlite", "pg"), default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/bkxh_pathologicalbench")
    parser.add_argument("--port", type=int, default=8013)
    args = parser.parse_args()

    import django

    django.setup()
    folder = Path(tempfile.mkdtemp(prefix="bkxh-pathological-bench-"))
    failed = False
    try:
        server = Server(prepare(args.database, args.pg_url, folder), args.port)
        try:
            browser = Browser(args.port)
            browser.log_in("admin", "bkxh-demo-2024")
            print(f"{args.database}: server pid {server.process.pid}, {server.memory_mb()[0]:.0f} MB after the login")
            print(f"{'request':<28} {'sent':>9} {'status':>6} {'seconds':>8} {'RSS MB':>7} {'peak MB':>7}  message")
            requests = [
                (what, len(data), lambda name=name, data=data: browser.upload(IMPORT, name, data))
                for what, name, data in crafted_uploads()
            ]
            requests += [
                (what, len(term.encode()), lambda term=term: browser.search(SEARCH, term))
                for what, term in searches()
            ]
            for what, size, send in requests:
                started = time.perf_counter()
                status, reason, page = send()
                seconds = time.perf_counter() - started
                resident, peak = server.memory_mb()
                message = shown_message(status, reason, page)
                problems = [
                    problem
                    for problem, wrong in (
                        (f"over {LIMIT_SECONDS} s", seconds > LIMIT_SECONDS),
                        ("no message", not message),
                        (f"answered {status}", status >= 500 or not status),
                        (f"over {LIMIT_MB} MB", peak > LIMIT_MB),
                    )
                    if wrong
                ]
                failed = failed or bool(problems)
                print(
                    f"{what:<28} {size / 1024:>6.0f} KB {status:>6} {seconds:>8.2f} {resident:>7.0f} {peak:>7.0f}  "
                    f"{message[:110]}" + ("  FAILED: " + ", ".join(problems) if problems else ""),
                    flush=True,
                )
        finally:
            server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkxh.settings")
    main()
