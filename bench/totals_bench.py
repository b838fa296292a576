"""What keeping the register totals (reports.keeping) costs the writes, and what it saves the report.

    DJANGO_DEBUG=1 .venv/bin/python bench/totals_bench.py [--rows 1000000] [--runs 3]

On the database of bench/report_bench.py for `--rows` entries (bkxh_bench_1m: run that script
first, it fills it). Each write is a statement of its own as an import's COPY sends it, in a
transaction rolled back afterwards, timed with the triggers and then with them disabled (in the
same rolled-back transaction): a year's rice lines inserted again as a new round's (60.000 at a
million entries; every household's count upserted), then deleted; a year's longevity gifts
inserted again and deleted (sums only), then deleted. Then the register figures of the province report (2024
and 2023), from the kept totals and from the entries; the check of every total against the
entries (check_register_totals); and making them again from the entries. Medians of `--runs`.
Not part of the test suite.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkxh.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bkxh_bench")

from bench.report_bench import sized  # noqa: E402 — after the path it is found on

LINES = "beneficiaries_ricereliefline"
ROUNDS = "beneficiaries_ricereliefround"
GIFTS = "beneficiaries_longevitygift"
# A 2024 round again as a 2026 one, whose lines are new households' counts.
NEW_ROUND = (
    f"INSERT INTO {ROUNDS} (version, code, year, occasion, disaster_name, area_id, distribution_date, months, "
    f"kg_allocated, note) SELECT version, code || '-bench', 2026, occasion, disaster_name, area_id, "
    f"distribution_date + 730, months, kg_allocated * 100, note FROM {ROUNDS} WHERE year = 2024 "
    f"ORDER BY id LIMIT 1"
)
# The year's gifts, deleted (untimed) to go in again.
COPIED_GIFTS = [
    f"CREATE TEMP TABLE copied ON COMMIT DROP AS SELECT * FROM {GIFTS} WHERE year = 2024",
    f"DELETE FROM {GIFTS} WHERE year = 2024",
]
# (what, statements made ready untimed, the statement timed)
WRITES = [
    (
        "rice lines of a year, inserted as a new round's",
        [NEW_ROUND],
        f"INSERT INTO {LINES} (version, round_id, household_id, commune_id, persons, kg) "
        f"SELECT DISTINCT ON (household_id) l.version, (SELECT max(id) FROM {ROUNDS} WHERE year = 2026), "
        f"household_id, commune_id, persons, kg FROM {LINES} l JOIN {ROUNDS} r ON r.id = l.round_id "
        f"WHERE r.year = 2024",
    ),
    (
        "rice lines of a year, deleted",
        [],
        f"DELETE FROM {LINES} USING {ROUNDS} r WHERE r.id = round_id AND r.year = 2024",
    ),
    ("longevity gifts of a year, inserted again", COPIED_GIFTS, f"INSERT INTO {GIFTS} SELECT * FROM copied"),
    ("longevity gifts of a year, deleted", [], f"DELETE FROM {GIFTS} WHERE year = 2024"),
]


def write_costs(runs):
    """[(what, rows, seconds with the triggers, seconds without, µs a row more)]: medians."""
    from django.db import connection, transaction

    rows = []
    for label, ready, sql in WRITES:
        times = {True: [], False: []}
        for _ in range(runs):
            for triggers in (True, False):
                with transaction.atomic(), connection.cursor() as cursor:
                    if not triggers:
                        cursor.execute(f"ALTER TABLE {LINES} DISABLE TRIGGER USER")
                        cursor.execute(f"ALTER TABLE {GIFTS} DISABLE TRIGGER USER")
                    for statement in ready:
                        cursor.execute(statement)
                    started = time.perf_counter()
                    cursor.execute(sql)
                    times[triggers].append(time.perf_counter() - started)
                    count = cursor.rowcount
                    transaction.set_rollback(True)
        kept, bare = statistics.median(times[True]), statistics.median(times[False])
        rows.append((label, count, kept, bare, (kept - bare) / count * 1e6))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    os.environ["DATABASE_URL"] = sized(os.environ["DATABASE_URL"], options.rows)
    import django

    django.setup()
    from unittest import mock

    from areas.models import AdminUnit
    from reports import keeping
    from reports.registers import register_figures_by_year

    print(f"{'write (one statement)':<52} {'rows':>7} {'kept':>8} {'without':>8} {'µs/row':>7}")
    for label, count, kept, bare, per_row in write_costs(options.runs):
        print(f"{label:<52} {count:>7,} {kept:>7.2f}s {bare:>7.2f}s {per_row:>7.1f}")

    province = AdminUnit.objects.for_code("06", 2024)

    def figures_ms():
        times = []
        for _ in range(max(options.runs, 5)):
            started = time.perf_counter()
            register_figures_by_year(years=[2024, 2023], area=province)
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)

    kept_ms = figures_ms()
    with mock.patch("reports.registers.are_kept", return_value=False):
        live_ms = figures_ms()
    print(f"province's register figures, 2024 and 2023: kept {kept_ms:.1f} ms, from the entries {live_ms:.1f} ms")
    started = time.perf_counter()
    found = keeping.mismatches()
    print(f"check of every total against the entries: {time.perf_counter() - started:.1f} s, {len(found)} differ")
    started = time.perf_counter()
    keeping.install(rebuild=True)
    print(f"made again from the entries: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
