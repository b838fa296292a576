"""Register lists stay cheap as registers grow: a fixed number of queries, filters that do not
scan the register."""

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    make_commune,
    make_district,
    make_longevity_gift,
    make_person,
    make_province,
    make_rice_line,
    make_round,
    make_superuser,
)

RICE_LINES = "/admin/beneficiaries/ricereliefline/"
LONGEVITY_GIFTS = "/admin/beneficiaries/longevitygift/"


class RegisterListQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.pac_nam = make_district(parent=cls.province)
        cls.ba_be = make_district(parent=cls.province, code="061", name="Huyện Ba Bể")
        cls.bang_thanh = make_commune(parent=cls.pac_nam)
        cls.cho_ra = make_commune(parent=cls.ba_be, code="01888", name="Thị trấn Chợ Rã")
        cls.user = make_superuser()

    def setUp(self):
        self.client.force_login(self.user)

    def queries(self, url, params=None):
        with CaptureQueriesContext(connection) as context:
            response = self.client.get(url, params or {})
        self.assertEqual(response.status_code, 200)
        return len(context), response

    def test_the_rice_line_list_runs_the_same_queries_with_one_round_and_with_ten(self):
        make_rice_line(round=make_round(year=2023, area=self.province), commune=self.bang_thanh)
        with_one, _response = self.queries(RICE_LINES)
        for _ in range(9):
            make_rice_line(round=make_round(year=2024, area=self.pac_nam), commune=self.bang_thanh)
        with_ten, response = self.queries(RICE_LINES)
        self.assertEqual(with_one, with_ten)
        self.assertEqual(len(response.context["cl"].result_list), 10)

    def test_the_year_filter_offers_the_years_of_the_rounds(self):
        make_rice_line(round=make_round(year=2022, area=self.province), commune=self.bang_thanh)
        make_rice_line(round=make_round(year=2024, area=self.province), commune=self.cho_ra)
        _count, response = self.queries(RICE_LINES)
        year_filter = next(spec for spec in response.context["cl"].filter_specs if spec.parameter_name == "year")
        self.assertEqual([choice for choice, _label in year_filter.lookup_choices], ["2024", "2023", "2022"])
        _count, response = self.queries(RICE_LINES, {"year": "2022"})
        self.assertEqual([line.commune for line in response.context["cl"].result_list], [self.bang_thanh])

    def test_the_district_filter_lists_the_entries_of_its_communes(self):
        in_pac_nam = make_longevity_gift(person=make_person(birth_year=1934, commune=self.bang_thanh))
        make_longevity_gift(person=make_person(birth_year=1934, commune=self.cho_ra))
        _count, response = self.queries(LONGEVITY_GIFTS, {"year": "2024", "district": self.pac_nam.pk})
        self.assertEqual(list(response.context["cl"].result_list), [in_pac_nam])
        self.assertContains(response, "Xã Bằng Thành")
