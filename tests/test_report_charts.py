"""The report's charts: bars in a table, the table read as the chart's text."""

import datetime
from decimal import Decimal
from unittest import mock

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from tests.demo import load_demo
from tests.factories import (
    make_agency,
    make_district,
    make_indicator,
    make_merged_provinces,
    make_superuser,
    make_value,
)
from tests.test_report import JobsReportCase, page_text


class PlanAndActualChartTests(JobsReportCase):
    def test_each_planned_indicator_has_its_plan_and_actual_as_bars_and_figures(self):
        response = self.client.get("/reports/2024/charts/")
        [chart] = response.context["plan_charts"]
        self.assertEqual(
            [(bar.label, bar.value, bar.share) for bar in chart.bars],
            [
                ("plan", Decimal(6400), Decimal("91.4")),
                ("actual", Decimal(7000), Decimal(100)),
            ],
        )
        text = page_text(response)
        self.assertIn("Giải quyết việc làm (người) Kế hoạch 6.400 Thực hiện 7.000 109,4%", text)
        self.assertContains(response, 'style="width: 91.4%"')

    def test_the_last_five_years_show_each_year_with_a_figure(self):
        for year, actual in ((2020, 5000), (2022, 6000), (2023, 6650)):
            make_value(indicator=self.jobs, area=self.province, year=year, actual=actual)
        response = self.client.get("/reports/2024/charts/")
        [chart] = response.context["history_charts"]
        self.assertEqual(
            [(bar.label, bar.value) for bar in chart.bars],
            [
                ("2020", 5000),
                ("2022", 6000),
                ("2023", 6650),
                ("2024", 7000),
            ],
        )
        self.assertIn("Năm năm gần đây", page_text(response))

    def test_the_report_links_to_its_charts(self):
        self.assertContains(self.client.get("/reports/2024/"), 'href="/reports/2024/charts/"')

    def test_the_report_with_its_charts_as_an_annex_prints_them_after_the_report_in_its_pdf_too(self):
        plain = self.client.get("/reports/2024/")
        self.assertContains(plain, 'href="?annex=charts"')
        self.assertNotContains(plain, 'id="annex"')
        page = self.client.get("/reports/2024/", {"annex": "charts"})
        text = page_text(page)
        self.assertIn("PHỤ LỤC Biểu đồ kết quả thực hiện năm 2024 – Tỉnh Bắc Kạn", text)
        self.assertContains(page, '<a href="?">Bỏ phụ lục biểu đồ</a>', html=False)
        self.assertIn("Giải quyết việc làm (người) Kế hoạch 6.400 Thực hiện 7.000 109,4%", text)
        # The report before it is the one printed without the annex.
        self.assertEqual(
            page.content.decode().split('<article class="page annex')[0].count("6.400"),
            plain.content.decode().count("6.400"),
        )
        printed = []
        with mock.patch("reports.views.pdf_from_html", side_effect=lambda html: printed.append(html) or html.encode()):
            with_annex = self.client.get("/reports/2024/pdf/", {"annex": "charts"})
            without = self.client.get("/reports/2024/pdf/")
            # Each from the cache the second time (reports.caching), neither in place of the other.
            self.assertEqual(self.client.get("/reports/2024/pdf/", {"annex": "charts"}).content, with_annex.content)
            self.assertEqual(self.client.get("/reports/2024/pdf/").content, without.content)
        self.assertEqual(len(printed), 2)
        self.assertIn('id="annex"', printed[0])
        self.assertNotIn('id="annex"', printed[1])

    def test_the_charts_run_as_many_queries_with_one_district_as_with_thirty(self):
        def queries():
            with CaptureQueriesContext(connection) as context:
                self.assertEqual(self.client.get("/reports/2024/charts/").status_code, 200)
            return len(context)

        make_district(parent=self.province)
        with_one = queries()
        for number in range(29):
            district = make_district(parent=self.province, code=f"9{number:02d}", name=f"Huyện {number}")
            make_value(indicator=self.jobs, area=district, year=2023, actual=10)
        self.assertEqual(queries(), with_one)


class ChartsAcrossTheReformTests(TestCase):
    def test_a_new_provinces_history_adds_up_the_provinces_it_was_formed_from(self):
        units = make_merged_provinces()
        make_agency(
            area=units.thai_nguyen,
            name="SỞ NỘI VỤ",
            abbreviation="SNV",
            valid_from=datetime.date(2025, 7, 1),
            valid_to=None,
        )
        jobs = make_indicator()
        make_value(indicator=jobs, area=units.thai_nguyen, year=2025, actual=20000)
        make_value(indicator=jobs, area=units.bac_kan, year=2024, actual=7000)
        make_value(indicator=jobs, area=units.old_thai_nguyen, year=2024, actual=21000)
        self.client.force_login(make_superuser())
        response = self.client.get("/reports/2025/charts/?area=19")
        [chart] = response.context["history_charts"]
        self.assertEqual([(bar.label, bar.value) for bar in chart.bars], [("2024", 28000), ("2025", 20000)])
        self.assertIn("Theo địa giới hành chính hiện nay", page_text(response))


class UnitsSideBySideTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def setUp(self):
        self.client.force_login(get_user_model().objects.get(username="admin"))

    def chart(self, code, address="/reports/2024/charts/"):
        charts = self.client.get(address).context["unit_charts"]
        return next(chart for chart in charts if chart.indicator.code == code)

    def test_the_90_year_olds_of_each_district_add_up_to_the_reports_249(self):
        chart = self.chart("longevity_90")
        self.assertEqual(len(chart.bars), 8)
        self.assertEqual(sum(bar.value for bar in chart.bars), 249)
        self.assertEqual(sum(bar.value for bar in self.chart("rice_relief_kg").bars), 259_310)

    def test_a_district_shows_its_communes(self):
        chart = self.chart("longevity_90", "/reports/2024/charts/?area=060")
        self.assertEqual(sum(bar.value for bar in chart.bars), 29)
        self.assertTrue(all(bar.label.startswith(("Xã", "Thị trấn")) for bar in chart.bars))
