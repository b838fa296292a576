"""Requests per second and latency under load: the production configuration behind gunicorn.

    DJANGO_DEBUG=1 .venv/bin/python bench/load_bench.py [--rows 1000000] [--seconds 10] [--clients 8] [--workers 4]

The database is report_bench's (bench/report_bench.py: PostgreSQL, DATABASE_URL by default
postgres://postgres@127.0.0.1:5432/bkxh_bench, filled once with the demo and `--rows` register
entries, reused after). The script collects the static files, starts gunicorn with
deploy/gunicorn.conf.py and `--workers` workers under production settings (DEBUG off, a key of
this run, ALLOWED_HOSTS 127.0.0.1, no HTTPS redirect: plain HTTP on the loopback), and signs in
the demo's province viewer (tinh.xem) with a session in the database. Each page is opened a
few times per worker first (the first views, so that every worker's cache has it), then asked
by `--clients` concurrent clients for `--seconds` seconds: the province's 2024 report (so
repeat views), the district's (Ba Bể), a register list (the
longevity gifts of 2024 in Ba Bể) and a static file. It prints the requests per second, the
median and the 99th percentile of each, and the goal of issue 16: the repeat province report
at 10 % of the static file's rate or more, with a p99 under 150 ms.

The load comes from wrk when it is installed (the session's cookie in a header), else from
Python threads, which share the machine's cores with the server and reach less; the output
says which. Not part of the test suite.
"""

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The server's key, and the bench's own, so that the session made here is valid there.
os.environ["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)

from bench.filling import fill  # noqa: E402 — after the path it is found on
from bench.report_bench import counts_of, register_entries, setup  # noqa: E402

# The province report's goal (issue 16): a share of the static file's rate, and its p99.
GOAL_SHARE_OF_STATIC = 0.10
GOAL_P99_MS = 150
USER = "tinh.xem"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def session_cookie():
    """A session of the demo's province viewer, written in the database the server reads."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=USER))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def start_server(port, workers, static_root):
    environment = {name: value for name, value in os.environ.items() if not name.startswith("DJANGO_DEBUG")}
    environment.update(
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        BKXH_ENV_FILE="",
        BKXH_STATIC_ROOT=str(static_root),
        BKXH_BIND=f"127.0.0.1:{port}",
        BKXH_WEB_WORKERS=str(workers),
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = (static_root.parent / "server.log").open("w")
    server = subprocess.Popen(
        [str(gunicorn), "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn ended ({server.returncode}); its log: {log.name}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    sys.exit(f"gunicorn did not answer in 120 s; its log: {log.name}")


def stop_server(server):
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=60)


def first_view(url, cookie):
    """Open the page once, as a user would before the repeat views; it must answer 200."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            if response.url == url:
                return response.read()
            sys.exit(f"{url} sent {USER} to {response.url}")
    except urllib.error.HTTPError as error:
        sys.exit(f"{url} answered {error.code}")


def warm_up(url, cookie, count):
    """first_view() `count` times, four at once, as the load's clients would reach the workers."""
    threads = [threading.Thread(target=first_view, args=(url, cookie)) for _ in range(count)]
    for start in range(0, count, 4):
        for thread in threads[start : start + 4]:
            thread.start()
        for thread in threads[start : start + 4]:
            thread.join()


def with_wrk(url, cookie, clients, seconds):
    """Requests/s, p50 and p99 in ms, and the failed requests, as wrk measures them."""
    output = subprocess.run(
        # A time-out far above any page's, so that a slow answer is measured rather than dropped.
        [
            "wrk",
            "-t2",
            f"-c{clients}",
            f"-d{seconds}s",
            "--timeout",
            "60s",
            "--latency",
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latencies = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    if len(latencies) != 2:
        sys.exit(f"wrk's output without its latencies:\n{output}")
    # Answers other than 2xx or 3xx, and the connections that failed.
    errors = sum(int(count) for count in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    errors += sum(int(count) for count in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    return rate, wrk_ms(latencies["50"]), wrk_ms(latencies["99"]), errors


def wrk_ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def with_threads(url, cookie, clients, seconds):
    """The same figures from `clients` Python threads, each asking again as soon as answered."""
    latencies, errors = [], []
    deadline = time.monotonic() + seconds

    def client():
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": cookie}), timeout=60) as r:
                    r.read()
            except OSError:  # an answer of 4xx or 5xx (HTTPError), or a connection that failed
                errors.append(1)
                continue
            latencies.append((time.perf_counter() - started) * 1000)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    cuts = statistics.quantiles(latencies, n=100)
    return len(latencies) / elapsed, cuts[49], cuts[98], len(errors)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="register entries to have (default 1.000.000)")
    parser.add_argument("--seconds", type=int, default=10, help="seconds of load per page (default 10)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    options = parser.parse_args()
    setup(options.rows)

    from areas.models import AdminUnit

    present = register_entries()
    if present < options.rows:
        fill(counts_of(options.rows - present))
    district = AdminUnit.objects.for_code("061", 2024).pk
    cookie = session_cookie()
    load = with_wrk if shutil.which("wrk") else with_threads
    print(f"{register_entries():,} register entries in {os.environ['DATABASE_URL'].rsplit('/', 1)[-1]}")
    print(
        f"gunicorn, {options.workers} sync workers, production settings; {options.clients} clients for "
        f"{options.seconds} s a page, by {'wrk' if load is with_wrk else 'Python threads (wrk is not installed)'}"
    )

    print("load average (1, 5, 15 min) at the start: " + ", ".join(f"{value:.2f}" for value in os.getloadavg()))
    folder = Path(tempfile.mkdtemp(prefix="bkxh-load-"))
    port = free_port()
    server = start_server(port, options.workers, folder / "static")
    try:
        base = f"http://127.0.0.1:{port}"
        report_page = first_view(f"{base}/reports/2024/", cookie).decode()
        stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', report_page).group(1)
        pages = [
            ("province report 2024 (repeat)", "/reports/2024/"),
            ("district report 2024 (Ba Bể)", "/reports/2024/?area=061"),
            ("longevity gifts, 2024, Ba Bể", f"/admin/beneficiaries/longevitygift/?year=2024&district={district}"),
            ("static file (site.css)", stylesheet),
        ]
        print(f"{'page':<34} {'req/s':>9} {'p50':>10} {'p99':>10} {'errors':>7}")
        results = {}
        for label, path in pages:
            # Repeat views: each worker keeps its own cache (LocMem) unless BKXH_CACHE_URL names a
            # Redis, so each opens the page once first; the connections reach the workers as they
            # come, so a few per worker make sure that every one has.
            warm_up(base + path, cookie, options.workers * 3)
            rate, p50, p99, errors = load(base + path, cookie, options.clients, options.seconds)
            results[path] = (rate, p99)
            print(f"{label:<34} {rate:9.1f} {p50:8.1f}ms {p99:8.1f}ms {errors:>7}")
    finally:
        stop_server(server)
        shutil.rmtree(folder, ignore_errors=True)

    # Other work on the machine takes cores from the server: the figures hold for this load only.
    print("load average (1, 5, 15 min) at the end: " + ", ".join(f"{value:.2f}" for value in os.getloadavg()))
    (report_rate, report_p99), (static_rate, _) = results["/reports/2024/"], results[stylesheet]
    share = report_rate / static_rate
    met = share >= GOAL_SHARE_OF_STATIC and report_p99 < GOAL_P99_MS
    print(
        f"goal: province report at {share:.1%} of the static file's rate (goal ≥ {GOAL_SHARE_OF_STATIC:.0%}), "
        f"p99 {report_p99:.1f} ms (goal < {GOAL_P99_MS} ms): {'met' if met else 'NOT MET'}"
    )


if __name__ == "__main__":
    main()
