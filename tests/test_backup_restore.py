"""Backups that restore: `backup_data` writes one archive, `restore_data` puts it back.

TransactionTestCase throughout: pg_dump reads the database from another connection, so the
rows it backs up must be committed (a TestCase's rows never are)."""

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from decimal import Decimal
from io import StringIO
from pathlib import Path
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.test import TransactionTestCase, override_settings

from beneficiaries.models import Person
from tests.factories import (
    make_agency,
    make_commune,
    make_decision,
    make_district,
    make_indicator,
    make_longevity_gift,
    make_person,
    make_province,
    make_superuser,
    make_value,
)
from tests.test_report import without_figure_links

SCAN = b"%PDF-1.4\n% the scanned decision\n"


def history_counts():
    """{history model: rows}, every history table of the project."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.object_name.startswith("Historical")
    }


def database_url(name):
    """The DATABASE_URL of the test database's server and credentials, for the database `name`."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    credentials = quote(database["USER"] or "")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"])
    return f"postgres://{credentials}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{name}"


@contextlib.contextmanager
def connected_to(name):
    """The default connection pointed at the database `name` (same server and credentials)."""
    original = connections["default"]
    other = connections.create_connection("default")
    other.settings_dict = {**original.settings_dict, "NAME": name}
    connections["default"] = other
    try:
        yield
    finally:
        other.close()
        connections["default"] = original


class FreshDatabase:
    """A database of the test's engine that nothing has touched: a new PostgreSQL database on the
    test server (dropped afterwards), or a new SQLite file."""

    def __init__(self, test):
        if connection.vendor == "sqlite":
            self.name = str(Path(test.folder) / "restored.sqlite3")
            return
        self.name = f"{connection.settings_dict['NAME']}_restored"
        self._on_server(f'DROP DATABASE IF EXISTS "{self.name}"', f'CREATE DATABASE "{self.name}"')
        test.addCleanup(self._on_server, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _on_server(self, *statements):
        import psycopg

        database = connection.settings_dict
        credentials = {
            "user": database["USER"],
            "password": database["PASSWORD"],
            "host": database["HOST"],
            "port": database["PORT"],
        }
        with psycopg.connect(
            dbname="postgres", autocommit=True, **{k: v for k, v in credentials.items() if v}
        ) as server:
            for statement in statements:
                server.execute(statement)


class BackupTestCase(TransactionTestCase):
    def setUp(self):
        self.folder = tempfile.mkdtemp(prefix="bkxh-backup-test-")
        self.addCleanup(shutil.rmtree, self.folder)
        self.media = Path(self.folder) / "media"
        media = override_settings(MEDIA_ROOT=self.media)
        media.enable()
        self.addCleanup(media.disable)

    def back_up(self):
        output = StringIO()
        call_command("backup_data", to=str(Path(self.folder) / "backups"), stdout=output)
        (archive,) = (Path(self.folder) / "backups").glob("bkxh-*.tar")
        return archive, output.getvalue()

    def restore_in_new_process(self, archive, database, media):
        """`manage.py restore_data` as an operator runs it, with DATABASE_URL naming `database`."""
        environment = {
            **os.environ,
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": database_url(database),
            "BKXH_MEDIA_ROOT": str(media),
        }
        return subprocess.run(
            [sys.executable, "manage.py", "restore_data", str(archive)],
            cwd=settings.BASE_DIR,
            env=environment,
            capture_output=True,
            text=True,
        )


class BackupRestoreDrillTests(BackupTestCase):
    def setUp(self):
        super().setUp()
        province = make_province()
        make_agency(area=province)
        district = make_district(parent=province)
        commune = make_commune(parent=district)
        jobs = make_indicator()
        make_value(indicator=jobs, area=province, plan=6400, actual=7000)
        make_value(indicator=jobs, area=district, plan=300, actual=320)
        make_indicator(code="longevity_90", name="Mừng thọ 90 tuổi", has_plan=False, source="longevity.90")
        for number in range(3):
            person = make_person(commune=commune, full_name=f"Cụ Nguyễn Văn {number}", birth_year=1934)
            make_longevity_gift(person=person, cash_vnd=Decimal(500_000))
        decision = make_decision(number="12/QĐ-UBND")
        decision.scan.save("qd-12.pdf", ContentFile(SCAN))
        self.scan = decision.scan.name
        self.user = make_superuser()

    def report_bytes(self):
        # A cache of report pages, if any, must not answer for the database the page is read from.
        cache.clear()
        self.client.force_login(self.user)
        response = self.client.get("/reports/2024/")
        self.assertEqual(response.status_code, 200)
        return response.content

    def test_a_backup_restored_into_a_fresh_database_gives_the_same_report_and_history(self):
        report, history = self.report_bytes(), history_counts()
        self.assertIn("7.000/6.400 người, đạt 109,4% kế hoạch", without_figure_links(report.decode()))
        self.assertGreater(sum(history.values()), 10)
        archive, _ = self.back_up()

        fresh, media = FreshDatabase(self), Path(self.folder) / "restored-media"
        restore = self.restore_in_new_process(archive, fresh.name, media)

        self.assertEqual(restore.returncode, 0, restore.stderr)
        self.assertEqual((media / self.scan).read_bytes(), SCAN)
        with connected_to(fresh.name):
            self.assertEqual(history_counts(), history)
            self.assertEqual(self.report_bytes(), report)

    def test_the_manifest_says_what_the_archive_holds_with_a_checksum_of_each_part(self):
        archive, output = self.back_up()
        with tarfile.open(archive) as tar:
            manifest = json.load(tar.extractfile("manifest.json"))
            parts = {
                member.name: hashlib.sha256(tar.extractfile(member).read()).hexdigest()
                for member in tar
                if member.name != "manifest.json"
            }
        self.assertEqual({name: part["sha256"] for name, part in manifest["parts"].items()}, parts)
        database_part = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}[connection.vendor]
        self.assertEqual(set(parts), {database_part, f"media/{self.scan}"})
        self.assertEqual(manifest["database"]["engine"], connection.vendor)
        self.assertIn("0001_initial", manifest["migrations"]["beneficiaries"])
        self.assertEqual(manifest["row_counts"]["beneficiaries_longevitygift"], 3)
        self.assertEqual(manifest["row_counts"]["beneficiaries_historicallongevitygift"], 3)
        self.assertIn(archive.name, output)


