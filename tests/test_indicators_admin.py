from decimal import Decimal

from django.test import TestCase

from indicators.models import IndicatorValue
from tests.factories import make_district, make_indicator, make_province, make_sector, make_superuser, make_value

CHANGELIST = "/admin/indicators/indicatorvalue/"


class IndicatorValueChangelistTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.district = make_district(parent=cls.province)
        cls.jobs = make_indicator()
        cls.si = make_indicator(
            code="si_compulsory",
            name="Người tham gia BHXH bắt buộc",
            sector=make_sector(code="bao_hiem_xa_hoi", name="Bảo hiểm xã hội", order=2),
        )
        cls.jobs_value = make_value(indicator=cls.jobs, area=cls.province, plan=6400, actual=7000)
        cls.si_value = make_value(indicator=cls.si, area=cls.province, plan=23279, actual=23758, year=2023)
        cls.user = make_superuser()

    def setUp(self):
        self.client.force_login(self.user)

    def test_lists_figures_the_vietnamese_way_with_percent_and_result(self):
        response = self.client.get(CHANGELIST)
        self.assertContains(response, 'value="6.400"')
        self.assertContains(response, 'value="7.000"')
        self.assertContains(response, "109,4%")
        self.assertContains(response, "vượt kế hoạch")
        self.assertContains(response, "2024")
        self.assertNotContains(response, "2.024")

    def test_filters_by_year_and_sector(self):
        response = self.client.get(CHANGELIST, {"year": 2023})
        self.assertEqual(list(response.context["cl"].result_list), [self.si_value])
        response = self.client.get(CHANGELIST, {"indicator__sector__id__exact": self.jobs.sector_id})
        self.assertEqual(list(response.context["cl"].result_list), [self.jobs_value])

    def test_search_finds_names_with_or_without_diacritics(self):
        for term in ["bắt buộc", "BHXH", "bat buoc", "tham gia bhxh", "si_compulsory"]:
            with self.subTest(term=term):
                response = self.client.get(CHANGELIST, {"q": term})
                self.assertEqual(list(response.context["cl"].result_list), [self.si_value])

    def list_edit(self, plan, actual):
        return self.client.post(
            CHANGELIST,
            {
                "form-TOTAL_FORMS": "2",
                "form-INITIAL_FORMS": "2",
                "form-0-id": self.jobs_value.pk,
                "form-0-version": self.jobs_value.version,
                "form-0-plan": plan,
                "form-0-actual": actual,
                "form-1-id": self.si_value.pk,
                "form-1-version": self.si_value.version,
                "form-1-plan": "23.279",
                "form-1-actual": "23.758",
                "_save": "Lưu",
            },
        )

    def test_plan_and_actual_are_edited_in_the_list_the_vietnamese_way(self):
        response = self.list_edit("6.500", "7.100,5")
        self.assertEqual(response.status_code, 302)
        self.jobs_value.refresh_from_db()
        self.assertEqual((self.jobs_value.plan, self.jobs_value.actual), (Decimal("6500"), Decimal("7100.5")))

    def test_an_ambiguous_number_is_refused_and_nothing_is_saved(self):
        response = self.list_edit("6.5", "7000")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "không rõ nghĩa")
        self.jobs_value.refresh_from_db()
        self.assertEqual(self.jobs_value.plan, Decimal("6400"))

    def test_a_negative_figure_is_refused_with_a_vietnamese_message(self):
        response = self.list_edit("6400", "-1")
        self.assertContains(response, "Số thực hiện không được là số âm.")
        self.jobs_value.refresh_from_db()
        self.assertEqual(self.jobs_value.actual, Decimal("7000"))

    def test_a_second_value_for_the_same_indicator_year_and_area_is_refused(self):
        response = self.client.post(
            f"{CHANGELIST}add/",
            {
                "indicator": self.jobs.pk,
                "year": "2024",
                "area": self.province.pk,
                "status": "estimate",
                "actual": "1",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "đã tồn tại")
        self.assertEqual(IndicatorValue.objects.count(), 2)

    def test_the_area_is_picked_by_autocomplete(self):
        response = self.client.get(
            "/admin/autocomplete/",
            {
                "term": "pac nam",
                "app_label": "indicators",
                "model_name": "indicatorvalue",
                "field_name": "area",
            },
        )
        texts = [item["text"] for item in response.json()["results"]]
        self.assertEqual(texts, ["060 – Huyện Pác Nặm (… – 30/06/2025)"])

    def test_the_admin_is_in_vietnamese_and_links_to_the_report(self):
        # The list of every model, behind the home page's link (the home page is reports.home's).
        response = self.client.get("/admin/apps/")
        self.assertContains(response, "Lao động, người có công và xã hội – Tỉnh Thái Nguyên")
        self.assertContains(response, "Chỉ tiêu hằng năm")
        self.assertContains(response, 'href="/reports/"')

    def test_the_changelist_runs_a_fixed_number_of_queries(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as few:
            self.client.get(CHANGELIST)
        for number in range(30):
            indicator = make_indicator(code=f"x{number}", name=f"Chỉ tiêu {number}")
            make_value(indicator=indicator, area=self.district, plan=1, actual=number)
        with CaptureQueriesContext(connection) as many:
            self.client.get(CHANGELIST)
        self.assertEqual(len(few), len(many))
