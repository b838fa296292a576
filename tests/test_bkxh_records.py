"""Lost updates: of two people editing the same row, the second save is refused and nothing is overwritten."""

from decimal import Decimal

from django.test import Client, TestCase

from accounts.roles import CLERK
from bkxh.records import StaleRows, VersionConflict
from imports.checking import check_file
from imports.kinds import get_kind
from imports.writing import WriteError, write
from indicators.models import IndicatorValue
from tests.factories import (
    make_csv_bytes,
    make_district,
    make_indicator,
    make_province,
    make_role_user,
    make_value,
)

VALUES = "/admin/indicators/indicatorvalue/"


class LostUpdateTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.district = make_district(parent=make_province())
        cls.jobs = make_indicator()
        cls.value = make_value(indicator=cls.jobs, area=cls.district, plan=100, actual=120)
        cls.lan = make_role_user(username="lan", role=CLERK, units=[cls.district])
        cls.lan.first_name, cls.lan.last_name = "Hoàng Thị", "Lan"
        cls.lan.save()
        cls.minh = make_role_user(username="minh", role=CLERK, units=[cls.district])

    def client_for(self, user):
        client = Client()
        client.force_login(user)
        return client

    def change(self, client, version, actual):
        return client.post(
            f"{VALUES}{self.value.pk}/change/",
            {
                "indicator": self.jobs.pk,
                "year": 2024,
                "area": self.district.pk,
                "status": "estimate",
                "plan": "100",
                "actual": actual,
                "version": version,
            },
        )

    def test_the_second_of_two_form_saves_is_refused_with_the_name_of_the_first(self):
        lan, minh = self.client_for(self.lan), self.client_for(self.minh)
        opened = [
            c.get(f"{VALUES}{self.value.pk}/change/").context["adminform"].form.initial["version"] for c in (lan, minh)
        ]
        self.assertEqual(self.change(lan, opened[0], "130").status_code, 302)
        response = self.change(minh, opened[1], "140")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Dòng này đã được Hoàng Thị Lan sửa lúc")
        self.assertContains(response, "Chưa có gì được lưu")
        self.assertEqual(IndicatorValue.objects.get(pk=self.value.pk).actual, Decimal(130))

    def test_a_stale_list_edit_is_refused(self):
        version = self.value.version
        self.assertEqual(self.change(self.client_for(self.lan), version, "130").status_code, 302)
        response = self.client_for(self.minh).post(
            VALUES,
            {
                "form-TOTAL_FORMS": "1",
                "form-INITIAL_FORMS": "1",
                "form-0-id": self.value.pk,
                "form-0-version": version,
                "form-0-plan": "100",
                "form-0-actual": "140",
                "_save": "Lưu",
            },
        )
        self.assertContains(response, "Dòng này đã được Hoàng Thị Lan sửa lúc")
        self.assertEqual(IndicatorValue.objects.get(pk=self.value.pk).actual, Decimal(130))

    def test_the_list_carries_each_rows_version(self):
        response = self.client_for(self.lan).get(VALUES)
        self.assertContains(response, f'name="form-0-version" value="{self.value.version}"')

    def test_two_copies_saved_from_code_cannot_overwrite_each_other(self):
        first, second = IndicatorValue.objects.get(pk=self.value.pk), IndicatorValue.objects.get(pk=self.value.pk)
        first.actual = 130
        first.save()
        second.actual = 140
        with self.assertRaises(VersionConflict):
            second.save()
        self.assertEqual(IndicatorValue.objects.get(pk=self.value.pk).actual, Decimal(130))
        self.assertEqual(second.version, first.version - 1)

    def test_each_save_raises_the_version_by_one(self):
        value = IndicatorValue.objects.get(pk=self.value.pk)
        for actual in (121, 122):
            value.actual = actual
            value.save()
        self.assertEqual(IndicatorValue.objects.get(pk=self.value.pk).version, self.value.version + 2)

    def test_a_bulk_update_of_a_stale_copy_is_refused_and_writes_nothing(self):
        other = make_value(indicator=self.jobs, area=self.district, year=2023, plan=1, actual=1)
        copies = list(IndicatorValue.objects.order_by("pk"))
        IndicatorValue.objects.filter(pk=self.value.pk).update(actual=130)
        for copy in copies:
            copy.actual = 140
        with self.assertRaises(StaleRows) as refused:
            IndicatorValue.objects.bulk_update(copies, ["actual"])
        self.assertEqual(refused.exception.pks, [self.value.pk])
        self.assertEqual(
            list(IndicatorValue.objects.order_by("pk").values_list("actual", flat=True)), [Decimal(130), Decimal(1)]
        )
        self.assertEqual(IndicatorValue.objects.get(pk=other.pk).version, other.version)

    def test_an_import_is_refused_when_a_row_it_changes_was_saved_after_the_check(self):
        data = make_csv_bytes(
            [["indicator_code", "year", "area_code", "actual"], ["jobs_created", "2024", "060", "150"]]
        )
        result = check_file(get_kind("indicator_values"), data, "chi-tieu.csv")
        self.assertEqual(len(result.changed), 1)
        self.change(self.client_for(self.lan), self.value.version, "130")
        with self.assertRaisesMessage(WriteError, "dòng 2 đã bị người khác sửa"):
            write(result)
        self.assertEqual(IndicatorValue.objects.get(pk=self.value.pk).actual, Decimal(130))
