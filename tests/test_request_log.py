import io
import json
import logging

from django.test import TestCase

from bkxh.json_log import JsonFormatter, RequestIdFilter
from tests.factories import make_superuser


class RequestLogTests(TestCase):
    def logged_request(self, path, **headers):
        """The response to a GET of `path`, and the one line logged for it."""
        with self.assertLogs("bkxh.requests", "INFO") as logs:
            response = self.client.get(path, headers=headers)
        [record] = logs.records
        return response, record

    def test_each_request_is_one_line_with_its_id_user_method_path_status_and_duration(self):
        response, record = self.logged_request("/healthz", **{"X-Request-ID": "nginx-3f2a9c41d7"})
        self.assertEqual(response["X-Request-ID"], "nginx-3f2a9c41d7")
        self.assertEqual(
            (record.request_id, record.user, record.method, record.path, record.status),
            ("nginx-3f2a9c41d7", "-", "GET", "/healthz", 200),
        )
        self.assertGreaterEqual(record.duration_ms, 0)

    def test_a_request_without_a_sane_id_gets_a_new_one_sent_back(self):
        for incoming in (None, "short", "có dấu-không-được-123", "x" * 129, "id with spaces"):
            with self.subTest(incoming=incoming):
                headers = {} if incoming is None else {"X-Request-ID": incoming}
                response, record = self.logged_request("/healthz", **headers)
                self.assertRegex(record.request_id, r"^[0-9a-f]{32}$")
                self.assertEqual(response["X-Request-ID"], record.request_id)

    def test_the_line_names_the_logged_in_user_and_leaves_out_the_query_string(self):
        self.client.force_login(make_superuser(username="tinh.quantri"))
        response, record = self.logged_request("/admin/beneficiaries/person/?q=001234567890")
        self.assertEqual(response.status_code, 200)
        self.assertEqual((record.user, record.path), ("tinh.quantri", "/admin/beneficiaries/person/"))
        self.assertNotIn("001234567890", record.getMessage())

    def test_a_page_not_found_is_logged_with_its_status(self):
        _, record = self.logged_request("/khong-co-trang-nay/")
        self.assertEqual(record.status, 404)


class JsonLogTests(TestCase):
    """The production handler's format (LOGGING in bkxh/settings.py), which a log collector reads."""

    def setUp(self):
        self.stream = io.StringIO()
        handler = logging.StreamHandler(self.stream)
        handler.addFilter(RequestIdFilter())
        handler.setFormatter(JsonFormatter())
        self.stream_handler = handler
        for name in ("bkxh.requests", "django.request"):
            logger = logging.getLogger(name)
            logger.addHandler(handler)
            self.addCleanup(logger.removeHandler, handler)
            level = logger.level
            logger.setLevel(logging.INFO)
            self.addCleanup(logger.setLevel, level)

    def lines(self):
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    def test_a_request_is_one_json_object_on_one_line(self):
        self.client.get("/healthz", headers={"X-Request-ID": "probe-000001"})
        [line] = self.lines()
        self.assertEqual(
            {
                key: line[key]
                for key in ("level", "logger", "message", "request_id", "user", "method", "path", "status")
            },
            {
                "level": "INFO",
                "logger": "bkxh.requests",
                "message": "GET /healthz 200",
                "request_id": "probe-000001",
                "user": "-",
                "method": "GET",
                "path": "/healthz",
                "status": 200,
            },
        )
        self.assertRegex(line["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$")

    def test_django_s_warning_of_a_page_not_found_carries_the_request_s_id(self):
        self.client.get("/khong-co-trang-nay/", headers={"X-Request-ID": "probe-000002"})
        request_line, warning = self.lines()
        self.assertEqual((warning["logger"], warning["level"]), ("django.request", "WARNING"))
        self.assertEqual(warning["request_id"], "probe-000002")
        self.assertEqual(request_line["request_id"], "probe-000002")
        # The request itself is left out: its text would carry the query string.
        self.assertNotIn("request", warning)

    def test_what_is_logged_while_a_request_is_answered_carries_its_id(self):
        axes = logging.getLogger("axes")
        axes.addHandler(self.stream_handler)
        self.addCleanup(axes.removeHandler, self.stream_handler)
        self.client.post(
            "/admin/login/", {"username": "ai-do", "password": "sai"}, headers={"X-Request-ID": "probe-000003"}
        )
        failure = next(line for line in self.lines() if line["logger"].startswith("axes"))
        self.assertEqual(failure["request_id"], "probe-000003")
