"""An approved year is locked on every path that writes, and the year's rows stay byte for byte."""

import datetime
import re
import tempfile
from pathlib import Path

from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from accounts.roles import CLERK, REVIEWER
from approvals import workflow
from approvals.locking import YearLockedError
from approvals.models import YearApproval
from beneficiaries.models import LongevityGift, RiceReliefLine
from indicators.models import IndicatorValue
from tests.admin_forms import form_fields
from tests.factories import (
    make_approved_year,
    make_commune,
    make_district,
    make_indicator,
    make_longevity_gift,
    make_person,
    make_province,
    make_rice_line,
    make_role_user,
    make_round,
    make_value,
)

VALUES = "/admin/indicators/indicatorvalue/"
GIFTS = "/admin/beneficiaries/longevitygift/"


def dump(*querysets):
    """The rows and their history, serialized: equal dumps mean nothing was written."""
    return "".join(
        serializers.serialize("json", queryset.order_by("pk"))
        + serializers.serialize("json", queryset.model.history.order_by("pk"))
        for queryset in querysets
    )


class LockedYearTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.district = make_district(parent=cls.province)
        cls.commune = make_commune(parent=cls.district)
        cls.jobs = make_indicator()
        cls.other_indicator = make_indicator(code="si_compulsory", name="BHXH bắt buộc")
        cls.value = make_value(indicator=cls.jobs, area=cls.district, plan=100, actual=120)
        cls.commune_value = make_value(indicator=cls.other_indicator, area=cls.commune, plan=10, actual=12)
        cls.open_value = make_value(indicator=cls.jobs, area=cls.district, year=2023, plan=90, actual=95)
        cls.gift = make_longevity_gift(person=make_person(commune=cls.commune, birth_year=1934))
        cls.round_2024 = make_round(year=2024, area=cls.district)
        cls.line_2023 = make_rice_line(round=make_round(year=2023, area=cls.district), commune=cls.commune)
        cls.approval = make_approved_year(area=cls.district, year=2024)
        cls.clerk = make_role_user(username="pacnam.nhaplieu", role=CLERK, units=[cls.district])

    def setUp(self):
        self.client.force_login(self.clerk)
        self.before = self.year_dump()

    def year_dump(self):
        return dump(
            IndicatorValue.objects.filter(year=2024),
            LongevityGift.objects.filter(year=2024),
            RiceReliefLine.objects.all(),
        )

    def assertYearUnchanged(self):
        self.assertEqual(self.year_dump(), self.before)

    def assertRefusedWithReasons(self, text):
        self.assertIn("Số liệu năm 2024 của Huyện Pác Nặm đã được Nguyễn Thị Duyệt phê duyệt ngày", text)
        self.assertIn("không thể thêm, sửa hoặc xóa", text)
        self.assertIn("“Duyệt”", text)
        self.assertIn("“Quản trị”", text)
        self.assertIn("mở lại", text)

    def messages_of(self, response):
        return " ".join(str(message) for message in response.context["messages"])

    def test_the_change_form_opens_read_only_and_says_why(self):
        response = self.client.get(f"{VALUES}{self.value.pk}/change/")
        self.assertRefusedWithReasons(self.messages_of(response))
        self.assertNotContains(response, 'name="plan"')
        self.assertNotContains(response, 'name="_save"')

    def test_the_approval_date_is_the_local_day_it_was_approved_on(self):
        # 01/12/2026 18:30 UTC is 02/12/2026 01:30 in Asia/Ho_Chi_Minh.
        YearApproval.objects.filter(pk=self.approval.pk).update(
            approved_at=datetime.datetime(2026, 12, 1, 18, 30, tzinfo=datetime.UTC)
        )
        response = self.client.get(f"{VALUES}{self.value.pk}/change/")
        self.assertIn("phê duyệt ngày 02/12/2026", self.messages_of(response))

    def test_a_register_entry_of_the_year_opens_read_only_and_says_why(self):
        response = self.client.get(f"{GIFTS}{self.gift.pk}/change/")
        self.assertEqual(response.status_code, 200)
        self.assertRefusedWithReasons(self.messages_of(response))
        self.assertContains(response, "Tiền mặt")
        self.assertNotContains(response, 'name="cash_vnd"')
        self.assertNotContains(response, 'name="_save"')

    def test_a_locked_row_offers_no_delete(self):
        change = f"{GIFTS}{self.gift.pk}/change/"
        self.assertNotContains(self.client.get(change), f"{GIFTS}{self.gift.pk}/delete/")
        response = self.client.get(f"{GIFTS}{self.gift.pk}/delete/")
        self.assertRedirects(response, change)

    def test_a_list_of_locked_rows_is_read_only_and_says_whose_year_is_approved(self):
        for url in (GIFTS, f"{VALUES}?year__exact=2024"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, "Năm 2024 của Huyện Pác Nặm đã được duyệt, không sửa được.")
                self.assertNotContains(response, 'name="_selected_action"')
                self.assertNotContains(response, 'name="action"')
                self.assertNotContains(response, 'name="_save"')
                self.assertNotContains(response, 'name="form-0-')

    def test_a_list_of_open_and_locked_rows_leaves_only_the_open_rows_editable(self):
        response = self.client.get(VALUES)
        self.assertContains(response, "Năm 2024 của Huyện Pác Nặm đã được duyệt, không sửa được.")
        selectable = re.findall(r'name="_selected_action" value="(\d+)"', response.content.decode())
        self.assertEqual(selectable, [str(self.open_value.pk)])
        html = response.content.decode()
        (index,) = [i for i, form in enumerate(response.context["cl"].formset) if form.instance == self.open_value]
        self.assertEqual(
            re.findall(r'type="text" name="(form-\d+-(?:plan|actual))"', html),
            [f"form-{index}-plan", f"form-{index}-actual"],
        )
        # A locked figure as text, sent back as it is.
        self.assertRegex(
            html, r'<td class="field-actual"><input type="hidden" name="form-\d+-actual" value="120"[^>]*>120</td>'
        )

    def test_the_open_rows_of_a_list_with_locked_rows_are_saved_as_the_browser_sends_them(self):
        page = self.client.get(VALUES)
        data = form_fields(page.content.decode())
        (index,) = [i for i, form in enumerate(page.context["cl"].formset) if form.instance == self.open_value]
        data[f"form-{index}-actual"] = "97"
        response = self.client.post(VALUES, {**data, "_save": "Lưu"}, follow=True)
        self.assertNotIn("phê duyệt", self.messages_of(response))
        self.open_value.refresh_from_db()
        self.assertEqual(self.open_value.actual, 97)
        locked = IndicatorValue.objects.filter(year=2024).order_by("pk")
        self.assertEqual(list(locked.values_list("actual", "version")), [(120, 0), (12, 0)])

    def test_a_change_form_saved_after_approval_is_refused(self):
        response = self.client.post(
            f"{VALUES}{self.value.pk}/change/",
            {
                "indicator": self.jobs.pk,
                "year": 2024,
                "area": self.district.pk,
                "status": "estimate",
                "plan": "100",
                "actual": "999",
                "version": self.value.version,
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertRefusedWithReasons(response.content.decode())
        self.assertYearUnchanged()

    def test_adding_a_row_to_the_approved_year_is_refused(self):
        response = self.client.post(
            f"{VALUES}add/",
            {"indicator": self.other_indicator.pk, "year": 2024, "area": self.district.pk, "status": "estimate"},
        )
        self.assertRefusedWithReasons(response.content.decode())
        self.assertYearUnchanged()

    def test_a_row_of_a_commune_below_the_approved_district_is_locked_too(self):
        response = self.client.post(
            f"{VALUES}{self.commune_value.pk}/change/",
            {
                "indicator": self.other_indicator.pk,
                "year": 2024,
                "area": self.commune.pk,
                "status": "estimate",
                "actual": "1",
                "version": self.commune_value.version,
            },
        )
        self.assertRefusedWithReasons(response.content.decode())
        self.assertYearUnchanged()

    def test_a_list_edit_is_refused(self):
        response = self.client.post(
            f"{VALUES}?year=2024",
            {
                "form-TOTAL_FORMS": "2",
                "form-INITIAL_FORMS": "2",
                "form-0-id": self.value.pk,
                "form-0-version": self.value.version,
                "form-0-plan": "100",
                "form-0-actual": "999",
                "form-1-id": self.commune_value.pk,
                "form-1-version": self.commune_value.version,
                "form-1-plan": "10",
                "form-1-actual": "12",
                "_save": "Lưu",
            },
        )
        self.assertRefusedWithReasons(response.content.decode())
        self.assertYearUnchanged()

    def test_an_admin_action_is_refused(self):
        for action in ("mark_final", "delete_selected"):
            with self.subTest(action=action):
                response = self.client.post(
                    VALUES,
                    {"action": action, "_selected_action": [self.value.pk, self.open_value.pk], "post": "yes"},
                    follow=True,
                )
                self.assertRefusedWithReasons(self.messages_of(response))
                self.assertYearUnchanged()
                self.open_value.refresh_from_db()
                self.assertEqual(self.open_value.status, "estimate")

    def test_the_delete_page_is_refused(self):
        response = self.client.post(f"{GIFTS}{self.gift.pk}/delete/", {"post": "yes"}, follow=True)
        self.assertRefusedWithReasons(self.messages_of(response))
        self.assertYearUnchanged()

    def test_a_register_entry_of_the_year_is_locked(self):
        response = self.client.post(
            f"{GIFTS}{self.gift.pk}/change/",
            {
                "person": self.gift.person_id,
                "commune": self.commune.pk,
                "year": 2024,
                "milestone": 90,
                "cash_vnd": "1.000.000",
                "in_kind_vnd": "0",
                "version": self.gift.version,
            },
        )
        self.assertRefusedWithReasons(response.content.decode())
        self.assertYearUnchanged()

    def test_every_write_from_code_is_refused(self):
        value = IndicatorValue.objects.get(pk=self.value.pk)
        value.actual = 1
        attempts = {
            "save()": value.save,
            "delete()": IndicatorValue.objects.get(pk=self.value.pk).delete,
            "objects.create()": lambda: IndicatorValue.objects.create(
                indicator=self.other_indicator, year=2024, area=self.district
            ),
            "update()": lambda: IndicatorValue.objects.filter(year=2024).update(actual=0),
            "queryset delete()": lambda: IndicatorValue.objects.filter(year=2024).delete(),
            "bulk_create()": lambda: IndicatorValue.objects.bulk_create(
                [IndicatorValue(indicator=self.other_indicator, year=2024, area=self.district)]
            ),
            "bulk_update()": lambda: IndicatorValue.objects.bulk_update([value], ["actual"]),
            "moving a 2023 row into 2024": lambda: IndicatorValue.objects.filter(pk=self.open_value.pk).update(
                year=2024
            ),
            "moving a 2023 rice line into a 2024 round": lambda: RiceReliefLine.objects.filter(
                pk=self.line_2023.pk
            ).update(round=self.round_2024),
            "a new object with a locked row's key": IndicatorValue(
                pk=self.value.pk, indicator=self.jobs, year=2023, area=self.district, version=self.value.version
            ).save,
        }
        for path, attempt in attempts.items():
            with self.subTest(path=path), self.assertRaises(ValidationError) as refused:
                attempt()
            self.assertIsInstance(refused.exception, YearLockedError)
            self.assertRefusedWithReasons(" ".join(refused.exception.messages))
        self.assertYearUnchanged()

    def test_a_command_is_refused(self):
        changed = IndicatorValue.objects.get(pk=self.value.pk)
        changed.actual = 999
        with tempfile.TemporaryDirectory() as folder:
            fixture = Path(folder) / "changed.json"
            fixture.write_text(serializers.serialize("json", [changed]))
            with self.assertRaises(YearLockedError):
                call_command("loaddata", str(fixture), verbosity=0)
        self.assertYearUnchanged()

    def test_another_year_and_another_unit_stay_open(self):
        self.open_value.actual = 96
        self.open_value.save()
        self.assertEqual(IndicatorValue.objects.get(pk=self.open_value.pk).actual, 96)


class ReopeningTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.district = make_district(parent=cls.province)
        cls.value = make_value(indicator=make_indicator(), area=cls.district, plan=100, actual=120)
        cls.clerk = make_role_user(username="pacnam.nhaplieu", role=CLERK, units=[cls.district])
        cls.reviewer = make_role_user(username="pacnam.duyet", role=REVIEWER, units=[cls.district])

    def approved(self):
        approval = workflow.submit(workflow.approval_for(self.district, 2024), user=self.clerk)
        return workflow.approve(approval, user=self.reviewer)

    def test_a_clerk_submits_and_a_reviewer_approves(self):
        approval = self.approved()
        self.assertEqual((approval.state, approval.approved_by), (YearApproval.State.APPROVED, self.reviewer))
        self.assertEqual(
            [(record.history_user, record.state) for record in approval.history.order_by("history_id")],
            [(None, "draft"), (self.clerk, "submitted"), (self.reviewer, "approved")],
        )

    def test_a_clerk_may_neither_approve_nor_reopen(self):
        approval = workflow.submit(workflow.approval_for(self.district, 2024), user=self.clerk)
        with self.assertRaises(PermissionDenied):
            workflow.approve(approval, user=self.clerk)
        approval = workflow.approve(approval, user=self.reviewer)
        with self.assertRaises(PermissionDenied):
            workflow.reopen(approval, user=self.clerk, reason="Sửa số liệu")

    def test_reopening_needs_a_written_reason(self):
        approval = self.approved()
        for reason in ("  ", "\u200b", "\u200d\u2066 \ufeff"):
            with self.subTest(reason=reason), self.assertRaises(ValidationError):
                workflow.reopen(approval, user=self.reviewer, reason=reason)
        approval.refresh_from_db()
        self.assertTrue(approval.is_approved)

    def test_the_admin_refuses_a_reason_of_invisible_characters(self):
        approval = self.approved()
        self.client.force_login(self.reviewer)
        data = {"action": "reopen_years", "_selected_action": [approval.pk], "reason": "\u200b", "confirm": "1"}
        self.assertContains(self.client.post("/admin/approvals/yearapproval/", data), "Hãy ghi lý do mở lại năm")
        approval.refresh_from_db()
        self.assertTrue(approval.is_approved)

    def test_the_approvals_history_writes_states_and_times_as_staff_read_them(self):
        approval = self.approved()
        self.client.force_login(self.reviewer)
        page = self.client.get(f"/admin/approvals/yearapproval/{approval.pk}/history/")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "đã trình duyệt")
        self.assertNotContains(page, "submitted →")
        self.assertNotContains(page, "pk=None")
        approved_at = timezone.localtime(approval.approved_at).strftime("%d/%m/%Y %H:%M")
        self.assertContains(page, approved_at)

    def test_reopening_is_audited_and_unlocks_the_year(self):
        approval = workflow.reopen(self.approved(), user=self.reviewer, reason="Huyện báo cáo bổ sung số liệu")
        last = approval.history.order_by("-history_id").first()
        self.assertEqual(
            (last.history_user, last.state, last.history_change_reason),
            (self.reviewer, "draft", "Huyện báo cáo bổ sung số liệu"),
        )
        self.value.actual = 130
        self.value.save()
        self.assertEqual(IndicatorValue.objects.get(pk=self.value.pk).actual, 130)

    def test_the_reviewer_reopens_from_the_admin_with_a_reason(self):
        approval = self.approved()
        self.client.force_login(self.reviewer)
        url = "/admin/approvals/yearapproval/"
        form = self.client.post(url, {"action": "reopen_years", "_selected_action": [approval.pk]})
        self.assertContains(form, "Lý do mở lại")
        self.client.post(
            url,
            {"action": "reopen_years", "_selected_action": [approval.pk], "reason": "Sai số liệu", "confirm": "1"},
        )
        approval.refresh_from_db()
        self.assertEqual((approval.state, approval.reopen_reason), ("draft", "Sai số liệu"))

    def test_the_report_says_whether_its_figures_are_approved(self):
        self.client.force_login(self.reviewer)
        self.assertContains(self.client.get("/reports/2024/"), "Số liệu tạm thời, chưa được phê duyệt")
        self.approved()
        response = self.client.get("/reports/2024/")
        self.assertNotContains(response, "Số liệu tạm thời")
        self.assertContains(response, "đã được pacnam.duyet phê duyệt ngày")


class ImportRefusalTests(TestCase):
    """What an import asks before writing: which of its rows fall in a locked year or another unit."""

    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.district = make_district(parent=cls.province)
        cls.other = make_district(parent=cls.province, code="061", name="Huyện Ba Bể")
        cls.jobs = make_indicator()
        cls.stored = make_value(indicator=cls.jobs, area=cls.district, year=2023, plan=1, actual=1)
        make_approved_year(area=cls.district, year=2024)
        cls.clerk = make_role_user(username="pacnam.nhaplieu", role=CLERK, units=[cls.district])

    def test_rows_of_a_locked_year_or_another_unit_are_named_and_the_others_pass(self):
        from bkxh.records import write_refusals

        moved = IndicatorValue.objects.get(pk=self.stored.pk)
        moved.year = 2024
        rows = [
            IndicatorValue(indicator=self.jobs, area=self.district, year=2025),
            IndicatorValue(indicator=self.jobs, area=self.district, year=2024),
            IndicatorValue(indicator=self.jobs, area=self.other, year=2025),
            moved,
        ]
        refusals = write_refusals(IndicatorValue, rows, user=self.clerk)
        self.assertEqual(sorted(refusals), [1, 2, 3])
        self.assertIn("đã được Nguyễn Thị Duyệt phê duyệt", refusals[1][0])
        self.assertIn("Huyện Ba Bể không thuộc địa bàn bạn phụ trách", refusals[2][0])
        self.assertIn("phê duyệt", refusals[3][0])


class ApprovalAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.district = make_district(parent=make_province())
        cls.clerk = make_role_user(username="pacnam.nhaplieu", role=CLERK, units=[cls.district])
        cls.reviewer = make_role_user(username="pacnam.duyet", role=REVIEWER, units=[cls.district])

    def test_a_clerk_opens_and_submits_a_year_and_the_reviewer_approves_it_from_the_admin(self):
        url = "/admin/approvals/yearapproval/"
        self.client.force_login(self.clerk)
        self.assertEqual(self.client.post(f"{url}add/", {"area": self.district.pk, "year": 2024}).status_code, 302)
        approval = YearApproval.objects.get()
        self.client.post(url, {"action": "submit_years", "_selected_action": [approval.pk]})
        self.client.post(url, {"action": "approve_years", "_selected_action": [approval.pk]})
        approval.refresh_from_db()
        self.assertEqual(approval.state, "submitted")
        self.client.force_login(self.reviewer)
        self.client.post(url, {"action": "approve_years", "_selected_action": [approval.pk]})
        approval.refresh_from_db()
        self.assertEqual(
            (approval.state, approval.submitted_by, approval.approved_by), ("approved", self.clerk, self.reviewer)
        )
        self.assertEqual(self.client.post(f"{url}{approval.pk}/delete/", {"post": "yes"}).status_code, 403)
