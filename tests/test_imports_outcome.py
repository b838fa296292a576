"""The import log tells the truth, and a confirmation that fails says so.

The outcome of an import is written in the transaction of its rows, so that it holds whichever
connection dies; a log that wrote nothing counts nothing; the database's own message (which may
quote a whole citizen ID) goes to the server log, not to staff; a command names its user."""

import contextlib
import importlib
import shutil
import tempfile
import threading
from io import StringIO
from pathlib import Path
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connections
from django.db.backends.utils import CursorWrapper
from django.test import TestCase, TransactionTestCase

from accounts.roles import CLERK
from beneficiaries.models import LongevityGift, Person
from imports.kinds import get_kind
from imports.models import ImportLog
from imports.process import run_import
from indicators.models import IndicatorValue
from tests.factories import (
    default_commune,
    make_csv_bytes,
    make_district,
    make_indicator,
    make_person,
    make_province,
    make_role_user,
    make_superuser,
)
from tests.test_beneficiaries_imports import GIFT_HEADER, gift_row
from tests.test_imports_admin import PrivateFolderMixin
from tests.test_imports_parts import person_cells, small_parts

GIFTS = "/admin/beneficiaries/longevitygift/"
VALUES_HEADER = ["indicator_code", "year", "area_code", "plan", "actual", "note"]
# What the admin says when the database refused a part it was writing.
REFUSED = "Cơ sở dữ liệu từ chối tệp nên không ghi dữ liệu nào"
NOTHING_WRITTEN = "Không ghi dữ liệu nào"


def gifts_file(serials):
    return make_csv_bytes([GIFT_HEADER, *[gift_row(**person_cells(serial)) for serial in serials]])


def a_taken_citizen_id(serial):
    """Someone adds the person of file row `serial` after the check looked (the check is told
    it found nobody): the database's unique citizen ID refuses the write."""
    taken = person_cells(serial)
    make_person(full_name=taken["Họ và tên"], birth_year=1934, gender="female", citizen_id=taken["Số CCCD"])
    return taken["Số CCCD"], mock.patch("beneficiaries.import_lookups.PersonOfRow._stored", return_value=({}, {}))


@contextlib.contextmanager
def main_connection_lost_after_commit():
    """The connection of the thread running the import is lost as soon as a transaction is
    committed (by the writer's connection, or by its own): every statement it sends afterwards
    fails, as when the server or the network goes away."""
    main = threading.current_thread()
    committed = threading.Event()
    wrapper = type(connections["default"])
    real_commit, real_execute, real_executemany = wrapper.commit, CursorWrapper.execute, CursorWrapper.executemany

    def commit(self):
        real_commit(self)
        committed.set()

    def refused_on_main(real):
        def run(self, *args, **kwargs):
            if committed.is_set() and threading.current_thread() is main:
                raise OperationalError("server closed the connection unexpectedly")
            return real(self, *args, **kwargs)

        return run

    with (
        mock.patch.object(wrapper, "commit", commit),
        mock.patch.object(CursorWrapper, "execute", refused_on_main(real_execute)),
        mock.patch.object(CursorWrapper, "executemany", refused_on_main(real_executemany)),
    ):
        yield