class RestoreTests(BackupTestCase):
    def setUp(self):
        super().setUp()
        make_person(full_name="Nguyễn Văn Sao Lưu")
        (self.media / "decisions").mkdir(parents=True)
        (self.media / "decisions" / "qd-1.pdf").write_bytes(SCAN)
        self.archive, _ = self.back_up()

    def test_a_restore_over_a_database_with_tables_is_refused_without_force(self):
        with self.assertRaisesMessage(CommandError, "--force"):
            call_command("restore_data", str(self.archive), stdout=StringIO())

    def test_a_restore_over_a_media_folder_with_files_is_refused_without_force(self):
        fresh = FreshDatabase(self)
        restore = self.restore_in_new_process(self.archive, fresh.name, self.media)
        self.assertEqual(restore.returncode, 1)
        self.assertIn(str(self.media), restore.stderr)
        self.assertIn("--force", restore.stderr)

    def test_a_forced_restore_puts_the_database_and_the_media_folder_back_as_they_were_backed_up(self):
        make_person(full_name="Trần Thị Sau Sao Lưu")
        (self.media / "decisions" / "qd-1.pdf").write_bytes(b"changed since")
        (self.media / "decisions" / "qd-2.pdf").write_bytes(b"added since")
        output = StringIO()
        call_command("restore_data", str(self.archive), force=True, stdout=output)
        self.assertEqual(list(Person.objects.values_list("full_name", flat=True)), ["Nguyễn Văn Sao Lưu"])
        self.assertEqual([path.name for path in self.media.rglob("*")], ["decisions", "qd-1.pdf"])
        self.assertEqual((self.media / "decisions" / "qd-1.pdf").read_bytes(), SCAN)
        self.assertIn(self.archive.name, output.getvalue())

    def test_a_damaged_archive_is_refused_before_anything_is_restored(self):
        with tarfile.open(self.archive) as tar:
            damaged = next(member for member in tar if member.name.startswith("database."))
        with open(self.archive, "r+b") as handle:
            handle.seek(damaged.offset_data + damaged.size // 2)
            byte = handle.read(1)
            handle.seek(-1, os.SEEK_CUR)
            handle.write(bytes([byte[0] ^ 0xFF]))
        make_person(full_name="Trần Thị Sau Sao Lưu")
        with self.assertRaisesMessage(CommandError, damaged.name):
            call_command("restore_data", str(self.archive), force=True, stdout=StringIO())
        self.assertEqual(Person.objects.count(), 2)
        self.assertEqual([path.name for path in self.media.rglob("*")], ["decisions", "qd-1.pdf"])


class BackupFolderInsideMediaTests(BackupTestCase):
    def test_archives_kept_inside_the_media_folder_are_not_backed_up_again(self):
        backups = self.media / "backups"
        for _ in range(2):
            call_command("backup_data", to=str(backups), stdout=StringIO())
            time.sleep(1)  # archives are named by the second
        archives = sorted(backups.glob("bkxh-*.tar"))
        self.assertEqual(len(archives), 2)
        with tarfile.open(archives[-1]) as tar:
            self.assertEqual([name for name in tar.getnames() if name.startswith("media/")], [])


class WithoutMediaFolderTests(BackupTestCase):
    def test_a_backup_without_a_media_folder_restores_without_making_one(self):
        make_person(full_name="Nguyễn Văn Sao Lưu")
        archive, _ = self.back_up()
        with tarfile.open(archive) as tar:
            self.assertEqual([name for name in tar.getnames() if name.startswith("media/")], [])
        call_command("restore_data", str(archive), force=True, stdout=StringIO())
        self.assertFalse(self.media.exists())
        self.assertEqual(Person.objects.get().full_name, "Nguyễn Văn Sao Lưu")


class OlderArchiveTests(BackupTestCase):
    def test_the_restore_of_an_archive_made_before_a_migration_says_to_migrate(self):
        recorder = MigrationRecorder(connection)
        latest = recorder.migration_qs.latest("id")
        latest.delete()
        # The test database keeps its migrations for the tests after this one.
        self.addCleanup(recorder.record_applied, latest.app, latest.name)
        archive, _ = self.back_up()
        output = StringIO()
        call_command("restore_data", str(archive), force=True, stdout=output)
        self.assertIn("1 migration", output.getvalue())
        self.assertIn("manage.py migrate", output.getvalue())
