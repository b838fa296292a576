"""Big imports as background jobs, run by a real worker in a process of its own (README,
"Background jobs"): the confirming request only queues the work, the page follows the counters,
then shows what the command line would have written; a worker killed in the middle writes
nothing, the log says so, and the job runs again."""

import io
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase, override_settings

from areas.loading import load_admin_units
from bench.import_bench import generate
from beneficiaries.models import LongevityGift, Person
from imports.models import ImportLog
from tests.factories import export_list, make_superuser
from tests.workers import RQ_QUEUES, RQ_TASKS, Worker, empty_redis, redis_is_up

IMPORT_URL = "/admin/beneficiaries/longevitygift/import/"
CHANGELIST_URL = "/admin/beneficiaries/longevitygift/"
GIFT_FIELDS = ("person__citizen_id", "person__full_name", "year", "milestone", "cash_vnd", "in_kind_vnd", "gift_date")


class JobTestMixin:
    queue = "database"

    def setUp(self):
        super().setUp()
        self.folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)
        private = override_settings(BKXH_PRIVATE_ROOT=self.folder / "private")
        private.enable()
        self.addCleanup(private.disable)
        load_admin_units()
        self.client.force_login(make_superuser())

    def start_worker(self):
        worker = Worker(self.folder / "private", queue=self.queue).start()
        self.addCleanup(worker.kill)
        return worker

    def gift_file(self, rows):
        path = self.folder / f"qua-mung-tho-{rows}.csv"
        generate(path, rows, first_serial=1, seed=rows)
        return path

    def upload(self, path):
        response = self.client.post(IMPORT_URL, {"file": SimpleUploadedFile(path.name, path.read_bytes(), "text/csv")})
        self.assertEqual(response.status_code, 302)
        return response["Location"]

    def follow_job(self, job_url, *, until, timeout=240):
        """The job page's logs, polled every 0.5 s until `until(response)`; returns (response, logs)."""
        logs = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            response = self.client.get(job_url)
            if until(response):
                return response, logs
            logs.append(response.context["log"])
            time.sleep(0.5)
        self.fail(f"the job at {job_url} did not end in {timeout} s")

    def previewed(self, path):
        """The log of `path` uploaded and checked by the worker, ready to be confirmed."""
        response, _logs = self.follow_job(self.upload(path), until=_is_the_preview)
        self.assertTrue(response.context["can_confirm"], response.context["summary"]["problems"][:3])
        return response.context["log"]

    def confirm(self, log):
        return self.client.post(f"{IMPORT_URL}{log.pk}/confirm/", {"confirm": "1"})


def _is_the_preview(response):
    return response.status_code == 200 and "summary" in response.context


def _is_the_list(response):
    return response.status_code == 302 and not response["Location"].endswith("/job/")


