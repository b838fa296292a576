"""Files shared by every server. With BKXH_FILE_STORAGE=database an upload previewed on one server
is confirmed on another whose folders are empty, and a decision's scan saved on one is read on
another; on either storage kept uploads go after a day, and a scan is read back from its address,
served only to a user who may view its decision. A "server" is a set of settings: the storage
chosen and folders of its own."""

import datetime
import shutil
import tempfile
from io import StringIO
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import SimpleTestCase, TestCase, override_settings
from django.utils import timezone

from accounts.roles import VIEWER
from beneficiaries.models import Decision
from files.models import StoredFile
from files.storage import DatabaseStorage
from imports import storage
from imports.models import ImportLog
from indicators.models import IndicatorValue
from tests.admin_forms import AdminFormTestCase, admin_url
from tests.factories import (
    make_csv_bytes,
    make_district,
    make_indicator,
    make_province,
    make_role_user,
    make_staff_user,
    make_superuser,
)
from tests.test_imports_admin import kept_uploads
from tests.test_settings import import_settings

IMPORT = "/admin/indicators/indicatorvalue/import/"
HEADER = ["Mã chỉ tiêu", "Năm", "Mã địa bàn", "Kế hoạch", "Thực hiện", "Ghi chú"]
NO_LONGER_KEPT = "Tệp đã tải lên không còn được lưu (tệp chỉ được giữ một ngày). Hãy tải tệp lên lại."
SCAN = b"%PDF-1.4\n% quyet dinh 1234\n"


class ServerMixin:
    """The test runs on a server whose files are in `file_storage` ("local" or "database");
    `another_server()` moves it to a second one, with the same storage and empty folders."""

    file_storage = "local"

    def setUp(self):
        super().setUp()
        self.another_server()

    def another_server(self):
        folder = Path(tempfile.mkdtemp(prefix="bkxh-test-server-"))
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        server = override_settings(
            STORAGES={**settings.STORAGES, **settings.BKXH_FILE_STORAGES[self.file_storage]},
            BKXH_PRIVATE_ROOT=folder / "private",
            MEDIA_ROOT=folder / "media",
        )
        server.enable()
        self.addCleanup(server.disable)

    def kept_uploads(self):
        return kept_uploads()


class ImportOnServersMixin(ServerMixin):
    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.district = make_district(parent=cls.province)
        make_indicator()
        cls.user = make_superuser()

    def setUp(self):
        super().setUp()
        self.client.force_login(self.user)

    def upload(self):
        rows = [
            HEADER,
            ["jobs_created", "2024", "06", "6.400", "7.100", ""],
            ["jobs_created", "2024", "060", "", "55", ""],
        ]
        self.client.post(IMPORT, {"file": SimpleUploadedFile("chi-tieu.csv", make_csv_bytes(rows))})
        return ImportLog.objects.get()

    def confirm(self, log):
        return self.client.post(f"{IMPORT}{log.pk}/confirm/", {"confirm": "1"}, follow=True)


class UploadsOnDatabaseStorageTests(ImportOnServersMixin, TestCase):
    file_storage = "database"

    def test_an_upload_previewed_on_one_server_is_confirmed_on_another(self):
        log = self.upload()
        self.another_server()
        response = self.confirm(log)
        self.assertContains(response, "Đã nhập tệp chi-tieu.csv: 2 dòng mới, 0 dòng thay đổi, 0 dòng không đổi.")
        self.assertEqual(IndicatorValue.objects.get(area=self.district).actual, 55)
        self.assertEqual(self.kept_uploads(), [])
        self.assertFalse(StoredFile.objects.exists())

    def test_an_upload_is_kept_in_the_database_and_in_no_folder(self):
        log = self.upload()
        kept = StoredFile.objects.get()
        self.assertEqual((kept.location, kept.name), ("private", f"imports/{log.stored_file}"))
        self.assertEqual(kept.size, log.file_size)
        self.assertFalse(Path(settings.BKXH_PRIVATE_ROOT).exists())

    def test_a_cancelled_upload_is_removed_from_the_database(self):
        log = self.upload()
        self.client.post(f"{IMPORT}{log.pk}/confirm/", {"cancel": "1"})
        self.assertFalse(StoredFile.objects.exists())


class UploadsOnLocalStorageTests(ImportOnServersMixin, TestCase):
    file_storage = "local"

    def test_an_upload_previewed_on_one_server_is_not_found_on_another(self):
        # Why several servers need the database storage: each has its own folder.
        log = self.upload()
        self.another_server()
        response = self.confirm(log)
        self.assertContains(response, NO_LONGER_KEPT)
        self.assertEqual(IndicatorValue.objects.count(), 0)

    def test_an_upload_is_kept_in_the_private_folder_for_its_owner_alone(self):
        log = self.upload()
        kept = Path(settings.BKXH_PRIVATE_ROOT) / "imports" / log.stored_file
        self.assertEqual(kept.stat().st_mode & 0o777, 0o600)
        self.assertEqual(kept.parent.stat().st_mode & 0o777, 0o700)
        self.assertFalse(StoredFile.objects.exists())


