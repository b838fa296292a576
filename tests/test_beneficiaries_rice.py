"""Rice relief rounds and the households they reached, through the admin."""

import datetime
from unittest import skipUnless

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, Sum
from django.test import TestCase

from beneficiaries.models import RiceReliefLine, RiceReliefRound
from imports.fast_insert import prepare, send
from tests.admin_forms import AdminFormTestCase
from tests.factories import (
    default_commune,
    make_commune,
    make_district,
    make_household,
    make_reformed_commune,
    make_rice_line,
    make_round,
)


class RiceReliefLineFormTests(AdminFormTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.commune = default_commune()
        cls.round = make_round(code="2024-tet", area=cls.commune.parent, months=1, kg_allocated=100)
        cls.household = make_household(code="H-01", commune=cls.commune, size=4)

    def line(self, **changes):
        return {"round": self.round, "household": self.household, "commune": self.commune, "persons": 4, **changes}

    def test_a_line_within_the_ration_and_the_allocation_is_saved(self):
        self.assertSaved(self.add(RiceReliefLine, **self.line(kg="60")))
        self.assertEqual(RiceReliefLine.objects.get().kg, 60)

    def test_a_line_is_named_with_its_kilograms_written_the_vietnamese_way(self):
        self.assertSaved(self.add(RiceReliefLine, **self.line(kg="52,5")))
        line = RiceReliefLine.objects.get()
        response = self.client.get(f"/admin/beneficiaries/ricereliefline/{line.pk}/change/")
        self.assertContains(response, f"{self.household} – 52,5 kg")
        self.assertNotContains(response, "52.50")

    def test_a_line_of_exactly_persons_times_15_kg_times_months_is_saved(self):
        three_months = make_round(code="2024-giap-hat", months=3, kg_allocated=1000, occasion="lean_season")
        self.assertSaved(self.add(RiceReliefLine, **self.line(round=three_months, kg="180")))

    def test_a_line_over_persons_times_15_kg_times_months_is_refused(self):
        self.assertAddRefused(
            RiceReliefLine, "Tối đa 30 kg: 2 khẩu × 15 kg × 1 tháng.", **self.line(persons=2, kg="30,5")
        )

    def test_a_line_that_takes_the_round_past_its_allocation_is_refused(self):
        make_rice_line(round=self.round, kg=60)
        self.assertAddRefused(
            RiceReliefLine,
            "Các dòng của đợt 2024-tet cộng lại được 120 kg, vượt số 100 kg được cấp.",
            **self.line(kg="60"),
        )

    def test_raising_a_line_past_the_allocation_is_refused_and_the_line_is_unchanged(self):
        make_rice_line(round=self.round, kg=45, persons=3)
        line = make_rice_line(round=self.round, household=self.household, persons=4, kg=50)
        self.assertChangeRefused(
            line, "Các dòng của đợt 2024-tet cộng lại được 105 kg, vượt số 100 kg được cấp.", kg="60"
        )

    def test_a_line_for_more_persons_than_the_household_has_is_refused(self):
        self.assertAddRefused(
            RiceReliefLine,
            "Hộ có 4 nhân khẩu; không thể phát cho nhiều khẩu hơn.",
            **self.line(persons=5, kg="60"),
        )

    def test_a_household_already_in_the_round_is_refused(self):
        make_rice_line(round=self.round, household=self.household, kg=15)
        self.assertAddRefused(RiceReliefLine, "Hộ này đã có trong đợt hỗ trợ này.", **self.line(kg="15"))

    def test_a_commune_outside_the_rounds_district_is_refused(self):
        other_district = make_district(parent=self.commune.parent.parent, code="061", name="Huyện Ba Bể")
        elsewhere = make_commune(parent=other_district, code="01894", name="Xã Phúc Lộc")
        household = make_household(commune=elsewhere)
        self.assertAddRefused(
            RiceReliefLine,
            "Xã này không thuộc địa bàn được cấp gạo của đợt.",
            **self.line(household=household, commune=elsewhere, kg="15"),
        )

    def test_a_commune_other_than_the_households_is_refused(self):
        neighbour = make_commune(parent=self.commune.parent, code="01861", name="Xã Nhạn Môn")
        self.assertAddRefused(RiceReliefLine, "Hộ gia đình này ở xã khác.", **self.line(commune=neighbour, kg="15"))

    def test_a_2024_line_in_a_commune_of_the_2025_structure_is_refused(self):
        reformed = make_reformed_commune()
        household = make_household(commune=reformed, certificate_year=2025)
        self.assertAddRefused(
            RiceReliefLine,
            "Xã Bằng Thành (mã 01864, hiệu lực từ 01/07/2025) không phải là đơn vị hành chính của năm 2024: "
            "hãy chọn đơn vị có hiệu lực khi đó.",
            **self.line(household=household, commune=reformed, kg="15"),
        )

    def test_no_rice_is_refused(self):
        self.assertAddRefused(RiceReliefLine, "Số gạo phát phải lớn hơn 0 kg.", **self.line(kg="0"))

    def test_negative_rice_is_refused(self):
        self.assertAddRefused(RiceReliefLine, "Số gạo phát phải lớn hơn 0 kg.", **self.line(kg="-15"))

    def test_a_line_for_no_one_is_refused(self):
        self.assertAddRefused(RiceReliefLine, "Mỗi hộ nhận phải có ít nhất một khẩu.", **self.line(persons=0, kg="15"))


class RiceReliefRoundFormTests(AdminFormTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.district = default_commune().parent

    def round_form(self, **changes):
        return {
            "code": "2024-yagi",
            "year": 2024,
            "occasion": "disaster",
            "disaster_name": "Bão số 3 (Yagi)",
            "area": self.district,
            "distribution_date": datetime.date(2024, 9, 20),
            "months": 1,
            "kg_allocated": "12.000",
            **changes,
        }

    def test_a_round_for_a_named_disaster_is_saved(self):
        self.assertSaved(self.add(RiceReliefRound, **self.round_form()))
        self.assertEqual(RiceReliefRound.objects.get().kg_allocated, 12000)

    def test_a_disaster_round_without_the_disasters_name_is_refused(self):
        self.assertAddRefused(
            RiceReliefRound, "Hãy ghi tên thiên tai (ví dụ Bão số 3 (Yagi)).", **self.round_form(disaster_name="")
        )

    def test_lowering_the_allocation_below_what_was_distributed_is_refused(self):
        tet = make_round(code="2024-tet", kg_allocated=100)
        make_rice_line(round=tet, kg=60)
        make_rice_line(round=tet, kg=15, persons=1)
        self.assertChangeRefused(tet, "Đợt này đã phát 75 kg; số được cấp không thể ít hơn.", kg_allocated="74,5")

    def test_lowering_the_allocation_to_what_was_distributed_is_saved(self):
        tet = make_round(code="2024-tet", kg_allocated=100)
        make_rice_line(round=tet, kg=60)
        self.assertSaved(self.change(tet, kg_allocated="60"))

    def test_fewer_months_than_the_lines_rations_need_are_refused(self):
        lean_season = make_round(code="2024-giap-hat", months=3, kg_allocated=1000)
        make_rice_line(round=lean_season, persons=2, kg=90)
        make_rice_line(round=lean_season, persons=2, kg=60)
        self.assertChangeRefused(
            lean_season,
            "1 dòng của đợt này phát quá 15 kg mỗi khẩu cho mỗi tháng trong 2 tháng; "
            "số tháng của đợt không thể ít hơn số tháng các dòng đã phát.",
            months=2,
        )
        self.assertSaved(self.change(lean_season, months=4))

    def test_no_allocation_is_refused(self):
        self.assertAddRefused(
            RiceReliefRound, "Số gạo được cấp phải lớn hơn 0 kg.", **self.round_form(kg_allocated="0")
        )

    def test_a_distribution_date_in_another_year_is_refused(self):
        self.assertAddRefused(
            RiceReliefRound,
            "Ngày phát phải thuộc năm của đợt hỗ trợ.",
            **self.round_form(distribution_date=datetime.date(2025, 1, 5)),
        )

    def test_a_round_of_more_than_six_months_is_refused(self):
        self.assertAddRefused(RiceReliefRound, "Mỗi đợt hỗ trợ từ 1 đến 6 tháng.", **self.round_form(months=7))

    def test_a_round_allocated_to_a_commune_is_refused(self):
        self.assertAddRefused(
            RiceReliefRound,
            "Hãy chọn một lựa chọn hợp lệ. Lựa chọn đó không phải là một trong các lựa chọn khả thi.",
            **self.round_form(area=default_commune()),
        )

    def test_a_2024_round_allocated_to_the_2025_province_is_refused(self):
        province_2025 = make_reformed_commune().parent
        self.assertAddRefused(
            RiceReliefRound,
            "Tỉnh Thái Nguyên (mã 19, hiệu lực từ 01/07/2025) không phải là đơn vị hành chính của năm 2024: "
            "hãy chọn đơn vị có hiệu lực khi đó.",
            **self.round_form(area=province_2025),
        )


class RiceReliefBatchValidationTests(TestCase):
    """Lines inserted together are validated alone, and their round checks the allocation
    for the whole batch once they are in."""

    @classmethod
    def setUpTestData(cls):
        cls.commune = default_commune()
        cls.round = make_round(area=cls.commune.parent, kg_allocated=100)
        make_rice_line(round=cls.round, commune=cls.commune, persons=4, kg=60)

    def over_allocation(self):
        household = make_household(commune=self.commune, size=4)
        return RiceReliefLine(round=self.round, household=household, commune=self.commune, persons=4, kg=60)

    def test_a_line_validated_alone_leaves_the_allocation_to_its_round(self):
        line = self.over_allocation()
        with line.without_rules_across_rows():
            line.full_clean()
        RiceReliefLine.objects.bulk_create([line])
        with self.assertRaises(ValidationError) as refused:
            self.round.full_clean()
        self.assertIn("kg_allocated", refused.exception.message_dict)

    def test_validating_alone_once_leaves_the_rule_in_the_next_validation(self):
        line = self.over_allocation()
        with line.without_rules_across_rows():
            line.full_clean()
        with self.assertRaises(ValidationError) as refused:
            line.full_clean()
        self.assertIn("kg", refused.exception.message_dict)


class RiceRationInCodeTests(TestCase):
    """The ration (persons × 15 kg × months) holds for writes from code as for the admin form."""

    @classmethod
    def setUpTestData(cls):
        cls.commune = default_commune()
        cls.round = make_round(area=cls.commune.parent, months=1, kg_allocated=10_000)
        cls.household = make_household(commune=cls.commune, size=4)

    def line(self, **changes):
        values = {"round": self.round, "household": self.household, "commune": self.commune, "persons": 2, "kg": 500}
        return RiceReliefLine(**{**values, **changes})

    def assertRefusedOverTheRation(self, write):
        with self.assertRaises(ValidationError) as refused:
            write()
        self.assertEqual(refused.exception.message_dict, {"kg": ["Tối đa 30 kg: 2 khẩu × 15 kg × 1 tháng."]})

    def test_save_refuses_500_kg_for_2_persons_in_1_month(self):
        self.assertRefusedOverTheRation(self.line().save)
        self.assertFalse(RiceReliefLine.objects.exists())

    def test_bulk_create_refuses_500_kg_for_2_persons_in_1_month(self):
        # The second line names its round by id only: the rule reads the round for it.
        over = RiceReliefLine(round_id=self.round.pk, household=make_household(commune=self.commune), persons=2, kg=500)
        over.commune = self.commune
        lines = [self.line(kg=30), over]
        self.assertRefusedOverTheRation(lambda: RiceReliefLine.objects.bulk_create(lines))
        self.assertFalse(RiceReliefLine.objects.exists())

    def test_the_imports_fast_insert_refuses_500_kg_for_2_persons_in_1_month(self):
        self.assertRefusedOverTheRation(lambda: send(prepare(RiceReliefLine, [self.line()])))
        self.assertFalse(RiceReliefLine.objects.exists())

    def test_bulk_update_and_update_refuse_raising_a_line_over_the_ration(self):
        line = make_rice_line(round=self.round, household=self.household, persons=2, kg=30)
        line.kg = 500
        self.assertRefusedOverTheRation(lambda: RiceReliefLine.objects.bulk_update([line], ["kg"]))
        self.assertRefusedOverTheRation(lambda: RiceReliefLine.objects.filter(pk=line.pk).update(kg=500))
        self.assertEqual(RiceReliefLine.objects.get().kg, 30)


@skipUnless(connection.vendor == "postgresql", "Only PostgreSQL's indexes carry columns (INCLUDE)")
class RiceSumsFromTheIndexTests(TestCase):
    def test_the_sums_of_a_years_lines_in_some_communes_are_read_from_the_index_alone(self):
        line = make_rice_line()
        sums = (
            RiceReliefLine.objects.filter(round__year=2024, commune__in=[line.commune_id])
            .values("round__year")
            .annotate(Sum("kg"), Sum("persons"), Count("household", distinct=True))
        )
        with connection.cursor() as cursor:
            # Too few lines for the planner to prefer an index of its own accord.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            plan = sums.explain()
        self.assertIn("Index Only Scan using ricereliefline_round_commune", plan)
