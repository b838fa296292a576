"""How fast the annual report and a filtered register list answer with a million register entries.

    DJANGO_DEBUG=1 .venv/bin/python bench/report_bench.py [--rows 1000000] [--runs 9]

Works on PostgreSQL only, in its own database: DATABASE_URL, by default
postgres://postgres@127.0.0.1:5432/bkxh_bench, created when missing; a database whose name
lacks "bench" is refused, so the script never fills anyone's working or test database. The
first run loads the Bắc Kạn demo and then `--rows` register entries (spread over nine
registers, the years 2019–2024 and the 108 communes, with their own people and households)
by COPY; later runs reuse them. Each page is then requested through Django's test client,
logged in, twice to warm up and `--runs` times more; the script prints the median server
time against the goal, the number of queries and, for a page over its goal, the plan of its
slowest query. Not part of the test suite.
"""

import argparse
import datetime
import io
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkxh.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bkxh_bench")

YEARS = range(2019, 2025)
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
RICE_HOUSEHOLDS = 100_000
ROUNDS_A_YEAR = 3
GOALS_MS = {"report": 200, "changelist": 150, "unfiltered": None}


def ensure_database(url):
    """Create the bench database when missing; refuse any database not named for benchmarks."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not parts.scheme.startswith("postgres"):
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL to postgres://…/bkxh_bench.")
    if "bench" not in name:
        sys.exit(f"Refusing database {name!r}: the benchmark fills its database; use one named …bench.")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def setup():
    import django

    ensure_database(os.environ["DATABASE_URL"])
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo_data", stdout=io.StringIO())


class Copier:
    """Writes rows of a model with COPY, giving them their ids, so entries can point at the
    people and households written just before."""

    def __init__(self, connection):
        self.connection = connection
        self.next_ids = {}

    def next_id(self, model):
        if model not in self.next_ids:
            with self.connection.cursor() as cursor:
                cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{model._meta.db_table}"')
                self.next_ids[model] = cursor.fetchone()[0]
        return self.next_ids[model]

    def copy(self, model, rows):
        """COPY `rows` (dicts by attribute name) into `model`'s table; fields a row leaves out
        take their default, or empty text, or NULL. Returns the ids given, in order."""
        fields = model._meta.concrete_fields
        columns = ", ".join(f'"{field.column}"' for field in fields)
        fillers = [(field.attname, self._filler(field)) for field in fields]
        first = self.next_id(model)
        ids = []
        with self.connection.cursor() as cursor:
            sql = f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN'
            with cursor.cursor.copy(sql) as copy:
                for number, row in enumerate(rows, start=first):
                    row["id"] = number
                    ids.append(number)
                    copy.write_row([row.get(name, filler) for name, filler in fillers])
        self.next_ids[model] = first + len(ids)
        return ids

    @staticmethod
    def _filler(field):
        if field.has_default():
            return field.get_default()
        if field.null:
            return None
        if field.get_internal_type() in ("CharField", "TextField", "SlugField", "FileField"):
            return ""
        return None

    def reset_sequences(self, models):
        from django.core.management.color import no_style

        with self.connection.cursor() as cursor:
            for sql in self.connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)


def fill(total):
    """Write `total` register entries, with the people, households, rounds and decisions they need."""
    from django.db import connection, transaction

    from areas.models import AdminUnit
    from beneficiaries import models as m

    communes = list(
        AdminUnit.objects.filter(level=AdminUnit.Level.COMMUNE, valid_from=None).values_list("pk", flat=True)
    )
    province = AdminUnit.objects.province_for(2024)
    counts = {name: total * share // 1_000_000 for name, share in SHARES.items()}
    counts["rice"] += total - sum(counts.values())
    copier = Copier(connection)
    started = time.perf_counter()

    def commune(number):
        return communes[number % len(communes)]

    def year(number):
        return YEARS[number % len(YEARS)]

    def on(month, day):
        return lambda number: datetime.date(year(number), month, day)

    def people(count, birth_year):
        """`count` people; `birth_year` gives the year of birth of the nth."""
        return copier.copy(
            m.Person,
            (
                {
                    "full_name": f"Nông Văn Thử {number}",
                    "gender": "male",
                    "birth_year": birth_year(number),
                    "ethnicity": "02",
                    "commune_id": commune(number),
                    "search_name": f"nong van thu {number}",
                    "duplicate_key": f"nong van thu {number}|{birth_year(number)}|{commune(number)}",
                }
                for number in range(count)
            ),
        )

    def households(count, offset):
        return copier.copy(
            m.Household,
            (
                {
                    "code": f"B{offset + number:07d}",
                    "commune_id": commune(number),
                    "size": 1 + number % 7,
                    "poverty_status": "poor",
                    "certificate_year": 2018,
                }
                for number in range(count)
            ),
        )

    def entries(model, owner, owner_ids, **fields):
        """One entry per id in `owner_ids` (the `owner` field), spread over the years and the
        communes; a field given as a function gets the entry's number."""
        copier.copy(
            model,
            (
                {
                    "year": year(number),
                    "commune_id": commune(number),
                    owner: owner_id,
                    **{name: value(number) if callable(value) else value for name, value in fields.items()},
                }
                for number, owner_id in enumerate(owner_ids)
            ),
        )

    with transaction.atomic():
        # Rice: three rounds a year, each reaching a slice of a pool of households.
        pool = households(RICE_HOUSEHOLDS, 0)
        rounds = copier.copy(
            m.RiceReliefRound,
            (
                {
                    "code": f"bench-{y}-{r}",
                    "year": y,
                    "occasion": "tet",
                    "area_id": province.pk,
                    "distribution_date": datetime.date(y, 2 + 4 * r, 1),
                    "months": 1,
                    "kg_allocated": Decimal(10**9),
                }
                for y in YEARS
                for r in range(ROUNDS_A_YEAR)
            ),
        )
        per_round = -(-counts["rice"] // len(rounds))
        copier.copy(
            m.RiceReliefLine,
            (
                {
                    "round_id": round_id,
                    "household_id": pool[(r * per_round + n) % len(pool)],
                    "commune_id": commune((r * per_round + n) % len(pool)),
                    "persons": 1 + (r * per_round + n) % len(pool) % 7,
                    "kg": Decimal(15),
                }
                for r, round_id in enumerate(rounds)
                for n in range(per_round)
                if r * per_round + n < counts["rice"]
            ),
        )
        # Milestone ages by birth year, so each gift fits its person.
        milestones = [70, 75, 80, 85, 90, 95, 100]
        entries(
            m.LongevityGift,
            "person_id",
            people(counts["longevity"], lambda n: year(n) - milestones[n % len(milestones)]),
            milestone=lambda n: milestones[n % len(milestones)],
        )
        entries(m.ElderlyVisit, "person_id", people(counts["visits"], lambda n: 1940), visited_on=on(10, 5))
        entries(
            m.FuneralAllowance,
            "deceased_id",
            people(counts["funeral"], lambda n: 1940),
            category="meritorious",
            date_of_death=on(3, 1),
            recipient_name="Nông Thị Thử",
            amount_vnd=Decimal(18_000_000),
        )
        entries(
            m.WorshipAllowance,
            "worshipper_id",
            people(counts["worship"], lambda n: 1960),
            martyr_name=lambda n: f"Liệt sĩ {n}",
            martyr_record=lambda n: f"BENCH-{n}",
            yearly_amount_vnd=Decimal(1_800_000),
            valid_from=on(1, 1),
        )
        entries(
            m.HousingSupport,
            "household_id",
            households(counts["housing"], RICE_HOUSEHOLDS),
            funding_source="sponsor",
            sponsor="Nhà tài trợ",
            amount_vnd=Decimal(50_000_000),
        )
        entries(
            m.MedicalReferral,
            "person_id",
            people(counts["referrals"], lambda n: 1975),
            referred_on=on(5, 1),
            condition="Giám định",
        )
        decisions = copier.copy(
            m.Decision,
            ({"number": f"{y}/BENCH", "date": datetime.date(y, 1, 2), "issuer": "Sở"} for y in YEARS),
        )
        entries(
            m.RecordAmendment,
            "person_id",
            people(counts["amendments"], lambda n: 1950),
            decision_id=lambda n: decisions[n % len(decisions)],
            change="Sửa năm sinh",
        )
        entries(m.AdmissionDossier, "person_id", people(counts["dossiers"], lambda n: 1950), received_on=on(4, 1))
        copier.reset_sequences(list(copier.next_ids))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"wrote {total:,} register entries and their people in {time.perf_counter() - started:.1f} s")


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


