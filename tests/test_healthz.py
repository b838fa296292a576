import json

from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import TestCase

from bkxh import health


class HealthCheckTests(TestCase):
    def setUp(self):
        # What a process knows after its first healthy answer (bkxh/health.py); each test starts anew.
        health.migrations_applied = False
        self.addCleanup(setattr, health, "migrations_applied", False)

    def test_a_healthy_server_answers_ok_without_a_login_or_a_cookie(self):
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(json.loads(response.content), {"status": "ok"})
        self.assertEqual(response.cookies, {})
        self.assertIn("no-cache", response["Cache-Control"])

    def test_a_migration_left_to_apply_answers_503(self):
        MigrationRecorder.Migration.objects.filter(app="reports").order_by("-id")[:1].get().delete()
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(json.loads(response.content), {"status": "migrations_pending"})

    def test_once_healthy_a_probe_is_one_query_without_the_migration_graph(self):
        self.assertEqual(self.client.get("/healthz").status_code, 200)
        with self.assertNumQueries(1):
            self.assertEqual(self.client.get("/healthz").status_code, 200)

    def test_a_probe_only_reads(self):
        self.assertEqual(self.client.post("/healthz").status_code, 405)

    def test_a_database_that_fails_answers_503(self):
        with connection.execute_wrapper(refuse):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(json.loads(response.content), {"status": "database_unreachable"})


def refuse(execute, sql, params, many, context):
    from django.db import OperationalError

    raise OperationalError("connection refused")
