"""Every admin page of every registered model (tests.admin_pages), opened by every role, for the
province and for a district, in an open year and in an approved one: none answers a server
error. A page the role may not open answers 403 or a redirect, which is fine here."""

from django.contrib import admin
from django.test import TestCase

from accounts.roles import ADMINISTRATOR, CLERK, REVIEWER, VIEWER
from accounts.scoped_admin import AreaScopedAdmin
from approvals.models import YearApproval
from beneficiaries.models import LongevityGift
from tests.admin_pages import admin_pages
from tests.factories import (
    DistrictRows,
    make_approved_year,
    make_indicator,
    make_longevity_gift,
    make_person,
    make_province,
    make_role_user,
)


class OpenYearAdminPagesTests(TestCase):
    """Pác Nặm's rows of 2024, one of every data model, while 2024 is open."""

    approved = False
    maxDiff = None

    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.pacnam = DistrictRows(province=cls.province, indicator=make_indicator())
        for model, model_admin in admin.site._registry.items():
            scoped = isinstance(model_admin, AreaScopedAdmin) and model_admin.area_path is not None
            if scoped and model is not YearApproval:
                cls.pacnam.row(model)
        # A deleted row, for the "deleted rows" page to name.
        make_longevity_gift(person=make_person(commune=cls.pacnam.commune, birth_year=1924), milestone=100).delete()
        if cls.approved:
            cls.pacnam.rows[YearApproval] = make_approved_year(area=cls.pacnam.district)
        else:
            cls.pacnam.row(YearApproval)
        cls.users = {
            role: [
                make_role_user(username=f"tinh.{index}", role=role, units=[cls.province]),
                make_role_user(username=f"pacnam.{index}", role=role, units=[cls.pacnam.district]),
            ]
            for index, role in enumerate((ADMINISTRATOR, CLERK, REVIEWER, VIEWER))
        }
        cls.pages = admin_pages(cls.pacnam.rows)

    def assertNoServerError(self, users):
        errors = []
        for user in users:
            self.client.force_login(user)
            for page in self.pages:
                try:
                    status = self.client.get(page.url).status_code
                except Exception as error:  # the test client re-raises the view's exception
                    status = f"{type(error).__name__}: {error}"[:200]
                if not isinstance(status, int) or status >= 500:
                    errors.append(f"{user.username}: {page} → {status}")
        self.assertEqual(errors, [])

    def test_every_page_covers_every_registered_model_and_the_rows_of_the_year(self):
        self.assertEqual({page.model for page in self.pages}, set(admin.site._registry))
        opened = {(page.model, page.name) for page in self.pages}
        self.assertIn((LongevityGift, "change"), opened)
        self.assertIn((LongevityGift, "deleted"), opened)
        self.assertEqual(YearApproval.objects.approved().exists(), self.approved)

    def test_an_administrator_opens_every_page_without_a_server_error(self):
        self.assertNoServerError(self.users[ADMINISTRATOR])

    def test_a_clerk_opens_every_page_without_a_server_error(self):
        self.assertNoServerError(self.users[CLERK])

    def test_a_reviewer_opens_every_page_without_a_server_error(self):
        self.assertNoServerError(self.users[REVIEWER])

    def test_a_viewer_opens_every_page_without_a_server_error(self):
        self.assertNoServerError(self.users[VIEWER])


class ApprovedYearAdminPagesTests(OpenYearAdminPagesTests):
    """The same rows once Pác Nặm's 2024 is approved (and locked)."""

    approved = True
