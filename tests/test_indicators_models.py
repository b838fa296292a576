import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.test import TestCase

from indicators.models import IndicatorValue
from tests.factories import make_district, make_indicator, make_province, make_value


class IndicatorValueRulesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.jobs = make_indicator()

    def test_one_value_per_indicator_year_and_area_in_the_database(self):
        make_value(indicator=self.jobs, area=self.province, actual=1)
        with self.assertRaises(IntegrityError):
            IndicatorValue.objects.create(indicator=self.jobs, area=self.province, year=2024, actual=2)

    def test_one_value_per_indicator_year_and_area_in_the_form_check(self):
        make_value(indicator=self.jobs, area=self.province, actual=1)
        with self.assertRaises(ValidationError):
            make_value(indicator=self.jobs, area=self.province, actual=2)

    def test_a_value_after_its_unit_had_ended_names_the_unit_that_took_its_place(self):
        thai_nguyen = make_province(
            code="19", name="Tỉnh Thái Nguyên", valid_from=datetime.date(2025, 7, 1), valid_to=None
        )
        self.province.successors.add(thai_nguyen)
        value = IndicatorValue(indicator=self.jobs, area=self.province, year=2026, actual=1)
        with self.assertRaises(ValidationError) as refused:
            value.full_clean()
        self.assertEqual(
            refused.exception.message_dict["area"],
            [
                "Tỉnh Bắc Kạn (mã 06, hiệu lực đến 30/06/2025) không còn là đơn vị hành chính trong năm 2026: "
                "từ 01/07/2025 địa bàn này thuộc Tỉnh Thái Nguyên (19)."
            ],
        )

    def test_negative_figures_are_refused_by_the_database(self):
        for field in ("plan", "actual"):
            with self.subTest(field=field), self.assertRaises(IntegrityError), self.atomic():
                IndicatorValue.objects.create(indicator=self.jobs, area=self.province, year=2024, **{field: -1})

    def test_negative_figures_are_refused_with_a_vietnamese_message(self):
        with self.assertRaisesMessage(ValidationError, "Kế hoạch không được là số âm."):
            make_value(indicator=self.jobs, area=self.province, plan=-1)

    def test_an_indicator_without_a_plan_takes_no_plan(self):
        rice = make_indicator(code="rice_relief_kg", name="Gạo cứu đói", unit="kg", has_plan=False)
        with self.assertRaisesMessage(ValidationError, "Chỉ tiêu này không có kế hoạch"):
            make_value(indicator=rice, area=self.province, plan=1, actual=2)

    def test_a_unit_that_no_longer_existed_cannot_take_values(self):
        with self.assertRaisesMessage(ValidationError, "không phải là đơn vị hành chính"):
            make_value(indicator=self.jobs, area=self.province, year=2026, actual=1)

    def test_percent_and_achievement_are_computed(self):
        value = make_value(indicator=self.jobs, area=self.province, plan=6400, actual=7000)
        self.assertEqual(str(value.percent_achieved), "109.4")
        self.assertEqual(value.achievement, IndicatorValue.Achievement.EXCEEDED)
        value.actual = value.plan
        self.assertEqual(value.achievement, IndicatorValue.Achievement.MET)
        value.actual = 1
        self.assertEqual(value.achievement, IndicatorValue.Achievement.MISSED)

    def atomic(self):
        from django.db import transaction

        return transaction.atomic()


class IndicatorCatalogueRulesTests(TestCase):
    def test_a_breakdown_needs_its_relation(self):
        parent = make_indicator()
        with self.assertRaises(ValidationError):
            make_indicator(code="child", parent=parent)

    def test_breakdowns_are_one_level_deep(self):
        parent = make_indicator()
        child = make_indicator(code="child", parent=parent, relation="part", has_plan=False)
        with self.assertRaisesMessage(ValidationError, "chỉ có một cấp"):
            make_indicator(code="grandchild", parent=child, relation="part", has_plan=False)


class AdminUnitPeriodTests(TestCase):
    def test_a_reused_code_resolves_to_the_unit_of_the_year(self):
        from areas.models import AdminUnit
        from tests.factories import make_unit

        old = make_province()
        district = make_district(parent=old)
        old_commune = make_unit(code="01864", name="Xã Bộc Bố", parent=district, valid_to=datetime.date(2025, 6, 30))
        new_province = make_province(
            code="19", name="Tỉnh Thái Nguyên", valid_from=datetime.date(2025, 7, 1), valid_to=None
        )
        new_commune = make_unit(
            code="01864", name="Xã Bằng Thành", parent=new_province, valid_from=datetime.date(2025, 7, 1)
        )
        self.assertEqual(AdminUnit.objects.for_code("01864", 2024), old_commune)
        self.assertEqual(AdminUnit.objects.for_code("01864", 2025), new_commune)
        self.assertEqual(AdminUnit.objects.for_code("01864", 2026), new_commune)
        with self.assertRaises(AdminUnit.DoesNotExist):
            AdminUnit.objects.for_code("99999", 2024)
