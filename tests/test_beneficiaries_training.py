"""Training classes for poverty-reduction officers through the admin."""

import datetime

from beneficiaries.models import TrainingClass
from tests.admin_forms import AdminFormTestCase
from tests.factories import default_commune, make_reformed_commune


class TrainingClassFormTests(AdminFormTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.district = default_commune().parent

    def training(self, **changes):
        return {
            "title": "Tập huấn nâng cao năng lực giảm nghèo",
            "year": 2024,
            "area": self.district,
            "level": "both",
            "starts_on": datetime.date(2024, 8, 20),
            "ends_on": datetime.date(2024, 8, 22),
            "place": "Hội trường UBND huyện Pác Nặm",
            "participants": 110,
            **changes,
        }

    def test_a_class_is_saved(self):
        self.assertSaved(self.add(TrainingClass, **self.training()))

    def test_a_class_ending_before_it_starts_is_refused(self):
        self.assertAddRefused(
            TrainingClass,
            "Ngày kết thúc không được trước ngày bắt đầu.",
            **self.training(ends_on=datetime.date(2024, 8, 19)),
        )

    def test_a_class_starting_in_another_year_is_refused(self):
        self.assertAddRefused(
            TrainingClass,
            "Lớp phải bắt đầu trong năm đã chọn.",
            **self.training(starts_on=datetime.date(2023, 12, 30)),
        )

    def test_a_class_without_participants_is_refused(self):
        self.assertAddRefused(TrainingClass, "Lớp phải có ít nhất một người tham dự.", **self.training(participants=0))

    def test_a_2024_class_organised_by_the_2025_province_is_refused(self):
        self.assertAddRefused(
            TrainingClass,
            "Tỉnh Thái Nguyên (mã 19, hiệu lực từ 01/07/2025) không phải là đơn vị hành chính của năm 2024: "
            "hãy chọn đơn vị có hiệu lực khi đó.",
            **self.training(area=make_reformed_commune().parent),
        )