class ConnectionLostTests(PrivateFolderMixin, TransactionTestCase):
    """Outside a test transaction, as the command and the admin run (on PostgreSQL a gifts file
    is written by a connection of its own while it is checked; indicator values, and every file
    on SQLite, by the import's connection)."""

    def setUp(self):
        super().setUp()
        default_commune()

    def test_the_main_connection_lost_after_the_rows_were_committed_leaves_the_log_imported(self):
        data = gifts_file(range(1, 8))
        with small_parts, main_connection_lost_after_commit():
            run_import(get_kind("longevity_gifts"), data, "qua-mung-tho.csv")
        self.assertEqual((Person.objects.count(), LongevityGift.objects.count()), (7, 7))
        log = ImportLog.objects.get()
        self.assertEqual((log.outcome, log.rows, log.created), ("imported", 7, 7))
        self.assertIsNotNone(log.finished_at)

    def test_indicator_values_written_before_the_connection_was_lost_are_on_record_as_imported(self):
        make_indicator()
        data = make_csv_bytes([VALUES_HEADER, ["jobs_created", "2024", "060", "10", "12", ""]])
        with main_connection_lost_after_commit():
            run_import(get_kind("indicator_values"), data, "chi-tieu.csv")
        self.assertEqual(IndicatorValue.objects.count(), 1)
        self.assertEqual((ImportLog.objects.get().outcome, ImportLog.objects.get().created), ("imported", 1))

    def test_running_the_file_again_after_a_lost_connection_warns_it_was_imported(self):
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder)
        path = Path(folder) / "qua-mung-tho.csv"
        path.write_bytes(gifts_file(range(1, 4)))
        with main_connection_lost_after_commit():
            run_import(get_kind("longevity_gifts"), path.read_bytes(), path.name)
        err = StringIO()
        call_command("import_data", "longevity_gifts", str(path), "--dry-run", stdout=StringIO(), stderr=err)
        self.assertIn("Tệp này đã được nhập ngày", err.getvalue())

    def test_a_commit_whose_answer_is_lost_is_on_record_as_imported(self):
        wrapper = type(connections["default"])
        real_commit = wrapper._commit

        def commit_then_lose_the_answer(self):
            real_commit(self)
            raise OperationalError("server closed the connection unexpectedly")

        with small_parts, mock.patch.object(wrapper, "_commit", commit_then_lose_the_answer):
            log, result = run_import(get_kind("longevity_gifts"), gifts_file(range(1, 6)), "qua-mung-tho.csv")
        self.assertEqual((log.outcome, log.created, result.problems), ("imported", 5, []))
        self.assertEqual(LongevityGift.objects.count(), 5)
        log.refresh_from_db()
        self.assertEqual((log.outcome, log.created), ("imported", 5))

    def upload_and_confirm(self, data, *, before_confirm):
        self.client.force_login(make_superuser())
        self.client.post(f"{GIFTS}import/", {"file": SimpleUploadedFile("qua-mung-tho.csv", data)})
        log = ImportLog.objects.get()
        self.assertEqual(log.outcome, "previewed")
        with before_confirm:
            return self.client.post(f"{GIFTS}import/{log.pk}/confirm/", {"confirm": "1"})

    def assert_nothing_written_and_said(self, response, problem):
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, NOTHING_WRITTEN)
        self.assertContains(response, problem)
        # The rows are not to blame: the page does not send the clerk looking for errors in the file.
        self.assertContains(response, "Không ghi dữ liệu nào, vì lý do dưới đây.")
        self.assertNotContains(response, "tệp có các lỗi")
        self.assertNotContains(response, "Đã nhập")
        self.assertEqual((Person.objects.count(), LongevityGift.objects.count()), (0, 0))
        log = ImportLog.objects.get()
        self.assertEqual((log.outcome, log.created, log.changed), ("failed", 0, 0))

    @small_parts
    def test_a_confirmation_whose_commit_is_refused_says_nothing_was_written(self):
        refused = OperationalError("the server closed the connection")
        commit = mock.patch.object(type(connections["default"]), "_commit", side_effect=refused)
        response = self.upload_and_confirm(gifts_file(range(1, 8)), before_confirm=commit)
        self.assert_nothing_written_and_said(response, "Không ghi dữ liệu nào: cơ sở dữ liệu báo lỗi.")

    @small_parts
    def test_a_confirmation_whose_last_part_became_invalid_says_nothing_was_written(self):
        data = gifts_file(range(1, 8))
        self.client.force_login(make_superuser())
        self.client.post(f"{GIFTS}import/", {"file": SimpleUploadedFile("qua-mung-tho.csv", data)})
        # Since the preview, someone else recorded the citizen ID of the last row for another person.
        make_person(full_name="Lý Thị Khác", birth_year=1934, gender="female", citizen_id=person_cells(7)["Số CCCD"])
        log = ImportLog.objects.get()
        response = self.client.post(f"{GIFTS}import/{log.pk}/confirm/", {"confirm": "1"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, NOTHING_WRITTEN)
        self.assertContains(response, "Dòng 8")
        self.assertEqual((Person.objects.count(), LongevityGift.objects.count()), (1, 0))
        log.refresh_from_db()
        self.assertEqual((log.outcome, log.created, log.changed), ("failed", 0, 0))

    @small_parts
    def test_a_confirmation_the_database_refuses_says_nothing_was_written(self):
        data = gifts_file(range(1, 8))
        _taken, nobody_found = a_taken_citizen_id(5)
        response = self.upload_and_confirm(data, before_confirm=nobody_found)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, REFUSED)
        self.assertEqual(LongevityGift.objects.count(), 0)
        self.assertEqual(ImportLog.objects.get().outcome, "failed")


