"""How fast the annual report and a filtered register list answer with a million register entries.

    DJANGO_DEBUG=1 .venv/bin/python bench/report_bench.py [--rows 1000000] [--runs 9]

Works on PostgreSQL only, in a database of its own for each size: DATABASE_URL, by default
postgres://postgres@127.0.0.1:5432/bkxh_bench, names it, with the size added (bkxh_bench_1m,
bkxh_bench_10m), so databases of several sizes stay side by side; it is created when missing,
and a name that lacks "bench" is refused, so the script never fills anyone's working or test
database. The first run loads the demo (Thái Nguyên whole) and then `--rows` register entries
(spread over nine registers, the years 2019–2025 and the 280 old communes, in 2025 also the 92
new ones, with their own people and households) by COPY; later runs reuse them. Each page is
then requested through Django's test client, logged in, twice to warm up and `--runs` times
more; the script prints the median server time against the goal, the number of queries and, for
a page over its goal, the plan of its slowest query. The province's 2024 report is also timed
as its Word and Excel files (goal: under a second each). The report's pages and files are timed
twice: as first views (every generation moved on before each request, so that nothing comes from
the report's cache) and as repeat views. Not part of the test suite.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkxh.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bkxh_bench")

from bench.filling import fill, prepare_database  # noqa: E402 — after the path it is found on

# Entries per register out of 1.000.000; the rest of --rows keeps these shares.
SHARES = {
    "rice": 400_000,
    "longevity": 200_000,
    "visits": 100_000,
    "funeral": 100_000,
    "worship": 80_000,
    "housing": 60_000,
    "referrals": 20_000,
    "amendments": 20_000,
    "dossiers": 20_000,
}
# The report's files (issue 14): the figures and the file made, in under a second each.
GOALS_MS = {
    # Issue 16: the province report's first (uncached) view.
    "province_report": 40,
    "report": 200,
    "reform_report": 150,
    "file": 1000,
    "pdf": 3000,
    "home": 150,
    "changelist": 150,
    "unfiltered": None,
    "repeat": None,
}


def sized(url, rows):
    """`url` with the size added to its database's name: …/bkxh_bench_10m for 10.000.000 rows."""
    size = next((f"{rows // unit}{name}" for name, unit in (("m", 10**6), ("k", 10**3)) if rows % unit == 0), rows)
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"{parts.path}_{size}"))


def setup(rows):
    import django

    if not os.environ["DATABASE_URL"].startswith("postgres"):
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL to postgres://…/bkxh_bench.")
    # Before Django reads its settings, which take the database from DATABASE_URL.
    os.environ["DATABASE_URL"] = sized(os.environ["DATABASE_URL"], rows)
    prepare_database(os.environ["DATABASE_URL"])
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo_data", stdout=io.StringIO())


