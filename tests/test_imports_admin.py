import datetime
import io
import shutil
import tempfile
from decimal import Decimal
from io import StringIO
from unittest import mock

from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone
from openpyxl import load_workbook

from accounts.roles import CLERK, VIEWER
from imports import storage
from imports.models import ImportLog
from indicators.models import IndicatorValue
from tests.factories import (
    export_list,
    make_approved_year,
    make_csv_bytes,
    make_district,
    make_indicator,
    make_province,
    make_role_user,
    make_staff_user,
    make_superuser,
    make_value,
)

CHANGELIST = "/admin/indicators/indicatorvalue/"
IMPORT = CHANGELIST + "import/"
HEADER = ["Mã chỉ tiêu", "Năm", "Mã địa bàn", "Kế hoạch", "Thực hiện", "Ghi chú"]


def kept_uploads():
    """The uploads kept, in whichever storage BKXH_FILE_STORAGE chose."""
    try:
        return storages["private"].listdir(storage.FOLDER)[1]
    except FileNotFoundError:  # the private folder, before anything was kept in it
        return []


class PrivateFolderMixin:
    """Each test keeps uploads in a folder of its own, removed afterwards."""

    def setUp(self):
        super().setUp()
        self.private = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.private, ignore_errors=True)
        settings_override = override_settings(BKXH_PRIVATE_ROOT=self.private)
        settings_override.enable()
        self.addCleanup(settings_override.disable)

    def kept_files(self):
        return kept_uploads()

    def a_day_and_more_later(self):
        return mock.patch("django.utils.timezone.now", return_value=timezone.now() + datetime.timedelta(days=2))


