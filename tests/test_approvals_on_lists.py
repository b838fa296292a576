"""The approval of a year where its rows are: the lists of figures and registers filtered to a
year say the year's state for the units they are about and offer the steps of the home page's
board, whose confirmation comes back to the list."""

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from accounts.roles import CLERK, REVIEWER, VIEWER
from approvals.models import YearApproval
from areas.models import AdminUnit
from tests.factories import (
    make_commune,
    make_district,
    make_indicator,
    make_longevity_gift,
    make_person,
    make_province,
    make_role_user,
    make_superuser,
    make_unit,
    make_value,
)

VALUES = reverse("admin:indicators_indicatorvalue_changelist")
GIFTS = reverse("admin:beneficiaries_longevitygift_changelist")
State = YearApproval.State


class YearOnListsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.pacnam = make_district(parent=cls.province)
        cls.other = make_district(parent=cls.province, code="061", name="Huyện Ba Bể")
        cls.commune = make_commune(parent=cls.pacnam)
        make_value(indicator=make_indicator(), area=cls.pacnam, plan="5", actual="3")
        make_longevity_gift(person=make_person(commune=cls.commune, birth_year=1934))
        cls.clerk = make_role_user(username="pacnam.clerk", role=CLERK, units=[cls.pacnam])
        cls.reviewer = make_role_user(username="reviewer", role=REVIEWER, units=[cls.province])
        cls.viewer = make_role_user(username="pacnam.viewer", role=VIEWER, units=[cls.pacnam])

    def bar(self, user, url, **query):
        self.client.force_login(user)
        response = self.client.get(url, query)
        self.assertEqual(response.status_code, 200)
        return response.context.get("years_of_units")

    def test_a_clerks_list_of_a_year_says_their_districts_state_and_offers_to_submit_it(self):
        self.client.force_login(self.clerk)
        response = self.client.get(VALUES, {"year": 2024})
        [item] = response.context["years_of_units"]
        self.assertEqual((item.unit, item.state), (self.pacnam, State.DRAFT))
        self.assertEqual([step.name for step, _explanation in item.buttons], ["submit"])
        self.assertContains(response, "Năm 2024 của Huyện Pác Nặm")
        self.assertContains(response, "Gửi duyệt")
        self.assertContains(response, "?next=" + "/admin/indicators/indicatorvalue/%3Fyear%3D2024")

    def test_submitting_from_the_list_comes_back_to_it_naming_the_unit_and_year(self):
        self.client.force_login(self.clerk)
        back = f"{VALUES}?year=2024"
        url = reverse("approval_step", args=["submit", self.pacnam.pk, 2024])
        confirmation = self.client.get(url, {"next": back})
        self.assertContains(confirmation, f'name="next" value="{back}"', html=False)
        response = self.client.post(url, {"confirm": "1", "next": back}, follow=True)
        self.assertEqual(response.redirect_chain[-1][0], back)
        self.assertContains(response, "Đã gửi duyệt số liệu năm 2024 của Huyện Pác Nặm.")
        self.assertEqual(YearApproval.objects.get(area=self.pacnam, year=2024).state, State.SUBMITTED)
        [item] = response.context["years_of_units"]
        self.assertEqual(item.state, State.SUBMITTED)
        self.assertEqual(item.buttons, [])  # a clerk may not approve nor reopen

    def test_a_reviewer_approves_from_a_register_list_filtered_to_the_district(self):
        YearApproval.objects.create(area=self.pacnam, year=2024, state=State.SUBMITTED, submitted_by=self.clerk)
        [item] = self.bar(self.reviewer, GIFTS, year=2024, district=self.pacnam.pk)
        self.assertEqual(item.unit, self.pacnam)
        self.assertEqual([step.name for step, _explanation in item.buttons], ["approve", "reopen"])
        back = f"{GIFTS}?year=2024&district={self.pacnam.pk}"
        url = reverse("approval_step", args=["approve", self.pacnam.pk, 2024])
        response = self.client.post(url, {"confirm": "1", "next": back})
        self.assertRedirects(response, back, fetch_redirect_response=False)
        self.assertEqual(YearApproval.objects.get(area=self.pacnam, year=2024).state, State.APPROVED)

    def test_a_reviewer_of_the_province_sees_the_province_on_an_unfiltered_list_of_the_year(self):
        [item] = self.bar(self.reviewer, GIFTS, year=2024)
        self.assertEqual(item.unit, self.province)

    def test_the_district_below_an_approved_province_says_it_is_locked_and_offers_no_submission(self):
        YearApproval.objects.create(
            area=self.province, year=2024, state=State.APPROVED, approved_by=self.reviewer, approved_at=timezone.now()
        )
        self.client.force_login(self.clerk)
        response = self.client.get(VALUES, {"year": 2024})
        [item] = response.context["years_of_units"]
        self.assertEqual(item.locked_by.area, self.province)
        self.assertEqual(item.buttons, [])
        self.assertContains(response, "đã khóa cùng Tỉnh Bắc Kạn")

    def test_a_viewer_sees_the_state_and_no_button(self):
        [item] = self.bar(self.viewer, GIFTS, year=2024)
        self.assertEqual((item.unit, item.buttons), (self.pacnam, []))

    def test_a_list_not_filtered_to_a_year_and_a_unit_outside_the_scope_show_no_year(self):
        self.assertIsNone(self.bar(self.clerk, VALUES))
        self.assertEqual(self.bar(self.clerk, GIFTS, year=2024, district=self.other.pk), [self.bar_item_of_scope()])

    def test_a_list_filtered_to_a_unit_in_a_year_it_was_not_in_force_offers_no_step_of_that_year(self):
        # Huyện Pác Nặm ended with the 2025 reform: it has no 2026 to submit or approve.
        self.assertEqual(self.bar(self.reviewer, VALUES, year=2026, area__id__exact=self.pacnam.pk), [])
        self.assertEqual(self.bar(self.reviewer, GIFTS, year=2026, district=self.pacnam.pk), [])

    def test_a_list_filtered_to_the_country_offers_no_step_the_country_is_no_ones_unit_of_work(self):
        country = make_unit(code="VN", name="Việt Nam", level=AdminUnit.Level.COUNTRY)
        self.assertEqual(self.bar(make_superuser(), VALUES, year=2024, area__id__exact=country.pk), [])

    def bar_item_of_scope(self):
        # A district outside the clerk's units is not theirs to see: the list falls back to theirs.
        return self.bar(self.clerk, GIFTS, year=2024)[0]

    def test_the_step_of_a_year_the_unit_was_not_in_force_is_not_found_and_creates_no_approval(self):
        self.client.force_login(self.clerk)
        url = reverse("approval_step", args=["submit", self.pacnam.pk, 2026])
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url, {"confirm": "1"}).status_code, 404)
        self.assertFalse(YearApproval.objects.filter(area=self.pacnam, year=2026).exists())

    def test_a_next_address_off_the_site_is_not_followed(self):
        self.client.force_login(self.clerk)
        url = reverse("approval_step", args=["submit", self.pacnam.pk, 2024])
        response = self.client.post(url, {"confirm": "1", "next": "https://example.com/"})
        self.assertRedirects(response, "/admin/?year=2024", fetch_redirect_response=False)


