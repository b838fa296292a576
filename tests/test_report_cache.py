"""The report served again while nothing it shows can have changed (issue 16, part 4): every
write path moves on the generation its cache is keyed on, and users of other authority (scope,
permissions, whole citizen IDs) never share a page."""

import json
import shutil
import socket
import tempfile
from io import StringIO
from pathlib import Path
from unittest import mock

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import serializers
from django.core.management import call_command
from django.test import TestCase, TransactionTestCase, override_settings

from accounts.models import UserArea
from approvals import workflow
from approvals.models import YearApproval
from indicators.models import IndicatorValue, RegisterSource
from reports import views
from reports.generations import FOLD_EVERY, fold, generation_of, step
from reports.models import DataGeneration
from tests.factories import (
    make_agency,
    make_approved_year,
    make_commune,
    make_csv_bytes,
    make_district,
    make_indicator,
    make_longevity_gift,
    make_person,
    make_province,
    make_report_narrative,
    make_role_user,
    make_sector,
    make_superuser,
    make_value,
)
from tests.test_imports_commands import HEADER
from tests.test_report import page_text

REPORT = "/reports/2024/"
# A repeat view of a superuser: the session, the user and the generation.
REPEAT_QUERIES = 3


class CachedReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.district = make_district(parent=cls.province)
        cls.commune = make_commune(parent=cls.district)
        cls.jobs = make_indicator()
        cls.value = make_value(indicator=cls.jobs, area=cls.province, plan=6400, actual=7000)
        cls.gifts = make_indicator(
            code="longevity_90",
            name="Mừng thọ người cao tuổi tròn 90 tuổi",
            has_plan=False,
            source=RegisterSource.LONGEVITY_90,
        )
        cls.gift = make_longevity_gift(person=make_person(birth_year=1934, commune=cls.commune), commune=cls.commune)
        cls.admin = make_superuser()

    def setUp(self):
        self.client.force_login(self.admin)

    def text(self, **params):
        response = self.client.get(REPORT, params)
        self.assertEqual(response.status_code, 200)
        return page_text(response)

    def assertServedAgain(self, **params):
        first = self.client.get(REPORT, params)
        with self.assertNumQueries(REPEAT_QUERIES):
            again = self.client.get(REPORT, params)
        self.assertEqual(again.content, first.content)

    def test_a_repeat_view_is_the_same_page_in_a_fixed_number_of_queries(self):
        self.assertIn("7.000/6.400 người", self.text())
        self.assertServedAgain()
        self.assertServedAgain(area="060")

    def test_saving_a_figure_shows_it(self):
        self.assertIn("7.000/6.400 người", self.text())
        self.value.actual = 7100
        self.value.save()
        self.assertIn("7.100/6.400 người", self.text())

    def test_a_queryset_update_shows_it(self):
        self.assertIn("7.000/6.400 người", self.text())
        IndicatorValue.objects.filter(pk=self.value.pk).update(actual=7200)
        self.assertIn("7.200/6.400 người", self.text())

    def test_a_bulk_update_and_a_bulk_create_show_them(self):
        self.assertIn("7.000/6.400 người", self.text())
        self.value.actual = 7300
        IndicatorValue.objects.bulk_update([self.value], ["actual"])
        self.assertIn("7.300/6.400 người", self.text())
        trained = make_indicator(code="trained", name="Đào tạo nghề", has_plan=False)
        self.assertNotIn("Đào tạo nghề", self.text())
        added = IndicatorValue(indicator=trained, area=self.province, year=2024, actual=91)
        IndicatorValue.objects.bulk_create([added])
        self.assertIn("Đào tạo nghề", self.text())

    def test_deleting_a_figure_and_a_register_entry_takes_them_off(self):
        self.assertIn("Mừng thọ", self.text())
        self.gift.delete()
        self.assertNotIn("Mừng thọ", self.text())
        self.value.delete()
        self.assertEqual(self.client.get(REPORT).status_code, 404)  # no figure left

    def test_a_queryset_delete_takes_the_rows_off(self):
        self.assertIn("7.000/6.400 người", self.text())
        IndicatorValue.objects.filter(pk=self.value.pk).delete()
        self.assertNotIn("6.400", self.text())

    def test_an_import_shows_its_rows(self):
        self.assertNotIn("12 người", self.text(area="060"))
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder)
        path = folder / "chi-tieu.csv"
        path.write_bytes(make_csv_bytes([HEADER, ["jobs_created", "2024", "060", "10", "12", ""]]))
        call_command("import_data", "indicator_values", str(path), stdout=StringIO(), stderr=StringIO())
        self.assertIn("12/10 người", self.text(area="060"))

    def test_a_new_register_entry_is_counted(self):
        self.assertIn("90 tuổi: 1 người", self.text().replace("tròn 90 tuổi", "90 tuổi:"))
        make_longevity_gift(person=make_person(birth_year=1934, commune=self.commune), commune=self.commune)
        self.assertIn("2 người", self.text())

    def test_approving_the_year_shows_it_and_the_approved_year_stays_cached(self):
        self.assertIn("DỰ THẢO", self.text())
        approval = YearApproval.objects.create(area=self.province, year=2024)
        clerk = make_role_user(username="tinh.nhaplieu", role="Nhập liệu", units=[self.province])
        workflow.submit(approval, user=clerk)
        reviewer = make_role_user(username="tinh.duyet", role="Duyệt", units=[self.province])
        workflow.approve(approval, user=reviewer)
        self.assertNotIn("DỰ THẢO", self.text())
        self.assertServedAgain()

    def test_renaming_an_indicator_or_a_unit_shows_the_new_name(self):
        self.text()
        self.jobs.name = "Tạo việc làm mới"
        self.jobs.save()
        self.assertIn("Tạo việc làm mới", self.text())
        self.province.name = "Tỉnh Bắc Cạn"
        self.province.save()
        self.assertIn("Tỉnh Bắc Cạn", self.text())

    def test_renaming_the_approver_shows_the_new_name(self):
        approver = get_user_model().objects.create_user(username="duyet", first_name="Nguyễn Thị", last_name="Duyệt")
        make_approved_year(area=self.province, approver=approver)
        self.assertIn("Nguyễn Thị Duyệt", self.text())
        approver.last_name = "Hoà"
        approver.save()
        self.assertIn("Nguyễn Thị Hoà", self.text())

    def test_an_agency_its_sectors_and_its_narrative_show_their_changes(self):
        sector = self.jobs.sector
        social = make_sector(code="bao_tro_xa_hoi", name="Bảo trợ xã hội", order=2)
        self.gifts.sector = social
        self.gifts.save()
        agency = make_agency(area=self.province, sectors=[sector])
        self.assertNotIn("Mừng thọ", self.text())
        agency.sectors.add(social)
        self.assertIn("Mừng thọ", self.text())
        agency.signer_name = "Lý Thị Hạnh"
        agency.save()
        self.assertIn("Lý Thị Hạnh", self.text())
        narrative = make_report_narrative(agency=agency, shortcomings="Còn chậm giải ngân.")
        self.assertIn("Còn chậm giải ngân.", self.text())
        narrative.shortcomings = "Đã giải ngân đủ."
        narrative.save()
        self.assertIn("Đã giải ngân đủ.", self.text())

    def test_a_fixture_loaded_shows_its_figures(self):
        self.assertIn("7.000/6.400 người", self.text())
        fixture = json.loads(serializers.serialize("json", [self.value]))
        fixture[0]["fields"]["actual"] = "7400"
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder)
        (folder / "values.json").write_text(json.dumps(fixture))
        call_command("loaddata", str(folder / "values.json"), stdout=StringIO())
        self.assertIn("7.400/6.400 người", self.text())

    def test_clearing_an_agencys_sectors_gives_it_every_sector(self):
        social = make_sector(code="bao_tro_xa_hoi", name="Bảo trợ xã hội", order=2)
        self.gifts.sector = social
        self.gifts.save()
        agency = make_agency(area=self.province, sectors=[self.jobs.sector])
        self.assertNotIn("Mừng thọ", self.text())
        agency.sectors.clear()
        self.assertIn("Mừng thọ", self.text())

    def test_the_years_either_side_change_the_report_and_others_do_not(self):
        self.text()
        make_value(indicator=self.jobs, area=self.province, year=2019, actual=5000)
        self.assertServedAgain()
        make_value(indicator=self.jobs, area=self.province, year=2023, actual=6000)
        self.assertIn("tăng 16,7% so với năm 2023", self.text())
        make_value(indicator=self.jobs, area=self.province, year=2025, plan=7500)
        self.assertIn("7.500", self.text())

    def test_a_write_to_a_year_the_charts_annex_draws_shows_in_it(self):
        annexed = {"annex": "charts"}
        make_value(indicator=self.jobs, area=self.province, year=2022, actual=5000)
        self.assertIn("5.000", page_text(self.client.get(REPORT, annexed)))
        make_value(indicator=self.jobs, area=self.province, year=2021, actual=4321)
        self.assertIn("4.321", page_text(self.client.get(REPORT, annexed)))

    def test_the_files_are_served_again_and_made_again_after_a_write(self):
        for extension in ("docx", "xlsx"):
            with self.subTest(extension):
                url = f"/reports/2024/{extension}/"
                first = self.client.get(url).content
                self.assertEqual(self.client.get(url).content, first)
                self.value.actual += 1
                self.value.save()
                self.assertNotEqual(self.client.get(url).content, first)


