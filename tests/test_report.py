import re
from html import unescape

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from areas.models import AdminUnit
from tests.demo import load_demo
from tests.factories import (
    make_agency,
    make_approved_year,
    make_commune,
    make_district,
    make_indicator,
    make_longevity_gift,
    make_person,
    make_province,
    make_role_user,
    make_sector,
    make_superuser,
    make_value,
)

# The seed article's table: what the printed report must say.
ARTICLE_LINES = [
    "7.000/6.400 người, đạt 109,4% kế hoạch",
    "1.200/700 người, đạt 171,4% kế hoạch",
    "8.500/8.000 người, đạt 106,3% kế hoạch",
    "1.200/500 người, đạt 240,0% kế hoạch",
    "23.758/23.279 người, đạt 102,1% kế hoạch",
    "9.466/9.216 người, đạt 102,7% kế hoạch",
    "18.004/17.347 người, đạt 103,8% kế hoạch",
    "8.500/6.000 người, đạt 141,7% kế hoạch (cao đẳng: 19; trung cấp: 285; sơ cấp: 1.715; dưới 3 tháng: 6.481)",
    "91/80 người, đạt 113,8% kế hoạch",
]
PROGRAMME_FIGURES = [
    "259.310 kg",
    "3.268 hộ",
    "11.901 khẩu",
    "90 tuổi: 249 người",
    "100 tuổi: 17 người",
    "80 nhà",
    "4.500.000.000 đồng",
    "285 đối tượng",
    "54 trường hợp",
    "2 trường hợp",
    "8 đơn thư",
    "6 trường hợp",
    "9 hồ sơ",
    "55 người",
    "3 lớp",
    "334 người",
]


def page_text(response):
    """The response's text as a reader sees it, one space between words."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    # A figure's link in a sentence does not part it from the words around it.
    html = without_figure_links(html)
    return (
        re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))
        .replace(" ,", ",")
        .replace("( ", "(")
        .replace(" )", ")")
    )


def printed_part(response):
    """What goes on paper: the page without the blocks and links marked no-print (a figure's
    link to the rows behind it, reports.explain), and a sentence's figure as its text alone."""
    return without_figure_links(
        re.sub(r'<(aside|nav|p|a) class="[^"]*no-print[^"]*".*?</\1>', " ", response.content.decode(), flags=re.S)
    )


def without_figure_links(html):
    """`html` with each figure of a sentence as its text alone (reports.templatetags.figure_links)."""
    html = re.sub(r'<a class="figure-rows no-print"[^>]*></a>', "", html)
    html = re.sub(r'<a class="figure-link no-print"[^>]*>[^<]*</a>', "", html)
    return re.sub(r'<span class="figure-text">\s*<span class="figure-printed">([^<]*)</span></span>', r"\1", html)


class JobsReportCase(TestCase):
    """A province with its agency and one planned figure of 2024 (jobs: 7.000 of a plan of
    6.400), read by a superuser: the smallest report, for the tests of what a report adds."""

    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        make_agency(area=cls.province)
        cls.jobs = make_indicator()
        make_value(indicator=cls.jobs, area=cls.province, year=2024, plan=6400, actual=7000)
        cls.user = make_superuser()

    def setUp(self):
        self.client.force_login(self.user)


class ArticleReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def setUp(self):
        self.client.login(username="admin", password="bkxh-demo-2024")

    def test_the_2024_report_prints_every_line_of_the_article(self):
        text = page_text(self.client.get("/reports/2024/"))
        for line in ARTICLE_LINES:
            with self.subTest(line=line):
                self.assertIn(line, text)

    def test_the_2024_report_prints_every_programme_figure(self):
        text = page_text(self.client.get("/reports/2024/"))
        for figure in PROGRAMME_FIGURES:
            with self.subTest(figure=figure):
                self.assertIn(figure, text)

    def test_the_letterhead_comes_from_the_agency_of_2024(self):
        text = page_text(self.client.get("/reports/2024/"))
        for part in [
            "UBND TỈNH BẮC KẠN",
            "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "/BC-SLĐTBXH",
            "Bắc Kạn, ngày",
            "BÁO CÁO",
            "Nơi nhận:",
            "- Lưu: VT, VP.",
            "GIÁM ĐỐC",
            "Hoàng Văn Minh",
            "Tỷ lệ % so với KH",
            "I Lao động – việc làm",
        ]:
            with self.subTest(part=part):
                self.assertIn(part, text)

    def test_the_social_insurance_discrepancy_is_shown_on_screen_but_not_printed(self):
        response = self.client.get("/reports/2024/")
        note = "Người tham gia BHXH bắt buộc: văn bản nguồn in 102,5%, nhưng theo số liệu thì được 102,1%"
        self.assertIn(note, page_text(response))
        self.assertNotIn("102,5", printed_part(response))
        self.assertEqual([n.indicator.code for n in response.context["report"].notes], ["si_compulsory"])

    def test_a_year_without_figures_is_not_found_and_says_so_without_a_letterhead_or_signature(self):
        for year in (2023, 2019):
            with self.subTest(year=year):
                response = self.client.get(f"/reports/{year}/")
                self.assertEqual(response.status_code, 404)
                text = page_text(response)
                self.assertIn(f"Chưa có số liệu của Tỉnh Bắc Kạn năm {year}.", text)
                for part in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SỞ LAO ĐỘNG", "GIÁM ĐỐC", "Hoàng Văn Minh"):
                    self.assertNotIn(part, text)

    def test_a_provisional_report_prints_the_draft_mark_and_not_a_line_under_the_title(self):
        response = self.client.get("/reports/2024/")
        printed = printed_part(response)
        self.assertIn('<div class="draft-mark">DỰ THẢO</div>', printed)
        # The mark comes first on the page, above the letterhead.
        self.assertLess(printed.index("DỰ THẢO"), printed.index("UBND TỈNH BẮC KẠN"))
        self.assertNotIn("Số liệu tạm thời", printed)
        self.assertIn("Số liệu tạm thời, chưa được phê duyệt: bản in mang dấu DỰ THẢO", page_text(response))

    def test_an_approved_report_has_no_draft_mark(self):
        make_approved_year(area=AdminUnit.objects.for_code("06", 2024))
        response = self.client.get("/reports/2024/")
        self.assertNotContains(response, "DỰ THẢO")
        self.assertNotContains(response, "Số liệu tạm thời")

    def test_the_screen_says_why_the_date_line_is_blank(self):
        response = self.client.get("/reports/2024/")
        self.assertIn("Bắc Kạn, ngày …… tháng …… năm ……", page_text(response))
        why = (
            "Dòng ngày tháng để trống cho người ký: SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI "
            "đã thôi ban hành văn bản từ ngày 28/02/2025"
        )
        self.assertIn(why, page_text(response))
        self.assertNotIn("Dòng ngày tháng để trống", printed_part(response))

    def test_the_report_needs_a_login(self):
        self.client.logout()
        response = self.client.get("/reports/2024/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/admin/login/", response["Location"])

    def test_an_unknown_area_is_not_found(self):
        self.assertEqual(self.client.get("/reports/2024/?area=99999").status_code, 404)

    def test_a_year_outside_the_years_kept_is_not_found(self):
        for year in (0, 1, 1999, 2101, 99999):
            with self.subTest(year=year):
                self.assertEqual(self.client.get(f"/reports/{year}/").status_code, 404)

    def test_a_changed_figure_changes_the_report(self):
        from indicators.models import IndicatorValue

        IndicatorValue.objects.filter(indicator__code="jobs_created").update(actual=6400)
        self.assertIn("6.400/6.400 người, đạt 100,0% kế hoạch", page_text(self.client.get("/reports/2024/")))


