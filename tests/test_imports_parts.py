"""A big file is checked in parts, and on PostgreSQL written part by part while the rest is
checked: the outcome must be that of the whole file at once, and a problem anywhere must leave
nothing written. Parts of two rows here, so that a few rows make several parts."""

from unittest import mock, skipUnless

from django.db import OperationalError, connection, connections
from django.test import TestCase, TransactionTestCase

from beneficiaries.models import LongevityGift, Person
from imports.kinds import get_kind
from imports.models import ImportLog
from imports.process import run_import
from tests.factories import default_commune, make_approved_year, make_citizen_id, make_csv_bytes, make_person
from tests.test_beneficiaries_imports import GIFT_HEADER, gift_row

small_parts = mock.patch("imports.checking.PART_ROWS", 2)


def person_cells(serial, *, birth_year=1934, milestone="90"):
    return {
        "Họ và tên": f"Người Số {serial}",
        "Năm sinh": str(birth_year),
        "Số CCCD": make_citizen_id(female=True, birth_year=birth_year, province="006", serial=serial),
        "Mốc tuổi": milestone,
    }


def import_gifts(*rows):
    return run_import(get_kind("longevity_gifts"), make_csv_bytes([GIFT_HEADER, *rows]), "qua-mung-tho.csv")


class PartsAgreeWithTheWholeFile:
    """Run both where the parts are written at the end (a test transaction: the sequential
    write) and where each is written while the next is checked (PostgreSQL, no transaction)."""

    def test_a_row_repeating_one_of_an_earlier_part_is_refused(self):
        rows = [gift_row(**person_cells(serial)) for serial in (1, 2, 3)] + [gift_row(**person_cells(1))]
        log, result = import_gifts(*rows)
        self.assertEqual(len(result.problems), 1)
        self.assertTrue(str(result.problems[0]).startswith("Dòng 5: Dòng này trùng với dòng 2 (cùng “Họ và tên”"))
        self.assertEqual((log.outcome, Person.objects.count(), LongevityGift.objects.count()), ("rejected", 0, 0))

    def test_a_person_named_in_two_parts_is_added_once(self):
        earlier_gift = {**person_cells(1), "Năm": "2019", "Mốc tuổi": "85", "Ngày tặng": "06/06/2019"}
        rows = [gift_row(**person_cells(serial)) for serial in (1, 2, 3)] + [gift_row(**earlier_gift)]
        log, result = import_gifts(*rows)
        self.assertEqual(log.outcome, "imported", result.problems)
        self.assertEqual(result.notes, ["3 người chưa có trong danh sách sẽ được thêm vào danh sách người."])
        self.assertEqual((Person.objects.count(), LongevityGift.objects.count()), (3, 4))
        self.assertEqual(LongevityGift.objects.filter(person__citizen_id=person_cells(1)["Số CCCD"]).count(), 2)


@small_parts
class FileInPartsTests(PartsAgreeWithTheWholeFile, TestCase):
    @classmethod
    def setUpTestData(cls):
        default_commune()


@skipUnless(connection.vendor == "postgresql", "written while checked on PostgreSQL only")
@small_parts
class WrittenWhileCheckedTests(PartsAgreeWithTheWholeFile, TransactionTestCase):
    """Outside a test transaction, as the command and the admin run: each part goes to a
    connection of its own while the next is checked."""

    def setUp(self):
        default_commune()

    def test_a_good_file_is_written_whole_with_its_history_named_by_the_import(self):
        log, result = import_gifts(*[gift_row(**person_cells(serial)) for serial in range(1, 8)])
        self.assertEqual((log.outcome, len(result.new)), ("imported", 7))
        self.assertEqual((Person.objects.count(), LongevityGift.objects.count()), (7, 7))
        history = LongevityGift.history.all()
        self.assertEqual(history.count(), 7)
        self.assertEqual({(row.import_log_id, row.change_source) for row in history}, {(log.pk, "import")})

    def test_a_problem_in_the_last_part_leaves_the_earlier_parts_unwritten(self):
        rows = [gift_row(**person_cells(serial)) for serial in range(1, 7)]
        rows.append(gift_row(**{**person_cells(7), "Tiền mặt (đồng)": "-5"}))
        log, result = import_gifts(*rows)
        self.assertEqual(log.outcome, "rejected")
        self.assertEqual(len(result.problems), 1)
        self.assertIn("Dòng 8", str(result.problems[0]))
        self.assertEqual((Person.objects.count(), LongevityGift.objects.count(), Person.history.count()), (0, 0, 0))

    def test_a_part_the_database_refuses_rolls_back_the_parts_before_it(self):
        # Someone adds the person of row 6 after the check looked: the database's unique
        # citizen ID stops that part, and the parts already written go too.
        taken = person_cells(5)
        make_person(full_name=taken["Họ và tên"], birth_year=1934, gender="female", citizen_id=taken["Số CCCD"])
        rows = [gift_row(**person_cells(serial)) for serial in range(1, 7)]
        with mock.patch("beneficiaries.import_lookups.PersonOfRow._stored", return_value=({}, {})):
            log, result = import_gifts(*rows)
        self.assertEqual(log.outcome, "failed")
        self.assertIn("Cơ sở dữ liệu từ chối tệp nên không ghi dữ liệu nào", str(result.problems[-1]))
        self.assertEqual((Person.objects.count(), LongevityGift.objects.count()), (1, 0))
        self.assertEqual(ImportLog.objects.get().outcome, "failed")

    def test_a_year_approved_after_the_check_stops_the_write(self):
        # The check found the year open; the approval lands before the rows are made ready.
        make_approved_year(area=default_commune())
        rows = [gift_row(**person_cells(serial)) for serial in range(1, 6)]
        with mock.patch("imports.checking.refuse_writes"):
            log, result = import_gifts(*rows)
        self.assertEqual(log.outcome, "failed")
        self.assertIn("nên đã bị khóa", str(result.problems[-1]))
        self.assertEqual((Person.objects.count(), LongevityGift.objects.count()), (0, 0))

    def test_a_commit_the_database_refuses_is_reported_and_writes_nothing(self):
        rows = [gift_row(**person_cells(serial)) for serial in range(1, 6)]
        refused = OperationalError("the server closed the connection")
        with mock.patch.object(type(connections["default"]), "_commit", side_effect=refused):
            log, result = import_gifts(*rows)
        self.assertEqual(log.outcome, "failed")
        # The database's own words go to the server log only (they may quote a row).
        self.assertEqual(str(result.problems[-1]), "Không ghi dữ liệu nào: cơ sở dữ liệu báo lỗi.")
        self.assertEqual((Person.objects.count(), LongevityGift.objects.count()), (0, 0))