def _empty(*models):
    """Deleted in SQL: the ORM's deletion, one object and one history row at a time, would take
    minutes for the 200.000 rows."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def _gifts():
    return sorted(LongevityGift.objects.values_list(*GIFT_FIELDS))


@pytest.mark.worker
class BigImportJobTests(JobTestMixin, TransactionTestCase):
    def test_a_200_000_row_file_confirmed_in_the_admin_is_written_by_the_worker_as_import_data_writes_it(self):
        path = self.gift_file(200_000)
        self.start_worker()
        log = self.previewed(path)
        self.assertEqual(LongevityGift.objects.count(), 0)

        started = time.perf_counter()
        response = self.confirm(log)
        answered = time.perf_counter() - started
        self.assertLess(answered, 2.0)
        job_url = response["Location"]
        self.assertTrue(job_url.endswith(f"/import/{log.pk}/job/"))

        response, polls = self.follow_job(job_url, until=_is_the_list)
        counters = [(log.rows_checked, log.rows_written) for log in polls]
        self.assertEqual(counters, sorted(counters), "the counters never go back")
        self.assertGreater(len(set(counters)), 2, "the page shows the job moving")
        messages = [str(message) for message in self.client.get(response["Location"]).context["messages"]]
        log.refresh_from_db()
        self.assertEqual(log.outcome, ImportLog.Outcome.IMPORTED)
        self.assertEqual((log.created, log.changed, log.unchanged), (200_000, 0, 0))
        self.assertIn(f"Đã nhập tệp {path.name}: 200000 dòng mới", messages[0])
        from_the_admin = _gifts()

        _empty(LongevityGift, Person)
        call_command("import_data", "longevity_gifts", str(path), stdout=io.StringIO())
        by_the_command = ImportLog.objects.filter(source=ImportLog.Source.COMMAND).get()
        self.assertEqual(
            (by_the_command.rows, by_the_command.created, by_the_command.changed, by_the_command.unchanged),
            (log.rows, log.created, log.changed, log.unchanged),
        )
        self.assertEqual(_gifts(), from_the_admin)


class KilledWorkerTests(JobTestMixin):
    @override_settings(BKXH_JOB_STALE_SECONDS=2)
    def test_a_worker_killed_in_the_middle_writes_nothing_says_so_and_the_job_runs_again(self):
        path = self.gift_file(60_000)
        worker = self.start_worker()
        log = self.previewed(path)
        job_url = self.confirm(log)["Location"]
        self.follow_job(job_url, until=lambda response: response.context["log"].rows_checked > 0, timeout=60)
        worker.kill()

        log.refresh_from_db()
        self.assertEqual(log.outcome, ImportLog.Outcome.FAILED)
        self.assertEqual(log.get_outcome_display(), "không thành công, không ghi dữ liệu")
        self.assertEqual((LongevityGift.objects.count(), Person.objects.count()), (0, 0))
        time.sleep(2.5)
        page = self.client.get(job_url)
        self.assertTrue(page.context["stopped"])
        self.assertContains(page, "Chạy lại công việc")
        self.assertNotContains(page, 'http-equiv="refresh"')

        self.client.post(job_url, {"again": "1"})
        self.start_worker()
        self.follow_job(job_url, until=_is_the_list)
        log.refresh_from_db()
        self.assertEqual((log.outcome, log.created), (ImportLog.Outcome.IMPORTED, 60_000))
        self.assertEqual(LongevityGift.objects.count(), 60_000)


@pytest.mark.worker
class KilledDatabaseWorkerTests(KilledWorkerTests, TransactionTestCase):
    queue = "database"


@pytest.mark.worker
@override_settings(TASKS=RQ_TASKS, RQ_QUEUES=RQ_QUEUES)
class KilledRedisWorkerTests(KilledWorkerTests, TransactionTestCase):
    queue = "redis"

    def setUp(self):
        if not redis_is_up():
            self.skipTest("Redis does not answer at 127.0.0.1:6379: the Redis queue cannot be tested")
        empty_redis()
        super().setUp()


@pytest.mark.worker
class BigExportJobTests(JobTestMixin, TransactionTestCase):
    def test_a_list_over_the_threshold_is_exported_by_the_worker_and_kept_for_its_user(self):
        call_command("import_data", "longevity_gifts", str(self.gift_file(40)), stdout=io.StringIO())
        with override_settings(BKXH_BACKGROUND_EXPORT_ROWS=1000):
            at_once = export_list(self.client, CHANGELIST_URL, {"milestone": "80"})
        self.assertEqual(at_once["Content-Type"], "text/csv; charset=utf-8")

        with override_settings(BKXH_BACKGROUND_EXPORT_ROWS=0):
            response = export_list(self.client, CHANGELIST_URL, {"milestone": "80"})
        job_url = response["Location"]
        self.assertRegex(job_url, r"/export/\d+/$")
        page = self.client.get(job_url)
        self.assertContains(page, 'http-equiv="refresh"')
        self.start_worker()
        deadline = time.monotonic() + 60
        while not page.context["done"] and time.monotonic() < deadline:
            time.sleep(0.5)
            page = self.client.get(job_url)
        self.assertNotContains(page, 'http-equiv="refresh"')
        rows = LongevityGift.objects.filter(milestone=80).count()
        self.assertGreater(rows, 0)
        self.assertContains(page, f"Tệp đã sẵn sàng: {rows} dòng.")

        download = self.client.get(f"{job_url}file/")
        self.assertEqual(download.content, at_once.content)
        self.assertEqual(download["Content-Disposition"], at_once["Content-Disposition"])
        self.client.force_login(make_superuser(username="someone-else"))
        self.assertEqual(self.client.get(f"{job_url}file/").status_code, 404)
