"""Issuing a report: a reviewer gives the number, date and signer; bkxh keeps that version forever,
its figures and its DOCX, XLSX and PDF as issued, byte for byte; the live report names the figures
that changed since; a new version replaces the one before."""

import datetime
import hashlib
from io import BytesIO
from types import SimpleNamespace
from unittest import mock

import docx
import openpyxl
from django.core.exceptions import ValidationError
from django.test import Client, TestCase, override_settings
from django.utils import timezone
from pypdf import PdfReader

from accounts.roles import ADMINISTRATOR, CLERK, REVIEWER, VIEWER, role_codenames
from audit.models import AccessLog
from indicators.models import IndicatorValue
from reports.forms import IssueForm
from reports.models import IssuedFile, IssuedReport
from tests.factories import (
    make_agency,
    make_approved_year,
    make_district,
    make_indicator,
    make_province,
    make_report_narrative,
    make_role_user,
    make_value,
)
from tests.test_report import page_text, printed_part
from tests.test_report_documents import docx_text, sheet_rows

ISSUE_URL = "/reports/2024/issue/"
FIRST = {
    "number": "125/BC-SLĐTBXH",
    "issued_on": "05/12/2024",
    "signer_title": "PHÓ GIÁM ĐỐC",
    "signer_name": "Lý Thị Hoa",
}
SECOND = {**FIRST, "number": "7/BC-SLĐTBXH", "issued_on": "15/01/2025"}
REPLACES = "(Thay thế Báo cáo số 125/BC-SLĐTBXH ngày 05/12/2024)"


