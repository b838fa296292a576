"""Requests that must not hold the database: an endless search, a runaway statement."""

import unittest

from django.db import OperationalError, connection, transaction
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from bkxh.web import limit_statements
from tests.factories import make_person, make_superuser

PEOPLE = "/admin/beneficiaries/person/"


class LongSearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.person = make_person(full_name="Lò Thị Thử")

    def setUp(self):
        self.client.force_login(make_superuser())

    def test_a_search_of_a_few_words_finds_the_person(self):
        response = self.client.get(PEOPLE, {"q": "lo thi thu"})
        self.assertEqual(list(response.context["cl"].result_list), [self.person])

    def test_a_search_of_thousands_of_words_is_refused_with_a_message_and_no_query_of_them(self):
        term = " ".join(["thử"] * 2_500)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(PEOPLE, {"q": term})
        self.assertLess(max(len(query["sql"]) for query in queries), 5_000, "a query carried the search's words")
        self.assertEqual(list(response.context["cl"].result_list), [])
        self.assertContains(response, "Từ khóa tìm kiếm quá dài (2.500 từ, 9.999 ký tự")


@unittest.skipUnless(connection.vendor == "postgresql", "statement_timeout is PostgreSQL's")
class StatementTimeoutTests(TestCase):
    @override_settings(BKXH_WEB_STATEMENT_TIMEOUT_MS=200)
    def test_a_web_process_cancels_a_statement_that_runs_past_the_limit(self):
        limit_statements(None, connection)
        self.addCleanup(connection.cursor().execute, "RESET statement_timeout; RESET jit")
        with self.assertRaisesMessage(OperationalError, "statement timeout"), transaction.atomic():
            connection.cursor().execute("SELECT pg_sleep(2)")
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            self.assertEqual(cursor.fetchone(), ("off",))
