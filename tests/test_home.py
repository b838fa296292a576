"""The admin's home page per role: the year's board of the user's units, with counts that match
the database, what waits for the user, and the approval buttons that go through the workflow."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import ADMINISTRATOR, CLERK, REVIEWER
from approvals.models import YearApproval
from areas.models import AdminUnit
from beneficiaries.registers import register_models
from indicators.models import Indicator, IndicatorValue
from reports.board import BoardRow
from reports.charts import plan_and_actual
from reports.figures import report_of
from tests.demo import load_demo
from tests.factories import (
    make_commune,
    make_district,
    make_indicator,
    make_longevity_gift,
    make_person,
    make_province,
    make_role_user,
    make_unit,
    make_value,
)

HOME = "/admin/"
State = YearApproval.State


def figures_of(charts):
    return [(chart.indicator.code, [(bar.label, bar.value) for bar in chart.bars], chart.percent) for chart in charts]


def step_url(step, unit, year):
    return reverse("approval_step", args=[step, unit.pk, year])


class HomeChecks:
    def home(self, username, year=2024):
        self.client.force_login(get_user_model().objects.get(username=username))
        return self.client.get(HOME, {"year": year})

    def rows_of(self, response):
        return {row.unit.pk: row for row in response.context["rows"]}

    def assert_counts_match_the_database(self, response, year):
        rows = response.context["rows"]
        self.assertTrue(rows)
        for row in rows:
            values = IndicatorValue.objects.filter(area=row.unit, year=year)
            self.assertEqual(row.entered, values.filter(actual__isnull=False).count(), row.unit)
            self.assertEqual(row.missing, values.filter(plan__isnull=False, actual__isnull=True).count(), row.unit)
            below = AdminUnit.objects.within(row.unit).values_list("pk", flat=True)
            empty = [
                model._meta.verbose_name_plural
                for model in register_models()
                if not model.objects.for_year(year).in_units(below).exists()
            ]
            self.assertEqual([str(name) for name in row.empty_registers], [str(name) for name in empty], row.unit)
            approval = YearApproval.objects.filter(area=row.unit, year=year).first()
            self.assertEqual(row.state, approval.state if approval else State.DRAFT, row.unit)


class DemoHomeTests(HomeChecks, TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.pacnam = AdminUnit.objects.get(code="060", level=AdminUnit.Level.DISTRICT)
        cls.bac_kan = AdminUnit.objects.get(code="06", level=AdminUnit.Level.PROVINCE)

    def test_every_demo_role_but_the_viewers_gets_a_board_whose_counts_match_the_database(self):
        for place in ("tinh", "pacnam", "thainguyen"):
            for role in ("quantri", "nhaplieu", "duyet"):
                with self.subTest(f"{place}.{role}"):
                    response = self.home(f"{place}.{role}")
                    self.assertEqual(response.status_code, 200)
                    self.assertContains(response, "Năm 2024 của các đơn vị")
                    self.assert_counts_match_the_database(response, 2024)

    def test_the_home_page_draws_plan_against_actual_of_the_year_as_the_report_counts_it(self):
        # Pác Nặm's 2024 has no plan: no chart, as its report has no plan column.
        cases = (("tinh.nhaplieu", 2024, "06", True), ("pacnam.duyet", 2024, "060", False))
        for username, year, code, planned in (*cases, ("thainguyen.quantri", 2026, "19", True)):
            with self.subTest(username):
                response = self.home(username, year=year)
                unit = AdminUnit.objects.for_code(code, year)
                expected = figures_of(plan_and_actual(report_of(year=year, area=unit, compare=False)))
                shown = {
                    unit.code: figures_of(charts) for unit, _label, charts, _url in response.context["plan_charts"]
                }
                self.assertEqual(shown, {code: expected} if planned else {})
                self.assertEqual(bool(expected), planned)
        self.assertContains(response, "Kế hoạch và thực hiện năm 2026 – Tỉnh Thái Nguyên")
        [(_unit, _label, _charts, charts_url)] = response.context["plan_charts"]
        self.assertEqual(self.client.get(charts_url).status_code, 200)

    def test_the_old_and_the_new_thai_nguyen_of_2025_are_told_apart_by_their_part_of_the_year(self):
        response = self.home("thainguyen.quantri", year=2025)
        labels = [row.label for row in response.context["rows"] if row.unit.code == "19"]
        self.assertEqual(labels, ["Tỉnh Thái Nguyên (đến 30/06/2025)", "Tỉnh Thái Nguyên (từ 01/07/2025)"])
        self.assertContains(response, "Báo cáo năm 2025 – Tỉnh Thái Nguyên (từ 01/07/2025)")
        # The old one's half-year is in the new one's report, which code 19 names in 2025.
        self.assertNotContains(response, "Báo cáo năm 2025 – Tỉnh Thái Nguyên (đến 30/06/2025)")
        self.assertContains(response, "Báo cáo năm 2025 – Tỉnh Bắc Kạn (đến 30/06/2025)")
        listed = self.client.get("/admin/indicators/indicatorvalue/", {"year": 2025})
        self.assertContains(listed, "Năm 2025 của Tỉnh Thái Nguyên (từ 01/07/2025)")

    def test_each_plan_chart_links_to_the_charts_of_its_own_unit_and_each_report_link_to_its_report(self):
        # A Thái Nguyên user's 2024 is that of the two provinces the new one was formed from.
        response = self.home("thainguyen.quantri", year=2024)
        charts = response.context["plan_charts"]
        self.assertEqual([unit.name for unit, _label, _charts, _url in charts], ["Tỉnh Bắc Kạn", "Tỉnh Thái Nguyên"])
        for unit, _label, _charts, charts_url in charts:
            with self.subTest(charts_url):
                self.assertEqual(self.client.get(charts_url).context["report"].area, unit)
        for label, url in response.context["report_links"]:
            with self.subTest(url):
                self.assertEqual(self.client.get(url).context["report"].area.name, label.split(" – ")[1])

    def test_a_viewer_lands_on_the_reports(self):
        for place in ("tinh", "pacnam", "thainguyen"):
            with self.subTest(place):
                self.assertRedirects(self.home(f"{place}.xem"), reverse("report_index"))

    def test_the_board_of_a_district_user_is_their_district_and_its_communes(self):
        response = self.home("pacnam.nhaplieu")
        units = [row.unit for row in response.context["rows"]]
        self.assertEqual(units[0], self.pacnam)
        self.assertEqual({unit.parent_id for unit in units[1:]}, {self.pacnam.pk})
        self.assertEqual(len(units) - 1, AdminUnit.objects.filter(parent=self.pacnam).in_force_during(2024).count())

    def test_the_province_board_counts_the_typed_figures_of_the_province(self):
        response = self.home("tinh.duyet")
        row = self.rows_of(response)[self.bac_kan.pk]
        self.assertEqual(row.entered, IndicatorValue.objects.filter(area=self.bac_kan, year=2024).count())
        self.assertGreater(row.entered, 0)

    def test_the_home_page_is_in_vietnamese_with_big_links_to_the_years_reports_and_the_app_list(self):
        response = self.home("tinh.nhaplieu")
        labels = (
            "Gửi duyệt",
            "Đã nhập",
            "Có kế hoạch, chưa có thực hiện",
            "Sổ theo dõi đã có dòng",
            "Báo cáo năm 2024",
        )
        for text in labels:
            self.assertContains(response, text)
        self.assertContains(response, f'href="{reverse("annual_report", args=[2024])}?area=06"')
        self.assertContains(response, f'href="{reverse("admin_apps")}"')
        self.assertEqual(self.client.get(reverse("admin_apps")).status_code, 200)

    def test_a_figure_added_submitting_and_approving_through_the_buttons_show_on_the_board(self):
        indicator = Indicator.objects.filter(has_plan=True).first()
        make_value(indicator=indicator, area=self.pacnam, year=2024, plan="10")
        other = Indicator.objects.exclude(pk=indicator.pk).first()
        make_value(indicator=other, area=self.pacnam, year=2024, actual="7")
        response = self.home("pacnam.nhaplieu")
        row = self.rows_of(response)[self.pacnam.pk]
        self.assertEqual((row.entered, row.missing), (1, 1))
        self.assert_counts_match_the_database(response, 2024)
        self.assertContains(response, step_url("submit", self.pacnam, 2024))
        self.assertNotContains(response, step_url("approve", self.pacnam, 2024))

        confirm = self.client.get(step_url("submit", self.pacnam, 2024))
        self.assertContains(confirm, "Gửi số liệu năm 2024 của Huyện Pác Nặm")
        self.assertContains(confirm, "csrfmiddlewaretoken")
        self.assertFalse(YearApproval.objects.filter(area=self.pacnam, year=2024).exists())
        response = self.client.post(step_url("submit", self.pacnam, 2024), {"confirm": "1"}, follow=True)
        self.assertContains(response, "Đã gửi duyệt số liệu năm 2024 của Huyện Pác Nặm")
        # The 2024 deadline of a district (20/12/2024) has long passed.
        self.assertContains(response, "gửi muộn")
        self.assertEqual(YearApproval.objects.get(area=self.pacnam, year=2024).state, State.SUBMITTED)
        self.assert_counts_match_the_database(response, 2024)

        response = self.home("pacnam.duyet")
        self.assertIn(self.pacnam.pk, [row.unit.pk for row in response.context["submitted"]])
        self.assertContains(response, step_url("approve", self.pacnam, 2024))
        response = self.client.post(step_url("approve", self.pacnam, 2024), {"confirm": "1"}, follow=True)
        self.assertContains(response, "Đã duyệt số liệu năm 2024 của Huyện Pác Nặm")
        approval = YearApproval.objects.get(area=self.pacnam, year=2024)
        self.assertEqual((approval.state, approval.approved_by.username), (State.APPROVED, "pacnam.duyet"))
        self.assertEqual(self.rows_of(response)[self.pacnam.pk].state, State.APPROVED)
        commune = AdminUnit.objects.filter(parent=self.pacnam).in_force_during(2024).first()
        self.assertEqual(self.rows_of(response)[commune.pk].locked_with, self.pacnam)
        self.assertContains(response, "đã khóa cùng Huyện Pác Nặm")
        self.assert_counts_match_the_database(response, 2024)
        self.assertContains(self.home("tinh.duyet"), "đã phê duyệt")

    def test_reopening_asks_for_a_reason_and_keeps_it(self):
        self.client.force_login(get_user_model().objects.get(username="pacnam.nhaplieu"))
        self.client.post(step_url("submit", self.pacnam, 2024), {"confirm": "1"})
        self.client.force_login(get_user_model().objects.get(username="pacnam.duyet"))
        self.client.post(step_url("approve", self.pacnam, 2024), {"confirm": "1"})
        response = self.client.post(step_url("reopen", self.pacnam, 2024), {"confirm": "1", "reason": " "})
        self.assertContains(response, "lý do")
        self.assertEqual(YearApproval.objects.get(area=self.pacnam, year=2024).state, State.APPROVED)
        response = self.client.post(
            step_url("reopen", self.pacnam, 2024), {"confirm": "1", "reason": "Sai số liệu xã Bằng Thành"}, follow=True
        )
        self.assertContains(response, "Đã mở lại số liệu năm 2024 của Huyện Pác Nặm")
        approval = YearApproval.objects.get(area=self.pacnam, year=2024)
        self.assertEqual((approval.state, approval.reopen_reason), (State.DRAFT, "Sai số liệu xã Bằng Thành"))

    def test_a_clerk_cannot_approve_nor_a_viewer_take_any_step(self):
        self.client.force_login(get_user_model().objects.get(username="pacnam.nhaplieu"))
        self.client.post(step_url("submit", self.pacnam, 2024), {"confirm": "1"})
        for username, step in (("pacnam.nhaplieu", "approve"), ("pacnam.xem", "submit"), ("pacnam.xem", "reopen")):
            with self.subTest(username=username, step=step):
                self.client.force_login(get_user_model().objects.get(username=username))
                self.assertEqual(self.client.get(step_url(step, self.pacnam, 2024)).status_code, 403)
                self.assertEqual(self.client.post(step_url(step, self.pacnam, 2024), {"confirm": "1"}).status_code, 403)
        self.assertEqual(YearApproval.objects.get(area=self.pacnam, year=2024).state, State.SUBMITTED)

    def test_a_reviewer_is_offered_no_submission_and_a_district_user_no_step_on_another_district(self):
        response = self.home("pacnam.duyet")
        self.assertNotContains(response, step_url("submit", self.pacnam, 2024))
        other = AdminUnit.objects.filter(parent=self.bac_kan).exclude(pk=self.pacnam.pk).first()
        self.client.force_login(get_user_model().objects.get(username="pacnam.nhaplieu"))
        self.assertEqual(self.client.post(step_url("submit", other, 2024), {"confirm": "1"}).status_code, 403)
        self.assertFalse(YearApproval.objects.filter(area=other).exists())

    def test_a_step_the_workflow_refuses_is_said_and_changes_nothing(self):
        self.client.force_login(get_user_model().objects.get(username="pacnam.duyet"))
        response = self.client.post(step_url("approve", self.pacnam, 2024), {"confirm": "1"}, follow=True)
        self.assertContains(response, "không thực hiện được bước này")
        self.assertFalse(YearApproval.objects.filter(area=self.pacnam, year=2024).exists())


class WaitingTests(HomeChecks, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.district = make_district(parent=cls.province)
        cls.commune = make_commune(parent=cls.district)
        cls.clerk = make_role_user(username="clerk", role=CLERK, units=[cls.district])
        cls.reviewer = make_role_user(username="reviewer", role=REVIEWER, units=[cls.province])
        cls.admin = get_user_model().objects.create_superuser(username="boss", password="x")
        cls.loose = make_role_user(username="unbound", role=ADMINISTRATOR)
        make_value(indicator=make_indicator(), area=cls.district, plan="100")

    def test_a_clerk_is_told_of_the_units_with_missing_figures_and_a_reviewer_of_the_submitted_years(self):
        response = self.home("clerk")
        self.assertEqual(response.context["missing"][0].unit, self.district)
        self.client.post(step_url("submit", self.district, 2024), {"confirm": "1"})
        response = self.home("reviewer")
        self.assertEqual([row.unit for row in response.context["submitted"]], [self.district])
        self.assertContains(response, "chờ anh/chị duyệt")

    def test_an_administrator_for_every_unit_is_told_of_the_users_bound_to_no_unit(self):
        response = self.home("boss")
        self.assertEqual(response.context["users_without_units"], [self.loose])
        self.assertContains(response, "unbound")


class BoardQueryCountTests(TestCase):
    """The home page asks the database as many times for 8 units as for 300."""

    @classmethod
    def setUpTestData(cls):
        # Above the provinces, so that a user bound to one works for it alone.
        cls.country = make_unit(code="VN", name="Việt Nam", level=AdminUnit.Level.COUNTRY)

    def home_queries(self, *, province_code, units, first_code):
        province = make_province(code=province_code, name=f"Tỉnh {province_code}", valid_to=None, parent=self.country)
        indicator = make_indicator(code=f"q{province_code}")
        reviewer = make_role_user(username=f"reviewer{province_code}", role=REVIEWER, units=[province])
        clerk = make_role_user(username=f"clerk{province_code}", role=CLERK, units=[province])
        for number in range(first_code, first_code + units):
            district = make_district(parent=province, code=f"{number:03d}", name=f"Huyện {number}")
            make_value(indicator=indicator, area=district, plan="5", actual="3" if number % 2 else None)
            if number % 3 == 0:
                commune = make_commune(parent=district, code=f"{10000 + number:05d}", name=f"Xã {number}")
                make_longevity_gift(person=make_person(commune=commune, birth_year=1934), year=2024)
                YearApproval.objects.create(
                    area=district, year=2024, state=State.SUBMITTED, submitted_by=clerk, submitted_at=timezone.now()
                )
        self.client.force_login(reviewer)
        self.client.get(HOME, {"year": 2024})  # the session, the content types
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(HOME, {"year": 2024})
        self.assertEqual(len(response.context["rows"]), units + 1)
        self.assertEqual(len(response.context["submitted"]), len(range(first_code, first_code + units, 3)) or 0)
        return len(queries)

    def test_the_home_page_runs_as_many_queries_for_8_units_as_for_300(self):
        few = self.home_queries(province_code="98", units=8, first_code=0)
        many = self.home_queries(province_code="99", units=300, first_code=100)
        self.assertEqual(few, many)


class BoardRegisterBarTests(TestCase):
    """Each unit's registers with entries of the year, drawn as a bar beside its figures."""

    def test_the_bar_is_the_share_of_registers_with_entries(self):
        row = BoardRow(unit=None, year=2024, register_count=11, empty_registers=["a", "b", "c"])
        self.assertEqual((row.registers_with_entries, row.registers_share), (8, Decimal("72.7")))
        self.assertEqual(BoardRow(unit=None, year=2024).registers_share, 0)