class ApprovedAboveTests(TestCase):
    """A district's year is locked with its province's once that is approved: the board, the
    lists and the step itself (the model's rule, which every path saves through) say so alike."""

    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.pacnam = make_district(parent=cls.province)
        make_value(indicator=make_indicator(), area=cls.pacnam, plan="5")
        cls.clerk = make_role_user(username="pacnam.clerk", role=CLERK, units=[cls.pacnam])
        reviewer = make_role_user(username="reviewer", role=REVIEWER, units=[cls.province])
        YearApproval.objects.create(
            area=cls.province, year=2024, state=State.APPROVED, approved_by=reviewer, approved_at=timezone.now()
        )

    def setUp(self):
        self.client.force_login(self.clerk)

    def test_the_board_of_a_district_user_says_their_year_is_locked_with_the_province(self):
        response = self.client.get("/admin/", {"year": 2024})
        [row] = [row for row in response.context["rows"] if row.unit == self.pacnam]
        self.assertEqual((row.locked_with, row.buttons), (self.province, []))
        self.assertEqual(response.context["missing"], [])
        self.assertContains(response, "đã khóa cùng Tỉnh Bắc Kạn")

    def test_submitting_it_at_the_steps_address_is_refused_and_writes_nothing(self):
        url = reverse("approval_step", args=["submit", self.pacnam.pk, 2024])
        response = self.client.post(url, {"confirm": "1"}, follow=True)
        self.assertContains(response, "đã khóa")
        self.assertFalse(YearApproval.objects.filter(area=self.pacnam, year=2024).exists())

    def test_the_model_refuses_a_submitted_year_under_an_approved_one_on_any_path(self):
        approval = YearApproval(area=self.pacnam, year=2024, state=State.SUBMITTED, submitted_by=self.clerk)
        with self.assertRaises(ValidationError):
            approval.full_clean()
        self.assertIsNone(YearApproval(area=self.pacnam, year=2024).full_clean())
