"""An approval's page names who took each step, for every role that may read it, without
leading a reader to a user's page they may not open."""

from django.test import TestCase

from accounts.roles import VIEWER
from approvals.models import YearApproval
from tests.admin_forms import admin_url
from tests.factories import make_approved_year, make_district, make_province, make_role_user


class ApprovalPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.district = make_district(parent=make_province())
        cls.approval = make_approved_year(area=cls.district)
        cls.viewer = make_role_user(username="pacnam.xem", role=VIEWER, units=[cls.district])

    def test_a_viewer_reads_who_approved_by_name_with_no_link_to_the_users_page(self):
        self.client.force_login(self.viewer)
        response = self.client.get(admin_url(YearApproval, "change", self.approval.pk))
        self.assertContains(response, "Nguyễn Thị Duyệt")
        self.assertNotContains(response, "/admin/auth/user/")
        self.assertNotContains(response, "/admin/accounts/")
