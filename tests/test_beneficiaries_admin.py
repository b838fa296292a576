"""The registers' changelists: search, filters, totals, masked citizen IDs and a fixed number of
queries, for every beneficiaries model the admin registers (a new register cannot slip past)."""

import re
from decimal import Decimal

from django.contrib import admin
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from beneficiaries.admin.base import RegisterAdmin
from beneficiaries.models import (
    Decision,
    Household,
    HousingSupport,
    LongevityGift,
    Person,
    RiceReliefLine,
    RiceReliefRound,
    TrainingClass,
)
from tests.admin_forms import admin_url
from tests.factories import (
    ENTRY_MAKERS,
    household_of,
    make_commune,
    make_district,
    make_household,
    make_housing_support,
    make_longevity_gift,
    make_person,
    make_province,
    make_resident,
    make_rice_line,
    make_round,
    make_superuser,
)

TWELVE_DIGITS = re.compile(r"(?<!\d)\d{12}(?!\d)")


# The registers about people, searched by the person's name and citizen ID: every model the admin
# registers but decisions, rice rounds and training classes.
PEOPLE_REGISTERS = set(ENTRY_MAKERS) - {Decision, RiceReliefRound, TrainingClass}


def registered_models():
    return sorted(
        (model for model in admin.site._registry if model._meta.app_label == "beneficiaries"),
        key=lambda model: model._meta.model_name,
    )


def register_models():
    """The registered models whose admin is a register (filters by area, totals)."""
    return [model for model in registered_models() if isinstance(admin.site._registry[model], RegisterAdmin)]


class Structure:
    """Tỉnh Bắc Kạn 2024 with two communes of Pác Nặm and one of Ba Bể."""

    @classmethod
    def make_structure(cls):
        province = make_province()
        cls.pac_nam = make_district(parent=province)
        cls.ba_be = make_district(parent=province, code="061", name="Huyện Ba Bể")
        cls.bang_thanh = make_commune(parent=cls.pac_nam)
        cls.nhan_mon = make_commune(parent=cls.pac_nam, code="01861", name="Xã Nhạn Môn")
        cls.phuc_loc = make_commune(parent=cls.ba_be, code="01894", name="Xã Phúc Lộc")