class StaleUploadsTests(ImportOnServersMixin):
    def clean(self, *, days_later):
        out = StringIO()
        later = timezone.now() + datetime.timedelta(days=days_later)
        with mock.patch("django.utils.timezone.now", return_value=later):
            call_command("clean_import_files", stdout=out)
        return out.getvalue()

    def test_an_upload_is_kept_for_a_day_then_removed_and_its_preview_expires(self):
        log = self.upload()
        self.assertIn("Đã xóa 0 tệp đang giữ", self.clean(days_later=0.9))
        self.assertEqual(self.kept_uploads(), [log.stored_file])
        self.assertIn("Đã xóa 1 tệp đang giữ; 1 lần kiểm tra không được xác nhận", self.clean(days_later=1.1))
        self.assertEqual(self.kept_uploads(), [])
        log.refresh_from_db()
        self.assertEqual(log.outcome, ImportLog.Outcome.EXPIRED)

    def test_a_server_that_never_kept_a_file_removes_none(self):
        self.assertEqual(storage.remove_stale(), [])


class StaleUploadsOnLocalStorageTests(StaleUploadsTests, TestCase):
    file_storage = "local"


class StaleUploadsOnDatabaseStorageTests(StaleUploadsTests, TestCase):
    file_storage = "database"


class ScanTests(ServerMixin):
    def add_decision(self, number="1234/QĐ-UBND", content=SCAN, name="qd-1234.pdf"):
        scan = SimpleUploadedFile(name, content, content_type="application/pdf")
        response = self.add(
            Decision, number=number, date=datetime.date(2024, 3, 15), issuer="UBND tỉnh Bắc Kạn", scan=scan
        )
        self.assertSaved(response)
        return Decision.objects.get(number=number)

    def read(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return b"".join(response.streaming_content), response

    def test_a_scan_uploaded_with_its_decision_is_read_back_from_the_link_on_its_page(self):
        decision = self.add_decision()
        url = decision.scan.url
        self.assertTrue(
            url.startswith(f"/admin/beneficiaries/decision/scan/decisions/{datetime.date.today():%Y}/"), url
        )
        self.assertContains(self.client.get(admin_url(Decision, "change", decision.pk)), f'href="{url}"')
        content, response = self.read(url)
        self.assertEqual(content, SCAN)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response["Content-Disposition"].startswith('attachment; filename="qd-1234'))

    def test_two_scans_of_the_same_name_are_kept_apart(self):
        first = self.add_decision("1/QĐ-UBND", b"%PDF first")
        second = self.add_decision("2/QĐ-UBND", b"%PDF second")
        self.assertNotEqual(first.scan.name, second.scan.name)
        self.assertEqual(self.read(first.scan.url)[0], b"%PDF first")
        self.assertEqual(self.read(second.scan.url)[0], b"%PDF second")

    def test_a_scan_is_served_only_to_users_who_may_view_its_decision(self):
        url = self.add_decision().scan.url
        self.client.force_login(make_role_user(username="tinh.xem", role=VIEWER))
        self.assertEqual(self.read(url)[0], SCAN)
        self.client.force_login(make_staff_user(username="no.role"))
        self.assertEqual(self.client.get(url).status_code, 404)
        self.client.logout()
        self.assertRedirects(self.client.get(url), f"/admin/login/?next={url}")

    def test_no_file_but_a_decisions_scan_is_served(self):
        self.add_decision()
        storages["default"].save("decisions/other.pdf", SimpleUploadedFile("other.pdf", b"%PDF other"))
        self.assertEqual(self.client.get("/admin/beneficiaries/decision/scan/decisions/other.pdf").status_code, 404)
        self.assertEqual(self.client.get("/admin/beneficiaries/decision/scan/../../settings.py").status_code, 404)


class ScanOnLocalStorageTests(ScanTests, AdminFormTestCase):
    file_storage = "local"

    def test_a_scan_is_kept_under_media_root(self):
        decision = self.add_decision()
        self.assertEqual((Path(settings.MEDIA_ROOT) / decision.scan.name).read_bytes(), SCAN)


class ScanOnDatabaseStorageTests(ScanTests, AdminFormTestCase):
    file_storage = "database"

    def test_a_scan_stored_at_the_same_moment_as_another_of_its_name_is_kept_under_another(self):
        # Both requests found the name free; the second to write it is told by the unique constraint.
        with mock.patch.object(DatabaseStorage, "exists", return_value=False):
            first = storages["default"].save("decisions/qd.pdf", ContentFile(b"%PDF first"))
            second = storages["default"].save("decisions/qd.pdf", ContentFile(b"%PDF second"))
        self.assertEqual(first, "decisions/qd.pdf")
        self.assertRegex(second, r"^decisions/qd_\w{7}\.pdf$")
        self.assertEqual(storages["default"].open(second).read(), b"%PDF second")

    def test_a_scan_saved_on_one_server_is_read_on_another(self):
        url = self.add_decision().scan.url
        self.another_server()
        self.assertEqual(self.read(url)[0], SCAN)
        self.assertFalse(Path(settings.MEDIA_ROOT).exists())
        self.assertEqual(StoredFile.objects.get(location="media").size, len(SCAN))


class FileStorageSettingTests(SimpleTestCase):
    def test_the_database_storage_is_a_setting(self):
        self.assertEqual(import_settings(DJANGO_DEBUG="1", BKXH_FILE_STORAGE="database").returncode, 0)

    def test_an_unknown_file_storage_is_refused_at_start(self):
        result = import_settings(DJANGO_DEBUG="1", BKXH_FILE_STORAGE="s3")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("BKXH_FILE_STORAGE is 's3'; it must be one of: local, database", result.stderr)
