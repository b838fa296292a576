"""Addresses typed or crafted by hand answer with the list or a message, never a server error."""

from django.test import TestCase

from accounts.roles import CLERK
from beneficiaries.admin.registers import RoundFilter
from tests.factories import (
    default_commune,
    export_list,
    make_commune,
    make_district,
    make_household,
    make_longevity_gift,
    make_person,
    make_province,
    make_rice_line,
    make_role_user,
    make_round,
    make_superuser,
)

GIFTS = "/admin/beneficiaries/longevitygift/"


class CraftedQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.commune = default_commune()
        cls.neighbour = make_commune(parent=cls.commune.parent, code="01861", name="Xã Nhạn Môn")
        cls.here = make_longevity_gift(
            person=make_person(full_name="Người Ở Đây", birth_year=1934, commune=cls.commune)
        )
        cls.there = make_longevity_gift(
            person=make_person(full_name="Người Ở Kia", birth_year=1934, commune=cls.neighbour), commune=cls.neighbour
        )
        make_household(commune=cls.commune, code="HO-1")

    def setUp(self):
        self.client.force_login(make_superuser())

    def test_a_commune_chosen_without_its_district_still_filters_the_list_and_the_export(self):
        response = self.client.get(GIFTS, {"commune": self.neighbour.pk})
        self.assertEqual(list(response.context["cl"].result_list), [self.there])
        export = export_list(self.client, GIFTS, {"commune": self.neighbour.pk})
        self.assertEqual(len(export.content.decode("utf-8-sig").splitlines()), 2)

    def test_a_filter_value_that_is_not_a_number_answers_without_a_server_error(self):
        for parameters in ({"year": "abc"}, {"commune": "x"}, {"district": "1 OR 1=1"}, {"person__id__exact": "abc"}):
            with self.subTest(parameters=parameters):
                self.assertEqual(self.client.get(GIFTS, parameters).status_code, 302)
                export = export_list(self.client, GIFTS, parameters, follow=True)
                self.assertContains(export, "Bộ lọc trong địa chỉ trang không hợp lệ; chưa xuất dữ liệu nào.")

    def test_the_autocomplete_of_a_reverse_relation_is_refused_not_a_server_error(self):
        response = self.client.get(
            "/admin/autocomplete/",
            {"term": "a", "app_label": "beneficiaries", "model_name": "household", "field_name": "members"},
        )
        self.assertEqual(response.status_code, 403)


class RoundFilterTests(TestCase):
    def test_a_district_clerk_is_offered_the_rounds_of_their_district_and_of_the_province_not_anothers(self):
        province = make_province()
        pac_nam = make_district(parent=province)
        ba_be = make_district(parent=province, code="061", name="Huyện Ba Bể")
        commune = make_commune(parent=pac_nam)
        own = make_round(code="2024-pac-nam", area=pac_nam)
        provincial = make_round(code="2024-tinh", area=province)
        make_rice_line(round=provincial, commune=commune)
        make_round(code="2024-ba-be", area=ba_be)
        self.client.force_login(make_role_user(username="pacnam.nhaplieu", role=CLERK, units=[pac_nam]))
        response = self.client.get("/admin/beneficiaries/ricereliefline/")
        (round_filter,) = [spec for spec in response.context["cl"].filter_specs if isinstance(spec, RoundFilter)]
        self.assertEqual(sorted(name for _pk, name in round_filter.lookup_choices), sorted([str(own), str(provincial)]))
