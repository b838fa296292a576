"""The annual report as it comes out of a real browser's printer: Chromium prints it to an A4
PDF, and the PDF's text is read back with pypdf."""

from io import BytesIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.core.management import call_command
from django.test import Client, SimpleTestCase, TestCase, override_settings
from pypdf import PdfReader

from demo.loading import DEMO_PASSWORD, DEMO_USERNAME
from tests.browser import browser_page, log_in
from tests.demo import load_demo
from tests.factories import make_agency, make_indicator, make_province, make_superuser, make_value

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
# report.css: Decree 30/2020 margins, top 20 mm, left 30 mm, right 15 mm.
TOP_MARGIN, LEFT_MARGIN, RIGHT_MARGIN = 20 * MM, 30 * MM, 15 * MM

PRINTED_LINES = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "BÁO CÁO",
    "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
    "7.000/6.400 người, đạt 109,4% kế hoạch",
    "23.758/23.279 người, đạt 102,1% kế hoạch",
    "8.500/6.000 người, đạt 141,7% kế hoạch (cao đẳng: 19; trung cấp: 285; sơ cấp: 1.715; dưới 3 tháng: 6.481)",
    "91/80 người, đạt 113,8% kế hoạch",
    "259.310",
]
# The data-quality note (its heading and the source's wrong 102,5%) and the toolbar are for the
# screen only.
SCREEN_ONLY = ["Dành cho người kiểm tra báo cáo", "102,5", "In báo cáo", "Số liệu tạm thời", "Dòng ngày tháng để trống"]
# Huyện Pác Nặm's report: its own office's letterhead, and no plan columns (districts have no plans);
# whole printed lines, so that the agency's name breaks between its fields, not inside "THƯƠNG BINH".
DISTRICT_LINES = ["UBND HUYỆN PÁC NẶM", "PHÒNG LAO ĐỘNG -", "THƯƠNG BINH VÀ XÃ HỘI", "TRƯỞNG PHÒNG", "Triệu Văn Quân"]
DISTRICT_NOT_PRINTED = ["SỞ LAO ĐỘNG", "SLĐTBXH", "GIÁM ĐỐC", "Hoàng Văn Minh", "Kế hoạch", "Tỷ lệ"]
# Liberation Serif (metric twin of Times New Roman) from fonts-liberation2 has every Vietnamese
# letter; anything else in the PDF is a fallback font drawing the letters it lacks.
TIMES_LIKE_FONTS = ("LiberationSerif", "TimesNewRoman", "Tinos")


def words(text):
    """Text with line breaks and runs of spaces made single spaces: the PDF wraps lines."""
    return " ".join(text.split())


def placed_texts(page):
    """(text, x, y) of every piece of text on `page`, in points from its bottom left corner."""
    found = []

    def visit(text, cm, tm, font_dict, font_size):
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if text.strip():
            found.append((text.strip(), x, y))

    page.extract_text(visitor_text=visit)
    return found


def texts_in_top_margin(page):
    """(text, x, y) of every piece of text printed above the top margin line, in points."""
    height = float(page.mediabox.height)
    return [(text, x, y) for text, x, y in placed_texts(page) if y > height - TOP_MARGIN]


def printed_lines(pdf):
    return [words(line) for page in pdf.pages for line in page.extract_text().splitlines()]


def after_on_its_page(pages, heading):
    """The text that follows `heading` on the one page of `pages` that prints it."""
    [page] = [text for text in pages if heading in text]
    return page.split(heading)[1]


def font_names(pdf):
    return {
        str(font.get_object().get("/BaseFont", "a Type 3 font"))
        for page in pdf.pages
        for font in page["/Resources"].get("/Font", {}).values()
    }