class CountsOfWhatWasWrittenTests(PrivateFolderMixin, TestCase):
    """The log's new, changed and unchanged rows are those written (or, before the
    confirmation, those it would write): a log that wrote nothing counts nothing."""

    @classmethod
    def setUpTestData(cls):
        default_commune()
        cls.user = make_superuser()

    def setUp(self):
        super().setUp()
        self.client.force_login(self.user)

    def preview(self, data):
        self.client.post(f"{GIFTS}import/", {"file": SimpleUploadedFile("qua-mung-tho.csv", data)})
        log = ImportLog.objects.get()
        self.assertEqual((log.outcome, log.created), ("previewed", 3))
        return log

    def confirm(self, log):
        return self.client.post(f"{GIFTS}import/{log.pk}/confirm/", {"confirm": "1"})

    def test_a_failed_confirmation_counts_nothing_written(self):
        log = self.preview(gifts_file(range(1, 4)))
        _taken, nobody_found = a_taken_citizen_id(2)
        with nobody_found:
            self.confirm(log)
        log.refresh_from_db()
        self.assertEqual((log.outcome, log.rows, log.created, log.changed, log.unchanged), ("failed", 3, 0, 0, 0))
        listed = self.client.get("/admin/imports/importlog/")
        self.assertContains(listed, '<td class="field-created">0</td>', html=True)

    def test_an_import_killed_while_it_writes_is_on_record_as_failed_with_nothing_counted(self):
        log = self.preview(gifts_file(range(1, 4)))
        with mock.patch("imports.writing.send", side_effect=SystemExit), self.assertRaises(SystemExit):
            self.confirm(log)
        log.refresh_from_db()
        self.assertEqual((log.outcome, log.created, log.changed, log.unchanged), ("failed", 0, 0, 0))

    def test_a_file_rejected_by_the_command_counts_nothing_written(self):
        rows = [gift_row(**person_cells(1)), gift_row(**{**person_cells(2), "Tiền mặt (đồng)": "-5"})]
        log, _result = run_import(get_kind("longevity_gifts"), make_csv_bytes([GIFT_HEADER, *rows]), "qua.csv")
        self.assertEqual((log.outcome, log.rows, log.created, log.error_count), ("rejected", 2, 0, 1))


class DatabaseMessageTests(PrivateFolderMixin, TestCase):
    """The database's own message names the table, the constraint, and on PostgreSQL the
    values and the line of the COPY: staff get a plain message and its SQLSTATE, the server log
    the rest."""

    @classmethod
    def setUpTestData(cls):
        default_commune()
        cls.user = make_superuser()

    def import_refused(self):
        citizen_id, nobody_found = a_taken_citizen_id(2)
        data = gifts_file(range(1, 4))
        with nobody_found, self.assertLogs("imports", "ERROR") as server_log:
            log, result = run_import(get_kind("longevity_gifts"), data, "qua-mung-tho.csv")
        return citizen_id, log, result, "\n".join(server_log.output)

    def test_the_log_keeps_a_plain_message_and_the_sqlstate_and_no_citizen_id(self):
        citizen_id, log, result, _server_log = self.import_refused()
        self.assertEqual(log.outcome, "failed")
        (message,) = [error["message"] for error in log.errors]
        code = "23505" if connections["default"].vendor == "postgresql" else "SQLITE_CONSTRAINT_UNIQUE"
        self.assertEqual(
            message,
            f"Cơ sở dữ liệu từ chối tệp nên không ghi dữ liệu nào (mã lỗi {code}). Hãy kiểm tra lại tệp rồi nhập lại.",
        )
        self.assertNotIn(citizen_id, str(result.problems))

    def test_the_server_log_keeps_the_database_message(self):
        _citizen_id, log, _result, server_log = self.import_refused()
        self.assertIn(f"Import log {log.pk}: the database refused the write", server_log)
        self.assertIn("citizen_id", server_log)

    def test_the_confirmation_page_shows_no_citizen_id(self):
        self.client.force_login(self.user)
        self.client.post(f"{GIFTS}import/", {"file": SimpleUploadedFile("qua-mung-tho.csv", gifts_file(range(1, 4)))})
        citizen_id, nobody_found = a_taken_citizen_id(2)
        with nobody_found, self.assertLogs("imports", "ERROR"):
            response = self.client.post(f"{GIFTS}import/{ImportLog.objects.get().pk}/confirm/", {"confirm": "1"})
        self.assertContains(response, REFUSED)
        self.assertNotContains(response, citizen_id)
        self.assertNotContains(response, "COPY")


