"""The four roles and the demo's users: who may do what."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import TestCase

from accounts.roles import ADMINISTRATOR, CLERK, REVIEWER, VIEWER
from demo.loading import DEMO_PASSWORD
from indicators.models import IndicatorValue
from tests.demo import load_demo


def permissions_of(role):
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=role).permissions.values_list("content_type__app_label", "codename")
    }


class RoleTests(TestCase):
    def test_the_four_roles_are_groups(self):
        self.assertLessEqual(
            {"Quản trị", "Nhập liệu", "Duyệt", "Xem"}, set(Group.objects.values_list("name", flat=True))
        )

    def test_a_clerk_enters_data_and_submits_but_neither_approves_nor_changes_the_catalogue(self):
        granted = permissions_of(CLERK)
        self.assertLessEqual(
            {
                "indicators.change_indicatorvalue",
                "beneficiaries.add_person",
                "beneficiaries.delete_longevitygift",
                "approvals.submit_yearapproval",
            },
            granted,
        )
        for refused in (
            "indicators.change_indicator",
            "areas.change_adminunit",
            "approvals.approve_yearapproval",
            "approvals.reopen_yearapproval",
            "audit.view_full_citizen_id",
        ):
            self.assertNotIn(refused, granted)

    def test_a_reviewer_approves_and_reopens_but_changes_no_data(self):
        granted = permissions_of(REVIEWER)
        self.assertLessEqual({"approvals.approve_yearapproval", "approvals.reopen_yearapproval"}, granted)
        self.assertEqual({p for p in granted if p.split(".")[1].startswith(("add_", "change_", "delete_"))}, set())

    def test_a_viewer_only_reads(self):
        granted = permissions_of(VIEWER)
        self.assertIn("indicators.view_indicatorvalue", granted)
        self.assertEqual({p for p in granted if not p.split(".")[1].startswith("view_")}, set())

    def test_an_administrator_manages_users_and_may_reopen_and_see_full_ids(self):
        self.assertLessEqual(
            {"auth.change_user", "approvals.reopen_yearapproval", "audit.view_full_citizen_id", "audit.view_accesslog"},
            permissions_of(ADMINISTRATOR),
        )


class DemoUsersTests(TestCase):
    def test_the_demo_has_one_user_per_role_for_bac_kan_pac_nam_and_thai_nguyen_and_prints_their_logins(self):
        printed = load_demo()
        self.assertIn("admin / bkxh-demo-2024", printed)
        expected = [
            (f"{place}.{key}", role, code)
            for place, code in (("tinh", "06"), ("pacnam", "060"), ("thainguyen", "19"))
            for key, role in (("quantri", ADMINISTRATOR), ("nhaplieu", CLERK), ("duyet", REVIEWER), ("xem", VIEWER))
        ]
        demo_users = get_user_model().objects.filter(is_superuser=False)
        self.assertEqual(sorted(demo_users.values_list("username", flat=True)), sorted(name for name, *_ in expected))
        for username, role, area_code in expected:
            with self.subTest(username=username):
                self.assertRegex(printed, rf"{username}\s+/ {DEMO_PASSWORD}\s+{role}")
                user = demo_users.get(username=username)
                self.assertEqual([group.name for group in user.groups.all()], [role])
                self.assertEqual([link.area.code for link in user.areas.all()], [area_code])
                self.assertTrue(self.client.login(username=username, password=DEMO_PASSWORD))

    def test_a_demo_viewer_cannot_change_a_figure(self):
        load_demo()
        self.client.login(username="tinh.xem", password=DEMO_PASSWORD)
        value = IndicatorValue.objects.first()
        response = self.client.post(f"/admin/indicators/indicatorvalue/{value.pk}/change/", {"actual": "1"})
        self.assertEqual(response.status_code, 403)
