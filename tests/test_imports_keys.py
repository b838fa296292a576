"""Rows are matched on a key the model itself holds unique (the system check imports.E001), so a
row can only change its own record."""

import datetime
from unittest import mock

from django.core import checks
from django.test import TestCase

from beneficiaries.models import LongevityGift, WorshipAllowance
from imports.kinds import Column, Kind, all_kinds, get_kind
from imports.process import run_import
from tests.factories import (
    make_citizen_id,
    make_csv_bytes,
    make_longevity_gift,
    make_person,
)


class AKindKeyedOnWhatTheModelDoesNotHoldUnique(Kind):
    """A worship allowance matched on the martyr alone: the model allows a martyr several
    allowances (one current at a time), so such a key would rewrite another one."""

    name = "wrongly_keyed_worship_allowances"
    model = WorshipAllowance
    key = ("martyr_record",)
    columns = (Column("martyr_record", "Số hồ sơ liệt sĩ"),)


def key_errors():
    return [message for message in checks.run_checks() if message.id == "imports.E001"]


class KeyCheckTests(TestCase):
    def test_every_shipped_kind_is_keyed_on_a_unique_constraint_of_its_model_or_says_how_it_matches(self):
        self.assertEqual(key_errors(), [])
        own = [kind.name for kind in all_kinds() if kind.matched_by]
        self.assertEqual(own, ["people"])

    def test_a_kind_keyed_on_fields_the_model_does_not_hold_unique_is_an_error(self):
        wrong = AKindKeyedOnWhatTheModelDoesNotHoldUnique()
        with mock.patch.dict("imports.kinds._REGISTRY", {wrong.name: wrong}):
            errors = key_errors()
        self.assertEqual([error.obj for error in errors], [AKindKeyedOnWhatTheModelDoesNotHoldUnique])
        self.assertIn("martyr_record", errors[0].msg)
        self.assertEqual(errors[0].level, checks.ERROR)

    def test_a_kind_that_says_how_it_matches_is_accepted(self):
        wrong = AKindKeyedOnWhatTheModelDoesNotHoldUnique()
        wrong.matched_by = "the martyr's record number (a test)"
        with mock.patch.dict("imports.kinds._REGISTRY", {wrong.name: wrong}):
            self.assertEqual(key_errors(), [])


GIFT_HEADER = [column.header for column in get_kind("longevity_gifts").export_columns]


class OverHundredGiftTests(TestCase):
    def test_importing_this_years_over_100_gift_adds_it_and_leaves_last_years_alone(self):
        citizen_id = make_citizen_id(female=True, birth_year=1920, province="006")
        person = make_person(full_name="Hoàng Thị Mai", gender="female", birth_year=1920, citizen_id=citizen_id)
        last_year = make_longevity_gift(person=person, year=2023, milestone=101, gift_date=datetime.date(2023, 6, 6))
        row = {
            "Năm": "2024",
            "Mã xã": person.commune.code,
            "Họ và tên": "Hoàng Thị Mai",
            "Giới tính": "Nữ",
            "Năm sinh": "1920",
            "Số CCCD": citizen_id,
            "Mốc tuổi": "Trên 100",
            "Tiền mặt (đồng)": "700.000",
            "Ngày tặng": "06/06/2024",
        }
        log, result = run_import(
            get_kind("longevity_gifts"),
            make_csv_bytes([GIFT_HEADER, [row.get(name, "") for name in GIFT_HEADER]]),
            "tren-100.csv",
        )
        self.assertEqual([str(problem) for problem in result.problems], [])
        self.assertEqual((log.outcome, log.created, log.changed), ("imported", 1, 0))
        self.assertEqual(
            sorted(LongevityGift.objects.filter(person=person).values_list("year", "gift_date")),
            [(2023, datetime.date(2023, 6, 6)), (2024, datetime.date(2024, 6, 6))],
        )
        last_year.refresh_from_db()
        self.assertEqual((last_year.year, last_year.cash_vnd), (2023, 500_000))