@pytest.mark.browser
class PrintedReportTests(StaticLiveServerTestCase):
    """The demo's 2024 reports on the province and on Huyện Pác Nặm, printed once by Chromium;
    each test reads the same PDFs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The demo is loaded once for the class; TransactionTestCase flushes only after a test
        # that ran, so a failed print (no Chromium, say) would leave it to the next test class.
        cls.addClassCleanup(call_command, "flush", interactive=False, verbosity=0)
        load_demo()
        with browser_page() as page:
            log_in(page, cls.live_server_url, username=DEMO_USERNAME, password=DEMO_PASSWORD)
            pdfs = []
            annexed = ("/reports/2024/?annex=charts", "/reports/2026/?area=19&agency=SNV&annex=charts")
            for url in ("/reports/2024/", "/reports/2024/?area=060", *annexed):
                page.goto(f"{cls.live_server_url}{url}")
                pdfs.append(PdfReader(BytesIO(page.pdf(format="A4", print_background=True, prefer_css_page_size=True))))
        cls.pdf, cls.district_pdf, cls.annex_pdf, cls.reform_annex_pdf = pdfs
        # The same report printed by the server (reports.pdf), as it is issued and archived.
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(get_user_model().objects.get(username=DEMO_USERNAME))
        response = client.get("/reports/2024/pdf/")
        cls.server_pdf_headers = (response.status_code, response["Content-Type"], response["Content-Disposition"])
        cls.server_pdf = PdfReader(BytesIO(response.content))
        cls.text = words(" ".join(sheet.extract_text() for sheet in cls.pdf.pages))
        cls.district_text = words(" ".join(sheet.extract_text() for sheet in cls.district_pdf.pages))

    def test_the_servers_pdf_downloads_under_the_reports_name(self):
        self.assertEqual(
            self.server_pdf_headers,
            (
                200,
                "application/pdf",
                'attachment; filename="bao-cao-2024-so-lao-dong-thuong-binh-va-xa-hoi-tinh-bac-kan.pdf"',
            ),
        )

    def test_the_servers_pdf_has_the_pages_and_lines_of_the_browser_print(self):
        self.assertEqual(len(self.server_pdf.pages), len(self.pdf.pages))
        self.assertEqual(printed_lines(self.server_pdf), printed_lines(self.pdf))
        for page in self.server_pdf.pages:
            self.assertAlmostEqual(float(page.mediabox.width), A4[0], delta=1)
            self.assertAlmostEqual(float(page.mediabox.height), A4[1], delta=1)

    def test_the_servers_pdf_embeds_times_new_romans_metric_twin(self):
        fonts = font_names(self.server_pdf)
        self.assertTrue(fonts)
        self.assertTrue(all(any(name in font for name in TIMES_LIKE_FONTS) for font in fonts), fonts)
        for font in self.server_pdf.pages[0]["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            self.assertIn("/FontFile2", descriptor)

    def test_every_page_is_a4_portrait(self):
        for number, page in enumerate(self.pdf.pages, start=1):
            with self.subTest(page=number):
                self.assertAlmostEqual(float(page.mediabox.width), A4[0], delta=1)
                self.assertAlmostEqual(float(page.mediabox.height), A4[1], delta=1)

    def test_the_letterhead_and_the_article_figures_are_printed(self):
        for line in PRINTED_LINES:
            with self.subTest(line=line):
                self.assertIn(line, self.text)

    def test_the_data_checks_and_the_toolbar_are_not_printed(self):
        for text in SCREEN_ONLY:
            with self.subTest(text=text):
                self.assertNotIn(text, self.text)

    def test_the_figures_links_to_their_rows_are_not_printed(self):
        # The page the browser printed has them (reports.explain), hidden on paper: no link at all.
        for pdf in (self.pdf, self.district_pdf, self.server_pdf):
            links = [
                annotation.get_object()
                for page in pdf.pages
                for annotation in page.get("/Annots", [])
                if annotation.get_object().get("/Subtype") == "/Link"
            ]
            self.assertEqual(links, [])

    def test_a_provisional_report_is_marked_draft_at_the_top_left_of_its_first_page_only(self):
        first = self.pdf.pages[0]
        [(_text, x, y)] = [placed for placed in placed_texts(first) if placed[0] == "DỰ THẢO"]
        self.assertAlmostEqual(x, LEFT_MARGIN, delta=10)
        highest_other = max(other_y for text, _x, other_y in placed_texts(first) if text != "DỰ THẢO")
        self.assertGreater(y, highest_other)
        self.assertEqual(self.text.count("DỰ THẢO"), 1)

    def test_a_districts_report_prints_its_own_offices_letterhead_without_plan_columns(self):
        lines = printed_lines(self.district_pdf)
        for line in DISTRICT_LINES:
            with self.subTest(line=line):
                self.assertIn(line, lines)
        self.assertIn("Số: /BC-LĐTBXH Pác Nặm, ngày", self.district_text)
        for text in DISTRICT_NOT_PRINTED:
            with self.subTest(text=text):
                self.assertNotIn(text, self.district_text)
        self.assertIn("Toàn huyện", self.district_text)

    def test_page_numbers_are_centred_at_the_top_from_page_two_on(self):
        self.assertGreater(len(self.pdf.pages), 1)
        self.assertEqual(texts_in_top_margin(self.pdf.pages[0]), [])
        text_centre = (LEFT_MARGIN + A4[0] - RIGHT_MARGIN) / 2
        for number, page in enumerate(self.pdf.pages[1:], start=2):
            with self.subTest(page=number):
                [(text, x, _y)] = texts_in_top_margin(page)
                self.assertEqual(text, str(number))
                self.assertAlmostEqual(x, text_centre, delta=10)

    def test_the_charts_annex_breaks_its_pages_between_indicators_and_never_under_a_heading(self):
        pages = [words(sheet.extract_text()) for sheet in self.annex_pdf.pages]
        annex = pages[next(number for number, text in enumerate(pages) if "PHỤ LỤC Biểu đồ" in text) :]
        self.assertGreater(len(annex), 1)
        # Each indicator of the units side by side has a bar per district, from Thành phố Bắc Kạn to
        # Huyện Na Rì: a page with more of the one than of the other cut an indicator's bars in two.
        self.assertEqual(
            [text.count("Thành phố Bắc Kạn") for text in annex], [text.count("Huyện Na Rì") for text in annex]
        )
        self.assertIn("Thực hiện theo đơn vị", after_on_its_page(annex, "So sánh các đơn vị thuộc Tỉnh Bắc Kạn"))
        # The new Thái Nguyên's 2026: its last five years follow a page of plans, under their own heading.
        reform = [words(sheet.extract_text()) for sheet in self.reform_annex_pdf.pages]
        self.assertIn("2024", after_on_its_page(reform, "Năm năm gần đây"))

    def test_vietnamese_letters_are_set_in_a_times_like_font_without_fallbacks(self):
        fallbacks = {name for name in font_names(self.pdf) if not any(f in name for f in TIMES_LIKE_FONTS)}
        self.assertEqual(
            fallbacks, set(), "Chromium borrowed letters from other fonts: install fonts-liberation2 (.ci/run does)."
        )


class MissingChromiumTests(SimpleTestCase):
    def test_a_machine_without_chromium_fails_the_browser_tests_saying_what_to_install(self):
        with (
            self.assertRaisesRegex(pytest.fail.Exception, "apt-get install chromium fonts-liberation"),
            browser_page(executable=Path("/nonexistent/chromium")),
        ):
            pass


class PdfWithoutPrinterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        province = make_province()
        make_agency(area=province)
        make_value(indicator=make_indicator(), area=province, plan=6400, actual=7000)
        cls.user = make_superuser()

    @override_settings(BKXH_CHROMIUM="/nonexistent/chromium")
    def test_a_server_without_chromium_says_so_in_vietnamese(self):
        self.client.force_login(self.user)
        response = self.client.get("/reports/2024/pdf/")
        self.assertContains(response, "Máy chủ không in được báo cáo năm 2024 ra tệp PDF", status_code=503)

    def test_the_pdf_needs_a_login(self):
        self.assertEqual(self.client.get("/reports/2024/pdf/").status_code, 302)
