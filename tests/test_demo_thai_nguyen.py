"""The demo's Thái Nguyên: the province in both structures, its users, and the illustrative
figures of 2024 (old Thái Nguyên), 2025 and 2026, which the report never presents as published."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.test import TestCase

from accounts.roles import VIEWER
from agencies.models import Agency
from areas.models import AdminUnit
from beneficiaries.models import AdmissionDossier
from bkxh.templatetags.vn_format import letterhead_name
from indicators.models import IndicatorValue
from tests.demo import load_demo
from tests.factories import make_role_user
from tests.test_report import page_text, printed_part

OLD_END = datetime.date(2025, 6, 30)
NEW_START = datetime.date(2025, 7, 1)
BANNER = "Số liệu minh hoạ của bản dùng thử, không phải số liệu đã công bố"


class DemoThaiNguyenUnitsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def test_the_demo_loads_the_92_new_communes_and_the_172_and_108_old_ones(self):
        new_province = AdminUnit.objects.get(code="19", valid_from=NEW_START)
        old_thai_nguyen = AdminUnit.objects.get(code="19", valid_to=OLD_END)
        old_bac_kan = AdminUnit.objects.get(code="06")
        communes = AdminUnit.objects.filter(level=AdminUnit.Level.COMMUNE)
        self.assertEqual(communes.filter(valid_from=NEW_START, parent=new_province).count(), 92)
        self.assertEqual(communes.filter(valid_to=OLD_END, parent__parent=old_thai_nguyen).count(), 172)
        self.assertEqual(communes.filter(valid_to=OLD_END, parent__parent=old_bac_kan).count(), 108)
        districts = AdminUnit.objects.filter(level=AdminUnit.Level.DISTRICT)
        self.assertEqual(districts.filter(parent=old_thai_nguyen).count(), 9)
        self.assertEqual(districts.filter(parent=old_bac_kan).count(), 8)
        self.assertEqual(
            sorted(unit.code for unit in new_province.predecessors.all()), ["06", "19"], "both old provinces"
        )

    def test_the_shipped_bac_kan_spellings_are_kept(self):
        self.assertEqual(AdminUnit.objects.for_code("01948", 2024).name, "Xã Trung Hoà")


class DemoThaiNguyenUsersTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = load_demo()

    def test_the_new_province_has_one_demo_user_per_role_bound_to_it(self):
        new_province = AdminUnit.objects.get(code="19", valid_from=NEW_START)
        for key, role in (("quantri", "Quản trị"), ("nhaplieu", "Nhập liệu"), ("duyet", "Duyệt"), ("xem", "Xem")):
            with self.subTest(role=role):
                username = f"thainguyen.{key}"
                self.assertRegex(self.output, rf"{username}\s+/ bkxh-demo-2024\s+{role}\s+Tỉnh Thái Nguyên")
                self.assertTrue(self.client.login(username=username, password="bkxh-demo-2024"))
                user = get_user_model().objects.get(username=username)
                self.assertEqual([group.name for group in user.groups.all()], [role])
                self.assertEqual([link.area for link in user.areas.all()], [new_province])


class DemoIllustrativeFiguresTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def setUp(self):
        self.client.login(username="admin", password="bkxh-demo-2024")

    def test_every_figure_of_2025_2026_and_of_old_thai_nguyen_is_illustrative_and_no_other(self):
        old_thai_nguyen = AdminUnit.objects.get(code="19", valid_to=OLD_END)
        expected = Q(year__in=[2025, 2026]) | Q(year=2024, area=old_thai_nguyen)
        values = IndicatorValue.objects.all()
        self.assertGreater(values.filter(expected).count(), 0)
        self.assertEqual(
            set(values.filter(illustrative=True).values_list("pk", flat=True)),
            set(values.filter(expected).values_list("pk", flat=True)),
        )
        self.assertEqual(values.filter(year=2024, area__code="06", illustrative=False).count(), 29)

    def test_2025_has_figures_of_each_unit_for_the_period_it_existed(self):
        for area, count in (
            (AdminUnit.objects.get(code="06"), 10),
            (AdminUnit.objects.get(code="19", valid_to=OLD_END), 10),
            (AdminUnit.objects.get(code="19", valid_from=NEW_START), 10),
        ):
            with self.subTest(area=area.choice_label):
                self.assertGreaterEqual(IndicatorValue.objects.filter(year=2025, area=area).count(), count)
        new_province = AdminUnit.objects.get(code="19", valid_from=NEW_START)
        planned = IndicatorValue.objects.filter(area=new_province, plan__isnull=False)
        self.assertEqual(sorted(set(planned.values_list("year", flat=True))), [2025, 2026])
        self.assertEqual(
            set(IndicatorValue.objects.filter(year=2026).values_list("status", flat=True)),
            {IndicatorValue.Status.ESTIMATE},
        )

    def test_register_entries_of_2025_and_2026_lie_in_communes_in_force_on_their_date_on_both_sides_of_the_reform(self):
        dossiers = AdmissionDossier.objects.filter(year__in=[2025, 2026]).select_related("commune__parent")
        old_bac_kan = AdminUnit.objects.get(code="06")
        new_province = AdminUnit.objects.get(code="19", valid_from=NEW_START)
        self.assertEqual(
            sorted((d.year, d.commune.parent.parent_id == old_bac_kan.pk) for d in dossiers),
            [(2025, False), (2025, False), (2025, False), (2025, True), (2026, False), (2026, False)],
        )
        for dossier in dossiers:
            with self.subTest(dossier=str(dossier)):
                self.assertTrue(dossier.commune.is_in_force_on(dossier.received_on))
                self.assertTrue(dossier.commune.is_within(new_province) or dossier.received_on < NEW_START)

    def test_the_2025_and_2026_reports_say_on_screen_and_on_paper_that_their_figures_are_illustrative(self):
        for year in (2025, 2026):
            with self.subTest(year=year):
                # Several agencies share the years after the split: Sở Nội vụ's report.
                response = self.client.get(f"/reports/{year}/?area=19&agency=SNV")
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.context["report"].is_illustrative)
                self.assertIn(BANNER, page_text(response))
                self.assertIn(BANNER, printed_part(response))

    def test_old_thai_nguyens_2024_report_is_illustrative_and_bac_kans_is_not(self):
        old_thai_nguyen = self.client.get("/reports/2024/?area=19")
        self.assertTrue(old_thai_nguyen.context["report"].is_illustrative)
        self.assertIn(BANNER, page_text(old_thai_nguyen))
        bac_kan = self.client.get("/reports/2024/")
        self.assertFalse(bac_kan.context["report"].is_illustrative)
        self.assertNotIn(BANNER, page_text(bac_kan))
        self.assertIn("Tỉnh Bắc Kạn", page_text(bac_kan))


class DemoThaiNguyenReportIndexTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def setUp(self):
        self.client.force_login(get_user_model().objects.get(username="thainguyen.xem"))

    def test_the_new_provinces_staff_find_their_province_first_and_its_predecessors_after(self):
        areas = self.client.get("/reports/").context["areas"]
        self.assertEqual(
            [(area.code, area.valid_from) for area in areas[:3]],
            [
                ("19", datetime.date(2025, 7, 1)),
                ("06", None),
                ("19", None),
            ],
        )

    def test_old_thai_nguyens_2024_report_carries_its_departments_letterhead(self):
        response = self.client.get("/reports/2024/?area=19")
        self.assertEqual(response.context["report"].agency.abbreviation, "SLĐTBXH")
        self.assertContains(response, "UBND TỈNH THÁI NGUYÊN")


class DemoCommuneReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.commune = AdminUnit.objects.get(code="01864", valid_from=datetime.date(2025, 7, 1))

    def test_a_new_communes_report_is_its_peoples_committees(self):
        [issuer] = Agency.objects.for_report(self.commune, 2025)
        agency = issuer.agency
        self.assertEqual((agency.abbreviation, agency.managing_body, agency.signer_title), ("UBND", "", "CHỦ TỊCH"))
        self.assertEqual(agency.name, "ỦY BAN NHÂN DÂN XÃ BẰNG THÀNH")
        self.assertTrue(issuer.holds_every_sector)
        # The letterhead breaks between the committee and its commune, never inside a name.
        self.assertEqual(letterhead_name(agency.name), "ỦY\xa0BAN\xa0NHÂN\xa0DÂN XÃ\xa0BẰNG\xa0THÀNH")

    def test_every_new_commune_has_its_peoples_committee_from_the_reform(self):
        communes = AdminUnit.objects.filter(level=AdminUnit.Level.COMMUNE, valid_from=datetime.date(2025, 7, 1))
        self.assertEqual(communes.filter(agency__abbreviation="UBND").distinct().count(), 92)

    def test_a_communes_clerk_finds_the_communes_report_in_the_index(self):
        clerk = make_role_user(username="bangthanh.xem", role=VIEWER, units=[self.commune])
        self.client.force_login(clerk)
        self.assertIn(self.commune, self.client.get("/reports/").context["areas"])
