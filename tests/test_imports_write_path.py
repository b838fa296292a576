"""A kind says how it is written (Kind.written_while_checked): a kind whose before_write needs
every row of the file and still let its parts be written while it is checked would be written
without its before_write; the system check imports.E002 refuses it. What completes the records
before they are written, the kind's or the caller's, runs in the write's transaction."""

from unittest import mock

from django.core import checks
from django.core.exceptions import ValidationError
from django.test import SimpleTestCase, TestCase

from beneficiaries.models import Decision, WorshipAllowance
from imports.kinds import Column, Kind, get_kind
from imports.models import ImportLog
from imports.process import run_import
from tests.factories import make_csv_bytes, make_decision


class AKindWithABeforeWrite(Kind):
    name = "worship_allowances_with_a_lock"
    model = WorshipAllowance
    key = ("martyr_record", "valid_from")
    columns = (Column("martyr_record", "Số hồ sơ liệt sĩ"), Column("valid_from", "Hưởng từ ngày"))

    def before_write(self, result):
        """A lock over the file's martyrs, knowing them all."""


def write_path_errors():
    return [message for message in checks.run_checks() if message.id == "imports.E002"]


class WritePathCheckTests(SimpleTestCase):
    def test_every_shipped_kind_says_how_it_is_written(self):
        self.assertEqual(write_path_errors(), [])

    def test_a_kind_with_a_before_write_written_while_checked_is_an_error(self):
        kind = AKindWithABeforeWrite()
        with mock.patch.dict("imports.kinds._REGISTRY", {kind.name: kind}):
            errors = write_path_errors()
        self.assertEqual([error.obj for error in errors], [AKindWithABeforeWrite])
        self.assertEqual(errors[0].level, checks.ERROR)

    def test_a_kind_with_a_before_write_that_is_written_after_the_check_is_accepted(self):
        kind = AKindWithABeforeWrite()
        kind.written_while_checked = False
        with mock.patch.dict("imports.kinds._REGISTRY", {kind.name: kind}):
            self.assertEqual(write_path_errors(), [])


class CallersBeforeWriteTests(TestCase):
    def test_what_the_callers_before_write_wrote_goes_when_the_write_fails(self):
        def before_write(result):
            make_decision(number="99/QĐ-UBND")
            raise ValidationError("Tệp thiếu phần bổ sung.")

        data = make_csv_bytes([["Số quyết định", "Ngày ký", "Cơ quan ban hành"], ["1/QĐ-UBND", "15/03/2024", "UBND"]])
        log, result = run_import(get_kind("decisions"), data, "qd.csv", before_write=before_write)
        self.assertEqual(log.outcome, ImportLog.Outcome.FAILED)
        self.assertFalse(result.ok)
        self.assertFalse(Decision.objects.exists())
