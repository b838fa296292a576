"""What is remembered for a user, a request or a row is kept beside it (bkxh.per_object, the
admin's Locks), not stuck onto Django's objects as attributes of our own."""

from django.core import serializers
from django.test import TestCase

from accounts.models import UserArea
from accounts.roles import CLERK
from accounts.scope import scope_of
from beneficiaries.models import Person
from imports.checking import check_file
from imports.kinds import get_kind
from indicators.models import IndicatorValue
from tests.factories import (
    default_commune,
    make_approved_year,
    make_csv_bytes,
    make_district,
    make_indicator,
    make_province,
    make_role_user,
    make_superuser,
    make_value,
)
from tests.test_beneficiaries_imports import GIFT_HEADER, gift_row


def own_attributes(obj):
    return sorted(name for name in vars(obj) if name.startswith(("_bkxh", "_raw")))


class PerObjectTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.district = make_district(parent=cls.province)
        cls.other = make_district(parent=cls.province, code="061", name="Huyện Ba Bể")
        cls.jobs = make_indicator()
        cls.clerk = make_role_user(username="pacnam.nhaplieu", role=CLERK, units=[cls.district])

    def test_a_users_scope_is_asked_once_per_user_object_and_nothing_is_stuck_onto_the_user(self):
        user = type(self.clerk).objects.get(pk=self.clerk.pk)
        first = scope_of(user)
        with self.assertNumQueries(0):
            self.assertIs(scope_of(user), first)
        self.assertEqual(own_attributes(user), [])

    def test_another_copy_of_the_user_read_after_their_units_changed_has_the_new_scope(self):
        user = type(self.clerk).objects.get(pk=self.clerk.pk)
        self.assertFalse(scope_of(user).allows(self.other.pk))
        UserArea.objects.create(user=self.clerk, area=self.other)
        self.assertTrue(scope_of(type(self.clerk).objects.get(pk=self.clerk.pk)).allows(self.other.pk))

    def test_a_list_with_rows_of_an_approved_year_leaves_nothing_on_the_request_or_its_rows(self):
        make_value(indicator=self.jobs, area=self.district, year=2024, plan=1)
        make_value(indicator=self.jobs, area=self.district, year=2025, plan=1)
        make_approved_year(area=self.district, year=2024)
        self.client.force_login(make_superuser())
        response = self.client.get("/admin/indicators/indicatorvalue/")
        self.assertContains(response, "Năm 2024 của Huyện Pác Nặm đã được duyệt")
        # The locked row, and it alone, has no checkbox and no inputs to type in.
        self.assertContains(response, '<td class="action-checkbox">&nbsp;</td>', count=1)
        self.assertContains(response, 'type="hidden" name="form-1-plan"', count=1)
        self.assertEqual(own_attributes(response.wsgi_request), [])
        rows = list(response.context["cl"].result_list)
        self.assertEqual(len(rows), 2)
        self.assertEqual([own_attributes(row) for row in rows], [[], []])

    def test_a_fixture_loaded_again_leaves_nothing_on_its_rows(self):
        value = make_value(indicator=self.jobs, area=self.district, year=2024, plan=1)
        fixture = serializers.serialize("json", [IndicatorValue.objects.get(pk=value.pk)])
        for loaded in serializers.deserialize("json", fixture):
            loaded.save()
            self.assertEqual(own_attributes(loaded.object), [])

    def test_a_person_a_gift_file_brings_carries_no_mark_of_it(self):
        default_commune()
        data = make_csv_bytes([GIFT_HEADER, gift_row()])
        result = check_file(get_kind("longevity_gifts"), data, "qua-mung-tho.csv")
        self.assertEqual(result.problems, [])
        (person,) = [row.by_field["person"] for row in result.rows]
        self.assertIsInstance(person, Person)
        self.assertIsNone(person.pk)
        self.assertEqual(own_attributes(person), [])
