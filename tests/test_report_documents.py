"""The report as the files it travels as: Word (DOCX, read back with python-docx) in the layout
of Decree 30/2020, and its figures table as Excel (XLSX, read back with openpyxl)."""

from decimal import Decimal
from io import BytesIO
from types import SimpleNamespace

import docx
import openpyxl
from django.test import TestCase
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from agencies.models import Agency
from areas.models import AdminUnit
from reports.documents import file_name
from tests.demo import load_demo
from tests.factories import (
    make_agency,
    make_approved_year,
    make_commune,
    make_district,
    make_indicator,
    make_province,
    make_report_narrative,
    make_superuser,
    make_value,
)
from tests.test_report import ARTICLE_LINES, PROGRAMME_FIGURES

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PASSWORD = "bkxh-demo-2024"


def paragraphs(document):
    """Every paragraph of the body, those in tables too, in the order they are printed."""
    return [Paragraph(p, document) for p in document.element.body.iter(qn("w:p"))]


def docx_text(document):
    """The text of the document; a letterhead's name keeps its no-break spaces (vn_format.letterhead_name)."""
    return " ".join(paragraph.text for paragraph in paragraphs(document)).replace("\N{NO-BREAK SPACE}", " ")


def sheet_rows(workbook):
    sheet = workbook.active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


class FilesTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def setUp(self):
        self.client.login(username="admin", password=PASSWORD)

    def download(self, address, content_type):
        response = self.client.get(address)
        self.assertEqual(response.status_code, 200, address)
        self.assertEqual(response["Content-Type"], content_type)
        return response

    def docx(self, address="/reports/2024/docx/"):
        return docx.Document(BytesIO(self.download(address, DOCX_TYPE).content))

    def xlsx(self, address="/reports/2024/xlsx/"):
        return openpyxl.load_workbook(BytesIO(self.download(address, XLSX_TYPE).content))

    def report(self, address="/reports/2024/"):
        return self.client.get(address).context["report"]


