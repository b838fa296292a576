import datetime
import shutil
import tempfile
from decimal import Decimal
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase

from imports.models import ImportLog
from indicators.models import IndicatorValue
from tests.factories import make_csv_bytes, make_district, make_indicator, make_province, make_value

HEADER = ["indicator_code", "year", "area_code", "plan", "actual", "note"]


class ImportDataCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.district = make_district(parent=cls.province)
        cls.jobs = make_indicator()
        make_value(indicator=cls.jobs, area=cls.province, plan=6400, actual=7000)

    def setUp(self):
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder)
        self.folder = Path(folder)

    def file(self, *rows, name="chi-tieu.csv"):
        path = self.folder / name
        path.write_bytes(make_csv_bytes([HEADER, *rows]))
        return str(path)

    def run_command(self, *args):
        out, err = StringIO(), StringIO()
        call_command("import_data", *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def test_list_names_the_kinds(self):
        out, _err = self.run_command("--list")
        self.assertIn("indicator_values: số liệu chỉ tiêu — Mã chỉ tiêu (indicator_code), Năm (year)", out)

    def test_a_good_file_is_imported_and_counted(self):
        out, _err = self.run_command("indicator_values", self.file(["jobs_created", "2024", "060", "10", "12", ""]))
        self.assertIn("Đã nhập: 1 dòng mới, 0 dòng thay đổi, 0 dòng không đổi.", out)
        self.assertEqual(IndicatorValue.objects.get(area=self.district).actual, Decimal(12))
        log = ImportLog.objects.get()
        self.assertEqual((log.source, log.outcome, log.file_name), ("command", "imported", "chi-tieu.csv"))

    def test_a_bad_file_prints_every_problem_exits_non_zero_and_writes_nothing(self):
        path = self.file(["jobs_created", "2024", "060", "1.5", "12", ""], ["jobs_created", "2024", "06", "", "-1", ""])
        failed = self.folder / "loi.csv"
        with self.assertRaises(CommandError) as raised:
            self.run_command("indicator_values", path, "--failed-rows", str(failed))
        self.assertEqual(raised.exception.returncode, 1)
        self.assertEqual(str(raised.exception), "Không ghi dữ liệu nào: có 2 lỗi.")
        self.assertEqual(IndicatorValue.objects.count(), 1)
        self.assertEqual(IndicatorValue.objects.get().actual, Decimal(7000))
        self.assertIn("Lỗi", failed.read_text(encoding="utf-8-sig").splitlines()[0])

    def test_the_problems_go_to_stderr(self):
        path = self.file(["jobs_created", "2024", "060", "1.5", "12", ""])
        err = StringIO()
        with self.assertRaises(CommandError):
            call_command("import_data", "indicator_values", path, stdout=StringIO(), stderr=err)
        self.assertIn("Dòng 2, cột “plan”: “1.5” không rõ nghĩa", err.getvalue())

    def test_a_dry_run_writes_nothing(self):
        out, _err = self.run_command(
            "indicator_values", self.file(["jobs_created", "2024", "060", "10", "12", ""]), "--dry-run"
        )
        self.assertIn("Đã kiểm tra, chưa ghi dữ liệu (chạy thử): 1 dòng mới", out)
        self.assertEqual(IndicatorValue.objects.count(), 1)

    def test_an_unknown_kind_is_refused_with_the_list(self):
        with self.assertRaisesMessage(
            CommandError, "Không có loại tệp “chi_tieu”; các loại tệp là: admission_dossiers,"
        ):
            self.run_command("chi_tieu", self.file())

    def test_a_second_import_of_the_same_file_warns(self):
        path = self.file(["jobs_created", "2024", "060", "10", "12", ""])
        self.run_command("indicator_values", path)
        out, err = self.run_command("indicator_values", path)
        self.assertIn("Tệp này đã được nhập ngày", err)
        self.assertIn("0 dòng mới, 0 dòng thay đổi, 1 dòng không đổi", out)

    def test_the_warning_gives_the_earlier_imports_local_time(self):
        path = self.file(["jobs_created", "2024", "060", "10", "12", ""])
        self.run_command("indicator_values", path)
        ImportLog.objects.update(started_at=datetime.datetime(2026, 12, 1, 13, 10, tzinfo=datetime.UTC))
        _out, err = self.run_command("indicator_values", path)
        self.assertIn("Tệp này đã được nhập ngày 01/12/2026 20:10", err)

    def test_export_then_import_changes_nothing(self):
        make_value(indicator=self.jobs, area=self.district, plan="1234.5", actual=None, note="=1+2")
        for name in ("chi-tieu.csv", "chi-tieu.xlsx"):
            with self.subTest(name=name):
                path = str(self.folder / name)
                out = StringIO()
                call_command("export_data", "indicator_values", path, stdout=out)
                self.assertIn("Đã ghi 2 dòng", out.getvalue())
                out, _err = self.run_command("indicator_values", path)
                self.assertIn("0 dòng mới, 0 dòng thay đổi, 2 dòng không đổi", out)
