"""The user-management column of the scope matrix: who may manage which staff account."""

from django.contrib.auth.models import Group
from django.test import TestCase

from accounts.models import UserArea
from accounts.roles import ADMINISTRATOR, CLERK
from tests.factories import PASSWORD, make_district, make_province, make_role_user

USERS = "/admin/auth/user/"


class DistrictAdministratorManagesUsersTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.district = make_district(parent=cls.province)
        cls.manager = make_role_user(username="pacnam.quantri", role=ADMINISTRATOR, units=[cls.district])
        cls.colleague = make_role_user(username="pacnam.nv", role=CLERK, units=[cls.district])
        # Bound to the district and to the province: whoever sets its password works province-wide.
        cls.wider = make_role_user(username="hai.cap", role=CLERK, units=[cls.district, cls.province])

    def setUp(self):
        self.client.force_login(self.manager)

    def form(self, user, **changes):
        """The change form of `user` as posted, with its unit row, and `changes`."""
        links = list(user.areas.all())
        data = {
            "username": user.username,
            "first_name": "",
            "last_name": "",
            "email": "",
            "is_active": "on",
            "is_staff": "on",
            "groups": [group.pk for group in user.groups.all()],
            "areas-TOTAL_FORMS": str(len(links)),
            "areas-INITIAL_FORMS": str(len(links)),
            "areas-MIN_NUM_FORMS": "0",
            "areas-MAX_NUM_FORMS": "1000",
        }
        for index, link in enumerate(links):
            data |= {f"areas-{index}-id": link.pk, f"areas-{index}-user": user.pk, f"areas-{index}-area": link.area_id}
        return data | changes

    def test_a_district_administrator_manages_a_user_of_the_district(self):
        administrators = Group.objects.get(name=ADMINISTRATOR)
        response = self.client.post(
            f"{USERS}{self.colleague.pk}/change/", self.form(self.colleague, groups=[administrators.pk])
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(list(self.colleague.groups.values_list("name", flat=True)), [ADMINISTRATOR])
        response = self.client.post(
            f"{USERS}{self.colleague.pk}/password/",
            {"password1": "một-mật-khẩu-mới-2026", "password2": "một-mật-khẩu-mới-2026"},
        )
        self.assertEqual(response.status_code, 302)

    def test_a_district_administrator_cannot_manage_a_user_who_also_works_for_the_province(self):
        administrators = Group.objects.get(name=ADMINISTRATOR)
        url = f"{USERS}{self.wider.pk}/"
        self.assertNotContains(self.client.get(url + "change/"), 'name="_save"')
        attempts = {
            "change roles": (url + "change/", self.form(self.wider, groups=[administrators.pk])),
            "set the password": (
                url + "password/",
                {"password1": "chiem-quyen-2026!", "password2": "chiem-quyen-2026!"},
            ),
            "delete": (url + "delete/", {"post": "yes"}),
            "delete by the action": (
                USERS,
                {"action": "delete_selected", "_selected_action": [self.wider.pk], "post": "yes"},
            ),
        }
        for attempt, (target, data) in attempts.items():
            with self.subTest(attempt=attempt):
                self.client.post(target, data)
                self.wider.refresh_from_db()
                self.assertEqual(list(self.wider.groups.values_list("name", flat=True)), [CLERK])
                self.assertTrue(self.wider.check_password(PASSWORD))
        self.assertEqual(UserArea.objects.filter(user=self.wider).count(), 2)
