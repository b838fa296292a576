import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import override_settings

from audit.models import AccessLog
from beneficiaries.models import Gender, Person
from demo.loading import DEMO_PASSWORD, DEMO_USERNAME
from imports.models import ImportLog
from indicators.models import IndicatorValue
from tests.browser import browser_page, log_in
from tests.demo import load_demo
from tests.factories import make_csv_bytes

HEADER = ["Mã chỉ tiêu", "Năm", "Mã địa bàn", "Kế hoạch", "Thực hiện", "Ghi chú"]


@pytest.mark.browser
class WindowsFileImportTests(StaticLiveServerTestCase):
    """A clerk uploads the file Excel on Vietnamese Windows saved, checks the preview, confirms,
    and the report shows the new figure."""

    def setUp(self):
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder)
        private = override_settings(BKXH_PRIVATE_ROOT=folder / "private")
        private.enable()
        self.addCleanup(private.disable)
        load_demo()
        self.file = folder / "chi-tieu-2024.csv"
        self.file.write_bytes(
            make_csv_bytes(
                [HEADER, ["jobs_created", "2024", "06", "6.400", "7.300", "Số liệu ước thực hiện của Sở"]],
                encoding="windows-1258",
            )
        )

    def test_a_windows_1258_file_is_previewed_confirmed_and_reported(self):
        with browser_page() as page:
            log_in(page, self.live_server_url, username=DEMO_USERNAME, password=DEMO_PASSWORD)
            page.goto(f"{self.live_server_url}/admin/indicators/indicatorvalue/")
            page.click("text=Nhập từ tệp")
            page.set_input_files("#id_file", str(self.file))
            page.click("input[value='Kiểm tra tệp']")
            preview = page.inner_text("#content-main")
            page.click("input[value='Xác nhận nhập dữ liệu']")
            message = page.inner_text(".messagelist")
            page.goto(f"{self.live_server_url}/reports/2024/")
            report = " ".join(page.inner_text("body").split())
        self.assertIn("bảng mã Windows-1258", preview)
        self.assertIn("Dòng thay đổi\t1", preview)
        self.assertIn("7.000\t7.300", preview)
        self.assertIn("Đã nhập tệp chi-tieu-2024.csv: 0 dòng mới, 1 dòng thay đổi, 0 dòng không đổi.", message)
        self.assertIn("7.300/6.400 người, đạt 114,1% kế hoạch", report)
        value = IndicatorValue.objects.get(indicator__code="jobs_created", year=2024, area__code="06")
        self.assertEqual((value.actual, value.note), (Decimal(7300), "Số liệu ước thực hiện của Sở"))
        self.assertEqual(
            ImportLog.objects.filter(outcome=ImportLog.Outcome.IMPORTED, encoding="windows-1258").count(), 1
        )


@pytest.mark.browser
class ExportButtonTests(StaticLiveServerTestCase):
    """The list's export buttons post the list's filters with the page's CSRF token; the file
    downloads and the access log names the filter."""

    def setUp(self):
        load_demo()

    def test_the_csv_button_of_a_filtered_list_downloads_it_and_the_log_names_the_filter(self):
        with browser_page(accept_downloads=True) as page:
            log_in(page, self.live_server_url, username=DEMO_USERNAME, password=DEMO_PASSWORD)
            page.goto(f"{self.live_server_url}/admin/beneficiaries/person/?gender__exact=female")
            with page.expect_download() as download:
                page.click("button:has-text('Xuất ra CSV')")
            lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
        women = Person.objects.filter(gender=Gender.FEMALE).count()
        self.assertGreater(women, 0)
        self.assertEqual(len(lines), women + 1)
        entry = AccessLog.objects.get(event=AccessLog.Event.EXPORT)
        self.assertEqual((entry.username, entry.detail, entry.row_count), (DEMO_USERNAME, "Giới tính: nữ", women))
