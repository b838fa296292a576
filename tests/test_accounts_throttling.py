"""Login throttling per user name and address: five failures, then a cool-off, never the whole office."""

import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.test import TestCase

from audit.models import AccessLog
from tests.factories import PASSWORD, make_role_user

LOGIN = "/admin/login/?next=/admin/"


class LoginThrottlingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.lan = make_role_user(username="lan", role="Xem")
        cls.minh = make_role_user(username="minh", role="Xem")

    def log_in(self, username, password, address="192.0.2.10"):
        self.client.logout()
        return self.client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)

    def fail_four_times(self):
        for _attempt in range(4):
            self.assertEqual(self.log_in("lan", "sai-mat-khau").status_code, 200)

    def test_the_fifth_failure_is_refused_while_a_colleague_on_the_same_address_logs_in(self):
        self.fail_four_times()
        fifth = self.log_in("lan", "sai-mat-khau")
        self.assertEqual(fifth.status_code, 429)
        self.assertContains(fifth, "đăng nhập sai quá nhiều lần", status_code=429)
        self.assertContains(fifth, "15 phút", status_code=429)
        self.assertEqual(self.log_in("lan", PASSWORD).status_code, 429)
        self.assertEqual(self.log_in("minh", PASSWORD).status_code, 302)

    def test_the_lock_is_for_the_user_name_and_address_together(self):
        self.fail_four_times()
        self.log_in("lan", "sai-mat-khau")
        self.assertEqual(self.log_in("lan", PASSWORD, address="192.0.2.99").status_code, 302)

    def test_the_cool_off_ends(self):
        self.fail_four_times()
        self.log_in("lan", "sai-mat-khau")
        past = datetime.datetime.now(datetime.UTC) - settings.AXES_COOLOFF_TIME - datetime.timedelta(minutes=1)
        AccessAttempt.objects.update(attempt_time=past)
        self.assertEqual(self.log_in("lan", PASSWORD).status_code, 302)

    def test_four_failures_do_not_lock(self):
        self.fail_four_times()
        self.assertEqual(self.log_in("lan", PASSWORD).status_code, 302)

    def test_logins_are_in_the_access_log(self):
        self.log_in("lan", PASSWORD)
        self.assertEqual(
            list(AccessLog.objects.values_list("username", "event", "ip_address")),
            [("lan", AccessLog.Event.LOGIN, "192.0.2.10")],
        )