class CachedReportUsersTests(TestCase):
    """Users of other scope, permissions or view of citizen IDs each get their own page."""

    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.district = make_district(parent=cls.province)
        cls.other = make_district(parent=cls.province, code="061", name="Huyện Ba Bể")
        cls.jobs = make_indicator()
        make_value(indicator=cls.jobs, area=cls.province, plan=6400, actual=7000)
        make_value(indicator=cls.jobs, area=cls.district, actual=3000)
        make_value(indicator=cls.jobs, area=cls.other, actual=4000)
        cls.admin = make_superuser()

    def reader(self, username, *, units, permissions=()):
        user = get_user_model().objects.create_user(username=username)
        for unit in units:
            UserArea.objects.create(user=user, area=unit)
        for codename in permissions:
            user.user_permissions.add(Permission.objects.get(codename=codename))
        return user

    def get(self, user, **params):
        self.client.force_login(user)
        return self.client.get(REPORT, params)

    def test_a_user_outside_the_area_is_refused_the_page_another_user_made(self):
        self.assertEqual(self.get(self.admin, area="06").status_code, 200)
        clerk = make_role_user(username="pacnam.xem", role="Xem", units=[self.district])
        self.assertEqual(self.get(clerk, area="06").status_code, 403)
        self.assertEqual(self.get(clerk, area="061").status_code, 403)

    def test_a_district_user_gets_their_district_at_the_address_of_the_province(self):
        self.assertIn("7.000/6.400 người", page_text(self.get(self.admin)))
        clerk = make_role_user(username="pacnam.xem", role="Xem", units=[self.district])
        text = page_text(self.get(clerk))
        self.assertIn("3.000 người", text)
        self.assertNotIn("7.000", text)

    def test_a_district_users_repeat_view_takes_a_fixed_number_of_queries(self):
        clerk = make_role_user(username="pacnam.xem", role="Xem", units=[self.district])
        first = self.get(clerk)
        # The session, the user, the generation: their units and permissions are kept with the page.
        with self.assertNumQueries(3):
            self.assertEqual(self.client.get(REPORT).content, first.content)

    def test_a_user_moved_to_another_unit_gets_that_units_report_at_once(self):
        clerk = make_role_user(username="pacnam.xem", role="Xem", units=[self.district])
        self.assertIn("3.000 người", page_text(self.get(clerk)))
        UserArea.objects.filter(user=clerk).delete()
        UserArea.objects.create(user=clerk, area=self.other)
        text = page_text(self.client.get(REPORT))
        self.assertIn("4.000 người", text)
        self.assertNotIn("3.000", text)
        # And refused the district they left.
        self.assertEqual(self.client.get(REPORT, {"area": "060"}).status_code, 403)

    def test_a_role_or_a_user_losing_a_permission_gets_the_page_of_what_they_still_may(self):
        reader = self.reader("tinh.doc", units=[self.province], permissions=["view_indicatorvalue"])
        get_user_model().objects.filter(pk=reader.pk).update(is_staff=True)
        reader.refresh_from_db()
        self.assertIn("figure-rows", self.get(reader).content.decode())
        reader.user_permissions.clear()
        self.assertNotIn("figure-rows", self.client.get(REPORT).content.decode())
        clerk = make_role_user(username="tinh.xem", role="Xem", units=[self.province])
        self.assertIn("figure-rows", self.get(clerk).content.decode())
        role = clerk.groups.get()
        role.permissions.remove(Permission.objects.get(codename="view_indicatorvalue"))
        self.assertNotIn("indicatorvalue", self.client.get(REPORT).content.decode())
        clerk.groups.clear()
        self.assertNotIn("figure-rows", self.client.get(REPORT).content.decode())

    def test_a_user_without_the_lists_gets_no_figure_links(self):
        self.assertIn("figure-rows", self.get(self.admin).content.decode())
        reader = self.reader("tinh.doc", units=[self.province])
        response = self.get(reader)
        self.assertIn("7.000/6.400 người", page_text(response))
        self.assertNotIn("figure-rows", response.content.decode())

    def test_users_who_see_citizen_ids_whole_and_masked_never_share_a_page(self):
        masked = self.reader("tinh.che", units=[self.province])
        whole = self.reader("tinh.du", units=[self.province], permissions=["view_full_citizen_id"])
        with mock.patch.object(views, "figure_links", wraps=views.figure_links) as rendered:
            for user in (masked, whole, masked, whole):
                self.assertEqual(self.get(user).status_code, 200)
        self.assertEqual(rendered.call_count, 2)


