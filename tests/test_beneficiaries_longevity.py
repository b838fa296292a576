"""Longevity gifts through the admin: the milestone is the calendar-year age, once each."""

import datetime

from beneficiaries.models import LongevityGift
from imports.kinds import get_kind
from imports.process import run_import
from tests.admin_forms import AdminFormTestCase, form_errors
from tests.factories import default_commune, make_csv_bytes, make_longevity_gift, make_person, make_reformed_commune
from tests.test_beneficiaries_imports import GIFT_HEADER, gift_row


class LongevityGiftFormTests(AdminFormTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.born_1934 = make_person(full_name="Ma Thị Dình", gender="female", birth_year=1934)
        cls.born_1924 = make_person(full_name="Lộc Văn Páo", birth_year=1924)
        cls.born_1921 = make_person(full_name="Hoàng Thị Nhất", gender="female", birth_year=1921)

    def gift(self, **changes):
        person = changes.setdefault("person", self.born_1934)
        return {
            "year": 2024,
            "commune": person.commune,
            "milestone": 90,
            "cash_vnd": "500.000",
            "in_kind_vnd": "150.000",
            "gift_date": datetime.date(2024, 10, 1),
            **changes,
        }

    def test_a_gift_at_the_calendar_year_age_is_saved(self):
        self.assertSaved(self.add(LongevityGift, **self.gift()))
        gift = LongevityGift.objects.get()
        self.assertEqual((gift.cash_vnd, gift.in_kind_vnd), (500_000, 150_000))

    def test_the_90th_birthday_gift_is_the_provincial_chairmans_and_the_100th_the_presidents(self):
        make_longevity_gift(person=self.born_1934, milestone=90)
        make_longevity_gift(person=self.born_1924, milestone=100)
        make_longevity_gift(person=make_person(full_name="Nông Văn Tý", birth_year=1944), milestone=80)
        response = self.client.get("/admin/beneficiaries/longevitygift/")
        givers = {gift.milestone: gift.giver.label for gift in response.context["cl"].result_list}
        self.assertEqual(givers, {90: "Chủ tịch UBND tỉnh", 100: "Chủ tịch nước", 80: "UBND cấp xã"})
        self.assertContains(response, '<td class="field-giver_display">Chủ tịch nước</td>', html=True)

    def test_a_milestone_other_than_the_calendar_year_age_is_refused(self):
        self.assertAddRefused(
            LongevityGift,
            "Sinh năm 1934, năm 2024 người này 90 tuổi (tính theo năm), không phải 95.",
            **self.gift(milestone=95),
        )

    def test_a_birthday_counted_by_the_date_of_birth_instead_of_the_calendar_year_is_refused(self):
        self.assertAddRefused(
            LongevityGift,
            "Sinh năm 1934, năm 2025 người này 91 tuổi (tính theo năm), không phải 90.",
            **self.gift(year=2025, gift_date=datetime.date(2025, 1, 20)),
        )

    def test_the_over_100_gift_for_someone_turning_100_is_refused(self):
        self.assertAddRefused(
            LongevityGift,
            "Sinh năm 1924, năm 2024 người này 100 tuổi (tính theo năm), không phải trên 100.",
            **self.gift(person=self.born_1924, milestone=101),
        )

    def test_the_over_100_gift_for_someone_turning_103_is_saved(self):
        self.assertSaved(self.add(LongevityGift, **self.gift(person=self.born_1921, milestone=101)))

    def test_a_second_gift_for_the_same_milestone_is_refused(self):
        make_longevity_gift(person=self.born_1934, milestone=90)
        self.assertAddRefused(LongevityGift, "Người này đã được mừng thọ ở mốc tuổi này.", **self.gift())

    def test_a_gift_entered_twice_is_refused_once(self):
        make_longevity_gift(person=self.born_1934, milestone=90)
        response = self.add(LongevityGift, **self.gift())
        self.assertEqual(form_errors(response), ["Người này đã được mừng thọ ở mốc tuổi này."])

    def test_a_second_over_100_gift_in_the_same_year_is_refused(self):
        make_longevity_gift(person=self.born_1921, milestone=101)
        self.assertAddRefused(
            LongevityGift,
            "Người này đã được mừng thọ ở mốc tuổi này trong năm.",
            **self.gift(person=self.born_1921, milestone=101, gift_date=datetime.date(2024, 6, 6)),
        )

    def test_the_over_100_gift_is_given_again_the_next_year(self):
        make_longevity_gift(person=self.born_1921, year=2023, milestone=101, gift_date=datetime.date(2023, 6, 6))
        self.assertSaved(self.add(LongevityGift, **self.gift(person=self.born_1921, milestone=101)))

    def test_a_gift_dated_in_another_year_is_refused(self):
        self.assertAddRefused(
            LongevityGift,
            "Ngày tặng phải trong năm của mốc tuổi.",
            **self.gift(gift_date=datetime.date(2025, 1, 2)),
        )

    def test_a_negative_cash_gift_is_refused(self):
        self.assertAddRefused(LongevityGift, "Số tiền không được là số âm.", **self.gift(cash_vnd="-500.000"))

    def test_a_2024_gift_in_a_commune_of_the_2025_structure_is_refused(self):
        self.assertAddRefused(
            LongevityGift,
            "Xã Bằng Thành (mã 01864, hiệu lực từ 01/07/2025) không phải là đơn vị hành chính của năm 2024: "
            "hãy chọn đơn vị có hiệu lực khi đó.",
            **self.gift(commune=make_reformed_commune()),
        )


class SucceededCommuneTests(AdminFormTestCase):
    """An entry after the reform in a commune that had ended is refused, naming the commune that
    took its place, the same in the admin form and in a file."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.old = default_commune()
        cls.old.successors.add(make_reformed_commune())
        cls.person = make_person(commune=cls.old, birth_year=1936)

    def test_the_form_names_the_commune_that_took_its_place(self):
        self.assertAddRefused(
            LongevityGift,
            "Xã Bằng Thành (mã 01858, hiệu lực đến 30/06/2025) không còn là đơn vị hành chính trong năm 2026: "
            "từ 01/07/2025 địa bàn này thuộc Xã Bằng Thành (01864).",
            person=self.person,
            commune=self.old,
            year=2026,
            milestone=90,
            giver="commune",
            occasion="elderly_day",
            cash_vnd="500.000",
            gift_date=datetime.date(2026, 6, 6),
        )

    def test_a_file_names_the_commune_that_took_its_place(self):
        row = gift_row(**{"Năm": "2026", "Năm sinh": "1936", "Số CCCD": "", "Ngày tặng": "06/06/2026"})
        data = make_csv_bytes([GIFT_HEADER, row])
        _log, result = run_import(get_kind("longevity_gifts"), data, "qua.csv")
        self.assertIn(
            "“01858” không phải là mã đơn vị hành chính trong năm 2026: Xã Bằng Thành đã kết thúc; "
            "từ 01/07/2025 địa bàn này thuộc Xã Bằng Thành (01864).",
            " ".join(str(problem) for problem in result.problems),
        )
        self.assertFalse(LongevityGift.objects.exists())
