import psycopg
from django.db import OperationalError, connection
from django.test import Client, TestCase

from tests.factories import make_superuser


def failing_with(cause):
    def execute(execute, sql, params, many, context):
        raise OperationalError(str(cause)) from cause

    return execute


class DatabaseDownPageTests(TestCase):
    """The server's own test under a database at a closed port is tests/test_production_server.py;
    here the database's errors are raised on a working one, to tell them apart."""

    def setUp(self):
        self.client = Client(raise_request_exception=False)
        self.client.force_login(make_superuser())

    def test_a_database_that_cannot_be_reached_gives_the_503_page_in_vietnamese(self):
        cause = psycopg.OperationalError("connection to server at 127.0.0.1, port 1 failed: Connection refused")
        with connection.execute_wrapper(failing_with(cause)):
            response = self.client.get("/admin/", headers={"X-Request-ID": "probe-database-down"})
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "30")
        self.assertContains(response, "Cơ sở dữ liệu tạm thời không truy cập được", status_code=503)
        self.assertContains(response, "Mã yêu cầu: probe-database-down", status_code=503)

    def test_a_server_shutting_down_gives_the_503_page(self):
        with connection.execute_wrapper(failing_with(psycopg.errors.AdminShutdown("terminating connection"))):
            response = self.client.get("/admin/")
        self.assertEqual(response.status_code, 503)

    def test_a_statement_cancelled_after_its_time_out_is_a_system_error_not_a_database_down(self):
        with connection.execute_wrapper(failing_with(psycopg.errors.QueryCanceled("canceling statement"))):
            response = self.client.get("/admin/")
        self.assertEqual(response.status_code, 500)
        self.assertContains(response, "Lỗi hệ thống", status_code=500)
        self.assertNotIn("Retry-After", response)
