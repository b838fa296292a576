"""Registers of people with meritorious service through the admin: funeral allowances, martyr
worship allowances, medical assessment referrals and record amendments."""

import datetime

from beneficiaries.models import FuneralAllowance, MedicalReferral, RecordAmendment, WorshipAllowance
from tests.admin_forms import AdminFormTestCase
from tests.factories import (
    make_decision,
    make_funeral_allowance,
    make_person,
    make_reformed_commune,
    make_worship_allowance,
)


class FuneralAllowanceFormTests(AdminFormTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.deceased = make_person(full_name="Hoàng Văn Chắp", birth_year=1940)

    def allowance(self, **changes):
        return {
            "deceased": self.deceased,
            "commune": self.deceased.commune,
            "category": "meritorious",
            "date_of_death": datetime.date(2024, 5, 10),
            "year": 2024,
            "recipient_name": "Hoàng Văn Bình",
            "amount_vnd": "23.400.000",
            **changes,
        }

    def test_a_funeral_allowance_is_saved(self):
        self.assertSaved(self.add(FuneralAllowance, **self.allowance()))

    def test_a_second_funeral_allowance_for_the_same_deceased_is_refused(self):
        make_funeral_allowance(deceased=self.deceased)
        self.assertAddRefused(FuneralAllowance, "Người này đã được giải quyết chế độ mai táng phí.", **self.allowance())

    def test_an_allowance_settled_in_a_year_before_the_death_is_refused(self):
        self.assertAddRefused(
            FuneralAllowance,
            "Không thể giải quyết mai táng phí trước ngày từ trần.",
            **self.allowance(year=2023),
        )

    def test_a_death_before_the_year_of_birth_is_refused(self):
        self.assertAddRefused(
            FuneralAllowance,
            "Ngày từ trần trước năm sinh.",
            **self.allowance(date_of_death=datetime.date(1939, 5, 10)),
        )

    def test_no_amount_is_refused(self):
        self.assertAddRefused(FuneralAllowance, "Số tiền phải lớn hơn 0 đồng.", **self.allowance(amount_vnd="0"))


class WorshipAllowanceFormTests(AdminFormTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.worshipper = make_person(full_name="Nông Thị Hiền", gender="female", birth_year=1962)
        cls.current = make_worship_allowance(
            martyr_record="LS-001",
            martyr_name="Liệt sĩ Ma Văn Cường",
            valid_from=datetime.date(2020, 1, 1),
            valid_to=datetime.date(2023, 12, 31),
            year=2020,
        )

    def allowance(self, **changes):
        return {
            "martyr_name": "Liệt sĩ Ma Văn Cường",
            "martyr_record": "LS-001",
            "worshipper": self.worshipper,
            "commune": self.worshipper.commune,
            "year": 2024,
            "yearly_amount_vnd": "2.789.000",
            "valid_from": datetime.date(2024, 1, 1),
            **changes,
        }

    def test_the_next_worshipper_after_the_previous_period_is_saved(self):
        self.assertSaved(self.add(WorshipAllowance, **self.allowance()))

    def test_a_second_current_worshipper_for_one_martyr_is_refused(self):
        make_worship_allowance(martyr_record="LS-001", martyr_name="Liệt sĩ Ma Văn Cường")
        self.assertAddRefused(
            WorshipAllowance,
            "Liệt sĩ này đã có người thờ cúng đang hưởng trợ cấp.",
            **self.allowance(valid_from=datetime.date(2024, 3, 1)),
        )

    def test_a_period_overlapping_another_worshippers_is_refused(self):
        self.assertAddRefused(
            WorshipAllowance,
            "Trong thời gian này đã có người khác hưởng trợ cấp thờ cúng liệt sĩ này: "
            "mỗi liệt sĩ chỉ có một người thờ cúng tại một thời điểm.",
            **self.allowance(valid_from=datetime.date(2023, 7, 1), valid_to=datetime.date(2024, 6, 30)),
        )

    def test_a_period_ending_before_it_starts_is_refused(self):
        self.assertAddRefused(
            WorshipAllowance,
            "Ngày thôi hưởng không được trước ngày bắt đầu hưởng.",
            **self.allowance(valid_to=datetime.date(2023, 12, 31)),
        )

    def test_a_martyrs_record_number_under_another_name_is_refused(self):
        self.assertAddRefused(
            WorshipAllowance,
            "Hồ sơ liệt sĩ số LS-001 mang tên Liệt sĩ Ma Văn Cường.",
            **self.allowance(martyr_name="Liệt sĩ Ma Văn Cương"),
        )

    def test_no_amount_is_refused(self):
        self.assertAddRefused(WorshipAllowance, "Số tiền phải lớn hơn 0 đồng.", **self.allowance(yearly_amount_vnd="0"))


class MedicalReferralFormTests(AdminFormTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.person = make_person(full_name="Lý Văn Sầu", birth_year=1948)

    def referral(self, **changes):
        return {
            "person": self.person,
            "commune": self.person.commune,
            "year": 2024,
            "referred_on": datetime.date(2024, 4, 2),
            "condition": "Ung thư phổi",
            **changes,
        }

    def test_a_referral_is_saved(self):
        self.assertSaved(self.add(MedicalReferral, **self.referral()))

    def test_a_referral_dated_in_another_year_is_refused(self):
        self.assertAddRefused(
            MedicalReferral, "Ngày phải thuộc năm đã chọn.", **self.referral(referred_on=datetime.date(2023, 12, 2))
        )

    def test_a_2024_referral_in_a_commune_of_the_2025_structure_is_refused(self):
        self.assertAddRefused(
            MedicalReferral,
            "Xã Bằng Thành (mã 01864, hiệu lực từ 01/07/2025) không phải là đơn vị hành chính của năm 2024: "
            "hãy chọn đơn vị có hiệu lực khi đó.",
            **self.referral(commune=make_reformed_commune()),
        )


class RecordAmendmentFormTests(AdminFormTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.person = make_person(full_name="Triệu Văn Mến", birth_year=1945)

    def amendment(self, **changes):
        return {
            "person": self.person,
            "commune": self.person.commune,
            "year": 2024,
            "decision": make_decision(),
            "change": "Sửa năm sinh",
            **changes,
        }

    def test_an_amendment_with_its_decision_is_saved(self):
        self.assertSaved(self.add(RecordAmendment, **self.amendment()))

    def test_an_amendment_without_its_decision_is_refused(self):
        self.assertAddRefused(RecordAmendment, "Trường này là bắt buộc.", **self.amendment(decision=""))
