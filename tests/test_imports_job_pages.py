"""The pages of a big upload's job, with the queue left waiting and its jobs called here (the
queue itself and a real worker: tests/test_imports_jobs.py): the job's preview is the one a
small file gets at once, the page waits, refreshing, while the job has not run, and a job is
run again only once it has stopped."""

import datetime
import tempfile
from pathlib import Path
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.utils import timezone
from django_tasks import default_task_backend

from areas.loading import load_admin_units
from bench.import_bench import generate
from beneficiaries.models import LongevityGift
from imports import export_jobs, jobs
from imports.models import ExportFile, ImportLog
from tests.factories import make_longevity_gift, make_superuser
from tests.test_imports_admin import PrivateFolderMixin

IMPORT_URL = "/admin/beneficiaries/longevitygift/import/"
WAITING = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@override_settings(TASKS=WAITING)
class JobPageTests(PrivateFolderMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        load_admin_units()
        path = Path(tempfile.mkdtemp()) / "qua-mung-tho.csv"
        generate(path, 30, first_serial=1, seed=30)
        cls.data = path.read_bytes()

    def setUp(self):
        super().setUp()
        default_task_backend.clear()
        self.client.force_login(make_superuser())

    def upload(self, data, *, threshold):
        with override_settings(BKXH_BACKGROUND_BYTES=threshold):
            return self.client.post(IMPORT_URL, {"file": SimpleUploadedFile("qua.csv", data, "text/csv")})

    def queued_upload(self, data):
        response = self.upload(data, threshold=100)
        log = ImportLog.objects.latest("pk")
        self.assertRedirects(response, f"{IMPORT_URL}{log.pk}/job/", fetch_redirect_response=False)
        return log, response["Location"]

    def test_a_file_over_the_threshold_is_queued_and_its_page_waits_refreshing(self):
        log, job_url = self.queued_upload(self.data)
        self.assertEqual([result.args for result in default_task_backend.results], [[log.pk]])
        self.assertEqual((log.outcome, log.job, log.job_state), ("failed", "check", "queued"))
        page = self.client.get(job_url)
        self.assertContains(page, '<meta http-equiv="refresh" content="2">', html=False)
        self.assertContains(page, "đang chờ đến lượt xử lý")
        self.assertNotContains(page, "Chạy lại công việc")

    def test_the_jobs_preview_is_the_one_a_small_file_gets_at_once(self):
        at_once = self.upload(self.data, threshold=10**9).context["summary"]
        log, job_url = self.queued_upload(self.data)
        jobs.check_upload.call(log.pk)
        page = self.client.get(job_url)
        self.assertEqual(page.context["summary"], at_once)
        self.assertTrue(page.context["can_confirm"])
        self.assertContains(page, "Xác nhận nhập")

    def test_the_jobs_problems_are_the_ones_a_small_file_gets_at_once(self):
        broken = self.data.replace(b",Nam,", b",Ong,", 3)
        at_once = self.upload(broken, threshold=10**9).context["summary"]
        self.assertGreater(at_once["problem_count"], 0)
        log, job_url = self.queued_upload(broken)
        jobs.check_upload.call(log.pk)
        page = self.client.get(job_url)
        self.assertEqual(page.context["summary"], at_once)
        self.assertFalse(page.context["can_confirm"])
        self.assertEqual(ImportLog.objects.get(pk=log.pk).outcome, ImportLog.Outcome.REJECTED)

    def test_the_failed_rows_of_a_big_file_are_made_by_the_job_and_downloaded_without_a_check(self):
        broken = self.data.replace(b",Nam,", b",Ong,", 3)
        log, job_url = self.queued_upload(broken)
        jobs.check_upload.call(log.pk)
        page = self.client.get(job_url)
        self.assertContains(page, "Tải về các dòng lỗi")
        with mock.patch("imports.admin_views.check_file") as checked:
            download = self.client.get(f"{IMPORT_URL}{log.pk}/failed-rows/")
        checked.assert_not_called()
        self.assertEqual(download.status_code, 200)
        lines = download.content.decode("utf-8-sig").splitlines()
        self.assertEqual(len(lines), 4)  # the header and the three rows with "Ong"
        self.assertIn("Lỗi", lines[0])

    def test_a_confirmed_job_ends_on_the_list_with_the_message_of_a_small_file(self):
        log, job_url = self.queued_upload(self.data)
        jobs.check_upload.call(log.pk)
        with override_settings(BKXH_BACKGROUND_BYTES=100):
            confirmed = self.client.post(f"{IMPORT_URL}{log.pk}/confirm/", {"confirm": "1"})
        self.assertEqual(confirmed["Location"], job_url)
        self.assertEqual(LongevityGift.objects.count(), 0)
        jobs.import_upload.call(log.pk)
        page = self.client.get(job_url, follow=True)
        self.assertEqual(LongevityGift.objects.count(), 30)
        self.assertContains(page, "Đã nhập tệp qua.csv: 30 dòng mới, 0 dòng thay đổi")
        self.assertEqual(self.kept_files(), [])

    def test_a_job_that_still_gives_signs_of_life_is_not_run_again(self):
        log, job_url = self.queued_upload(self.data)
        ImportLog.objects.filter(pk=log.pk).update(job_state="running", heartbeat_at=timezone.now())
        self.assertNotContains(self.client.get(job_url), "Chạy lại công việc")
        self.client.post(job_url, {"again": "1"})
        self.assertEqual(len(default_task_backend.results), 1)

    def test_a_job_silent_for_too_long_has_stopped_and_is_run_again_on_the_file_kept(self):
        log, job_url = self.queued_upload(self.data)
        silent_since = timezone.now() - datetime.timedelta(seconds=121)
        ImportLog.objects.filter(pk=log.pk).update(job_state="running", heartbeat_at=silent_since, rows_checked=5)
        page = self.client.get(job_url)
        self.assertContains(page, "Chạy lại công việc")
        self.assertNotContains(page, 'http-equiv="refresh"')
        self.client.post(job_url, {"again": "1"})
        self.assertEqual(len(default_task_backend.results), 2)
        jobs.check_upload.call(log.pk)
        self.assertEqual(ImportLog.objects.get(pk=log.pk).outcome, ImportLog.Outcome.PREVIEWED)

    def test_a_job_is_run_once_even_if_queued_twice(self):
        log, _job_url = self.queued_upload(self.data)
        jobs.check_upload.call(log.pk)
        jobs.check_upload.call(log.pk)
        self.assertEqual(ImportLog.objects.get(pk=log.pk).outcome, ImportLog.Outcome.PREVIEWED)


@override_settings(TASKS=WAITING, BKXH_BACKGROUND_EXPORT_ROWS=0)
class ExportJobPageTests(PrivateFolderMixin, TestCase):
    """A big export's page, with the queue left waiting: a job silent for too long has stopped
    (its worker killed) and is run again once, on a click."""

    EXPORT_URL = "/admin/beneficiaries/longevitygift/export/"

    @classmethod
    def setUpTestData(cls):
        make_longevity_gift()

    def setUp(self):
        super().setUp()
        default_task_backend.clear()
        self.client.force_login(make_superuser())

    def queued_export(self):
        response = self.client.post(self.EXPORT_URL, {"_format": "csv"})
        export = ExportFile.objects.get()
        self.assertRedirects(response, f"{self.EXPORT_URL}{export.pk}/", fetch_redirect_response=False)
        return export, response["Location"]

    def test_an_export_that_still_gives_signs_of_life_is_not_run_again(self):
        export, page_url = self.queued_export()
        ExportFile.objects.filter(pk=export.pk).update(state="running", heartbeat_at=timezone.now())
        page = self.client.get(page_url)
        self.assertNotContains(page, "Chạy lại công việc")
        self.assertContains(page, 'http-equiv="refresh"')
        self.client.post(page_url, {"again": "1"})
        self.assertEqual(len(default_task_backend.results), 1)

    def test_an_export_silent_for_too_long_has_stopped_and_runs_again_once(self):
        export, page_url = self.queued_export()
        silent_since = timezone.now() - datetime.timedelta(seconds=121)
        ExportFile.objects.filter(pk=export.pk).update(state="running", heartbeat_at=silent_since)
        page = self.client.get(page_url)
        self.assertContains(page, "Công việc xuất tệp đã dừng")
        self.assertContains(page, "Chạy lại công việc")
        self.assertNotContains(page, 'http-equiv="refresh"')
        self.client.post(page_url, {"again": "1"})
        self.client.post(page_url, {"again": "1"})
        self.assertEqual(len(default_task_backend.results), 2)
        export_jobs.export_list.call(export.pk)
        export.refresh_from_db()
        self.assertEqual((export.state, export.rows), ("done", 1))
        self.assertContains(self.client.get(page_url), "Tệp đã sẵn sàng")

    def test_an_export_that_stops_on_an_error_says_so_and_offers_no_run_again(self):
        export, page_url = self.queued_export()
        failing = mock.patch.object(export_jobs, "export_records", side_effect=RuntimeError("disk full"))
        with failing, self.assertRaises(RuntimeError):
            export_jobs.export_list.call(export.pk)
        export.refresh_from_db()
        self.assertEqual(export.state, "failed")
        page = self.client.get(page_url)
        self.assertContains(page, "Công việc xuất tệp đã dừng vì gặp lỗi")
        self.assertNotContains(page, "Chạy lại công việc")
        self.assertNotContains(page, 'http-equiv="refresh"')