DISTRICT_LETTERHEADS = {
    "058": ("UBND THÀNH PHỐ BẮC KẠN", "Bắc Kạn, ngày"),
    "060": ("UBND HUYỆN PÁC NẶM", "Pác Nặm, ngày"),
    "061": ("UBND HUYỆN BA BỂ", "Ba Bể, ngày"),
    "062": ("UBND HUYỆN NGÂN SƠN", "Ngân Sơn, ngày"),
    "063": ("UBND HUYỆN BẠCH THÔNG", "Bạch Thông, ngày"),
    "064": ("UBND HUYỆN CHỢ ĐỒN", "Chợ Đồn, ngày"),
    "065": ("UBND HUYỆN CHỢ MỚI", "Chợ Mới, ngày"),
    "066": ("UBND HUYỆN NA RÌ", "Na Rì, ngày"),
}
# What only the province department's letterhead and table say.
PROVINCE_ONLY = [
    "UBND TỈNH",
    "SỞ LAO ĐỘNG",
    "BC-SLĐTBXH",
    "GIÁM ĐỐC",
    "Hoàng Văn Minh",
    "Kế hoạch",
    "Tỷ lệ % so với KH",
]
DISTRICT_OFFICE = ["PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "/BC-LĐTBXH", "TRƯỞNG PHÒNG"]


class DemoDistrictReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def test_each_districts_report_is_issued_by_its_own_office_and_signed_by_its_head(self):
        self.client.login(username="admin", password="bkxh-demo-2024")
        for code, (managing_body, place) in DISTRICT_LETTERHEADS.items():
            with self.subTest(district=code):
                text = page_text(self.client.get(f"/reports/2024/?area={code}"))
                for part in [managing_body, place, *DISTRICT_OFFICE]:
                    self.assertIn(part, text)
                for part in PROVINCE_ONLY:
                    self.assertNotIn(part, text)

    def test_a_district_user_gets_their_districts_letterhead_and_register_figures(self):
        self.client.login(username="pacnam.xem", password="bkxh-demo-2024")
        response = self.client.get("/reports/2024/")
        text = page_text(response)
        self.assertIn("UBND HUYỆN PÁC NẶM", text)
        self.assertIn("Triệu Văn Quân", text)
        self.assertIn("Toàn huyện", text)
        self.assertNotIn("SỞ LAO ĐỘNG", text)

    def test_a_district_users_report_index_offers_the_year_of_their_register_figures(self):
        self.client.login(username="pacnam.xem", password="bkxh-demo-2024")
        response = self.client.get("/reports/")
        self.assertEqual(response.context["years"], [2024])
        self.assertContains(response, 'href="/reports/2024/"')
        self.assertNotContains(response, "Chưa có số liệu nào được nhập")

    def test_a_district_user_opening_a_year_without_figures_gets_not_found(self):
        self.client.login(username="pacnam.xem", password="bkxh-demo-2024")
        response = self.client.get("/reports/2019/")
        self.assertEqual(response.status_code, 404)
        self.assertIn("Chưa có số liệu của Huyện Pác Nặm năm 2019.", page_text(response))
        self.assertNotContains(response, "TRƯỞNG PHÒNG", status_code=404)


class DistrictWithoutAgencyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        make_agency(area=cls.province)
        cls.district = make_district(parent=cls.province)
        cls.commune = make_commune(parent=cls.district)
        cls.jobs = make_indicator()
        cls.user = make_superuser()

    def setUp(self):
        self.client.force_login(self.user)

    def test_a_district_without_its_own_agency_prints_no_letterhead_and_the_screen_says_so(self):
        make_value(indicator=self.jobs, area=self.district, actual=120)
        response = self.client.get("/reports/2024/?area=060")
        text = page_text(response)
        self.assertIn("Chưa có cơ quan ban hành cho địa bàn và năm này", text)
        for part in PROVINCE_ONLY:
            with self.subTest(part=part):
                self.assertNotIn(part, text)
        self.assertNotIn("Chưa có cơ quan ban hành", printed_part(response))
        self.assertIn("Toàn huyện giải quyết việc làm 120 người", text)

    def test_a_report_without_any_plan_leaves_out_the_plan_and_percent_columns(self):
        make_value(indicator=self.jobs, area=self.district, actual=120)
        text = page_text(self.client.get("/reports/2024/?area=060"))
        self.assertIn("ĐVT Thực hiện", text)
        self.assertNotIn("Kế hoạch", text)
        self.assertNotIn("Tỷ lệ % so với KH", text)

    def test_a_report_with_one_plan_keeps_the_plan_and_percent_columns(self):
        make_value(indicator=self.jobs, area=self.district, plan=100, actual=120)
        text = page_text(self.client.get("/reports/2024/?area=060"))
        self.assertIn("Kế hoạch", text)
        self.assertIn("Tỷ lệ % so với KH", text)

    def test_a_district_with_only_register_figures_has_its_year_listed_and_reported(self):
        make_indicator(code="longevity_90", name="Mừng thọ 90 tuổi", has_plan=False, source="longevity.90")
        make_longevity_gift(person=make_person(commune=self.commune, birth_year=1934))
        clerk = make_role_user(username="pacnam.xem", role="Xem", units=[self.district])
        self.client.force_login(clerk)
        self.assertEqual(self.client.get("/reports/").context["years"], [2024])
        self.assertIn("Mừng thọ 90 tuổi", page_text(self.client.get("/reports/2024/")))
        self.assertEqual(self.client.get("/reports/2023/").status_code, 404)

    def test_a_future_year_leaves_the_date_line_blank_and_says_why(self):
        # Units still in force next year (those of 2024 ended with the 2025 reform).
        province = make_province(code="19", name="Tỉnh Thái Nguyên", valid_to=None)
        district = make_district(parent=province, code="164", name="Huyện Đại Từ")
        make_agency(area=district, valid_to=None, managing_body="UBND HUYỆN ĐẠI TỪ")
        next_year = timezone.localdate().year + 1
        make_value(indicator=self.jobs, area=district, year=next_year, plan=100)
        response = self.client.get(f"/reports/{next_year}/?area=164")
        self.assertIn(f"năm {next_year} chưa bắt đầu", page_text(response))
        self.assertNotIn("chưa bắt đầu", printed_part(response))

    def test_an_agency_in_force_today_dates_the_report_today_without_a_note(self):
        make_agency(area=self.district, valid_to=None, managing_body="UBND HUYỆN PÁC NẶM")
        make_value(indicator=self.jobs, area=self.district, plan=100, actual=120)
        response = self.client.get("/reports/2024/?area=060")
        self.assertEqual(response.context["document_date"], timezone.localdate())
        self.assertNotContains(response, "Dòng ngày tháng để trống")


class RollUpTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        make_agency(area=cls.province)
        cls.pac_nam = make_district(parent=cls.province)
        cls.ba_be = make_district(parent=cls.province, code="061", name="Huyện Ba Bể")
        cls.jobs = make_indicator()
        cls.user = make_superuser()

    def setUp(self):
        self.client.force_login(self.user)

    def test_a_province_without_its_own_figure_gets_the_sum_of_its_districts(self):
        make_value(indicator=self.jobs, area=self.pac_nam, plan=100, actual=120)
        make_value(indicator=self.jobs, area=self.ba_be, plan=300, actual=280)
        self.assertIn("400/400 người, đạt 100,0% kế hoạch", page_text(self.client.get("/reports/2024/")))

    def test_communes_roll_up_through_a_district_without_figures(self):
        make_value(indicator=self.jobs, area=make_commune(parent=self.pac_nam), plan=10, actual=12)
        make_value(
            indicator=self.jobs,
            area=make_commune(parent=self.pac_nam, code="01861", name="Xã Nhạn Môn"),
            plan=10,
            actual=13,
        )
        self.assertIn("25/20 người, đạt 125,0% kế hoạch", page_text(self.client.get("/reports/2024/")))

    def test_a_province_figure_that_differs_from_its_districts_is_shown_to_staff(self):
        make_value(indicator=self.jobs, area=self.province, plan=400, actual=500)
        make_value(indicator=self.jobs, area=self.pac_nam, plan=100, actual=120)
        make_value(indicator=self.jobs, area=self.ba_be, plan=300, actual=280)
        response = self.client.get("/reports/2024/")
        text = page_text(response)
        self.assertIn("500/400 người, đạt 125,0% kế hoạch", text)
        self.assertIn(
            "Giải quyết việc làm (thực hiện): Tỉnh Bắc Kạn nhập 500, nhưng các đơn vị trực thuộc cộng lại được 400",
            text,
        )
        self.assertNotIn("trực thuộc cộng lại", printed_part(response))

    def test_a_district_figure_that_differs_from_its_communes_names_the_district(self):
        # The district is not the report's own area: the note reads it from the database.
        make_value(indicator=self.jobs, area=self.pac_nam, plan=100, actual=120)
        make_value(indicator=self.jobs, area=make_commune(parent=self.pac_nam), plan=100, actual=90)
        text = page_text(self.client.get("/reports/2024/"))
        self.assertIn("120/100 người, đạt 120,0% kế hoạch", text)
        self.assertIn(
            "Giải quyết việc làm (thực hiện): Huyện Pác Nặm nhập 120, nhưng các đơn vị trực thuộc cộng lại được 90",
            text,
        )

    def test_a_district_report_covers_only_that_district(self):
        make_value(indicator=self.jobs, area=self.pac_nam, plan=100, actual=120)
        make_value(indicator=self.jobs, area=self.ba_be, plan=300, actual=280)
        text = page_text(self.client.get("/reports/2024/?area=060"))
        self.assertIn("Toàn huyện giải quyết việc làm 120/100", text)
        self.assertIn("120/100 người, đạt 120,0% kế hoạch", text)
        self.assertIn("trên địa bàn Huyện Pác Nặm", text)

    def test_the_units_whose_figures_disagree_are_listed_by_their_code(self):
        # Written, and numbered in the database, in the other order than their codes.
        for code, name in (("069", "Huyện Chợ Mới"), ("062", "Huyện Ngân Sơn")):
            district = make_district(parent=self.province, code=code, name=name)
            make_value(indicator=self.jobs, area=district, actual=120)
            make_value(indicator=self.jobs, area=make_commune(parent=district, code=f"{code}00"), actual=90)
        text = page_text(self.client.get("/reports/2024/"))
        self.assertLess(text.index("Huyện Ngân Sơn nhập 120"), text.index("Huyện Chợ Mới nhập 120"))

    def test_a_sentence_prints_the_words_staff_typed_as_text_not_markup(self):
        typed = make_indicator(code="typed", name="<b>Hộ</b> & người", unit="<i>hộ</i>", phrase="hỗ trợ <u>nhà</u>")
        part = make_indicator(
            code="typed_part",
            name="Phần",
            short_name="<s>phần</s>",
            unit="<i>hộ</i>",
            parent=typed,
            relation="detail",
            has_plan=False,
        )
        make_value(indicator=typed, area=self.province, plan=10, actual=12)
        make_value(indicator=part, area=self.province, actual=5)
        response = self.client.get("/reports/2024/")
        html = response.content.decode()
        for markup in ("<i>hộ</i>", "<u>nhà</u>", "<s>phần</s>"):
            self.assertNotIn(markup, html)
        self.assertIn(
            "Toàn tỉnh hỗ trợ <u>nhà</u> 12/10 <i>hộ</i>, đạt 120,0% kế hoạch (<s>phần</s>: 5 <i>hộ</i>).",
            page_text(response),
        )

    def test_a_breakdown_that_does_not_add_up_is_shown_to_staff(self):
        enrolment = make_indicator(code="vocational_enrolment", name="Tuyển sinh và đào tạo nghề")
        college = make_indicator(
            code="vocational_college",
            name="Trình độ cao đẳng",
            parent=enrolment,
            relation="part",
            has_plan=False,
            short_name="cao đẳng",
        )
        make_value(indicator=enrolment, area=self.province, plan=10, actual=10)
        make_value(indicator=college, area=self.province, actual=7)
        text = page_text(self.client.get("/reports/2024/"))
        self.assertIn("(cao đẳng: 7)", text)
        self.assertIn("Tuyển sinh và đào tạo nghề: các số chi tiết cộng lại được 7, không khớp với tổng 10.", text)


class ReportQueryCountTests(TestCase):
    """The report runs the same number of queries with 1 indicator and with 100."""

    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        make_agency(area=cls.province)
        cls.districts = [make_district(parent=cls.province, code=f"0{60 + i}", name=f"Huyện {i}") for i in range(3)]
        cls.user = make_superuser()

    def queries_for_report(self):
        self.client.force_login(self.user)
        with CaptureQueriesContext(connection) as context:
            response = self.client.get("/reports/2024/")
        self.assertEqual(response.status_code, 200)
        return len(context)

    def add_indicators(self, count, start=0):
        for number in range(start, start + count):
            sector = make_sector(code=f"sector{number % 7}", name=f"Lĩnh vực {number % 7}", order=number % 7)
            indicator = make_indicator(code=f"indicator{number}", name=f"Chỉ tiêu {number}", sector=sector)
            make_value(indicator=indicator, area=self.province, plan=100, actual=number)
            for district in self.districts:
                make_value(indicator=indicator, area=district, plan=10, actual=number)

    def test_query_count_does_not_grow_with_the_number_of_indicators(self):
        self.add_indicators(1)
        with_one = self.queries_for_report()
        self.add_indicators(99, start=1)
        with_hundred = self.queries_for_report()
        self.assertEqual(with_one, with_hundred)
        # The year before and the year after, compared with, read their values in the report's query.
        self.assertLessEqual(with_hundred, 12)