class WordFileTests(FilesTestCase):
    def test_the_2024_word_file_is_named_for_its_year_agency_and_area(self):
        response = self.download("/reports/2024/docx/", DOCX_TYPE)
        self.assertEqual(
            response["Content-Disposition"],
            'attachment; filename="bao-cao-2024-so-lao-dong-thuong-binh-va-xa-hoi-tinh-bac-kan.docx"',
        )

    def test_the_2024_word_file_says_every_line_of_the_article(self):
        text = docx_text(self.docx())
        for line in ARTICLE_LINES:
            with self.subTest(line=line):
                self.assertIn(line, text)

    def test_the_2024_word_file_has_every_programme_figure(self):
        text = docx_text(self.docx())
        for figure in PROGRAMME_FIGURES:
            with self.subTest(figure=figure):
                self.assertIn(figure, text)

    def test_its_sentences_are_those_of_the_page(self):
        document = self.docx()
        sentences = [p.text for p in paragraphs(document) if p.text.startswith("Toàn tỉnh")]
        self.assertIn("Toàn tỉnh giải quyết việc làm cho 7.000/6.400 người, đạt 109,4% kế hoạch.", sentences)
        self.assertEqual(len(sentences), sum(len(section.lines) for section in self.report().sections))

    def test_the_page_is_a4_portrait_with_the_decree_margins(self):
        section = self.docx().sections[0]
        # Word stores the page in twentieths of a point: to the tenth of a millimetre.
        self.assertEqual((round(section.page_width.mm, 1), round(section.page_height.mm, 1)), (210, 297))
        self.assertLess(section.page_width, section.page_height)
        self.assertEqual(
            [round(margin.mm, 1) for margin in (section.top_margin, section.bottom_margin)]
            + [round(margin.mm, 1) for margin in (section.left_margin, section.right_margin)],
            [20, 20, 30, 15],
        )

    def test_the_text_is_times_new_roman_of_13_or_14_points_in_word_styles(self):
        document = self.docx()
        normal = document.styles["Normal"]
        self.assertEqual(normal.font.name, "Times New Roman")
        self.assertEqual(normal.font.size, Pt(14))
        fonts = normal.element.rPr.rFonts
        self.assertEqual(fonts.get(qn("w:cs")), "Times New Roman")
        for name in ("Heading 1", "Heading 2"):
            style = document.styles[name]
            self.assertEqual(style.font.name, "Times New Roman")
            self.assertIsNone(style.element.rPr.rFonts.get(qn("w:asciiTheme")))
        headings = [p.text for p in paragraphs(document) if p.style.name == "Heading 1"]
        self.assertEqual(headings, ["I. KẾT QUẢ THỰC HIỆN", "II. BIỂU TỔNG HỢP CÁC CHỈ TIÊU"])
        self.assertIn("1. Lao động – việc làm", [p.text for p in paragraphs(document) if p.style.name == "Heading 2"])
        body_sizes = {
            run.font.size for p in document.paragraphs for run in p.runs if p.style.name == "Normal" and run.text
        }
        self.assertLessEqual(body_sizes, {None, Pt(13), Pt(14)})

    def test_it_opens_with_the_two_column_letterhead(self):
        document = self.docx()
        letterhead = document.tables[0]
        issuer, motto = letterhead.rows[0].cells
        number, place_date = letterhead.rows[1].cells
        self.assertEqual(issuer.paragraphs[0].text, "UBND TỈNH BẮC KẠN")
        self.assertFalse(issuer.paragraphs[0].runs[0].bold)
        agency = issuer.paragraphs[1]
        self.assertEqual(agency.text.replace("\N{NO-BREAK SPACE}", " "), "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI")
        self.assertTrue(agency.runs[0].bold)
        # The short rule under the agency's name.
        self.assertIsNotNone(issuer.paragraphs[2]._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")))
        self.assertEqual(motto.paragraphs[0].text, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
        self.assertTrue(motto.paragraphs[0].runs[0].bold)
        self.assertEqual(motto.paragraphs[1].text, "Độc lập - Tự do - Hạnh phúc")
        self.assertTrue(motto.paragraphs[1].runs[0].bold)
        self.assertTrue(motto.paragraphs[1].runs[0].underline)  # a rule exactly as long as the motto
        self.assertEqual(number.text, "Số:\u2003\u2003\u2003/BC-SLĐTBXH")
        # Sở LĐ-TB&XH ceased on 28/02/2025: the date line is left for the signer, as on the page.
        self.assertEqual(place_date.text, "Bắc Kạn, ngày …… tháng …… năm ……")
        self.assertTrue(place_date.paragraphs[0].runs[0].italic)
        self.assertIn("BÁO CÁO Kết quả thực hiện chỉ tiêu, nhiệm vụ năm 2024", docx_text(document))

    def test_page_numbers_are_centred_at_the_top_from_page_two(self):
        section = self.docx().sections[0]
        self.assertTrue(section.different_first_page_header_footer)
        self.assertFalse(section.first_page_header.is_linked_to_previous)
        self.assertEqual(section.first_page_header.paragraphs[0].text, "")
        header = section.header.paragraphs[0]
        self.assertEqual(header.alignment, 1)  # centred
        instructions = [element.text.strip() for element in header._p.iter(qn("w:instrText"))]
        self.assertEqual(instructions, ["PAGE"])

    def test_the_figures_table_repeats_its_header_row_on_each_page(self):
        document = self.docx()
        figures = next(table for table in document.tables if table.style.name == "Table Grid")
        header = figures.rows[0]
        self.assertIsNotNone(header._tr.trPr.find(qn("w:tblHeader")))
        self.assertEqual(
            [cell.text for cell in header.cells],
            ["TT", "Chỉ tiêu", "ĐVT", "Kế hoạch", "Thực hiện (ước)", "Tỷ lệ % so với KH"],
        )
        rows = [[cell.text for cell in row.cells] for row in figures.rows[1:]]
        self.assertEqual(rows[0][:2], ["I", "Lao động – việc làm"])
        self.assertIn(["1", "Giải quyết việc làm", "người", "6.400", "7.000", "109,4%"], rows)
        self.assertIn("-", [row[0] for row in rows])
        self.assertEqual(figures.rows[1]._tr.trPr.find(qn("w:tblHeader")), None)

    def test_the_signature_and_the_recipients_close_it(self):
        closing = self.docx().tables[-1]
        recipients, signature = closing.rows[0].cells
        title = recipients.paragraphs[0]
        self.assertEqual(title.text, "Nơi nhận:")
        self.assertTrue(title.runs[0].bold and title.runs[0].italic)
        self.assertEqual(title.runs[0].font.size, Pt(12))
        lines = recipients.paragraphs[1:]
        self.assertEqual(lines[-1].text, "- Lưu: VT, VP.")
        self.assertTrue(all(line.text.endswith(";") for line in lines[:-1]))
        self.assertEqual({run.font.size for line in lines for run in line.runs}, {Pt(11)})
        self.assertEqual([p.text for p in signature.paragraphs if p.text], ["GIÁM ĐỐC", "Hoàng Văn Minh"])

    def test_a_provisional_report_is_marked_draft_and_an_approved_one_is_not(self):
        self.assertEqual(paragraphs(self.docx())[0].text, "DỰ THẢO")
        make_approved_year(area=AdminUnit.objects.for_code("06", 2024))
        self.assertNotIn("DỰ THẢO", docx_text(self.docx()))

    def test_the_illustrative_figures_and_todays_boundaries_are_said_as_on_the_page(self):
        text = docx_text(self.docx("/reports/2025/docx/?area=19&agency=SNV"))
        self.assertIn("Số liệu minh hoạ của bản dùng thử, không phải số liệu đã công bố", text)
        self.assertIn("Số liệu năm 2025 tính theo địa giới hành chính hiện nay, gồm cả số liệu của", text)
        self.assertNotIn("Số liệu minh hoạ", docx_text(self.docx()))


class ExcelFileTests(FilesTestCase):
    def test_the_2024_excel_file_is_named_as_the_word_file(self):
        response = self.download("/reports/2024/xlsx/", XLSX_TYPE)
        self.assertEqual(
            response["Content-Disposition"],
            'attachment; filename="bao-cao-2024-so-lao-dong-thuong-binh-va-xa-hoi-tinh-bac-kan.xlsx"',
        )

    def test_its_figures_are_numbers_equal_to_the_reports(self):
        rows = {row[1]: row for row in sheet_rows(self.xlsx()) if row[0] and row[0] not in ("TT",)}
        checked = 0
        for section in self.report().sections:
            children = [child for parent in section.lines for child in parent.children]
            for line in section.lines + children:
                row = rows[line.indicator.name]
                with self.subTest(indicator=line.indicator.code):
                    self.assertEqual(row[2], line.indicator.unit)
                    for value, expected in ((row[3], line.plan), (row[4], line.actual)):
                        if expected is None:
                            self.assertIsNone(value)
                        else:
                            self.assertIsInstance(value, int | float)
                            self.assertEqual(Decimal(str(value)), expected)
                    if line.percent is not None:
                        self.assertEqual(Decimal(str(row[5])) * 100, line.percent)
                    checked += 1
        self.assertGreater(checked, 20)

    def test_every_line_of_the_article_is_in_its_cells(self):
        rows = {row[1]: row for row in sheet_rows(self.xlsx())}
        expected = {
            "Giải quyết việc làm": (6400, 7000, Decimal("1.094")),
            "Người tham gia BHXH bắt buộc": (23279, 23758, Decimal("1.021")),
            "Cai nghiện ma túy bắt buộc": (80, 91, Decimal("1.138")),
        }
        for name, (plan, actual, percent) in expected.items():
            with self.subTest(name=name):
                row = rows[name]
                self.assertEqual((row[3], row[4]), (plan, actual))
                self.assertEqual(Decimal(str(row[5])), percent)

    def test_numbers_show_the_vietnamese_way_in_vietnamese_excel(self):
        sheet = self.xlsx().active
        cells = {row[1].value: row for row in sheet.iter_rows()}
        jobs = cells["Giải quyết việc làm"]
        # Format codes are stored with en-US separators; Vietnamese Excel shows 7.000 and 109,4%.
        self.assertEqual(jobs[4].number_format, "#,##0")
        self.assertEqual(jobs[5].number_format, "0.0%")

    def test_the_same_rows_and_sections_as_the_page(self):
        report = self.report()
        rows = sheet_rows(self.xlsx())
        header = next(number for number, row in enumerate(rows) if row[0] == "TT")
        self.assertEqual(rows[header], ["TT", "Chỉ tiêu", "ĐVT", "Kế hoạch", "Thực hiện (ước)", "Tỷ lệ % so với KH"])
        table = rows[header + 1 :]
        sectors = [row[1] for row in table if row[0] in ("I", "II", "III", "IV", "V", "VI", "VII")]
        self.assertEqual(sectors, [section.sector.name for section in report.sections])
        children = sum(len(line.children) for section in report.sections for line in section.lines)
        self.assertEqual([row[0] for row in table].count("-"), children)
        above = " ".join(str(value) for row in rows[:header] for value in row if value)
        for part in ("UBND TỈNH BẮC KẠN", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "BÁO CÁO", "năm 2024", "DỰ THẢO"):
            self.assertIn(part, above)

    def test_it_prints_on_a4_one_page_wide_with_its_header_row_on_every_page(self):
        sheet = self.xlsx().active
        header = next(row[0].row for row in sheet.iter_rows() if row[0].value == "TT")
        self.assertEqual(int(sheet.page_setup.paperSize), int(sheet.PAPERSIZE_A4))
        self.assertEqual(sheet.page_setup.orientation, "portrait")
        self.assertTrue(sheet.sheet_properties.pageSetUpPr.fitToPage)
        self.assertEqual((sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight), (1, 0))
        self.assertEqual(sheet.print_title_rows, f"${header}:${header}")


class FileAccessTests(FilesTestCase):
    def test_the_page_links_its_word_and_excel_files_with_its_parameters(self):
        response = self.client.get("/reports/2025/?area=19&agency=SNV")
        self.assertContains(response, 'href="/reports/2025/docx/?area=19&amp;agency=SNV"')
        self.assertContains(response, 'href="/reports/2025/xlsx/?area=19&amp;agency=SNV"')
        self.assertContains(self.client.get("/reports/2024/"), 'href="/reports/2024/docx/"')

    def test_the_files_need_a_login(self):
        self.client.logout()
        for kind in ("docx", "xlsx"):
            with self.subTest(kind=kind):
                response = self.client.get(f"/reports/2024/{kind}/")
                self.assertEqual(response.status_code, 302)
                self.assertIn("/admin/login/", response["Location"])

    def test_a_district_user_gets_their_districts_file_and_not_the_provinces(self):
        self.client.login(username="pacnam.xem", password=PASSWORD)
        for kind, content_type in (("docx", DOCX_TYPE), ("xlsx", XLSX_TYPE)):
            with self.subTest(kind=kind):
                self.assertEqual(self.client.get(f"/reports/2024/{kind}/?area=06").status_code, 403)
                response = self.download(f"/reports/2024/{kind}/", content_type)
                self.assertIn("huyen-pac-nam", response["Content-Disposition"])
        text = docx_text(self.docx())
        self.assertIn("UBND HUYỆN PÁC NẶM", text)
        self.assertNotIn("SỞ LAO ĐỘNG", text)

    def test_an_agencys_files_have_only_its_sectors(self):
        snv_docx = docx_text(self.docx("/reports/2026/docx/?area=19&agency=SNV"))
        syt_docx = docx_text(self.docx("/reports/2026/docx/?area=19&agency=SYT"))
        snv_xlsx = " ".join(
            str(v) for row in sheet_rows(self.xlsx("/reports/2026/xlsx/?area=19&agency=SNV")) for v in row
        )
        syt_xlsx = " ".join(
            str(v) for row in sheet_rows(self.xlsx("/reports/2026/xlsx/?area=19&agency=SYT")) for v in row
        )
        for snv, syt in ((snv_docx, syt_docx), (snv_xlsx, syt_xlsx)):
            self.assertIn("SỞ NỘI VỤ", snv)
            self.assertIn("Giải quyết việc làm", snv)
            self.assertNotIn("Bảo trợ xã hội", snv)
            self.assertIn("SỞ Y TẾ", syt)
            self.assertIn("Bảo trợ xã hội", syt)
            self.assertNotIn("Giải quyết việc làm", syt)
            self.assertNotIn("Lao động – việc làm", syt)

    def test_with_several_agencies_and_none_named_the_file_address_answers_the_picker(self):
        response = self.client.get("/reports/2025/docx/?area=06")
        self.assertTemplateUsed(response, "reports/agency_picker.html")
        # Its links keep to the file's address: the chosen agency's file.
        self.assertContains(response, 'href="?area=06&amp;agency=SNV"')

    def test_a_year_without_figures_and_an_unknown_agency_are_not_found(self):
        for address in (
            "/reports/2019/docx/",
            "/reports/2019/xlsx/",
            "/reports/2024/docx/?agency=SNV",
            "/reports/1999/xlsx/",
        ):
            with self.subTest(address=address):
                self.assertEqual(self.client.get(address).status_code, 404)


class FileNameTests(TestCase):
    def test_a_report_without_an_agency_is_named_for_its_year_and_area(self):
        report = SimpleNamespace(year=2024, area=make_province(), agency=None)
        self.assertEqual(file_name(report, "xlsx"), "bao-cao-2024-tinh-bac-kan.xlsx")


class WideFiguresInTheWordFileTests(TestCase):
    """Sums of money over a whole country run to millions of millions of đồng, as the report
    bench's ten million entries do: figures too wide for the page must not squeeze out the
    indicator's name (or make a column of less than no width, which Word cannot write)."""

    @classmethod
    def setUpTestData(cls):
        province = make_province()
        make_agency(area=province)
        district = make_district(parent=province)
        make_commune(parent=district)
        funerals = make_indicator(code="funeral_vnd", name="Kinh phí trợ cấp mai táng", unit="đồng")
        make_value(indicator=funerals, area=district, year=2023, actual=Decimal("2571428000000000"))
        make_value(
            indicator=funerals, area=district, plan=Decimal("2600000000000000"), actual=Decimal("2614285000000000")
        )
        cls.user = make_superuser()

    def test_the_indicator_keeps_its_room_and_the_table_the_page_width(self):
        self.client.force_login(self.user)
        response = self.client.get("/reports/2024/docx/?area=060")
        self.assertEqual(response.status_code, 200)
        document = docx.Document(BytesIO(response.content))
        figures = next(table for table in document.tables if table.style.name == "Table Grid")
        self.assertIn("2.614.285.000.000.000", [cell.text for cell in figures.rows[-1].cells])
        # Word keeps widths in twentieths of a point: to the tenth of a millimetre.
        widths = [round(column.width.mm, 1) for column in figures.columns]
        self.assertGreaterEqual(widths[1], 45)
        self.assertEqual(round(sum(widths)), 165)


class NarrativeInTheFilesTests(FilesTestCase):
    """The sections staff wrote print in the Word file as on the page, and the table's heading
    takes the next number in both files."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        province = AdminUnit.objects.for_code("06", 2024)
        make_report_narrative(
            agency=Agency.objects.get(area=province, abbreviation="SLĐTBXH"),
            shortcomings="Việc làm chưa bền vững.\nThu nhập còn thấp.",
            directions="Giải quyết việc làm cho 7.200 người.",
        )

    def test_the_word_file_prints_the_narrative_after_the_results_and_before_the_table(self):
        text = docx_text(self.docx())
        results = text.index("I. KẾT QUẢ THỰC HIỆN")
        shortcomings = text.index("II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN Việc làm chưa bền vững. Thu nhập còn thấp.")
        directions = text.index("III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025 Giải quyết việc làm cho 7.200 người.")
        table = text.index("IV. BIỂU TỔNG HỢP CÁC CHỈ TIÊU")
        self.assertLess(results, shortcomings)
        self.assertLess(shortcomings, directions)
        self.assertLess(directions, table)

    def test_the_excel_file_has_the_narrative_before_the_table_numbered_after_it(self):
        cells = [value for row in sheet_rows(self.xlsx()) for value in row if value]
        order = [
            "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
            "Việc làm chưa bền vững.",
            "Thu nhập còn thấp.",
            "III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025",
            "Giải quyết việc làm cho 7.200 người.",
            "IV. BIỂU TỔNG HỢP CÁC CHỈ TIÊU",
        ]
        positions = [cells.index(text) for text in order]
        self.assertEqual(positions, sorted(positions))