class ImportAdminTests(PrivateFolderMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.district = make_district(parent=cls.province)
        cls.jobs = make_indicator()
        cls.stored = make_value(indicator=cls.jobs, area=cls.province, plan=6400, actual=7000)
        cls.user = make_superuser()

    def setUp(self):
        super().setUp()
        self.client.force_login(self.user)

    def upload(self, data, name="chi-tieu.csv"):
        return self.client.post(IMPORT, {"file": SimpleUploadedFile(name, data)})

    def good_file(self):
        return make_csv_bytes(
            [
                HEADER,
                ["jobs_created", "2024", "06", "6.400", "7.100", ""],
                ["jobs_created", "2024", "060", "", "55", ""],
            ]
        )

    def test_the_log_of_an_import_writes_its_size_encoding_and_time_as_the_preview_does(self):
        self.upload(self.good_file())
        log = ImportLog.objects.get()
        page = self.client.get(f"/admin/imports/importlog/{log.pk}/change/")
        self.assertContains(page, "UTF-8 (BOM)")
        self.assertContains(page, "dấu phẩy (,)")
        self.assertContains(page, f"{log.file_size} byte")
        self.assertNotContains(page, "utf-8-sig")
        self.assertContains(page, f"({timezone.localtime(log.started_at):%d/%m/%Y %H:%M})")

    def confirm(self, log, **extra):
        return self.client.post(f"{IMPORT}{log.pk}/confirm/", {"confirm": "1", **extra}, follow=True)

    def test_the_changelist_offers_import_and_export(self):
        response = self.client.get(CHANGELIST)
        self.assertContains(response, 'href="/admin/indicators/indicatorvalue/import/"')
        self.assertContains(response, f'<form method="post" action="{CHANGELIST}export/" class="export-form">')
        self.assertContains(response, "Xuất ra CSV")

    def test_the_preview_shows_counts_and_changed_values_and_writes_nothing(self):
        response = self.upload(self.good_file())
        self.assertContains(response, '<td class="new-count">1</td>', html=True)
        self.assertContains(response, '<td class="changed-count">1</td>', html=True)
        self.assertContains(response, "<td>7.000</td><td>7.100</td>", html=True)
        self.assertContains(response, "bảng mã UTF-8 (BOM); dấu phân cách dấu phẩy (,)")
        self.assertEqual(IndicatorValue.objects.count(), 1)
        self.assertEqual(ImportLog.objects.get().outcome, ImportLog.Outcome.PREVIEWED)
        self.assertEqual(len(self.kept_files()), 1)

    def test_confirming_writes_the_file_and_says_what_it_did(self):
        self.upload(self.good_file())
        log = ImportLog.objects.get()
        response = self.confirm(log)
        self.assertRedirects(response, CHANGELIST)
        self.assertContains(response, "Đã nhập tệp chi-tieu.csv: 1 dòng mới, 1 dòng thay đổi, 0 dòng không đổi.")
        self.stored.refresh_from_db()
        self.assertEqual(self.stored.actual, Decimal(7100))
        self.assertEqual(IndicatorValue.objects.get(area=self.district).actual, Decimal(55))
        log.refresh_from_db()
        self.assertEqual((log.outcome, log.created, log.changed), (ImportLog.Outcome.IMPORTED, 1, 1))
        self.assertEqual(self.kept_files(), [])

    def test_a_confirmation_that_fails_the_second_check_writes_nothing_and_says_so(self):
        self.upload(self.good_file())
        self.jobs.has_plan = False
        self.jobs.save()
        response = self.confirm(ImportLog.objects.get())
        self.assertContains(response, "Không ghi dữ liệu nào: khi kiểm tra lại, tệp có các lỗi dưới đây.")
        self.assertContains(
            response, "Dòng 2, cột “Kế hoạch”: Chỉ tiêu này không có kế hoạch; hãy để trống ô kế hoạch."
        )
        self.assertNotContains(response, "Đã nhập")
        self.stored.refresh_from_db()
        self.assertEqual(self.stored.actual, Decimal(7000))
        self.assertEqual(IndicatorValue.objects.count(), 1)
        self.assertEqual(ImportLog.objects.get().outcome, ImportLog.Outcome.FAILED)

    def test_an_upload_is_confirmed_once_only(self):
        self.upload(self.good_file())
        log = ImportLog.objects.get()
        self.confirm(log)
        response = self.confirm(log)
        self.assertContains(response, "Lần tải lên này đã được xác nhận hoặc đã hủy; hãy tải tệp lên lại.")

    def test_cancelling_removes_the_kept_file_and_writes_nothing(self):
        self.upload(self.good_file())
        log = ImportLog.objects.get()
        response = self.client.post(f"{IMPORT}{log.pk}/confirm/", {"cancel": "1"}, follow=True)
        self.assertContains(response, "Đã hủy nhập; không ghi dữ liệu nào.")
        self.assertEqual(self.kept_files(), [])
        self.assertEqual(IndicatorValue.objects.count(), 1)

    def test_another_user_cannot_confirm_someone_elses_upload(self):
        self.upload(self.good_file())
        self.client.force_login(make_superuser(username="other"))
        response = self.client.post(f"{IMPORT}{ImportLog.objects.get().pk}/confirm/", {"confirm": "1"})
        self.assertEqual(response.status_code, 403)

    def test_a_bad_file_lists_its_problems_offers_the_failed_rows_and_no_confirmation(self):
        data = make_csv_bytes(
            [HEADER, ["jobs_created", "2024", "06", "6.4", "7000", ""], ["jobs_created", "2024", "060", "", "5", ""]]
        )
        response = self.upload(data)
        self.assertContains(response, "Tệp có 1 lỗi. Không ghi dữ liệu nào.")
        self.assertContains(response, "Dòng 2, cột “Kế hoạch”: “6.4” không rõ nghĩa")
        self.assertNotContains(response, "Xác nhận nhập dữ liệu")
        log = ImportLog.objects.get()
        self.assertEqual(log.outcome, ImportLog.Outcome.REJECTED)
        failed = self.client.get(f"{IMPORT}{log.pk}/failed-rows/")
        self.assertEqual(failed["Content-Disposition"], 'attachment; filename="chi-tieu-loi.csv"')
        self.upload(data, name="số liệu.csv")
        failed = self.client.get(f"{IMPORT}{ImportLog.objects.latest('pk').pk}/failed-rows/")
        self.assertEqual(
            failed["Content-Disposition"],
            "attachment; filename*=utf-8''s%E1%BB%91%20li%E1%BB%87u-loi.csv",
        )
        lines = failed.content.decode("utf-8-sig").splitlines()
        self.assertEqual(lines[0], "Mã chỉ tiêu,Năm,Mã địa bàn,Kế hoạch,Thực hiện,Ghi chú,Lỗi")
        self.assertEqual(len(lines), 2)
        self.assertIn("jobs_created,2024,06,6.4,7000,,", lines[1])
        self.assertIn("Dòng 2, cột “Kế hoạch”", lines[1])

    def test_a_corrected_file_of_failed_rows_imports_as_it_is(self):
        self.upload(make_csv_bytes([HEADER, ["jobs_created", "2024", "06", "6.4", "7000", ""]]))
        failed = self.client.get(f"{IMPORT}{ImportLog.objects.get().pk}/failed-rows/").content
        corrected = failed.replace(b"6.4", b"6.500")
        self.assertContains(self.upload(corrected), '<td class="changed-count">1</td>', html=True)

    def test_a_file_imported_before_is_pointed_out(self):
        self.upload(self.good_file())
        self.confirm(ImportLog.objects.get())
        response = self.upload(self.good_file())
        self.assertContains(response, "Tệp này đã được admin nhập ngày")
        self.assertContains(response, '<td class="unchanged-count">2</td>', html=True)

    def test_the_preview_of_a_long_file_shows_a_sample(self):
        rows = [[f"x{number}", "2024", "06", "", "1", ""] for number in range(300)]
        for number in range(300):
            make_indicator(code=f"x{number}", name=f"Chỉ tiêu {number}", has_plan=False)
        response = self.upload(make_csv_bytes([HEADER, *rows]))
        self.assertContains(response, '<td class="new-count">300</td>', html=True)
        self.assertContains(response, "… và 280 dòng mới khác.")

    def test_an_oversized_upload_is_refused_by_the_form(self):
        with override_settings(BKXH_IMPORT_MAX_BYTES=10):
            response = self.upload(self.good_file())
        self.assertContains(response, "vượt giới hạn 10 byte")
        self.assertEqual(ImportLog.objects.count(), 0)

    def test_the_template_has_the_header_an_example_and_the_valid_codes(self):
        response = self.client.get(IMPORT + "template/")
        workbook = load_workbook(io.BytesIO(response.content))
        self.assertEqual(workbook.sheetnames, ["Dữ liệu", "Mã chỉ tiêu", "Mã địa bàn"])
        data = workbook["Dữ liệu"]
        self.assertEqual([cell.value for cell in data[1]], HEADER)
        self.assertEqual([cell.value for cell in data[2]][:3], ["jobs_created", 2024, "060"])
        self.assertIn(
            ["jobs_created", "jobs_created – Giải quyết việc làm"],
            [[c.value for c in row] for row in workbook["Mã chỉ tiêu"]],
        )
        self.assertIn(
            ["060", "Huyện Pác Nặm (… – 30/06/2025)"], [[c.value for c in row] for row in workbook["Mã địa bàn"]]
        )

    def test_the_import_log_lists_every_upload(self):
        self.upload(self.good_file())
        response = self.client.get("/admin/imports/importlog/")
        self.assertContains(response, "chi-tieu.csv")
        self.assertContains(response, "đã kiểm tra, chờ xác nhận")

    def test_files_kept_for_more_than_a_day_are_removed(self):
        self.upload(self.good_file())
        out = StringIO()
        with self.a_day_and_more_later():
            call_command("clean_import_files", stdout=out)
        self.assertEqual(self.kept_files(), [])
        self.assertIn("Đã xóa 1 tệp đang giữ; 1 lần kiểm tra không được xác nhận được ghi là quá hạn.", out.getvalue())

    def test_a_preview_never_confirmed_says_so_in_the_log_once_its_file_is_removed(self):
        self.upload(self.good_file())
        log = ImportLog.objects.get()
        with self.a_day_and_more_later():
            call_command("clean_import_files", stdout=StringIO())
        log.refresh_from_db()
        self.assertEqual((log.outcome, log.stored_file), (ImportLog.Outcome.EXPIRED, ""))
        self.assertIsNotNone(log.finished_at)
        response = self.client.get("/admin/imports/importlog/")
        self.assertContains(response, '<td class="field-outcome">quá một ngày không xác nhận, không nhập gì</td>')


class ExportAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.jobs = make_indicator()
        make_value(indicator=cls.jobs, area=cls.province, plan=6400, actual="7000.5", note="=HYPERLINK(1)")
        make_value(indicator=cls.jobs, area=cls.province, year=2023, plan=6000, actual=6100, note="-")
        cls.user = make_superuser()

    def setUp(self):
        self.client.force_login(self.user)

    def test_the_csv_export_follows_the_filters_and_is_safe_to_open(self):
        response = export_list(self.client, CHANGELIST, {"year": "2024"})
        self.assertTrue(response.content.startswith(b"\xef\xbb\xbf"))
        self.assertEqual(
            response.content.decode("utf-8-sig").splitlines(),
            [
                "Mã chỉ tiêu,Năm,Mã địa bàn,Kế hoạch,Thực hiện,Ghi chú",
                'jobs_created,2024,06,6.400,"7.000,5",\'=HYPERLINK(1)',
            ],
        )

    def test_the_xlsx_export_keeps_numbers_as_numbers_and_text_as_text(self):
        response = export_list(self.client, CHANGELIST, file_format="xlsx")
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        self.assertEqual(rows[1], ["jobs_created", 2024, "06", 6400, 7000.5, "=HYPERLINK(1)"])
        self.assertEqual(sheet["F2"].data_type, "s")
        self.assertEqual(rows[2][5], "-")


class PermissionTests(PrivateFolderMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        make_province()
        make_indicator()

    def test_a_view_only_user_can_neither_import_nor_export(self):
        self.client.force_login(make_staff_user(permissions=["view_indicatorvalue"]))
        response = self.client.get(CHANGELIST)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "/import/")
        self.assertNotContains(response, "/export/")
        for url in (IMPORT, IMPORT + "template/", CHANGELIST + "export/"):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(export_list(self.client, CHANGELIST).status_code, 403)
        response = self.client.post(IMPORT, {"file": SimpleUploadedFile("a.csv", b"x")})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(ImportLog.objects.count(), 0)

    def test_import_and_export_are_separate_permissions(self):
        self.client.force_login(make_staff_user(permissions=["view_indicatorvalue", "export_indicatorvalue"]))
        response = self.client.get(CHANGELIST)
        self.assertContains(response, "/export/")
        self.assertNotContains(response, "/import/")
        self.assertEqual(export_list(self.client, CHANGELIST).status_code, 200)
        self.assertEqual(self.client.get(IMPORT).status_code, 403)

    def test_a_user_with_the_import_permission_can_import(self):
        self.client.force_login(make_staff_user(permissions=["view_indicatorvalue", "import_indicatorvalue"]))
        self.assertEqual(self.client.get(IMPORT).status_code, 200)
        self.assertEqual(export_list(self.client, CHANGELIST).status_code, 403)


class RoleScopeAndLockTests(PrivateFolderMixin, TestCase):
    """Imports go through the same guards as every other write: the user's units, approved years."""

    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.pac_nam = make_district(parent=cls.province)
        cls.ba_be = make_district(parent=cls.province, code="061", name="Huyện Ba Bể")
        cls.jobs = make_indicator()
        cls.clerk = make_role_user(username="pacnam.nhaplieu", role=CLERK, units=[cls.pac_nam])

    def upload(self, *rows):
        return self.client.post(IMPORT, {"file": SimpleUploadedFile("chi-tieu.csv", make_csv_bytes([HEADER, *rows]))})

    def test_a_viewer_can_neither_import_nor_export(self):
        self.client.force_login(make_role_user(username="xem", role=VIEWER, units=[self.pac_nam]))
        response = self.client.get(CHANGELIST)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "/import/")
        self.assertNotContains(response, "/export/")
        self.assertEqual(self.client.get(IMPORT).status_code, 403)
        self.assertEqual(export_list(self.client, CHANGELIST).status_code, 403)

    def test_a_clerk_imports_for_their_units_and_only_for_them(self):
        self.client.force_login(self.clerk)
        response = self.upload(
            ["jobs_created", "2024", "060", "", "5", ""], ["jobs_created", "2024", "061", "", "7", ""]
        )
        self.assertContains(
            response,
            "Dòng 3: Huyện Ba Bể không thuộc địa bàn bạn phụ trách; bạn không được sửa số liệu của đơn vị này.",
        )
        self.assertEqual(IndicatorValue.objects.count(), 0)
        response = self.upload(["jobs_created", "2024", "060", "", "5", ""])
        self.assertContains(response, '<td class="new-count">1</td>', html=True)
        self.confirm_last()
        self.assertEqual(IndicatorValue.objects.get().actual, Decimal(5))

    def test_a_row_of_an_approved_year_is_refused(self):
        make_approved_year(area=self.pac_nam, year=2024)
        self.client.force_login(make_superuser())
        response = self.upload(["jobs_created", "2024", "060", "", "5", ""])
        self.assertContains(response, "Dòng 2: Số liệu năm 2024 của Huyện Pác Nặm đã được")
        self.assertEqual(IndicatorValue.objects.count(), 0)

    def test_an_unchanged_row_of_an_approved_year_is_left_as_it_is_beside_the_open_years_rows(self):
        # A district's export sent back with its open year corrected: the approved year's rows,
        # unchanged, do not stop the file; a changed one would.
        make_value(indicator=self.jobs, area=self.pac_nam, plan=None, actual=5)
        make_value(indicator=self.jobs, area=self.pac_nam, year=2025, plan=None, actual=6)
        make_approved_year(area=self.pac_nam, year=2024)
        self.client.force_login(self.clerk)
        response = self.upload(
            ["jobs_created", "2024", "060", "", "5", ""], ["jobs_created", "2025", "060", "", "8", ""]
        )
        self.assertNotContains(response, "Dòng 2:")
        self.assertContains(response, '<td class="unchanged-count">1</td>', html=True)
        self.assertContains(response, "1 dòng không đổi thuộc năm đã phê duyệt (2024 của Huyện Pác Nặm)")
        self.assertTrue(response.context["can_confirm"])
        self.confirm_last()
        self.assertEqual(
            sorted(IndicatorValue.objects.values_list("year", "actual")), [(2024, Decimal(5)), (2025, Decimal(8))]
        )
        response = self.upload(["jobs_created", "2024", "060", "", "9", ""])
        self.assertContains(response, "Dòng 2: Số liệu năm 2024 của Huyện Pác Nặm đã được")

    def test_an_unchanged_row_of_another_unit_is_still_refused(self):
        make_value(indicator=self.jobs, area=self.ba_be, plan=None, actual=7)
        self.client.force_login(self.clerk)
        response = self.upload(["jobs_created", "2024", "061", "", "7", ""])
        self.assertContains(response, "Dòng 2: Huyện Ba Bể không thuộc địa bàn bạn phụ trách")
        self.assertFalse(response.context["can_confirm"])

    def test_the_history_of_an_imported_row_names_the_import(self):
        self.client.force_login(self.clerk)
        self.upload(["jobs_created", "2024", "060", "", "5", ""])
        log = self.confirm_last()
        (record,) = IndicatorValue.history.all()
        self.assertEqual(
            (record.history_user, record.change_source, record.import_log_id, record.history_type),
            (self.clerk, "import", log.pk, "+"),
        )
        history = self.client.get(f"{CHANGELIST}{record.id}/history/")
        self.assertContains(history, f"(nhật ký nhập số {log.pk})")
        self.assertContains(history, "Thêm mới")

    def test_a_clerk_hears_of_earlier_imports_of_the_same_file_by_colleagues_of_their_units_only(self):
        row = ["jobs_created", "2024", "060", "", "5", ""]
        province_clerk = make_role_user(username="tinh.nhaplieu", role=CLERK, units=[self.province])
        for user in (self.clerk, province_clerk):
            self.client.force_login(user)
            self.upload(row)
            self.assertEqual(self.confirm_last().outcome, ImportLog.Outcome.IMPORTED)
        self.client.force_login(make_role_user(username="pacnam.nv2", role=CLERK, units=[self.pac_nam]))
        response = self.upload(row)
        self.assertContains(response, "Tệp này đã được pacnam.nhaplieu nhập ngày")
        self.assertNotContains(response, "tinh.nhaplieu")

    def confirm_last(self):
        log = ImportLog.objects.latest("started_at")
        self.client.post(f"{IMPORT}{log.pk}/confirm/", {"confirm": "1"})
        log.refresh_from_db()
        return log