class CommandUserTests(TestCase):
    """`import_data --user NAME`, as every command that changes data: the log and the history
    rows name the user, and the user's units bound what the file may write."""

    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.pac_nam = make_district(parent=cls.province)
        cls.ba_be = make_district(parent=cls.province, code="061", name="Huyện Ba Bể")
        make_indicator()
        cls.clerk = make_role_user(username="pacnam.nhaplieu", role=CLERK, units=[cls.pac_nam])

    def run_command(self, *rows, user="pacnam.nhaplieu"):
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder)
        path = Path(folder) / "chi-tieu.csv"
        path.write_bytes(make_csv_bytes([VALUES_HEADER, *rows]))
        err = StringIO()
        call_command("import_data", "indicator_values", str(path), "--user", user, stdout=StringIO(), stderr=err)
        return err.getvalue()

    def test_the_log_and_the_history_rows_name_the_user(self):
        self.run_command(["jobs_created", "2024", "060", "10", "12", ""])
        log = ImportLog.objects.get()
        self.assertEqual((log.user, log.source, log.outcome), (self.clerk, "command", "imported"))
        (record,) = IndicatorValue.history.all()
        self.assertEqual(
            (record.history_user, record.change_source, record.import_log_id), (self.clerk, "import", log.pk)
        )

    def test_the_users_units_bound_the_file(self):
        with self.assertRaises(CommandError):
            self.run_command(["jobs_created", "2024", "061", "10", "12", ""])
        self.assertEqual(IndicatorValue.objects.count(), 0)
        self.assertEqual(ImportLog.objects.get().user, self.clerk)

    def test_an_unknown_user_is_refused(self):
        with self.assertRaisesMessage(CommandError, "Không có người dùng “nobody”."):
            self.run_command(["jobs_created", "2024", "060", "10", "12", ""], user="nobody")
        self.assertFalse(ImportLog.objects.exists())


class EarlierLogEntriesTests(TestCase):
    """The migration brings the entries written before to what the log now says."""

    def entry(self, outcome, errors=()):
        return ImportLog.objects.create(
            kind="longevity_gifts",
            file_name="qua.csv",
            file_size=1,
            sha256="0" * 64,
            outcome=outcome,
            rows=3,
            created=3,
            changed=1,
            unchanged=1,
            errors=[{"row": None, "column": None, "message": message} for message in errors],
        )

    def migrate_entries(self):
        from django.apps import apps

        migration = importlib.import_module("imports.migrations.0002_import_log_tells_what_was_written")
        migration.forward(apps, None)

    def test_entries_that_wrote_nothing_count_nothing(self):
        kept = {outcome: self.entry(outcome) for outcome in ("imported", "previewed", "checked")}
        emptied = [self.entry(outcome) for outcome in ("rejected", "failed", "cancelled")]
        self.migrate_entries()
        for log in kept.values():
            log.refresh_from_db()
            self.assertEqual((log.rows, log.created, log.changed, log.unchanged), (3, 3, 1, 1))
        for log in emptied:
            log.refresh_from_db()
            self.assertEqual((log.rows, log.created, log.changed, log.unchanged), (3, 0, 0, 0))

    def test_the_database_message_kept_in_a_failed_entry_is_removed(self):
        raw = (
            "Cơ sở dữ liệu từ chối tệp nên không ghi dữ liệu nào (duplicate key value violates unique constraint "
            '"beneficiaries_person_citizen_id_key"\nDETAIL:  Key (citizen_id)=(006134000002) already exists.\n'
            "CONTEXT:  COPY beneficiaries_person, line 2). Hãy kiểm tra lại tệp rồi nhập lại."
        )
        own = "Dòng 2: Số CCCD này đã được ghi cho người khác."
        log = self.entry("failed", [raw, "Không ghi dữ liệu nào: cơ sở dữ liệu báo lỗi (server closed).", own])
        self.migrate_entries()
        log.refresh_from_db()
        self.assertEqual(
            [error["message"] for error in log.errors],
            [
                "Cơ sở dữ liệu từ chối tệp nên không ghi dữ liệu nào. Hãy kiểm tra lại tệp rồi nhập lại.",
                "Không ghi dữ liệu nào: cơ sở dữ liệu báo lỗi.",
                own,
            ],
        )
