"""Register data by the hundred thousand for the benchmarks, written straight into the tables.

Rows are written in one statement per table (COPY on PostgreSQL, one executemany INSERT on
SQLite), with their ids given here, so entries can point at the people and households written
just before. Nothing checks them: the benchmarks time reading, not the models' rules.
"""

import datetime
import itertools
import sys
import time
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit

YEARS = range(2019, 2026)
# Entries of 2025 lie in both structures: half in the old communes (January–June), half in the
# new ones (July–December), as staff keep them (README, "Figures across the reform").
REFORM_YEAR = 2025
# Rice lines go to a pool of households, one for every four lines but never fewer than 100.000
# (those of a million entries), so a round reaches each household once at most at any size.
RICE_HOUSEHOLDS = 100_000
RICE_LINES_A_HOUSEHOLD = 4
ROUNDS_A_YEAR = 3
# The lists fill() writes.
LISTS = (
    "people",
    "households",
    "decisions",
    "rounds",
    "rice",
    "longevity",
    "visits",
    "funeral",
    "worship",
    "housing",
    "referrals",
    "amendments",
    "dossiers",
    "training",
    "indicator_values",
)


def prepare_database(url, *, fresh=False):
    """Create the PostgreSQL database of `url` when missing (dropped first when `fresh`);
    refuse any database not named for benchmarks, so a bench never fills anyone's working or
    test database."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing database {name!r}: the benchmark fills its database; use one named …bench.")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        if fresh:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


class Copier:
    """Writes rows of a model in one statement, giving them their ids: COPY on PostgreSQL, one
    executemany INSERT elsewhere."""

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
        """Write `rows` (dicts by attribute name) into `model`'s table; fields a row leaves out
        take their default, or empty text, or NULL. Returns the ids given, in order."""
        fields = model._meta.concrete_fields
        table = model._meta.db_table
        columns = ", ".join(f'"{field.column}"' for field in fields)
        fillers = [(field.attname, self._filler(field)) for field in fields]
        first = self.next_id(model)
        ids = []

        def values():
            for number, row in enumerate(rows, start=first):
                row["id"] = number
                ids.append(number)
                yield [row.get(name, filler) for name, filler in fillers]

        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                with cursor.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                    for row in values():
                        copy.write_row(row)
            else:
                # The driver's own cursor: Django's would keep the statement in its query log.
                placeholders = ", ".join(["%s"] * len(fields))
                cursor.cursor.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({placeholders})', values())
        self.next_ids[model] = first + len(ids)
        return ids

    def _filler(self, field):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            from django.utils import timezone

            return field.get_db_prep_value(timezone.now(), self.connection)
        if field.has_default():
            return field.get_default()
        if field.null:
            return None
        if field.get_internal_type() in ("CharField", "TextField", "SlugField", "FileField"):
            return ""
        return None

    def finish(self):
        """Once the rows are committed: move the sequences past the ids given (SQLite's follow
        by themselves), let the planner know the tables' new sizes, and move on every year's
        generation, which the rows' COPY went past (reports.generations: the report's cache)."""
        from django.core.management.color import no_style

        from reports.generations import step_everything

        step_everything(self.connection.alias)

        with self.connection.cursor() as cursor:
            for sql in self.connection.ops.sequence_reset_sql(no_style(), list(self.next_ids)):
                cursor.execute(sql)
            cursor.execute("VACUUM ANALYZE" if self.connection.vendor == "postgresql" else "ANALYZE")


def fill(counts):
    """Write the rows `counts` asks for: {list: rows} for the registers "rice", "longevity",
    "visits", "funeral", "worship", "housing", "referrals", "amendments", "dossiers" and
    "training" and the lists "people", "households", "decisions", "rounds" and
    "indicator_values", spread over the years 2019–2025 and the communes (of 2025, both
    structures').

    Without "people", each register about people gets people of its own (with a birth year
    that fits it); with it, every such register points at that many people. Without
    "households", rice lines go to a pool of households (one for every four lines, at least
    100.000) and housing support to households of its own. Without "rounds", rice has three
    rounds a year; without "decisions", amendments cite one decision a year."""
    from django.db import connection, transaction

    from areas.models import AdminUnit
    from beneficiaries import models as m
    from indicators.models import Indicator, IndicatorValue

    communes = AdminUnit.objects.filter(level=AdminUnit.Level.COMMUNE)
    old_communes = list(communes.filter(valid_from=None).values_list("pk", flat=True))
    new_communes = list(communes.filter(valid_from__isnull=False).values_list("pk", flat=True))
    province = AdminUnit.objects.province_for(2024)
    copier = Copier(connection)
    started = time.perf_counter()

    def commune(number):
        if year(number) == REFORM_YEAR and new_communes and number % 2:
            return new_communes[number // 2 % len(new_communes)]
        return old_communes[number % len(old_communes)]

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
                    "duplicate_key": f"nongvanthu{number}|{birth_year(number)}|{commune(number)}",
                }
                for number in range(count)
            ),
        )

    pool = people(counts["people"], lambda n: 1930 + n % 60) if "people" in counts else None

    def people_of(register, birth_year):
        """The people `register`'s entries are about: the shared ones, or people of its own."""
        if pool is None:
            return people(counts[register], birth_year)
        return [pool[number % len(pool)] for number in range(counts[register])]

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
        shared_households = households(counts["households"], 0) if "households" in counts else None
        # Rice: rounds (three a year unless counted), each reaching a slice of a pool of households.
        rice_pool = shared_households or households(max(RICE_HOUSEHOLDS, counts["rice"] // RICE_LINES_A_HOUSEHOLD), 0)
        rounds = copier.copy(
            m.RiceReliefRound,
            (
                {
                    "code": f"bench-{round_year}-{n}",
                    "year": round_year,
                    "occasion": "tet",
                    "area_id": province.pk,
                    "distribution_date": datetime.date(round_year, 2 + 4 * (n % ROUNDS_A_YEAR), 1),
                    "months": 1,
                    "kg_allocated": Decimal(10**9),
                }
                for n in range(counts.get("rounds", len(YEARS) * ROUNDS_A_YEAR))
                for round_year in [YEARS[n // ROUNDS_A_YEAR % len(YEARS)]]
            ),
        )
        per_round = -(-counts["rice"] // len(rounds))
        copier.copy(
            m.RiceReliefLine,
            (
                {
                    "round_id": round_id,
                    "household_id": rice_pool[(r * per_round + n) % len(rice_pool)],
                    "commune_id": commune((r * per_round + n) % len(rice_pool)),
                    "persons": 1 + (r * per_round + n) % len(rice_pool) % 7,
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
            people_of("longevity", lambda n: year(n) - milestones[n % len(milestones)]),
            milestone=lambda n: milestones[n % len(milestones)],
        )
        entries(m.ElderlyVisit, "person_id", people_of("visits", lambda n: 1940), visited_on=on(10, 5))
        entries(
            m.FuneralAllowance,
            "deceased_id",
            people_of("funeral", lambda n: 1940),
            category="meritorious",
            date_of_death=on(3, 1),
            recipient_name="Nông Thị Thử",
            amount_vnd=Decimal(18_000_000),
        )
        entries(
            m.WorshipAllowance,
            "worshipper_id",
            people_of("worship", lambda n: 1960),
            martyr_name=lambda n: f"Liệt sĩ {n}",
            martyr_record=lambda n: f"BENCH-{n}",
            yearly_amount_vnd=Decimal(1_800_000),
            valid_from=on(1, 1),
        )
        housing = shared_households or households(counts["housing"], len(rice_pool))
        entries(
            m.HousingSupport,
            "household_id",
            [housing[number % len(housing)] for number in range(counts["housing"])],
            funding_source="sponsor",
            sponsor="Nhà tài trợ",
            amount_vnd=Decimal(50_000_000),
        )
        entries(
            m.MedicalReferral,
            "person_id",
            people_of("referrals", lambda n: 1975),
            referred_on=on(5, 1),
            condition="Giám định",
        )
        decisions = copier.copy(
            m.Decision,
            (
                {"number": f"{n}/BENCH", "date": datetime.date(year(n), 1, 2), "issuer": "Sở"}
                for n in range(counts.get("decisions", len(YEARS)))
            ),
        )
        entries(
            m.RecordAmendment,
            "person_id",
            people_of("amendments", lambda n: 1950),
            decision_id=lambda n: decisions[n % len(decisions)],
            change="Sửa năm sinh",
        )
        entries(m.AdmissionDossier, "person_id", people_of("dossiers", lambda n: 1950), received_on=on(4, 1))
        copier.copy(
            m.TrainingClass,
            (
                {
                    "title": f"Lớp tập huấn {n}",
                    "year": year(n),
                    "area_id": commune(n),
                    "level": "commune",
                    "starts_on": on(9, 9)(n),
                    "ends_on": on(9, 11)(n),
                    "place": "Thành phố Bắc Kạn",
                    "participants": 30,
                }
                for n in range(counts.get("training", 0))
            ),
        )
        # Every indicator in every unit, from 2100 back: years the demo's figures leave free.
        units = list(AdminUnit.objects.values_list("pk", flat=True))
        indicators = list(Indicator.objects.values_list("pk", flat=True))
        combinations = itertools.product(range(2100, 1999, -1), indicators, units)
        copier.copy(
            IndicatorValue,
            (
                {"year": value_year, "indicator_id": indicator, "area_id": unit, "actual": Decimal(1234)}
                for value_year, indicator, unit in itertools.islice(combinations, counts.get("indicator_values", 0))
            ),
        )
    copier.finish()
    print(f"wrote {sum(counts.values()):,} rows in {time.perf_counter() - started:.1f} s")