def counts_of(total):
    """Entries per register for `total` entries in all, in the shares above."""
    counts = {name: total * share // 1_000_000 for name, share in SHARES.items()}
    counts["rice"] += total - sum(counts.values())
    return counts


def register_entries():
    from beneficiaries import models as m

    return sum(
        model.objects.count()
        for model in (
            m.RiceReliefLine,
            m.LongevityGift,
            m.ElderlyVisit,
            m.FuneralAllowance,
            m.WorshipAllowance,
            m.HousingSupport,
            m.MedicalReferral,
            m.RecordAmendment,
            m.AdmissionDossier,
            m.TrainingClass,
        )
    )


def measure(client, url, runs, first_views=False):
    """Median, min and max milliseconds of `runs` requests after two to warm up; queries of one.
    With `first_views`, every year's generation is moved on before each request (untimed), so
    that nothing comes from the report's cache (reports.caching): each view is a first one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.generations import step_everything

    def get():
        if first_views:
            step_everything()
        started = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200, url
        return (time.perf_counter() - started) * 1000

    for _ in range(2):
        get()
    times = [get() for _ in range(runs)]
    if first_views:
        step_everything()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times), min(times), max(times), queries.captured_queries


def explain(sql):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join("      " + row[0] for row in cursor.fetchall())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="register entries to have (default 1.000.000)")
    parser.add_argument("--runs", type=int, default=9, help="measured requests per page (default 9)")
    parser.add_argument("--explain", action="store_true", help="print the slowest query's plan of every page")
    options = parser.parse_args()
    setup(options.rows)

    from django.contrib.auth import get_user_model
    from django.test import Client

    from areas.models import AdminUnit

    present = register_entries()
    if present < options.rows:
        fill(counts_of(options.rows - present))
    print(f"{register_entries():,} register entries in {os.environ['DATABASE_URL'].rsplit('/', 1)[-1]}")

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="admin"))
    district = AdminUnit.objects.for_code("061", 2024).pk
    pages = [
        ("province_report", "province report 2024", "/reports/2024/"),
        ("report", "district report 2024 (Ba Bể)", "/reports/2024/?area=061"),
        ("file", "province report 2024, Word (DOCX)", "/reports/2024/docx/"),
        ("file", "province report 2024, Excel (XLSX)", "/reports/2024/xlsx/"),
        ("pdf", "province report 2024, PDF", "/reports/2024/pdf/"),
        # The home page's board of the year (reports.board), for the superuser: every unit.
        ("home", "home page, 2024 board", "/admin/?year=2024"),
        ("home", "home page, 2025 board", "/admin/?year=2025"),
        # 2025 across the reform: old Bắc Kạn's and old Thái Nguyên's first half-year added to the
        # new province's second (README, "Figures across the reform"), one report per agency.
        ("reform_report", "Thái Nguyên 2025, Sở Nội vụ", "/reports/2025/?area=19&agency=SNV"),
        ("reform_report", "Thái Nguyên 2025, Sở Y tế", "/reports/2025/?area=19&agency=SYT"),
        (
            "changelist",
            "longevity gifts, 2024, Ba Bể",
            f"/admin/beneficiaries/longevitygift/?year=2024&district={district}",
        ),
        (
            "changelist",
            "rice lines, 2024, Ba Bể",
            f"/admin/beneficiaries/ricereliefline/?year=2024&district={district}",
        ),
        (
            "changelist",
            "funeral allowances, 2024, Ba Bể",
            f"/admin/beneficiaries/funeralallowance/?year=2024&district={district}",
        ),
        # No goal: every year's gifts, sorted by year, commune and name before the first page.
        ("unfiltered", "longevity gifts, all years", "/admin/beneficiaries/longevitygift/"),
    ]
    # The report's pages and files are measured as first views, then as repeat views (served
    # from the report's cache, README "Reports under load").
    cached = {"province_report", "report", "reform_report", "file", "pdf"}
    pages = [
        (kind, f"{label}{', first' if kind in cached else ''}", url, kind in cached) for kind, label, url in pages
    ] + [("repeat", f"{label}, repeat", url, False) for kind, label, url in pages if kind in cached]
    print(f"{'page':<42} {'median':>8} {'min':>8} {'max':>8} {'goal':>6} {'queries':>8}")
    for kind, label, url, first_views in pages:
        median, fastest, slowest, queries = measure(client, url, options.runs, first_views)
        goal = GOALS_MS[kind]
        over = goal is not None and median >= goal
        verdict = "" if goal is None else "OVER" if over else "ok"
        goal_text = f"{goal:5d}ms" if goal else "    —  "
        print(f"{label:<42} {median:7.1f}ms {fastest:7.1f}ms {slowest:7.1f}ms {goal_text} {len(queries):>8}  {verdict}")
        if over or options.explain:
            # A COMMIT or SAVEPOINT can be the slowest on a busy machine; EXPLAIN takes only queries.
            selects = [query for query in queries if query["sql"].startswith("SELECT")]
            worst = max(selects, key=lambda query: float(query["time"]))
            print(f"    slowest query ({float(worst['time']) * 1000:.1f} ms): {worst['sql'][:200]}")
            print(explain(worst["sql"]))


if __name__ == "__main__":
    main()
