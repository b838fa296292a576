"""Every change path leaves exactly one history record per changed row, with the user and the path."""

from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from accounts.roles import CLERK
from audit.context import Source, changes_by
from beneficiaries.models import LongevityGift
from indicators.models import IndicatorValue
from tests.factories import (
    make_district,
    make_indicator,
    make_longevity_gift,
    make_province,
    make_role_user,
    make_superuser,
    make_value,
)

VALUES = "/admin/indicators/indicatorvalue/"


class HistoryPerChangePathTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.district = make_district(parent=make_province())
        cls.jobs = make_indicator()
        cls.si = make_indicator(code="si_compulsory", name="BHXH bắt buộc")
        cls.a = make_value(indicator=cls.jobs, area=cls.district, plan=100, actual=120)
        cls.b = make_value(indicator=cls.si, area=cls.district, plan=10, actual=12)
        cls.clerk = make_role_user(username="pacnam.nhaplieu", role=CLERK, units=[cls.district])

    def setUp(self):
        self.client.force_login(self.clerk)
        self.known = set(IndicatorValue.history.values_list("history_id", flat=True))

    def new_records(self):
        return list(IndicatorValue.history.exclude(history_id__in=self.known).order_by("history_id"))

    def assertOneRecordPerRow(self, rows, source, kind="~"):
        records = self.new_records()
        self.assertEqual(sorted(record.id for record in records), sorted(row.pk for row in rows))
        for record in records:
            self.assertEqual(
                (record.history_user, record.change_source, record.history_type), (self.clerk, source, kind)
            )
        return records

    def test_the_change_form_records_the_old_and_new_values(self):
        self.client.post(
            f"{VALUES}{self.a.pk}/change/",
            {
                "indicator": self.jobs.pk,
                "year": 2024,
                "area": self.district.pk,
                "status": "estimate",
                "plan": "100",
                "actual": "150",
                "version": self.a.version,
            },
        )
        (record,) = self.assertOneRecordPerRow([self.a], Source.FORM)
        changes = record.diff_against(record.prev_record).changes
        self.assertEqual([(c.field, c.old, c.new) for c in changes if c.field == "actual"], [("actual", 120, 150)])
        page = self.client.get(f"{VALUES}{self.a.pk}/history/")
        self.assertContains(page, "Biểu mẫu nhập liệu")
        self.assertContains(page, "<strong>Thực hiện:</strong> 120&nbsp;&rarr;&nbsp;150</li>")
        self.assertNotContains(page, "Phiên bản:")

    def test_a_list_edit_records_only_the_changed_row(self):
        self.client.post(
            VALUES,
            {
                "form-TOTAL_FORMS": "2",
                "form-INITIAL_FORMS": "2",
                "form-0-id": self.a.pk,
                "form-0-version": self.a.version,
                "form-0-plan": "100",
                "form-0-actual": "130",
                "form-1-id": self.b.pk,
                "form-1-version": self.b.version,
                "form-1-plan": "10",
                "form-1-actual": "12",
                "_save": "Lưu",
            },
        )
        self.assertOneRecordPerRow([self.a], Source.LIST_EDIT)

    def test_a_list_edit_saved_as_the_browser_sends_it_is_a_list_edit_in_the_rows_history(self):
        # The browser sends the list's action menu too, left on its empty choice.
        self.client.post(
            VALUES,
            {
                "action": "",
                "form-TOTAL_FORMS": "1",
                "form-INITIAL_FORMS": "1",
                "form-0-id": self.a.pk,
                "form-0-version": self.a.version,
                "form-0-plan": "100",
                "form-0-actual": "140",
                "_save": "Lưu",
            },
        )
        self.assertOneRecordPerRow([self.a], Source.LIST_EDIT)
        page = self.client.get(f"{VALUES}{self.a.pk}/history/")
        self.assertContains(page, "Sửa trên danh sách")
        self.assertNotContains(page, "Thao tác hàng loạt")

    def test_an_action_chosen_from_the_menu_is_an_action_in_the_rows_history(self):
        self.client.post(VALUES, {"action": "mark_final", "index": "0", "_selected_action": [self.a.pk]})
        self.assertOneRecordPerRow([self.a], Source.ACTION)
        self.assertContains(self.client.get(f"{VALUES}{self.a.pk}/history/"), "Thao tác hàng loạt")

    def test_an_action_records_each_row_it_changes(self):
        self.client.post(VALUES, {"action": "mark_final", "_selected_action": [self.a.pk, self.b.pk]})
        self.assertOneRecordPerRow([self.a, self.b], Source.ACTION)

    def test_deleting_records_each_deleted_row(self):
        self.client.post(VALUES, {"action": "delete_selected", "_selected_action": [self.a.pk], "post": "yes"})
        self.assertOneRecordPerRow([self.a], Source.ACTION, kind="-")

    def test_code_records_each_row_of_update_bulk_update_and_bulk_create(self):
        with changes_by(user=self.clerk, source=Source.FORM):
            IndicatorValue.objects.filter(pk=self.a.pk).update(actual=1)
        self.assertOneRecordPerRow([self.a], Source.FORM)
        self.known |= {record.history_id for record in self.new_records()}

        a, b = IndicatorValue.objects.order_by("pk")
        a.actual = 2
        with changes_by(user=self.clerk, source=Source.IMPORT, import_log_id=7):
            IndicatorValue.objects.bulk_update([a, b], ["actual"])
        (record,) = self.assertOneRecordPerRow([a], Source.IMPORT)
        self.assertEqual(record.import_log_id, 7)
        self.known.add(record.history_id)

        with changes_by(user=self.clerk, source=Source.IMPORT):
            (created,) = IndicatorValue.objects.bulk_create(
                [IndicatorValue(indicator=self.jobs, area=self.district, year=2023, actual=5)]
            )
        self.assertOneRecordPerRow([created], Source.IMPORT, kind="+")

    def test_saving_an_unchanged_row_writes_nothing(self):
        value = IndicatorValue.objects.get(pk=self.a.pk)
        value.save()
        self.assertEqual(self.new_records(), [])
        self.assertEqual(IndicatorValue.objects.get(pk=self.a.pk).version, self.a.version)


