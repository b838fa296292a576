"""Import speed: our importer beside a stock django-import-export resource, same files, same run.

    .venv/bin/python bench/import_bench.py                    # SQLite and PostgreSQL, 100.000 + 10.000 rows
    .venv/bin/python bench/import_bench.py --databases sqlite --stock-rows 10000   # quicker
    .venv/bin/python bench/import_bench.py --databases postgresql --sequential      # without the writer thread

It generates a longevity gift register of 100.000 rows (and another of 10.000 for the admin
preview), as Excel writes CSV (UTF-8 with BOM, CRLF), then for each database, in a fresh
database of its own:
  1. `import_data longevity_gifts` on the 100.000 rows: read, check every row, add the people
     and write the gifts (one transaction);
  2. the admin preview of the 10.000-row file (upload through the test client, page rendered);
  3. the same file through a stock ModelResource (bench/stock.py), row by row: its first
     10.000 rows unless --stock-rows says more (it runs at a few hundred rows a second; the
     "100.000 rows" column gives the time at that rate). It cannot add people, so it runs after
     step 1 with the gifts deleted and the people kept;
  4. the stock admin's preview of the 10.000-row file.
Each step is timed once (wall clock); the table gives rows per second and the preview page's size.
PostgreSQL is reached at --pg-url; its database is dropped and created again. With
--sequential the import checks the whole file, then writes it, as it does on SQLite: the
comparison that keeps the writer thread (imports.writing.writes_while_checking).
"""

import argparse
import csv
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAMILY = ["Nguyễn", "Hoàng", "Nông", "Lò", "Hà", "Triệu", "Lý", "Ma", "Đàm", "Lục", "Bế", "Dương", "Phùng", "Sầm"]
MIDDLE = {"Nam": ["Văn", "Đức", "Minh", "Quang", "Xuân"], "Nữ": ["Thị", "Thị", "Ngọc", "Thu", "Hồng"]}
GIVEN = {
    "Nam": ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Sơn", "Thắng", "Tuấn", "Vinh"],
    "Nữ": ["Hà", "Hạnh", "Hoa", "Hương", "Lan", "Mai", "Nga", "Thảo", "Trang", "Yến", "Ánh", "Nhung"],
}
MILESTONES = [70, 75, 80, 85, 90, 95, 100]
NOTES = ["", "", "", "Người cao tuổi sống một mình", "Hộ nghèo", "Trao tại nhà", "Đã ký nhận"]
YEAR = 2024


def commune_codes():
    with open(ROOT / "areas" / "data" / "admin-units-bac-kan.csv", encoding="utf-8") as handle:
        return [row["code"] for row in csv.DictReader(handle) if row["level"] == "commune" and not row["valid_from"]]


def gift_header():
    """The longevity gift file's columns, by their names, as the kind declares them."""
    import django

    django.setup()
    from imports.kinds import get_kind

    return [column.name for column in get_kind("longevity_gifts").export_columns]


def generate(path, count, *, first_serial, seed):
    """`count` gifts to as many people, each turning a milestone in 2024, with a valid citizen ID."""
    rng = random.Random(seed)
    communes = commune_codes()
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=gift_header(), lineterminator="\r\n")
        writer.writeheader()
        for serial in range(first_serial, first_serial + count):
            gender = rng.choice(["Nam", "Nữ"])
            milestone = rng.choice(MILESTONES)
            birth_year = YEAR - milestone
            century_digit = 2 * (birth_year // 100 - 19) + (1 if gender == "Nữ" else 0)
            writer.writerow(
                {
                    "year": YEAR,
                    "commune_code": rng.choice(communes),
                    "full_name": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}",
                    "gender": gender,
                    "birth_year": birth_year,
                    "citizen_id": f"006{century_digit}{birth_year % 100:02d}{serial:06d}",
                    "milestone": milestone,
                    "cash_vnd": rng.choice([300000, 500000, 1000000]),
                    "in_kind_vnd": 200000,
                    "gift_date": f"{rng.randint(1, 28):02d}/{rng.choice([6, 10]):02d}/{YEAR}",
                    "note": rng.choice(NOTES),
                }
            )


# --- one database, in a process of its own -------------------------------------------------------


def measure(database, big, small, stock_rows, sequential=False):
    import django
    from django.conf import settings

    django.setup()
    if sequential:
        # The one place the write path is chosen, made to choose the sequential one.
        import imports.process

        imports.process.writes_while_checking = lambda kind, before_write=None: False
    # DJANGO_DEBUG=1 gives the development settings; the query log it keeps would slow every run.
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from django.core.management import call_command

    from areas.loading import load_admin_units

    call_command("migrate", verbosity=0)
    load_admin_units()
    results = []

    def result(step, rows, seconds, **extra):
        results.append({"db": database, "step": step, "rows": rows, "seconds": seconds, **extra})

    from beneficiaries.models import LongevityGift, Person

    started = time.perf_counter()
    call_command("import_data", "longevity_gifts", str(big), stdout=io.StringIO())
    seconds = time.perf_counter() - started
    rows = LongevityGift.objects.count()
    assert rows == Person.objects.count() == line_count(big), (rows, Person.objects.count())
    result("import_data (check + write)", rows, seconds)

    client = logged_in_client()
    seconds, size = timed_upload(client, "/admin/beneficiaries/longevitygift/import/", small, {"file": None})
    assert LongevityGift.objects.count() == rows
    result("admin preview", line_count(small), seconds, page_bytes=size)

    stock_file = big if stock_rows >= line_count(big) else head(big, stock_rows)
    LongevityGift.objects.all().delete()
    seconds, stock_count = stock_import(stock_file)
    result("stock resource (write)", stock_count, seconds)

    call_command("import_data", "longevity_gifts", str(small), stdout=io.StringIO())
    LongevityGift.objects.filter(person__citizen_id__in=citizen_ids(small)).delete()
    seconds, size = timed_upload(
        client, "/stock/beneficiaries/longevitygift/import/", small, {"format": "0", "import_file": None}, stock=True
    )
    result("stock admin preview", line_count(small), seconds, page_bytes=size)
    for line in results:
        print("RESULT " + json.dumps(line), flush=True)