class AdminTestCase(Structure, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_structure()
        cls.superuser = make_superuser()

    def setUp(self):
        self.client.force_login(self.superuser)

    def changelist(self, model, **params):
        response = self.client.get(admin_url(model, "changelist"), params)
        self.assertEqual(response.status_code, 200)
        return response

    def listed(self, model, **params):
        return {entry.pk for entry in self.changelist(model, **params).context["cl"].result_list}


class EveryRegisterTests(AdminTestCase):
    def test_every_registered_model_has_an_entry_maker_here(self):
        self.assertEqual(set(registered_models()), set(ENTRY_MAKERS))

    def test_every_benefit_record_can_point_to_its_decision(self):
        for model in register_models():
            if model in (Person, Household):
                continue
            with self.subTest(model=model.__name__):
                holder = RiceReliefRound if model is RiceReliefLine else model
                self.assertIs(holder._meta.get_field("decision").related_model, Decision)
                form = self.client.get(admin_url(holder, "add")).context["adminform"].form
                self.assertIn("decision", form.fields)


class QueryCountTests(AdminTestCase):
    """A changelist costs the same number of queries with 3 rows as with 60: no query per row."""

    def queries_for(self, model):
        with CaptureQueriesContext(connection) as queries:
            self.changelist(model)
        return len(queries)

    def add_entries(self, model, numbers):
        communes = [self.bang_thanh, self.nhan_mon, self.phuc_loc]
        for number in numbers:
            person = make_resident(commune=communes[number % 3], number=number)
            ENTRY_MAKERS[model](person, 2024)

    def test_every_changelist_runs_a_fixed_number_of_queries_per_page(self):
        for model in registered_models():
            with self.subTest(model=model.__name__):
                offset = 1000 * (registered_models().index(model) + 1)
                self.add_entries(model, range(offset, offset + 3))
                few = self.queries_for(model)
                self.add_entries(model, range(offset + 3, offset + 60))
                self.assertEqual(self.queries_for(model), few)


class MaskedCitizenIdTests(AdminTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.person = make_resident(commune=cls.bang_thanh, number=1234, full_name="Hoàng Thị Lan")
        for model, make in ENTRY_MAKERS.items():
            if model not in (Person, Household):
                make(cls.person, 2024)

    def test_no_changelist_shows_a_whole_citizen_id(self):
        for model in registered_models():
            with self.subTest(model=model.__name__):
                html = self.changelist(model).content.decode()
                self.assertEqual(TWELVE_DIGITS.findall(html), [])

    def test_the_people_list_shows_the_last_four_digits(self):
        self.assertContains(self.changelist(Person), "••••••••1234")

    def test_the_household_page_lists_its_members_with_masked_ids(self):
        response = self.client.get(admin_url(Household, "change", household_of(self.person).pk))
        self.assertContains(response, "••••••••1234")
        self.assertNotContains(response, self.person.citizen_id)

    def test_the_persons_page_shows_the_whole_citizen_id(self):
        response = self.client.get(admin_url(Person, "change", self.person.pk))
        self.assertContains(response, f'value="{self.person.citizen_id}"')

    def test_picking_a_person_does_not_show_the_citizen_id(self):
        response = self.client.get(
            "/admin/autocomplete/",
            {"term": "hoang thi", "app_label": "beneficiaries", "model_name": "longevitygift", "field_name": "person"},
        )
        self.assertEqual([item["id"] for item in response.json()["results"]], [str(self.person.pk)])
        self.assertEqual(TWELVE_DIGITS.findall(response.content.decode()), [])


class SearchTests(AdminTestCase):
    """Every register about people finds an entry by the person's name, with or without
    diacritics, and by the whole citizen ID."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.lan = make_resident(commune=cls.bang_thanh, number=1, full_name="Hoàng Thị Lan")
        cls.an = make_resident(commune=cls.bang_thanh, number=2, full_name="Nguyễn Văn An")
        cls.entries = {model: ENTRY_MAKERS[model](cls.lan, 2024) for model in PEOPLE_REGISTERS}
        for model in PEOPLE_REGISTERS:
            ENTRY_MAKERS[model](cls.an, 2024)

    def test_every_register_about_people_is_searched_by_name_and_citizen_id(self):
        terms = ["Hoàng Thị Lan", "hoang thi lan", "HOANG THI", "Hoa\u0300ng Thi\u0323", "thị lan", self.lan.citizen_id]
        for model in PEOPLE_REGISTERS:
            for term in terms:
                with self.subTest(model=model.__name__, term=term):
                    self.assertEqual(self.listed(model, q=term), {self.entries[model].pk})

    def test_a_part_of_a_citizen_id_finds_no_one(self):
        for model in PEOPLE_REGISTERS:
            with self.subTest(model=model.__name__):
                self.assertEqual(self.listed(model, q=self.lan.citizen_id[:-1]), set())


class FilterTests(AdminTestCase):
    """Every register filters by year, district and commune; the commune filter offers the
    communes of the district chosen."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.entries = {}
        places = {
            "bang_thanh_2024": (cls.bang_thanh, 2024),
            "bang_thanh_2023": (cls.bang_thanh, 2023),
            "nhan_mon_2024": (cls.nhan_mon, 2024),
            "phuc_loc_2024": (cls.phuc_loc, 2024),
        }
        for number, (key, (commune, year)) in enumerate(places.items(), start=1):
            person = make_resident(commune=commune, number=number, birth_year=1934 if year == 2024 else 1933)
            for model in register_models():
                entry = ENTRY_MAKERS[model](person, year)
                cls.entries.setdefault((model, key), set()).add(entry.pk)
                if model is RiceReliefLine:
                    cls.entries.setdefault((RiceReliefRound, key), set()).add(entry.round_id)

    def expected(self, model, *keys):
        return set().union(*(self.entries[model, key] for key in keys))

    def test_every_register_filters_by_year(self):
        for model in register_models():
            if admin.site._registry[model].year_field:
                with self.subTest(model=model.__name__):
                    self.assertEqual(
                        self.listed(model, year=2023), self.expected(model, "bang_thanh_2023"), model.__name__
                    )

    def test_every_register_filters_by_district(self):
        for model in register_models():
            with self.subTest(model=model.__name__):
                self.assertEqual(self.listed(model, district=self.ba_be.pk), self.expected(model, "phuc_loc_2024"))
                self.assertEqual(
                    self.listed(model, district=self.pac_nam.pk),
                    self.expected(model, "bang_thanh_2024", "bang_thanh_2023", "nhan_mon_2024"),
                )

    def test_every_register_by_commune_filters_by_commune(self):
        for model in register_models():
            if admin.site._registry[model].area_field != "commune":
                continue
            with self.subTest(model=model.__name__):
                self.assertEqual(
                    self.listed(model, district=self.pac_nam.pk, commune=self.nhan_mon.pk),
                    self.expected(model, "nhan_mon_2024"),
                )

    def test_the_commune_filter_lists_the_communes_of_the_chosen_district(self):
        response = self.changelist(LongevityGift, district=self.pac_nam.pk)
        (commune_filter,) = [spec for spec in response.context["cl"].filter_specs if spec.title == "xã"]
        self.assertEqual([name for _pk, name in commune_filter.lookup_choices], ["Xã Bằng Thành", "Xã Nhạn Môn"])

    def test_the_commune_filter_waits_for_a_district(self):
        response = self.changelist(LongevityGift)
        self.assertNotIn("xã", [spec.title for spec in response.context["cl"].filter_specs if spec.has_output()])

    def test_rice_lines_filter_by_round(self):
        line = RiceReliefLine.objects.get(pk__in=self.entries[RiceReliefLine, "nhan_mon_2024"])
        self.assertEqual(self.listed(RiceReliefLine, round__id__exact=line.round_id), {line.pk})

    def test_housing_support_filters_by_programme_round(self):
        fifth = make_housing_support(household=make_household(commune=self.bang_thanh), round=5)
        make_housing_support(household=make_household(commune=self.bang_thanh), round=6)
        self.assertEqual(self.listed(HousingSupport, round=5), {fifth.pk})

    def test_the_round_filter_names_each_round_with_its_area(self):
        response = self.changelist(RiceReliefLine)
        (round_filter,) = [spec for spec in response.context["cl"].filter_specs if spec.title == "đợt"]
        self.assertIn("Huyện Ba Bể", " ".join(name for _pk, name in round_filter.lookup_choices))


class TotalsTests(AdminTestCase):
    """The box above each register's list adds up the entries filtered, not the page nor the table."""

    def totals(self, model, **params):
        return dict(self.changelist(model, **params).context["register_totals"])

    def test_the_rice_totals_are_those_of_the_filtered_commune(self):
        round = make_round(year=2024, area=self.pac_nam, kg_allocated=10_000)
        for commune, persons in [(self.bang_thanh, 3), (self.bang_thanh, 4), (self.nhan_mon, 5)]:
            household = make_household(commune=commune, size=persons)
            make_rice_line(round=round, household=household, persons=persons, kg=15 * persons)
        totals = self.totals(RiceReliefLine, district=self.pac_nam.pk, commune=self.bang_thanh.pk)
        self.assertEqual(totals, {"kg": Decimal(105), "hộ": 2, "số khẩu": 7})

    def test_the_housing_totals_are_those_of_the_filtered_year(self):
        for year, amount in [(2023, 40_000_000), (2024, 50_000_000), (2024, 60_000_000)]:
            make_housing_support(household=make_household(commune=self.bang_thanh), year=year, amount_vnd=amount)
        response = self.changelist(HousingSupport, year=2024)
        self.assertEqual(dict(response.context["register_totals"]), {"nhà": 2, "số tiền (đồng)": 110_000_000})
        self.assertContains(response, "số tiền (đồng): <b>110.000.000</b>", html=False)

    def test_the_longevity_totals_cover_every_page_of_the_filtered_entries(self):
        for _ in range(55):
            make_longevity_gift(person=make_person(birth_year=1934, commune=self.phuc_loc), cash_vnd=500_000)
        make_longevity_gift(person=make_person(birth_year=1934, commune=self.bang_thanh), cash_vnd=700_000)
        totals = self.totals(LongevityGift, district=self.ba_be.pk)
        self.assertEqual((totals["người"], totals["tiền mặt (đồng)"]), (55, 27_500_000))

    def test_the_household_totals_count_members_and_poverty(self):
        make_household(commune=self.bang_thanh, size=4)
        make_household(commune=self.bang_thanh, size=3, poverty_status="near_poor")
        make_household(commune=self.phuc_loc, size=6)
        totals = self.totals(Household, district=self.pac_nam.pk)
        self.assertEqual(totals, {"hộ": 2, "thành viên": 7, "hộ nghèo": 1, "hộ cận nghèo": 1})
