"""The reports of each agency and period in the demo: Sở LĐ-TB&XH for every sector in 2024,
then Sở Nội vụ, Sở Y tế … each for its own sectors, of Bắc Kạn and then of Thái Nguyên."""

import re
from html import unescape

from django.test import TestCase

from areas.models import AdminUnit
from indicators.models import Indicator
from tests.demo import load_demo
from tests.factories import make_value
from tests.test_report import page_text, printed_part


class AgencyReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # The demo's illustrative 2025 and 2026 figures: some in every sector of each year.
        load_demo()

    def setUp(self):
        self.client.login(username="admin", password="bkxh-demo-2024")

    def report(self, address):
        """The page's text, and that of what goes on paper (one space between words)."""
        response = self.client.get(address)
        self.assertEqual(response.status_code, 200)
        printed = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", printed_part(response))))
        return page_text(response), printed.replace(" ,", ",")

    def test_the_2024_report_of_bac_kan_is_the_departments_on_every_sector(self):
        response = self.client.get("/reports/2024/")
        text = page_text(response)
        for part in ("UBND TỈNH BẮC KẠN", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "/BC-SLĐTBXH", "Hoàng Văn Minh"):
            self.assertIn(part, text)
        sections = [section.sector.code for section in response.context["report"].sections]
        self.assertEqual(len(sections), 7)
        self.assertEqual(response.context["other_issuers"], [])
        self.assertNotIn("cơ quan khác", text)

    def test_2025_in_bac_kan_asks_which_agency_and_lists_them(self):
        response = self.client.get("/reports/2025/?area=06")
        self.assertTemplateUsed(response, "reports/agency_picker.html")
        text = page_text(response)
        self.assertIn("Năm 2025, công việc trên địa bàn Tỉnh Bắc Kạn do nhiều cơ quan cùng đảm nhận", text)
        self.assertIn("SỞ NỘI VỤ (01/03/2025 – 30/06/2025): Lao động – việc làm; Bảo hiểm xã hội; Người có công", text)
        self.assertIn("SỞ Y TẾ (01/03/2025 – 30/06/2025): Bảo trợ xã hội", text)
        self.assertIn("CÔNG AN TỈNH BẮC KẠN (01/03/2025 – 30/06/2025): Phòng, chống tệ nạn xã hội", text)
        self.assertIn("SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG (01/03/2025 – 30/06/2025): Giảm nghèo", text)
        for abbreviation in ("SNV", "SYT", "CAT"):
            self.assertContains(response, f'href="?area=06&amp;agency={abbreviation}"')
        # Bắc Kạn's demo has no poverty figure of 2025: that agency is listed without a link.
        self.assertNotContains(response, "agency=SNNMT")
        self.assertIn("SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG (01/03/2025 – 30/06/2025): Giảm nghèo – chưa có số liệu", text)
        self.assertNotIn("SỞ LAO ĐỘNG", text)

    def test_the_agency_picker_keeps_the_rest_of_the_address(self):
        response = self.client.get("/reports/2025/?area=06&annex=charts")
        self.assertContains(response, 'href="?area=06&amp;annex=charts&amp;agency=SNV"')

    def assertReport(self, address, letterhead, sectors, absent):
        """The report at `address` prints `letterhead` and the sections `sectors` only (codes)."""
        response = self.client.get(address)
        self.assertEqual(response.status_code, 200)
        text, printed = self.report(address)
        for part in letterhead:
            with self.subTest(address=address, part=part):
                self.assertIn(part, printed)
        self.assertEqual([section.sector.code for section in response.context["report"].sections], sectors)
        for part in absent:
            self.assertNotIn(part, printed)
        self.assertIn("các lĩnh vực khác có trong báo cáo của các cơ quan khác", text)
        self.assertNotIn("các lĩnh vực khác có trong báo cáo", printed)

    def test_sở_nội_vụ_of_bac_kan_issues_the_2025_report_on_its_sectors_only(self):
        self.assertReport(
            "/reports/2025/?area=06&agency=SNV",
            ["UBND TỈNH BẮC KẠN", "SỞ NỘI VỤ", "/BC-SNV", "Bắc Kạn, ngày", "GIÁM ĐỐC", "Đinh Văn Hải", "- Bộ Nội vụ;"],
            # No social insurance: people insured are counted on 31 December, when Bắc Kạn had ended.
            ["lao_dong_viec_lam", "nguoi_co_cong"],
            ["Bảo trợ xã hội", "Mừng thọ", "SỞ Y TẾ", "Lương Thị Mai"],
        )

    def test_sở_y_tế_of_bac_kan_issues_the_2025_report_on_social_protection_only(self):
        self.assertReport(
            "/reports/2025/?area=06&agency=SYT",
            ["UBND TỈNH BẮC KẠN", "SỞ Y TẾ", "/BC-SYT", "Lương Thị Mai", "- Bộ Y tế;"],
            ["bao_tro_xa_hoi"],
            ["Lao động – việc làm", "Giải quyết việc làm", "SỞ NỘI VỤ", "Đinh Văn Hải"],
        )

    def test_the_police_of_bac_kan_issue_the_2025_report_on_drug_rehabilitation(self):
        self.assertReport(
            "/reports/2025/?area=06&agency=CAT",
            ["BỘ CÔNG AN", "CÔNG AN TỈNH BẮC KẠN", "/BC-CAT", "Nông Quốc Bảo", "- Bộ Công an;"],
            ["phong_chong_te_nan_xa_hoi"],
            ["Bảo trợ xã hội", "Giải quyết việc làm"],
        )

    def test_the_thai_nguyen_agencies_issue_the_2025_and_2026_reports(self):
        for year in (2025, 2026):
            with self.subTest(year=year):
                self.assertReport(
                    f"/reports/{year}/?agency=SNV",
                    ["UBND TỈNH THÁI NGUYÊN", "SỞ NỘI VỤ", "/BC-SNV", "Thái Nguyên, ngày", "Phạm Văn Long"],
                    ["lao_dong_viec_lam", "bao_hiem_xa_hoi", "nguoi_co_cong"],
                    ["Bảo trợ xã hội", "BẮC KẠN", "Đinh Văn Hải"],
                )
                self.assertReport(
                    f"/reports/{year}/?area=19&agency=SYT",
                    ["UBND TỈNH THÁI NGUYÊN", "SỞ Y TẾ", "/BC-SYT", "Nguyễn Thị Hương"],
                    ["bao_tro_xa_hoi"],
                    ["Lao động – việc làm", "Giải quyết việc làm", "BẮC KẠN", "Lương Thị Mai"],
                )

    def test_an_agency_that_does_not_issue_the_years_reports_is_not_found(self):
        for address in ("/reports/2025/?area=06&agency=SLĐTBXH", "/reports/2024/?agency=SNV"):
            with self.subTest(address=address):
                self.assertEqual(self.client.get(address).status_code, 404)

    def test_a_district_office_of_2025_prints_every_sector_under_its_letterhead(self):
        pac_nam = AdminUnit.objects.for_code("060", 2025)
        make_value(indicator=Indicator.objects.get(code="jobs_created"), area=pac_nam, year=2025, actual=40)
        _text, printed = self.report("/reports/2025/?area=060")
        for part in ("UBND HUYỆN PÁC NẶM", "PHÒNG NỘI VỤ", "/BC-PNV", "TRƯỞNG PHÒNG", "Ma Văn Sơn"):
            self.assertIn(part, printed)
        self.assertNotIn("PHÒNG LAO ĐỘNG", printed)

    def test_the_index_links_the_report_of_each_agency_of_each_year_and_area(self):
        response = self.client.get("/reports/")
        text = page_text(response)
        self.assertIn("Báo cáo theo cơ quan ban hành", text)
        self.assertContains(response, 'href="/reports/2025/?area=06&amp;agency=SNV"')
        self.assertContains(response, 'href="/reports/2025/?area=19&amp;agency=SYT"')
        self.assertContains(response, 'href="/reports/2026/?area=19&amp;agency=SNV"')
        # A year and area of one agency links the report as it always was.
        self.assertContains(response, 'href="/reports/2024/?area=06">SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI</a>')
        self.assertIn("2024 Tỉnh Bắc Kạn SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI (… – 28/02/2025): mọi lĩnh vực", text)
        self.assertIn("2025 Tỉnh Thái Nguyên SỞ NỘI VỤ (01/07/2025 – …): Lao động – việc làm;", text)
        self.assertContains(response, 'href="/reports/2025/?area=060">PHÒNG NỘI VỤ</a>')