def measure(client, url, runs):
    """Median, min and max milliseconds of `runs` requests after two to warm up; queries of one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
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
    setup()

    from django.contrib.auth import get_user_model
    from django.test import Client

    from areas.models import AdminUnit

    present = register_entries()
    if present < options.rows:
        fill(options.rows - present)
    print(f"{register_entries():,} register entries in {os.environ['DATABASE_URL'].rsplit('/', 1)[-1]}")

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="admin"))
    district = AdminUnit.objects.for_code("061", 2024).pk
    pages = [
        ("report", "province report 2024", "/reports/2024/"),
        ("report", "district report 2024 (Ba Bể)", "/reports/2024/?area=061"),
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
    print(f"{'page':<36} {'median':>8} {'min':>8} {'max':>8} {'goal':>6} {'queries':>8}")
    for kind, label, url in pages:
        median, fastest, slowest, queries = measure(client, url, options.runs)
        goal = GOALS_MS[kind]
        over = goal is not None and median >= goal
        verdict = "" if goal is None else "OVER" if over else "ok"
        goal_text = f"{goal:5d}ms" if goal else "    —  "
        print(f"{label:<36} {median:7.1f}ms {fastest:7.1f}ms {slowest:7.1f}ms {goal_text} {len(queries):>8}  {verdict}")
        if over or options.explain:
            worst = max(queries, key=lambda query: float(query["time"]))
            print(f"    slowest query ({float(worst['time']) * 1000:.1f} ms): {worst['sql'][:200]}")
            print(explain(worst["sql"]))


if __name__ == "__main__":
    main()
