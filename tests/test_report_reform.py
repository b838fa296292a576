"""Figures carried across the 2025 reform (README, "Figures across the reform"): every record
stays in the unit of its time, and an area's figure for a year adds up its territory's."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from indicators.models import RegisterSource
from reports.figures import report_of
from tests.factories import (
    make_agency,
    make_commune,
    make_indicator,
    make_longevity_gift,
    make_merged_provinces,
    make_person,
    make_superuser,
    make_value,
)


def actual_of(report, code="jobs_created"):
    lines = [line for section in report.sections for line in section.lines]
    lines += [child for line in lines for child in line.children]
    return next((line.actual for line in lines if line.indicator.code == code), None)


class TypedFiguresAcrossTheReformTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.units = make_merged_provinces()
        cls.jobs = make_indicator()

    def figure(self, area, year=2025):
        return actual_of(report_of(year=year, area=area))

    def test_a_typed_2025_value_of_old_bac_kan_moves_thai_nguyens_2025_figure(self):
        make_value(indicator=self.jobs, area=self.units.thai_nguyen, year=2025, actual=900)
        self.assertEqual(self.figure(self.units.thai_nguyen), Decimal(900))
        make_value(indicator=self.jobs, area=self.units.bac_kan, year=2025, actual=400)
        self.assertEqual(self.figure(self.units.thai_nguyen), Decimal(1300))

    def test_the_first_half_of_both_old_provinces_adds_to_the_second_half_of_the_new_communes(self):
        make_value(indicator=self.jobs, area=self.units.new_commune, year=2025, actual=50)
        make_value(indicator=self.jobs, area=self.units.other_new_commune, year=2025, actual=70)
        make_value(indicator=self.jobs, area=self.units.merged_commune, year=2025, actual=11)
        make_value(indicator=self.jobs, area=self.units.old_thai_nguyen_commune, year=2025, actual=13)
        self.assertEqual(self.figure(self.units.thai_nguyen), Decimal(144))

    def test_a_2024_value_of_old_thai_nguyen_moves_the_2024_figure_on_todays_boundaries(self):
        make_value(indicator=self.jobs, area=self.units.bac_kan, year=2024, actual=7000)
        self.assertEqual(self.figure(self.units.thai_nguyen, 2024), Decimal(7000))
        make_value(indicator=self.jobs, area=self.units.old_thai_nguyen, year=2024, actual=21000)
        self.assertEqual(self.figure(self.units.thai_nguyen, 2024), Decimal(28000))

    def test_the_old_province_keeps_only_its_own_half_year(self):
        make_value(indicator=self.jobs, area=self.units.bac_kan, year=2025, actual=400)
        make_value(indicator=self.jobs, area=self.units.thai_nguyen, year=2025, actual=900)
        self.assertEqual(self.figure(self.units.bac_kan), Decimal(400))

    def test_a_commune_merged_whole_counts_in_its_new_commune_and_a_divided_one_does_not(self):
        make_value(indicator=self.jobs, area=self.units.merged_commune, year=2025, actual=11)
        make_value(indicator=self.jobs, area=self.units.divided_commune, year=2025, actual=5)
        make_value(indicator=self.jobs, area=self.units.new_commune, year=2025, actual=50)
        self.assertEqual(self.figure(self.units.new_commune), Decimal(61))
        # The divided commune counts where all its parts are: in the new province.
        self.assertEqual(self.figure(self.units.thai_nguyen), Decimal(66))

    def test_a_commune_is_counted_once_when_its_old_province_typed_its_own_figure(self):
        make_value(indicator=self.jobs, area=self.units.bac_kan, year=2025, actual=400)
        make_value(indicator=self.jobs, area=self.units.merged_commune, year=2025, actual=11)
        make_value(indicator=self.jobs, area=self.units.new_commune, year=2025, actual=50)
        self.assertEqual(self.figure(self.units.thai_nguyen), Decimal(450))

    def test_a_province_whose_communes_add_up_to_another_figure_still_shows_the_difference(self):
        make_value(indicator=self.jobs, area=self.units.thai_nguyen, year=2025, actual=900)
        make_value(indicator=self.jobs, area=self.units.new_commune, year=2025, actual=50)
        make_value(indicator=self.jobs, area=self.units.bac_kan, year=2025, actual=400)
        report = report_of(year=2025, area=self.units.thai_nguyen)
        self.assertEqual(actual_of(report), Decimal(1300))
        [note] = [note for note in report.notes if note.check == "roll_up"]
        self.assertEqual((note.area, note.found, note.expected), (self.units.thai_nguyen, 900, 50))

    def test_a_count_of_the_years_last_day_is_that_of_the_units_in_force_on_it(self):
        insured = make_indicator(code="si_compulsory", name="Người tham gia BHXH bắt buộc", at_year_end=True)
        make_value(indicator=insured, area=self.units.thai_nguyen, year=2025, actual=95000)
        make_value(indicator=insured, area=self.units.bac_kan, year=2025, actual=23000)
        self.assertEqual(actual_of(report_of(year=2025, area=self.units.thai_nguyen), "si_compulsory"), 95000)
        # On 31/12/2024 both old provinces were in force: on today's boundaries, their sum.
        make_value(indicator=insured, area=self.units.bac_kan, year=2024, actual=23758)
        make_value(indicator=insured, area=self.units.old_thai_nguyen, year=2024, actual=70000)
        self.assertEqual(actual_of(report_of(year=2024, area=self.units.thai_nguyen), "si_compulsory"), 93758)

    def test_the_report_names_the_old_units_whose_figures_it_includes(self):
        make_value(indicator=self.jobs, area=self.units.bac_kan, year=2025, actual=400)
        report = report_of(year=2025, area=self.units.thai_nguyen)
        self.assertEqual(report.carried, [self.units.bac_kan, self.units.old_thai_nguyen])
        self.assertEqual(report_of(year=2025, area=self.units.bac_kan).carried, [])


class RegisterEntriesAcrossTheReformTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.units = make_merged_provinces()
        make_indicator(code="longevity_90", name="Mừng thọ 90 tuổi", has_plan=False, source=RegisterSource.LONGEVITY_90)

    def gifts(self, area, year=2025):
        return actual_of(report_of(year=year, area=area), "longevity_90")

    def test_a_longevity_gift_given_in_a_bac_kan_commune_in_march_2025_counts_in_both_provinces(self):
        person = make_person(birth_year=1935, commune=self.units.merged_commune)
        make_longevity_gift(person=person, year=2025, gift_date=datetime.date(2025, 3, 10))
        self.assertEqual(self.gifts(self.units.thai_nguyen), Decimal(1))
        self.assertEqual(self.gifts(self.units.bac_kan), Decimal(1))
        self.assertEqual(self.gifts(self.units.new_commune), Decimal(1))

    def test_gifts_of_both_halves_of_2025_add_up_in_the_new_province(self):
        make_longevity_gift(person=make_person(birth_year=1935, commune=self.units.merged_commune), year=2025)
        make_longevity_gift(person=make_person(birth_year=1935, commune=self.units.divided_commune), year=2025)
        make_longevity_gift(person=make_person(birth_year=1935, commune=self.units.other_new_commune), year=2025)
        self.assertEqual(self.gifts(self.units.thai_nguyen), Decimal(3))
        self.assertEqual(self.gifts(self.units.other_new_commune), Decimal(1))


class ReformReportPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.units = make_merged_provinces()
        cls.jobs = make_indicator()
        make_agency(
            area=cls.units.thai_nguyen,
            managing_body="UBND TỈNH THÁI NGUYÊN",
            name="SỞ NỘI VỤ",
            abbreviation="SNV",
            place="Thái Nguyên",
            valid_from=datetime.date(2025, 7, 1),
            valid_to=None,
        )
        cls.user = make_superuser()

    def setUp(self):
        self.client.force_login(self.user)

    def test_the_2025_report_of_thai_nguyen_prints_the_figure_and_says_what_it_includes(self):
        make_value(indicator=self.jobs, area=self.units.thai_nguyen, year=2025, actual=9000)
        make_value(indicator=self.jobs, area=self.units.bac_kan, year=2025, actual=4000)
        response = self.client.get("/reports/2025/?area=19")
        self.assertContains(response, "13.000")
        self.assertContains(
            response,
            "Số liệu năm 2025 tính theo địa giới hành chính hiện nay, gồm cả số liệu của "
            "Tỉnh Bắc Kạn (đến 30/06/2025) và Tỉnh Thái Nguyên (đến 30/06/2025).",
        )

    def test_the_2024_report_of_bac_kan_says_nothing_of_boundaries(self):
        make_value(indicator=self.jobs, area=self.units.bac_kan, year=2024, actual=7000)
        response = self.client.get("/reports/2024/?area=06")
        self.assertContains(response, "7.000")
        self.assertNotContains(response, "địa giới hành chính hiện nay")

    def queries_for(self, url):
        with CaptureQueriesContext(connection) as context:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(context)

    def test_the_query_count_is_the_same_with_one_and_with_300_units_across_the_reform(self):
        make_value(indicator=self.jobs, area=self.units.new_commune, year=2025, actual=5)
        make_value(indicator=self.jobs, area=self.units.merged_commune, year=2025, actual=5)
        with_few = self.queries_for("/reports/2025/?area=19")
        for number in range(150):
            old = make_commune(parent=self.units.bac_kan_district, code=f"9{number:04d}", name=f"Xã cũ {number}")
            new = make_commune(
                parent=self.units.thai_nguyen,
                code=f"8{number:04d}",
                name=f"Xã mới {number}",
                valid_from=datetime.date(2025, 7, 1),
            )
            old.successors.set([new])
            make_value(indicator=self.jobs, area=old, year=2025, actual=1)
            make_value(indicator=self.jobs, area=new, year=2025, actual=1)
        self.assertEqual(self.queries_for("/reports/2025/?area=19"), with_few)
