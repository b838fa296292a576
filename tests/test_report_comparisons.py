"""The report compared with the year before ("so với năm 2023") and the plan of the year after,
on the report's own territory (README, "Figures across the reform")."""

import datetime
from io import BytesIO

import docx
import openpyxl
from django.test import TestCase

from indicators.reports import annual_reports
from tests.factories import (
    make_agency,
    make_indicator,
    make_merged_provinces,
    make_province,
    make_superuser,
    make_value,
)
from tests.test_report import JobsReportCase, page_text
from tests.test_report_documents import docx_text, sheet_rows

SENTENCE = "Toàn tỉnh giải quyết việc làm 7.000/6.400 người, đạt 109,4% kế hoạch"


class ComparedWithTheYearBeforeTests(JobsReportCase):
    def report_text(self):
        return page_text(self.client.get("/reports/2024/"))

    def test_a_rise_is_said_in_percent_of_the_year_before(self):
        make_value(indicator=self.jobs, area=self.province, year=2023, actual=6650)
        self.assertIn(f"{SENTENCE}, tăng 5,3% so với năm 2023.", self.report_text())

    def test_a_fall_is_said_in_percent_of_the_year_before(self):
        make_value(indicator=self.jobs, area=self.province, year=2023, actual=7400)
        self.assertIn(f"{SENTENCE}, giảm 5,4% so với năm 2023.", self.report_text())

    def test_the_same_figure_is_said_to_be_the_same(self):
        make_value(indicator=self.jobs, area=self.province, year=2023, actual=7000)
        self.assertIn(f"{SENTENCE}, bằng năm 2023.", self.report_text())

    def test_a_rise_from_nought_is_said_in_units(self):
        make_value(indicator=self.jobs, area=self.province, year=2023, actual=0)
        self.assertIn(f"{SENTENCE}, tăng 7.000 người so với năm 2023.", self.report_text())

    def test_the_table_gains_the_year_before_and_the_percentage_against_it(self):
        make_value(indicator=self.jobs, area=self.province, year=2023, actual=6650)
        text = self.report_text()
        self.assertIn("Thực hiện năm 2023 So với năm 2023 (%)", text)
        self.assertIn("Giải quyết việc làm người 6.400 7.000 109,4% 6.650 105,3%", text)

    def test_without_the_year_before_the_report_is_as_it_was(self):
        text = self.report_text()
        self.assertIn(f"{SENTENCE}.", text)
        self.assertNotIn("năm 2023", text)

    def test_the_plan_of_the_year_after_is_shown_once_entered(self):
        self.assertNotIn("Kế hoạch năm 2025", self.report_text())
        make_value(indicator=self.jobs, area=self.province, year=2025, plan=7200)
        text = self.report_text()
        self.assertIn("Kế hoạch năm 2025", text)
        self.assertIn("Giải quyết việc làm người 6.400 7.000 109,4% 7.200", text)

    def test_the_year_after_is_read_for_its_plans_alone(self):
        make_value(indicator=self.jobs, area=self.province, year=2025, plan=7200, actual=900)
        reports = annual_reports(years=[2024], plans_only=[2025], area=self.province, register_figures={})
        (line,) = reports[2025].all_lines()
        self.assertEqual((line.plan, line.actual), (7200, None))
        self.assertEqual(next(reports[2024].all_lines()).actual, 7000)


class ComparedAcrossTheReformTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.units = make_merged_provinces()
        make_agency(
            area=cls.units.thai_nguyen,
            managing_body="UBND TỈNH THÁI NGUYÊN",
            name="SỞ NỘI VỤ",
            abbreviation="SNV",
            place="Thái Nguyên",
            valid_from=datetime.date(2025, 7, 1),
            valid_to=None,
        )
        cls.jobs = make_indicator()
        cls.user = make_superuser()

    def test_the_year_before_a_new_province_is_that_of_the_provinces_it_was_formed_from(self):
        make_value(indicator=self.jobs, area=self.units.thai_nguyen, year=2025, actual=20000)
        make_value(indicator=self.jobs, area=self.units.bac_kan, year=2025, actual=4000)
        make_value(indicator=self.jobs, area=self.units.bac_kan, year=2024, actual=7000)
        make_value(indicator=self.jobs, area=self.units.old_thai_nguyen, year=2024, actual=21000)
        self.client.force_login(self.user)
        text = page_text(self.client.get("/reports/2025/?area=19"))
        # 24.000 against 28.000: down 14,3%.
        self.assertIn("Toàn tỉnh giải quyết việc làm 24.000 người, giảm 14,3% so với năm 2024.", text)
        self.assertIn(
            "Số liệu năm 2024 tính theo địa giới hành chính hiện nay, gồm cả số liệu của "
            "Tỉnh Bắc Kạn (đến 30/06/2025) và Tỉnh Thái Nguyên (đến 30/06/2025).",
            text,
        )


class ComparedInTheFilesTests(TestCase):
    """The Word and Excel files compare as the page does."""

    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        make_agency(area=cls.province)
        jobs = make_indicator()
        make_value(indicator=jobs, area=cls.province, year=2024, plan=6400, actual=7000)
        make_value(indicator=jobs, area=cls.province, year=2023, actual=6650)
        make_value(indicator=jobs, area=cls.province, year=2025, plan=7200)
        cls.user = make_superuser()

    def setUp(self):
        self.client.force_login(self.user)

    def test_the_word_file_says_the_rise_and_has_the_year_befores_columns(self):
        document = docx.Document(BytesIO(self.client.get("/reports/2024/docx/").content))
        self.assertIn(f"{SENTENCE}, tăng 5,3% so với năm 2023.", docx_text(document))
        [table] = [table for table in document.tables if table.rows[0].cells[-1].text == "Kế hoạch năm 2025"]
        header = [cell.text for cell in table.rows[0].cells]
        self.assertEqual(header[-3:], ["Thực hiện năm 2023", "So với năm 2023 (%)", "Kế hoạch năm 2025"])

    def test_the_excel_file_has_the_year_before_and_the_plan_after_as_numbers(self):
        workbook = openpyxl.load_workbook(BytesIO(self.client.get("/reports/2024/xlsx/").content))
        [row] = [row for row in sheet_rows(workbook) if "Giải quyết việc làm" in row]
        self.assertEqual(row[-3:], [6650, 1.053, 7200])
