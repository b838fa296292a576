"""Social protection registers through the admin: Month of Action visits and admission dossiers."""

import datetime

from beneficiaries.models import AdmissionDossier, ElderlyVisit
from tests.admin_forms import AdminFormTestCase
from tests.factories import make_elderly_visit, make_person


class ElderlyVisitFormTests(AdminFormTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.aged_60 = make_person(full_name="Bế Thị Thu", gender="female", birth_year=1964)

    def visit(self, **changes):
        person = changes.setdefault("person", self.aged_60)
        return {
            "commune": person.commune,
            "year": 2024,
            "visited_on": datetime.date(2024, 10, 5),
            "gift_vnd": "500.000",
            **changes,
        }

    def test_a_visit_to_someone_turning_60_is_saved(self):
        self.assertSaved(self.add(ElderlyVisit, **self.visit()))

    def test_a_visit_to_someone_under_60_is_refused(self):
        self.assertAddRefused(
            ElderlyVisit,
            "Thăm, tặng quà trong Tháng hành động dành cho người từ 60 tuổi trở lên.",
            **self.visit(person=make_person(full_name="Bế Văn Tài", birth_year=1965)),
        )

    def test_a_second_visit_in_the_same_year_is_refused(self):
        make_elderly_visit(person=self.aged_60)
        self.assertAddRefused(ElderlyVisit, "Người này đã được thăm, tặng quà trong năm.", **self.visit())

    def test_a_visit_dated_in_another_year_is_refused(self):
        self.assertAddRefused(
            ElderlyVisit, "Ngày phải thuộc năm đã chọn.", **self.visit(visited_on=datetime.date(2025, 10, 5))
        )

    def test_a_negative_gift_is_refused(self):
        self.assertAddRefused(ElderlyVisit, "Số tiền không được là số âm.", **self.visit(gift_vnd="-1"))


class AdmissionDossierFormTests(AdminFormTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.person = make_person(full_name="Đặng Thị Mùi", gender="female", birth_year=1938)

    def dossier(self, **changes):
        return {
            "person": self.person,
            "commune": self.person.commune,
            "year": 2024,
            "received_on": datetime.date(2024, 6, 3),
            **changes,
        }

    def test_a_dossier_being_appraised_is_saved(self):
        self.assertSaved(self.add(AdmissionDossier, **self.dossier()))

    def test_a_dossier_appraised_before_it_was_received_is_refused(self):
        self.assertAddRefused(
            AdmissionDossier,
            "Ngày thẩm định không được trước ngày nhận hồ sơ.",
            **self.dossier(result="admitted", appraised_on=datetime.date(2024, 6, 1)),
        )

    def test_a_decided_dossier_without_its_appraisal_date_is_refused(self):
        self.assertAddRefused(
            AdmissionDossier, "Hồ sơ đã có kết quả phải có ngày thẩm định.", **self.dossier(result="refused")
        )