class CommittedWritesTests(TransactionTestCase):
    """Writes outside any transaction, as a command's or a worker's: on PostgreSQL the import
    writes its parts from a thread of its own, on a connection of its own."""

    def test_an_import_written_while_checked_shows_its_rows(self):
        province = make_province()
        make_district(parent=province)
        make_value(indicator=make_indicator(), area=province, plan=6400, actual=7000)
        self.client.force_login(make_superuser())
        self.assertNotIn("12/10 người", page_text(self.client.get(REPORT, {"area": "060"})))
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder)
        path = folder / "chi-tieu.csv"
        path.write_bytes(make_csv_bytes([HEADER, ["jobs_created", "2024", "060", "10", "12", ""]]))
        call_command("import_data", "indicator_values", str(path), stdout=StringIO(), stderr=StringIO())
        self.assertIn("12/10 người", page_text(self.client.get(REPORT, {"area": "060"})))

    def test_committed_steps_are_folded_now_and_then(self):
        for _ in range(2 * FOLD_EVERY):
            step([2024])
        self.assertLess(DataGeneration.objects.filter(year=2024).count(), FOLD_EVERY + 1)


class GenerationTests(TestCase):
    def test_folding_the_rows_keeps_every_generation(self):
        step([2024])
        step([None])
        step([2023, 2024])
        step([2024])
        before = generation_of([2023, 2024])
        fold()
        self.assertEqual(generation_of([2023, 2024]), before)
        self.assertEqual(DataGeneration.objects.filter(year=2024).count(), 1)

    def test_every_step_changes_the_generation_of_its_year_only(self):
        before = generation_of([2023, 2024])
        step([2024])
        after = generation_of([2023, 2024])
        self.assertEqual((after[0], after[1]), (before[0], before[1]))
        self.assertNotEqual(after[2], before[2])


def _redis_listens():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/4"}}


@override_settings(CACHES=REDIS)
class RedisCachedReportTests(TestCase):
    """Production's cache (BKXH_CACHE_URL), which every web worker shares."""

    @classmethod
    def setUpClass(cls):
        if not _redis_listens():
            cls.skipTest(cls, "Redis does not listen on 127.0.0.1:6379")
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        province = make_province()
        cls.value = make_value(indicator=make_indicator(), area=province, plan=6400, actual=7000)
        cls.admin = make_superuser()

    def setUp(self):
        self.client.force_login(self.admin)

    def test_a_repeat_view_comes_from_redis_and_a_save_makes_it_again(self):
        first = self.client.get(REPORT)
        with self.assertNumQueries(REPEAT_QUERIES):
            self.assertEqual(self.client.get(REPORT).content, first.content)
        self.value.actual = 7100
        self.value.save()
        self.assertIn("7.100/6.400 người", page_text(self.client.get(REPORT)))