def logged_in_client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.create_superuser("bench", password="bench-password-2024", email="")
    client = Client()
    client.force_login(user)
    return client


def timed_upload(client, url, path, fields, stock=False):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import override_settings

    upload = SimpleUploadedFile(path.name, path.read_bytes(), "text/csv")
    data = {name: upload if value is None else value for name, value in fields.items()}
    with override_settings(ROOT_URLCONF="bench.stock" if stock else "bkxh.urls"):
        started = time.perf_counter()
        response = client.post(url, data)
        seconds = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    assert b"confirm" in response.content.lower(), response.content[:2000]
    return seconds, len(response.content)


def stock_import(path):
    from import_export.formats.base_formats import CSV

    from bench.stock import LongevityGiftResource

    dataset = CSV().create_dataset(path.read_bytes().decode("utf-8-sig"))
    started = time.perf_counter()
    result = LongevityGiftResource().import_data(dataset, dry_run=False, raise_errors=False)
    seconds = time.perf_counter() - started
    assert not result.has_errors() and not result.has_validation_errors(), (result.base_errors, result.invalid_rows[:1])
    return seconds, len(dataset)


def line_count(path):
    with open(path, encoding="utf-8-sig") as handle:
        return sum(1 for _line in handle) - 1


def head(path, rows):
    target = path.with_name(f"{path.stem}-{rows}.csv")
    with (
        open(path, encoding="utf-8-sig", newline="") as source,
        open(target, "w", encoding="utf-8-sig", newline="") as out,
    ):
        for number, line in enumerate(source):
            if number > rows:
                break
            out.write(line)
    return target


def citizen_ids(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [row["citizen_id"] for row in csv.DictReader(handle)]


# --- the driver ------------------------------------------------------------------------------------


def fresh_postgres(url):
    import psycopg

    base, _slash, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--preview-rows", type=int, default=10_000)
    parser.add_argument(
        "--stock-rows",
        type=int,
        default=10_000,
        help="rows of the big file the stock resource imports (it takes minutes per 10.000; its rows/s "
        "does not depend on the count, and --stock-rows 100000 runs the whole file)",
    )
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/bkxh_imports_bench")
    parser.add_argument("--sequential", action="store_true", help="write after the whole file is checked")
    parser.add_argument("--measure", nargs=3, metavar=("DATABASE", "BIG", "SMALL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        database, big, small = args.measure
        measure(database, Path(big), Path(small), args.stock_rows, args.sequential)
        return
    folder = Path(tempfile.mkdtemp(prefix="bkxh-bench-"))
    big, small = folder / f"qua-mung-tho-{args.rows}.csv", folder / f"qua-mung-tho-{args.preview_rows}.csv"
    generate(big, args.rows, first_serial=0, seed=1)
    generate(small, args.preview_rows, first_serial=args.rows, seed=2)
    results = []
    for database in args.databases.split(","):
        if database == "sqlite":
            url = f"sqlite:///{folder / 'bench.sqlite3'}"
        else:
            url = args.pg_url
            fresh_postgres(url)
        environment = {
            **os.environ,
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": url,
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "bench.settings",
        }
        command = [
            sys.executable,
            __file__,
            "--measure",
            database,
            str(big),
            str(small),
            "--stock-rows",
            str(args.stock_rows),
            *(["--sequential"] if args.sequential else []),
        ]
        finished = subprocess.run(command, env=environment, capture_output=True, text=True, cwd=ROOT)
        if finished.returncode:
            sys.exit(f"{database} failed:\n{finished.stderr[-4000:]}")
        results += [json.loads(line[7:]) for line in finished.stdout.splitlines() if line.startswith("RESULT ")]
    print(f"{'database':<11} {'step':<30} {'rows':>8} {'seconds':>8} {'rows/s':>8} {'100.000 rows':>13} {'page':>9}")
    for line in results:
        page = f"{line['page_bytes'] / 1e6:.2f} MB" if "page_bytes" in line else ""
        rate = line["rows"] / line["seconds"]
        print(
            f"{line['db']:<11} {line['step']:<30} {line['rows']:>8} {line['seconds']:>8.2f} "
            f"{rate:>8.0f} {100_000 / rate:>11.0f} s {page:>9}"
        )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkxh.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    main()
