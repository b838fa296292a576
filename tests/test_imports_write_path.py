"""A kind says how it is written (Kind.written_while_checked): a kind whose before_write needs
every row of the file and still let its parts be written while it is checked would be written
without its before_write; the system check imports.E002 refuses it."""

from unittest import mock

from django.core import checks
from django.test import SimpleTestCase

from beneficiaries.models import WorshipAllowance
from imports.kinds import Column, Kind


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
