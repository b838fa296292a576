"""Every list's export at the import cap: 200.000 rows a list, CSV and XLSX, SQLite and PostgreSQL.

    DJANGO_DEBUG=1 .venv/bin/python bench/export_bench.py                     # both databases, 200.000 rows
    DJANGO_DEBUG=1 .venv/bin/python bench/export_bench.py --rows 2000 --databases sqlite   # quicker

For each database, in a fresh database of its own (SQLite in a temporary file; PostgreSQL at
--pg-url, dropped and created again, refused unless its name has "bench"): migrate, load the
Bắc Kạn demo, then write `--rows` rows into every list that has an import kind (and so an
export), straight into the tables (bench/filling.py). Then each list is exported through its
admin export URL (a POST of _format=csv, then xlsx, to /admin/<app>/<model>/export/) with Django's test
client, logged in as the demo superuser `admin`, each export in a process of its own. The table
gives the rows in the file (CSV lines, XLSX rows, without the header) against the rows in the
list, the server time (wall clock, once, and the process's CPU time, which includes SQLite's
work but not PostgreSQL's), the queries, the peak memory the export added (the process's
ru_maxrss after the export less before it, after a warm-up export of no row) and the file's
size. An answer other than 200, a file without every row of the list, or an export over 60 s of
CPU time (which the other work on a shared machine does not inflate, as it does the wall clock)
or 1 GB is marked FAILED, and the script exits with 1. Not part of the test suite.
"""

import argparse
import csv
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("csv", "xlsx")
LIMIT_SECONDS = 60
LIMIT_MB = 1024


def fill_database(rows):
    """Migrate, load the demo and fill every list; print the lists to export."""
    import django

    django.setup()
    from django.contrib import admin
    from django.core.management import call_command
    from django.urls import reverse

    from bench.filling import LISTS, fill
    from imports.kinds import all_kinds

    call_command("migrate", verbosity=0)
    call_command("load_demo_data", stdout=io.StringIO())
    fill(dict.fromkeys(LISTS, rows))
    for kind in all_kinds():
        opts = kind.model._meta
        if kind.model not in admin.site._registry:
            continue
        line = {
            "list": kind.name,
            "url": reverse(f"admin:{opts.app_label}_{opts.model_name}_export"),
            "rows": kind.model._default_manager.count(),
        }
        print("LIST " + json.dumps(line), flush=True)


def export(url, file_format):
    """Export one list in this process; print what it took."""
    import django
    from django.conf import settings

    django.setup()
    # DJANGO_DEBUG=1 gives the development settings; the query log it keeps would slow every run.
    settings.DEBUG = False
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="admin"))
    # The code and the connection warmed up with a file of no row (a local field's lookup).
    assert client.post(f"{url}?id=0", {"_format": file_format}).status_code == 200
    queries = 0

    def counting(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with connection.execute_wrapper(counting):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.post(url, {"_format": file_format})
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    content = response.content if response.status_code == 200 else b""
    line = {
        "status": response.status_code,
        "file_rows": data_rows(content, file_format) if content else None,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "queries": queries,
        "peak_mb": peak_kb / 1024,
        "file_mb": len(content) / 1e6,
    }
    print("RESULT " + json.dumps(line), flush=True)


def data_rows(content, file_format):
    """Rows of the file below its header: CSV records (a note may hold a line break); XLSX rows
    of the sheet, counted as the XML parser reads them once openpyxl has read the header."""
    if file_format == "csv":
        return sum(1 for _row in csv.reader(io.StringIO(content.decode("utf-8-sig")))) - 1
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True)
    assert next(workbook.worksheets[0].iter_rows(values_only=True))[0], "no header"
    workbook.close()
    rows = 0
    with zipfile.ZipFile(io.BytesIO(content)) as archive, archive.open("xl/worksheets/sheet1.xml") as sheet:
        for _event, element in ElementTree.iterparse(sheet):
            if element.tag.endswith("}row"):
                rows += 1
                element.clear()
    return rows - 1


# --- the driver ------------------------------------------------------------------------------------


def run(url, *arguments):
    """This script in a process of its own on the database at `url`; its stdout lines."""
    environment = {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    finished = subprocess.run(
        [sys.executable, __file__, *arguments], env=environment, capture_output=True, text=True, cwd=ROOT
    )
    if finished.returncode:
        print(finished.stderr[-4000:], file=sys.stderr)
    return finished.returncode, finished.stdout.splitlines()


def tagged(lines, tag):
    return [json.loads(line[len(tag) + 1 :]) for line in lines if line.startswith(tag + " ")]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000, help="rows written into each list (default 200.000)")
    parser.add_argument("--databases", nargs="+", choices=("sqlite", "pg"), default=["sqlite", "pg"])
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/bkxh_exportbench")
    parser.add_argument("--fill", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--export", nargs=2, metavar=("URL", "FORMAT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fill:
        fill_database(args.rows)
        return
    if args.export:
        export(*args.export)
        return

    from bench.filling import prepare_database

    folder = Path(tempfile.mkdtemp(prefix="bkxh-export-bench-"))
    failed = False
    try:
        for database in args.databases:
            if database == "sqlite":
                url = f"sqlite:///{folder / 'bench.sqlite3'}"
            else:
                url = args.pg_url
                prepare_database(url, fresh=True)
            started = time.perf_counter()
            code, lines = run(url, "--fill", "--rows", str(args.rows))
            if code:
                sys.exit(f"{database}: filling the lists failed")
            lists = tagged(lines, "LIST")
            print(
                f"{database}: {len(lists)} lists filled in {time.perf_counter() - started:.0f} s; "
                f"load average {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            print(
                f"{'database':<9} {'list':<20} {'format':<6} {'rows':>8} {'in file':>8} {'seconds':>8} "
                f"{'cpu s':>7} {'queries':>7} {'peak MB':>8} {'file MB':>8}",
                flush=True,
            )
            for listed in lists:
                for file_format in FORMATS:
                    code, lines = run(url, "--export", listed["url"], file_format)
                    result = (tagged(lines, "RESULT") or [{"status": f"exit {code}"}])[0]
                    problems = verdict(listed, result)
                    failed = failed or bool(problems)
                    print(row_text(database, listed, file_format, result, problems), flush=True)
            print(f"load average {os.getloadavg()[0]:.1f}", flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if failed:
        sys.exit(1)


def verdict(listed, result):
    """What is wrong with an export: its answer, its rows, its time or its memory."""
    problems = []
    if result["status"] != 200:
        problems.append(f"answered {result['status']}")
    elif result["file_rows"] != listed["rows"]:
        problems.append(f"{result['file_rows']} rows of {listed['rows']}")
    else:
        if result["cpu_seconds"] > LIMIT_SECONDS:
            problems.append(f"over {LIMIT_SECONDS} s")
        if result["peak_mb"] > LIMIT_MB:
            problems.append(f"over {LIMIT_MB} MB")
    return problems


def row_text(database, listed, file_format, result, problems):
    text = f"{database:<9} {listed['list']:<20} {file_format:<6} {listed['rows']:>8}"
    if result["status"] == 200:
        text += (
            f" {result['file_rows']:>8} {result['seconds']:>8.1f} {result['cpu_seconds']:>7.1f} {result['queries']:>7}"
            f" {result['peak_mb']:>8.0f} {result['file_mb']:>8.1f}"
        )
    return text + ("  FAILED: " + ", ".join(problems) if problems else "")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkxh.settings")
    main()
