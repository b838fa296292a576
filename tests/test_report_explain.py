"""Every figure explained (issue 15, item 3): on the report's screen each figure of the table
links to the rows behind it, the register's list filtered to the year, the report's territory
and the kind, whose total is the printed figure, or the indicator values that add up to it."""

import datetime
import re
from html import unescape
from unittest import mock
from urllib.parse import parse_qs, urlsplit

from django.test import TestCase

from bkxh.templatetags.vn_format import vn_number
from indicators.models import RegisterSource
from tests.demo import load_demo
from tests.factories import (
    default_commune,
    make_decision,
    make_housing_support,
    make_indicator,
    make_longevity_gift,
    make_merged_provinces,
    make_person,
    make_role_user,
    make_superuser,
    make_value,
)
from tests.test_report import printed_part, without_figure_links

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
    found = re.findall(r'class="register-total">[^<]*<b>([^<]*)</b>', response.content.decode())
    return [unescape(value) for value in found]


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

    def test_each_figure_of_a_sentence_links_where_the_same_figure_of_the_table_does(self):
        self.client.login(username="pacnam.xem", password=PASSWORD)
        response = self.client.get("/reports/2024/")
        page = unescape(response.content.decode())
        links = response.context["figure_links"]
        for line in lines_of(response.context["report"]):
            for figure, value in (("actual", line.actual), ("plan", line.plan)):
                if (line.indicator.pk, figure) in links:
                    with self.subTest(indicator=line.indicator.code, figure=figure):
                        url = links[line.indicator.pk, figure]
                        linked = re.escape(f'<span class="figure-text"><a class="figure-link no-print" href="{url}" ')
                        self.assertRegex(page, linked + r'title="[^"]*">' + re.escape(f"{vn_number(value)}</a>"))
        # On paper a sentence is its text, without the links (static/css/report.css, @media print).
        printed = printed_part(response)
        self.assertNotIn("figure-text", printed)
        self.assertIn("Huyện Pác Nặm", printed)

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
        # A viewer: the page of someone who may issue the report also has the button to issue it.
        self.client.login(username="tinh.xem", password=PASSWORD)
        page = self.client.get("/reports/2024/").content.decode()
        self.assertIn("figure-rows", page)
        printed = []
        with mock.patch("reports.views.pdf_from_html", side_effect=lambda html: printed.append(html) or b"%PDF"):
            self.assertEqual(self.client.get("/reports/2024/pdf/").status_code, 200)
        self.assertNotIn("figure-rows", printed[0])
        self.assertEqual(printed[0], without_figure_links(page))

    def test_a_2025_thai_nguyen_figures_link_lists_the_values_of_both_structures(self):
        self.client.login(username="thainguyen.xem", password=PASSWORD)
        response = self.client.get("/reports/2025/?area=19&agency=SYT")
        line = next(line for line in lines_of(response.context["report"]) if line.indicator.code == "rice_relief_kg")
        listed = self.client.get(response.context["figure_links"][line.indicator.pk, "actual"])
        values = listed.context["cl"].queryset.select_related("area")
        self.assertEqual(
            sorted((value.area.code, value.area.valid_to is None) for value in values),
            [("06", False), ("19", False), ("19", True)],
        )
        self.assertEqual(sum(value.actual for value in values), line.actual)
        self.assertIn(vn_number(line.actual), list_totals(listed))

    def test_a_district_user_following_a_province_link_lists_only_their_districts_entries(self):
        self.client.login(username="admin", password=PASSWORD)
        province = self.client.get("/reports/2024/")
        district = self.client.get("/reports/2024/?area=060")
        gifts = next(line for line in lines_of(province.context["report"]) if line.indicator.code == "longevity_90")
        in_district = next(
            line for line in lines_of(district.context["report"]) if line.indicator.code == "longevity_90"
        )
        self.client.logout()
        self.client.login(username="pacnam.xem", password=PASSWORD)
        listed = self.client.get(province.context["figure_links"][gifts.indicator.pk, "actual"])
        self.assertEqual(list_totals(listed)[0], vn_number(in_district.actual))
        self.assertLess(in_district.actual, gifts.actual)


class FigureLinksAcrossTheReformTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.units = make_merged_provinces()
        cls.gifts = make_indicator(
            code="longevity_90", name="Mừng thọ 90 tuổi", has_plan=False, source=RegisterSource.LONGEVITY_90
        )
        for commune, day in (
            (cls.units.merged_commune, datetime.date(2025, 3, 10)),
            (cls.units.old_thai_nguyen_commune, datetime.date(2025, 4, 2)),
            (cls.units.new_commune, datetime.date(2025, 9, 8)),
        ):
            make_longevity_gift(person=make_person(birth_year=1935, commune=commune), year=2025, gift_date=day)
        cls.admin = make_superuser()

    def test_a_register_figure_of_the_new_province_links_to_the_entries_of_both_structures(self):
        self.client.force_login(self.admin)
        response = self.client.get("/reports/2025/?area=19")
        address = response.context["figure_links"][self.gifts.pk, "actual"]
        self.assertEqual(parse_qs(urlsplit(address).query)["report_area"], ["19"])
        listed = self.client.get(address)
        self.assertEqual({gift.commune.code for gift in listed.context["cl"].queryset}, {"01864", "05536"})
        self.assertEqual(listed.context["cl"].queryset.count(), 3)
        self.assertEqual(list_totals(listed)[0], "3")
        self.assertContains(listed, "Tỉnh Thái Nguyên (19)")

    def test_the_old_provinces_code_of_2025_names_its_own_half_year(self):
        self.client.force_login(self.admin)
        listed = self.client.get("/admin/beneficiaries/longevitygift/?year=2025&report_area=06&milestone__exact=90")
        self.assertEqual([gift.commune.code for gift in listed.context["cl"].queryset], ["01864"])


class CountedEntriesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.houses = make_indicator(
            code="poor_housing_houses",
            name="Hỗ trợ nhà ở",
            unit="nhà",
            has_plan=False,
            source=RegisterSource.HOUSING_HOUSES,
        )
        make_housing_support(amount_vnd=50_000_000)
        make_housing_support(amount_vnd=40_000_000, status="cancelled")
        cls.admin = make_superuser()

    def test_a_housing_lists_total_leaves_out_the_cancelled_support_as_the_report_does(self):
        self.client.force_login(self.admin)
        response = self.client.get("/reports/2024/?area=060")
        line = next(line for line in lines_of(response.context["report"]) if line.indicator.pk == self.houses.pk)
        self.assertEqual(line.actual, 1)
        listed = self.client.get(response.context["figure_links"][self.houses.pk, "actual"])
        self.assertEqual(list_totals(listed), ["1", "50.000.000"])


class FigureLinksOfUsersTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        commune = default_commune()
        cls.district = commune.parent
        make_value(indicator=make_indicator(), area=cls.district, actual=7)

    def test_a_user_without_the_admin_gets_the_report_without_links(self):
        user = make_role_user(username="viewer", role="Xem", units=[self.district])
        user.is_staff = False
        user.save()
        self.client.force_login(user)
        response = self.client.get("/reports/2024/?area=060")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["figure_links"], {})
        self.assertNotContains(response, "figure-rows")


class DecisionBenefitsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.decision = make_decision(number="12/QĐ-UBND")
        cls.gift = make_longevity_gift(decision=cls.decision, note="gift of the decision")
        make_housing_support(decision=cls.decision, sponsor="Bảo Việt")
        make_longevity_gift()
        cls.admin = make_superuser()

    def test_a_decisions_page_lists_the_benefits_that_point_to_it(self):
        self.client.force_login(self.admin)
        response = self.client.get(f"/admin/beneficiaries/decision/{self.decision.pk}/change/")
        self.assertContains(response, "Các khoản trợ giúp theo quyết định này")
        self.assertContains(response, f'href="/admin/beneficiaries/longevitygift/{self.gift.pk}/change/"')
        self.assertContains(response, f"/admin/beneficiaries/longevitygift/?decision__id__exact={self.decision.pk}")
        self.assertContains(response, "/admin/beneficiaries/housingsupport/?decision__id__exact=")
        listed = self.client.get(f"/admin/beneficiaries/longevitygift/?decision__id__exact={self.decision.pk}")
        self.assertEqual(list(listed.context["cl"].queryset), [self.gift])

    def test_a_decision_without_benefits_says_so(self):
        self.client.force_login(self.admin)
        response = self.client.get(f"/admin/beneficiaries/decision/{make_decision().pk}/change/")
        self.assertContains(response, "Chưa có khoản trợ giúp nào ghi theo quyết định này.")


class PreviousYearLinksTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def test_the_year_befores_figure_links_to_the_rows_of_that_year_on_the_same_territory(self):
        self.client.login(username="thainguyen.xem", password=PASSWORD)
        response = self.client.get("/reports/2025/?area=19&agency=SYT")
        report = response.context["report"]
        self.assertEqual(report.previous_year, 2024)
        compared = [line for line in lines_of(report) if line.previous is not None]
        self.assertTrue(compared)
        for line in compared:
            with self.subTest(indicator=line.indicator.code):
                address = response.context["figure_links"][line.indicator.pk, "previous"]
                keys = parse_qs(urlsplit(address).query)
                # The new province's code, read in the report's year: 2024 on today's boundaries.
                self.assertEqual((keys["year"], keys["report_area"], keys["report_year"]), (["2024"], ["19"], ["2025"]))
                listed = self.client.get(address)
                self.assertEqual(listed.status_code, 200)
                self.assertIn(vn_number(line.previous), list_totals(listed))
