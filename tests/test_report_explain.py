"""Every figure explained (issue 15, item 3): on the report's screen each figure of the table
links to the rows behind it, the register's list filtered to the year, the report's territory
and the kind, whose total is the printed figure, or the indicator values that add up to it."""

import re
from html import unescape
from unittest import mock
from urllib.parse import parse_qs, urlsplit

from django.test import TestCase

from areas.models import AdminUnit
from bkxh.templatetags.vn_format import vn_number
from indicators.models import IndicatorValue, RegisterSource
from tests.demo import load_demo
from tests.factories import (
    make_commune,
    make_district,
    make_housing_support,
    make_indicator,
    make_province,
    make_role_user,
    make_superuser,
    make_value,
)
from tests.test_report import printed_part

PASSWORD = "bkxh-demo-2024"
# Which of a register list's totals (RegisterAdmin.changelist_totals, in order) a figure is.
TOTAL_OF = {
    RegisterSource.RICE_KG: 0,
    RegisterSource.RICE_HOUSEHOLDS: 1,
    RegisterSource.RICE_PERSONS: 2,
    RegisterSource.HOUSING_AMOUNT: 1,
    RegisterSource.TRAINING_PARTICIPANTS: 1,
}
LINK = re.compile(r'<td class="num">([^<]*)<a class="figure-rows no-print" href="([^"]+)"')


def table_links(response):
    """[(the printed figure, the address it links to)] of the report's table."""
    return [(text.strip(), unescape(url)) for text, url in LINK.findall(response.content.decode())]


def list_totals(response):
    """The totals a list shows above its rows, as printed (7.000)."""
    return [unescape(value) for value in re.findall(r'class="register-total">[^<]*<b>([^<]*)</b>', response.content.decode())]


def lines_of(report):
    return list(report.all_lines())


class DemoFigureLinksTests(TestCase):
    """The demo's 2024 reports, on the province and on Huyện Pác Nặm."""

    @classmethod
    def setUpTestData(cls):
        load_demo()

    def follow_register_figures(self, username, url):
        """Follows each register figure's link of the report at `url`; returns {indicator code:
        the printed figure} of those followed."""
        self.client.login(username=username, password=PASSWORD)
        response = self.client.get(url)
        links = response.context["figure_links"]
        followed = {}
        for line in lines_of(response.context["report"]):
            if not line.from_register:
                continue
            printed = vn_number(line.actual)
            with self.subTest(user=username, indicator=line.indicator.code):
                address = links[line.indicator.pk, "actual"]
                self.assertIn(
                    f'<td class="num">{printed}<a class="figure-rows no-print" href="{address}"',
                    response.content.decode().replace("&amp;", "&"),
                )
                listed = self.client.get(address)
                self.assertEqual(listed.status_code, 200)
                totals = list_totals(listed)
                self.assertEqual(totals[TOTAL_OF.get(line.indicator.source, 0)], printed)
                followed[line.indicator.code] = printed
        return followed

    def test_every_register_figure_of_the_province_links_to_a_list_whose_total_is_the_printed_figure(self):
        for username in ("admin", "tinh.xem"):
            followed = self.follow_register_figures(username, "/reports/2024/")
            self.assertEqual(followed["longevity_90"], "249")
            self.assertEqual(followed["longevity_100"], "17")
            self.assertEqual(followed["rice_relief_kg"], "259.310")
            self.assertEqual(followed["poor_housing_amount"], "4.500.000.000")
            self.assertEqual(len(followed), 12)

    def test_every_register_figure_of_a_district_users_report_links_to_their_districts_entries(self):
        admin_figures = self.follow_register_figures("admin", "/reports/2024/?area=060")
        self.client.logout()
        district_figures = self.follow_register_figures("pacnam.xem", "/reports/2024/")
        self.assertEqual(district_figures, admin_figures)
        self.assertTrue(district_figures)

    def test_a_breakdowns_link_names_its_kind_and_the_reports_area_and_year_by_their_codes(self):
        self.client.login(username="admin", password=PASSWORD)
        response = self.client.get("/reports/2024/")
        gifts = next(line for line in lines_of(response.context["report"]) if line.indicator.code == "longevity_90")
        address = urlsplit(response.context["figure_links"][gifts.indicator.pk, "actual"])
        self.assertEqual(address.path, "/admin/beneficiaries/longevitygift/")
        self.assertEqual(parse_qs(address.query), {"year": ["2024"], "report_area": ["06"], "milestone__exact": ["90"]})

    def test_a_typed_figures_link_lists_exactly_the_values_that_add_up_to_it(self):
        self.client.login(username="admin", password=PASSWORD)
        response = self.client.get("/reports/2024/")
        typed = [line for line in lines_of(response.context["report"]) if not line.from_register and line.actual]
        self.assertTrue(typed)
        for line in typed:
            with self.subTest(indicator=line.indicator.code):
                listed = self.client.get(response.context["figure_links"][line.indicator.pk, "actual"])
                values = list(listed.context["cl"].queryset)
                self.assertEqual(sum(value.actual or 0 for value in values), line.actual)
                self.assertEqual({value.indicator_id for value in values}, {line.indicator.pk})
                self.assertIn(vn_number(line.actual), list_totals(listed))

    def test_each_listed_value_links_to_its_history_naming_who_and_through_what_it_was_last_changed(self):
        self.client.login(username="admin", password=PASSWORD)
        response = self.client.get("/reports/2024/")
        line = next(line for line in lines_of(response.context["report"]) if line.indicator.code == "jobs_created")
        listed = self.client.get(response.context["figure_links"][line.indicator.pk, "actual"])
        value = listed.context["cl"].queryset.get()
        history = f"/admin/indicators/indicatorvalue/{value.pk}/history/"
        self.assertContains(listed, f'<a href="{history}">')
        # The demo's figures came in through the loader's import (a command), with its log.
        self.assertContains(listed, f"lệnh quản trị, nhật ký nhập số {value.history.latest().import_log_id}")
        self.assertEqual(self.client.get(history).status_code, 200)

    def test_the_links_are_not_in_the_printed_part_nor_in_the_files(self):
        self.client.login(username="admin", password=PASSWORD)
        response = self.client.get("/reports/2024/")
        self.assertGreater(len(table_links(response)), 30)
        printed = printed_part(response)
        self.assertNotIn("figure-rows", printed)
        self.assertNotIn("/admin/beneficiaries/", printed)
        self.assertNotIn("/admin/indicators/", printed)

    def test_the_servers_pdf_prints_the_page_without_its_links_and_nothing_else_changed(self):
        self.client.login(username="admin", password=PASSWORD)
        page = self.client.get("/reports/2024/").content.decode()
        printed = []
        with mock.patch("reports.views.pdf_from_html", side_effect=lambda html: printed.append(html) or b"%PDF"):
            self.assertEqual(self.client.get("/reports/2024/pdf/").status_code, 200)
        self.assertNotIn("figure-rows", printed[0])
        self.assertEqual(printed[0], re.sub(r'<a class="figure-rows no-print"[^>]*></a>', "", page))
