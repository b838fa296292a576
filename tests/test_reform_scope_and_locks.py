"""Who sees and who may change the records of the units the 2025 reform replaced: the staff of
the new province keep their predecessors' history, and an approval of the new province's year
locks the records its report adds up, of whichever structure."""

import datetime

from django.core.exceptions import ValidationError
from django.test import TestCase

from accounts.roles import CLERK
from accounts.scope import scope_of
from approvals.locking import YearLockedError
from tests.factories import (
    make_approved_year,
    make_indicator,
    make_longevity_gift,
    make_merged_provinces,
    make_person,
    make_role_user,
    make_value,
)

GIFTS = "/admin/beneficiaries/longevitygift/"


class ScopeAcrossTheReformTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.units = make_merged_provinces()
        cls.new_province_clerk = make_role_user(username="tn.nhaplieu", role=CLERK, units=[cls.units.thai_nguyen])
        cls.old_district_clerk = make_role_user(
            username="pacnam.nhaplieu", role=CLERK, units=[cls.units.bac_kan_district]
        )
        cls.gift = make_longevity_gift(
            person=make_person(full_name="Hoàng Thị Mận", birth_year=1934, commune=cls.units.merged_commune)
        )

    def test_the_new_provinces_staff_see_the_old_provinces_units(self):
        scope = scope_of(self.new_province_clerk)
        for unit in (self.units.bac_kan, self.units.divided_commune, self.units.old_thai_nguyen_commune):
            self.assertTrue(scope.allows(unit.pk), unit)

    def test_the_new_provinces_staff_read_a_2024_entry_of_a_bac_kan_commune(self):
        self.client.force_login(self.new_province_clerk)
        response = self.client.get(GIFTS, {"year": 2024})
        self.assertContains(response, "Hoàng Thị Mận")

    def test_the_staff_of_an_ended_district_keep_reading_its_entries(self):
        self.client.force_login(self.old_district_clerk)
        self.assertContains(self.client.get(GIFTS, {"year": 2024}), "Hoàng Thị Mận")
        scope = scope_of(self.old_district_clerk)
        self.assertFalse(scope.allows(self.units.thai_nguyen.pk))
        self.assertFalse(scope.allows(self.units.new_commune.pk))

    def test_a_new_communes_staff_see_only_the_old_communes_merged_whole_into_it(self):
        clerk = make_role_user(username="bangthanh.nhaplieu", role=CLERK, units=[self.units.new_commune])
        scope = scope_of(clerk)
        self.assertTrue(scope.allows(self.units.merged_commune.pk))
        self.assertFalse(scope.allows(self.units.divided_commune.pk))
        self.assertFalse(scope.allows(self.units.bac_kan_district.pk))


class ApprovalAcrossTheReformTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.units = make_merged_provinces()
        cls.jobs = make_indicator()
        cls.first_half = make_value(indicator=cls.jobs, area=cls.units.bac_kan, year=2025, actual=400)
        make_approved_year(area=cls.units.thai_nguyen, year=2025)

    def test_an_approved_2025_of_the_new_province_locks_bac_kans_first_half_year(self):
        self.first_half.actual = 500
        with self.assertRaises(YearLockedError):
            self.first_half.save()

    def test_it_locks_a_register_entry_of_a_commune_merged_into_it(self):
        person = make_person(birth_year=1935, commune=self.units.merged_commune)
        with self.assertRaises(ValidationError):
            make_longevity_gift(person=person, year=2025, gift_date=datetime.date(2025, 3, 10))

    def test_it_does_not_lock_bac_kans_2024(self):
        make_value(indicator=self.jobs, area=self.units.bac_kan, year=2024, actual=7000)
