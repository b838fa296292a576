"""Properties of the whole import: export then import changes nothing, and a file that fails
writes nothing, whatever the data."""

import io
import unicodedata
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from imports.exporting import export_records
from imports.kinds import get_kind
from imports.process import run_import
from indicators.models import IndicatorValue
from tests.factories import make_csv_bytes, make_district, make_indicator, make_province

KIND = "indicator_values"
FIGURES = st.none() | st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2)
# What a file's note cell may hold; a stored note holds no format character (Cf): the records take
# them out, or refuse a direction control, on every write (bkxh.records.clean_texts).
FILE_NOTES = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\ufeff") | st.just("\n"),
    max_size=30,
).map(lambda text: unicodedata.normalize("NFC", text).strip())
NOTES = FILE_NOTES.filter(lambda text: not any(unicodedata.category(character) == "Cf" for character in text))
HEADER = ["indicator_code", "year", "area_code", "plan", "actual", "note"]


class ImportPropertyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        province = make_province()
        cls.areas = [province, make_district(parent=province), make_district(parent=province, code="061")]
        cls.indicators = [
            make_indicator(),
            make_indicator(code="si_voluntary", name="BHXH tự nguyện"),
            make_indicator(code="vocational_college", name="Cao đẳng", has_plan=False),
        ]

    def snapshot(self):
        return sorted(
            IndicatorValue.objects.values_list("indicator_id", "year", "area_id", "plan", "actual", "note", "status")
        )

    def store(self, entries):
        values = []
        for (indicator, area, year), (plan, actual, note) in entries.items():
            indicator = self.indicators[indicator]
            values.append(
                IndicatorValue(
                    indicator=indicator,
                    area=self.areas[area],
                    year=year,
                    plan=plan if indicator.has_plan else None,
                    actual=actual,
                    note=note,
                )
            )
        IndicatorValue.objects.bulk_create(values)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        entries=st.dictionaries(
            st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(2020, 2024)),
            st.tuples(FIGURES, FIGURES, NOTES),
            min_size=1,
            max_size=12,
        ),
        file_format=st.sampled_from(["csv", "xlsx"]),
    )
    def test_export_then_import_is_the_identity(self, entries, file_format):
        self.store(entries)
        before = self.snapshot()
        kind = get_kind(KIND)
        handle = io.BytesIO()
        export_records(kind, kind.queryset(), file_format, handle)
        log, result = run_import(kind, handle.getvalue(), f"export.{file_format}")
        self.assertEqual([str(problem) for problem in result.problems], [])
        self.assertEqual((log.created, log.changed, log.unchanged), (0, 0, len(entries)))
        self.assertEqual(self.snapshot(), before)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        stored=st.dictionaries(
            st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(2020, 2024)),
            st.tuples(FIGURES, FIGURES, NOTES),
            max_size=5,
        ),
        rows=st.lists(
            st.tuples(
                st.sampled_from(["jobs_created", "si_voluntary", "vocational_college", "nope", ""]),
                st.sampled_from(["2023", "2024", "1999", "20x4", ""]),
                st.sampled_from(["06", "060", "061", "6", "99999", ""]),
                st.sampled_from(["", "7.000", "1.234,5", "-1", "1.5", "abc"]) | st.text(max_size=6),
                st.sampled_from(["", "7000", "12,5", "7,000", "0"]) | st.text(max_size=6),
                FILE_NOTES,
            ),
            min_size=1,
            max_size=8,
        ),
    )
    def test_a_file_that_fails_writes_nothing(self, stored, rows):
        self.store(stored)
        before = self.snapshot()
        log, result = run_import(get_kind(KIND), make_csv_bytes([HEADER, *map(list, rows)]), "chi-tieu.csv")
        if result.problems:
            self.assertEqual(self.snapshot(), before)
            self.assertEqual(log.outcome, "rejected")
        else:
            self.assertEqual(len(self.snapshot()), len(before) + log.created)