def pdf_text(content):
    return " ".join(" ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages).split())


def xlsx_text(content):
    rows = sheet_rows(openpyxl.load_workbook(BytesIO(content)))
    return " ".join(str(cell) for row in rows for cell in row if cell is not None)


class ProvinceReport(TestCase):
    """The province's 2024 report by its department: one figure (an estimate), a narrative, and a
    reviewer, a clerk and a viewer of the province, a reviewer of a district."""

    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.district = make_district(parent=cls.province)
        cls.agency = make_agency(area=cls.province)
        cls.indicator = make_indicator()
        cls.value = make_value(indicator=cls.indicator, area=cls.province, plan=6400, actual=7000)
        make_report_narrative(agency=cls.agency, shortcomings="Nguồn lực còn hạn chế.")
        cls.reviewer = make_role_user(username="duyet", role=REVIEWER, units=[cls.province])
        cls.clerk = make_role_user(username="nhaplieu", role=CLERK, units=[cls.province])
        cls.viewer = make_role_user(username="xem", role=VIEWER, units=[cls.province])
        cls.district_reviewer = make_role_user(username="duyet.pacnam", role=REVIEWER, units=[cls.district])

    def issue(self, data, user=None):
        self.client.force_login(user or self.reviewer)
        return self.client.post(ISSUE_URL, data)


class IssuedVersionTests(ProvinceReport):
    """Version 1 is issued once for the class (one PDF print), through the form."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        client = Client()
        client.force_login(cls.reviewer)
        response = client.post(ISSUE_URL, FIRST)
        cls.status, cls.location = response.status_code, response["Location"]
        cls.issued = IssuedReport.objects.get()
        cls.stored = {file.kind: bytes(file.content) for file in cls.issued.files.all()}

    def download(self, kind, revision=1):
        self.client.force_login(self.reviewer)
        response = self.client.get(f"/reports/2024/issued/{revision}/{kind}/")
        self.assertEqual(response.status_code, 200)
        return response.content

    def test_issuing_leads_to_the_page_of_version_1_with_its_files_and_their_sha256(self):
        self.assertEqual((self.status, self.location), (302, "/reports/2024/issued/1/"))
        self.client.force_login(self.viewer)
        text = page_text(self.client.get("/reports/2024/issued/1/"))
        self.assertIn("Báo cáo số 125/BC-SLĐTBXH ngày 05/12/2024", text)
        for file in self.issued.files.all():
            self.assertIn(file.sha256, text)
            self.assertIn(file.name, text)

    def test_the_version_keeps_its_figures_narrative_status_signer_and_three_files(self):
        issued = self.issued
        self.assertEqual(
            (issued.revision, issued.number, issued.issued_on), (1, FIRST["number"], datetime.date(2024, 12, 5))
        )
        self.assertTrue(issued.is_estimate)
        self.assertEqual((issued.signer_title, issued.signer_name), ("PHÓ GIÁM ĐỐC", "Lý Thị Hoa"))
        self.assertEqual(issued.issued_by, self.reviewer)
        [line] = issued.figures
        self.assertEqual(
            {key: line[key] for key in ("code", "name", "unit", "plan", "actual", "percent")},
            {
                "code": "jobs_created",
                "name": "Giải quyết việc làm",
                "unit": "người",
                "plan": "6400.00",
                "actual": "7000.00",
                "percent": "109.4",
            },
        )
        self.assertEqual(issued.narrative, [["II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", ["Nguồn lực còn hạn chế."]]])
        for file in issued.files.all():
            self.assertEqual(file.sha256, hashlib.sha256(bytes(file.content)).hexdigest())
            self.assertEqual(file.size, len(bytes(file.content)))
        self.assertEqual(sorted(self.stored), ["docx", "pdf", "xlsx"])

    def test_the_files_print_the_number_the_date_and_the_signer_given(self):
        word = docx_text(docx.Document(BytesIO(self.stored["docx"])))
        pdf = pdf_text(self.stored["pdf"])
        excel = xlsx_text(self.stored["xlsx"])
        for text in (word, pdf, excel):
            self.assertIn("Số: 125/BC-SLĐTBXH", text)
            self.assertIn("ngày 05 tháng 12 năm 2024", text)
        for text in (word, pdf):
            self.assertIn("PHÓ GIÁM ĐỐC", text)
            self.assertIn("Lý Thị Hoa", text)
            self.assertNotIn("Hoàng Văn Minh", text)
            self.assertNotIn("DỰ THẢO", text)
        self.assertNotIn("Thay thế", word + pdf + excel)

    def test_after_a_figure_changes_the_issued_files_download_byte_for_byte_as_stored(self):
        first = {kind: self.download(kind) for kind in self.stored}
        value = IndicatorValue.objects.get(pk=self.value.pk)
        value.actual = 7100
        value.save()
        for kind, content in self.stored.items():
            with self.subTest(kind=kind):
                again = self.download(kind)
                self.assertEqual(again, content)
                self.assertEqual(again, first[kind])
                self.assertEqual(hashlib.sha256(again).hexdigest(), self.issued.files.get(kind=kind).sha256)
        live = docx_text(docx.Document(BytesIO(self.client.get("/reports/2024/docx/").content)))
        self.assertIn("7.100", live)
        self.assertNotIn("7.100", docx_text(docx.Document(BytesIO(self.download("docx")))))

    def test_the_live_page_names_the_issued_version_and_the_figure_changed_since(self):
        self.client.force_login(self.viewer)
        response = self.client.get("/reports/2024/")
        text = page_text(response)
        self.assertIn("Đã ban hành: Báo cáo số 125/BC-SLĐTBXH ngày 05/12/2024 (lần 1, ước thực hiện).", text)
        self.assertIn("Số liệu trực tiếp trùng với bản đã ban hành.", text)
        value = IndicatorValue.objects.get(pk=self.value.pk)
        value.actual = 7100
        value.save()
        response = self.client.get("/reports/2024/")
        self.assertIn("Giải quyết việc làm: 7.000 → 7.100 người", page_text(response))
        # On the screen only: the live report keeps its blank number.
        printed = printed_part(response)
        self.assertNotIn("125/BC", printed)
        self.assertIn("/BC-SLĐTBXH", printed)

    def test_each_download_of_an_issued_file_is_in_the_access_log(self):
        self.download("pdf")
        self.download("xlsx")
        entries = AccessLog.objects.filter(event=AccessLog.Event.DOWNLOAD, user=self.reviewer)
        self.assertEqual(entries.count(), 2)
        self.assertIn("125/BC-SLĐTBXH", entries.first().subject)

    def test_issuing_is_in_the_versions_history_with_who_and_when(self):
        [created] = self.issued.history.all()
        self.assertEqual(created.history_type, "+")
        self.assertEqual(created.history_user, self.reviewer)

    def test_a_second_version_is_revision_2_and_replaces_the_first_in_every_file(self):
        value = IndicatorValue.objects.get(pk=self.value.pk)
        value.actual, value.status = 7100, IndicatorValue.Status.FINAL
        value.save()
        self.client.force_login(self.reviewer)
        form = page_text(self.client.get(ISSUE_URL))
        self.assertIn("lần 2", form)
        response = self.issue(SECOND)
        self.assertRedirects(response, "/reports/2024/issued/2/", fetch_redirect_response=False)
        second = IssuedReport.objects.get(revision=2)
        self.assertFalse(second.is_estimate)
        self.assertEqual(second.figures[0]["actual"], "7100.00")
        files = {file.kind: bytes(file.content) for file in second.files.all()}
        self.assertIn(REPLACES, docx_text(docx.Document(BytesIO(files["docx"]))))
        self.assertIn(REPLACES, xlsx_text(files["xlsx"]))
        # The PDF wraps the line after "BC-".
        self.assertIn(REPLACES.replace(" ", ""), pdf_text(files["pdf"]).replace(" ", ""))
        self.assertIn("Số: 7/BC-SLĐTBXH", pdf_text(files["pdf"]))
        # The first is untouched, and the live page now names the second.
        self.assertEqual(self.download("docx", revision=1), self.stored["docx"])
        text = page_text(self.client.get("/reports/2024/"))
        self.assertIn("Báo cáo số 7/BC-SLĐTBXH ngày 15/01/2025 (lần 2, chính thức)", text)
        self.assertIn("Số liệu trực tiếp trùng với bản đã ban hành.", text)

    def test_a_number_used_once_by_the_agency_that_year_is_refused(self):
        response = self.issue({**FIRST, "issued_on": "06/12/2024"})
        self.assertContains(
            response, "Số văn bản: SLĐTBXH đã ban hành văn bản số 125/BC-SLĐTBXH trong năm 2024.", status_code=400
        )
        self.assertEqual(IssuedReport.objects.count(), 1)

    def test_nobody_changes_or_deletes_an_issued_version_by_any_path(self):
        issued = IssuedReport.objects.get()
        issued.number = "126/BC-SLĐTBXH"
        file = issued.files.first()
        file.content = b"other"
        attempts = {
            "save": issued.save,
            "delete": issued.delete,
            "update": lambda: IssuedReport.objects.update(number="1/BC-SLĐTBXH"),
            "queryset delete": lambda: IssuedReport.objects.all().delete(),
            "file save": file.save,
            "file delete": file.delete,
            "file update": lambda: IssuedFile.objects.update(content=b"other"),
            "files delete": lambda: IssuedFile.objects.all().delete(),
        }
        for name, attempt in attempts.items():
            with self.subTest(name), self.assertRaisesMessage(ValidationError, "không ai được sửa hay xoá"):
                attempt()
        self.assertEqual({file.kind: bytes(file.content) for file in IssuedFile.objects.all()}, self.stored)
        self.assertEqual(IssuedReport.objects.get().number, FIRST["number"])

    def test_the_admin_shows_a_version_read_only_and_offers_no_add_change_or_delete(self):
        admin = make_role_user(username="quantri", role=ADMINISTRATOR, units=[self.province])
        self.client.force_login(admin)
        change = self.client.get(f"/admin/reports/issuedreport/{self.issued.pk}/change/")
        self.assertEqual(change.status_code, 200)
        self.assertNotContains(change, 'name="_save"')
        self.assertEqual(self.client.get("/admin/reports/issuedreport/add/").status_code, 403)
        self.assertEqual(
            self.client.post(f"/admin/reports/issuedreport/{self.issued.pk}/delete/", {"post": "yes"}).status_code, 403
        )
        self.assertTrue(IssuedReport.objects.filter(pk=self.issued.pk).exists())


class WhoIssuesTests(ProvinceReport):
    def test_the_reviewer_sees_the_button_and_a_form_that_says_what_issuing_does(self):
        self.client.force_login(self.reviewer)
        self.assertContains(self.client.get("/reports/2024/"), f'href="{ISSUE_URL}"')
        form = self.client.get(ISSUE_URL)
        text = page_text(form)
        self.assertIn("bkxh giữ nguyên bản này mãi mãi", text)
        self.assertContains(form, 'value="GIÁM ĐỐC"')
        self.assertContains(form, 'value="Hoàng Văn Minh"')

    def test_a_clerk_and_a_viewer_get_no_button_and_cannot_issue(self):
        for user in (self.clerk, self.viewer):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertNotContains(self.client.get("/reports/2024/"), ISSUE_URL)
                self.assertEqual(self.client.get(ISSUE_URL).status_code, 403)
                self.assertEqual(self.issue(FIRST, user).status_code, 403)
        self.assertFalse(IssuedReport.objects.exists())

    def test_a_district_reviewer_cannot_issue_the_provinces_report(self):
        self.client.force_login(self.district_reviewer)
        self.assertEqual(self.client.post(f"{ISSUE_URL}?area=06", FIRST).status_code, 403)
        self.assertFalse(IssuedReport.objects.exists())

    def test_the_roles_duyet_and_quan_tri_may_issue_and_no_role_may_write_a_version(self):
        grants = role_codenames()
        self.assertIn(("reports", "issue_report"), grants[REVIEWER])
        self.assertIn(("reports", "issue_report"), grants[ADMINISTRATOR])
        for role in (CLERK, VIEWER):
            self.assertNotIn(("reports", "issue_report"), grants[role])
        for role, granted in grants.items():
            for action in ("add", "change", "delete"):
                self.assertNotIn(("reports", f"{action}_issuedreport"), granted, role)
                self.assertNotIn(("reports", f"{action}_issuedfile"), granted, role)


class RefusedIssueTests(ProvinceReport):
    """Refused before anything is printed or written, each with a Vietnamese message naming its field."""

    def assertRefused(self, data, message):
        response = self.issue(data)
        self.assertEqual(response.status_code, 400)
        self.assertIn(message, page_text(response))
        self.assertFalse(IssuedReport.objects.exists())
        self.assertFalse(IssuedFile.objects.exists())

    def test_a_number_without_the_agencys_bc_abbreviation_is_refused(self):
        for number in ("125/BC-SNV", "125", "BC-SLĐTBXH", "0/BC-SLĐTBXH", "125/QĐ-SLĐTBXH"):
            with self.subTest(number=number):
                self.assertRefused(
                    {**FIRST, "number": number},
                    "Số văn bản: ghi số, dấu gạch chéo và BC-SLĐTBXH, ví dụ 125/BC-SLĐTBXH.",
                )

    def test_a_date_in_the_future_is_refused(self):
        tomorrow = datetime.date.today() + datetime.timedelta(days=1)
        self.assertRefused(
            {**FIRST, "issued_on": tomorrow.strftime("%d/%m/%Y")},
            f"Ngày ban hành: {tomorrow:%d/%m/%Y} là ngày trong tương lai.",
        )

    def test_a_date_not_written_dd_mm_yyyy_is_refused(self):
        self.assertRefused({**FIRST, "issued_on": "2024-12-05"}, "Ngày ban hành: ghi theo dạng dd/mm/yyyy")

    def test_a_date_after_the_agency_stopped_issuing_is_refused(self):
        self.assertRefused(
            {**FIRST, "issued_on": "05/03/2025"},
            "Ngày ban hành: SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI đã thôi ban hành văn bản từ ngày 28/02/2025.",
        )


class IssuingWithoutPrintingTests(ProvinceReport):
    """The PDF stood in for, to keep the suite's prints few."""

    @mock.patch("reports.issued.pdf_from_html", return_value=b"%PDF-1.4 issued")
    def test_the_report_of_an_approved_year_is_issued_though_its_figures_are_locked(self, _printer):
        make_approved_year(area=self.province)
        response = self.issue(FIRST)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(bytes(IssuedReport.objects.get().file("pdf").content), b"%PDF-1.4 issued")

    @override_settings(BKXH_CHROMIUM="/nonexistent/chromium")
    def test_a_server_that_cannot_print_the_pdf_issues_nothing_and_says_so(self):
        response = self.issue(FIRST)
        self.assertEqual(response.status_code, 400)
        self.assertIn("Máy chủ không in được PDF", page_text(response))
        self.assertFalse(IssuedReport.objects.exists())
        self.assertFalse(IssuedFile.objects.exists())


class IssueFormDefaultsTests(TestCase):
    def form_for(self, valid_to):
        agency = SimpleNamespace(signer_title="GIÁM ĐỐC", signer_name="Phạm Văn Long", valid_to=valid_to)
        return IssueForm(report=SimpleNamespace(agency=agency, year=2026))

    def test_the_date_of_issue_is_today_while_the_agency_still_issues(self):
        today = timezone.localdate().strftime("%d/%m/%Y")
        self.assertIn(f'value="{today}"', str(self.form_for(None)["issued_on"]))

    def test_the_date_of_issue_is_left_to_the_user_once_the_agency_has_ended(self):
        self.assertNotIn("value=", str(self.form_for(datetime.date(2025, 2, 28))["issued_on"]))