class CommandHistoryTests(TestCase):
    def test_a_command_records_one_history_row_per_row_it_writes_and_none_when_nothing_changes(self):
        loader = make_superuser(username="loader")
        call_command("load_demo_data", user="loader", stdout=StringIO())
        values = IndicatorValue.objects.all()
        self.assertEqual(IndicatorValue.history.count(), values.count())
        self.assertEqual(
            set(IndicatorValue.history.values_list("history_user", "change_source", "history_type")),
            {(loader.pk, Source.COMMAND, "+")},
        )
        call_command("load_demo_data", user="loader", stdout=StringIO())
        self.assertEqual(IndicatorValue.history.count(), values.count())


class DeletedRowHistoryTests(TestCase):
    """A deleted row keeps its history, readable from the list's “Deleted rows” by the users of its unit."""

    @classmethod
    def setUpTestData(cls):
        province = make_province()
        cls.district = make_district(parent=province)
        cls.other = make_district(parent=province, code="061", name="Huyện Ba Bể")
        jobs = make_indicator()
        cls.mine = make_value(indicator=jobs, area=cls.district, plan=100, actual=120)
        cls.theirs = make_value(indicator=jobs, area=cls.other, plan=100, actual=777)
        cls.clerk = make_role_user(username="pacnam.nhaplieu", role=CLERK, units=[cls.district])
        cls.clerk.first_name, cls.clerk.last_name = "Hoàng Thị", "Lan"
        cls.clerk.save()
        with changes_by(source=Source.COMMAND):
            IndicatorValue.objects.filter(pk=cls.theirs.pk).delete()

    def setUp(self):
        self.client.force_login(self.clerk)

    def test_a_row_deleted_in_the_admin_is_listed_with_who_deleted_it_and_its_history_opens(self):
        self.client.post(f"{VALUES}{self.mine.pk}/delete/", {"post": "yes"})
        self.assertFalse(IndicatorValue.objects.filter(pk=self.mine.pk).exists())
        self.assertContains(self.client.get(VALUES), f'href="{VALUES}deleted/"')
        listed = self.client.get(f"{VALUES}deleted/")
        self.assertContains(listed, "Hoàng Thị Lan")
        self.assertContains(listed, "Dòng đã xóa")
        self.assertContains(listed, f'href="{VALUES}{self.mine.pk}/history/"')
        history = self.client.get(f"{VALUES}{self.mine.pk}/history/")
        self.assertEqual(history.status_code, 200)
        self.assertContains(history, "<td>Xóa</td>", html=True)
        self.assertContains(history, "Hoàng Thị Lan")
        self.assertContains(history, "Người thay đổi")
        self.assertNotContains(history, "None")
        self.assertNotContains(history, f"{self.mine.pk}/change/")
        self.assertContains(history, f'href="{VALUES}deleted/"')
        record = IndicatorValue.history.filter(id=self.mine.pk).earliest()
        self.assertEqual(self.client.get(f"{VALUES}{self.mine.pk}/history/{record.history_id}/").status_code, 200)

    def test_the_deleted_rows_of_another_unit_stay_out_of_sight(self):
        listed = self.client.get(f"{VALUES}deleted/")
        self.assertEqual(listed.status_code, 200)
        self.assertNotContains(listed, f"{self.theirs.pk}/history/")
        self.assertEqual(self.client.get(f"{VALUES}{self.theirs.pk}/history/").status_code, 404)
        record = IndicatorValue.history.filter(id=self.theirs.pk).earliest()
        self.assertEqual(self.client.get(f"{VALUES}{self.theirs.pk}/history/{record.history_id}/").status_code, 404)
        self.client.force_login(make_superuser())
        self.assertContains(self.client.get(f"{VALUES}deleted/"), f"{self.theirs.pk}/history/")


class PastVersionTests(TestCase):
    def test_a_past_version_of_a_row_is_shown_to_read_not_as_a_form_to_edit(self):
        gift = make_longevity_gift(cash_vnd=500_000)
        gift.cash_vnd = 600_000
        gift.save()
        self.client.force_login(make_superuser())
        first = LongevityGift.history.filter(id=gift.pk).earliest()
        page = self.client.get(f"/admin/beneficiaries/longevitygift/{gift.pk}/history/{first.history_id}/")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "500.000")
        self.assertNotContains(page, 'name="cash_vnd"')
        self.assertNotContains(page, 'name="person"')

    def test_a_past_versions_breadcrumb_names_the_app_and_the_model_as_the_rows_other_pages_do(self):
        gift = make_longevity_gift()
        self.client.force_login(make_superuser())
        version = LongevityGift.history.filter(id=gift.pk).latest()
        page = self.client.get(f"/admin/beneficiaries/longevitygift/{gift.pk}/history/{version.history_id}/")
        breadcrumbs = page.content.decode().split('<div class="breadcrumbs">')[1].split("</div>")[0]
        self.assertIn(">Sổ theo dõi đối tượng</a>", breadcrumbs)
        self.assertIn(f">{str(LongevityGift._meta.verbose_name_plural).capitalize()}</a>", breadcrumbs)
        self.assertNotIn("istorical", breadcrumbs)
