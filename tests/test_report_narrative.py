"""The sections staff write into a report (tồn tại, phương hướng, kiến nghị): typed in the admin,
printed on the report as plain paragraphs, numbered after the results, kept in the scope and the
lock of their area's year, with their history."""

from html import escape
from unittest import mock

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from accounts.roles import CLERK, VIEWER
from audit.context import changes_by
from reports.models import ReportNarrative
from reports.narrative import figures_heading, narrative_sections, paragraphs
from tests.admin_forms import form_fields
from tests.demo import load_demo
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

ADD_URL = reverse("admin:reports_reportnarrative_add")
WRITE_LINK = "Viết phần tồn tại, hạn chế, phương hướng, nhiệm vụ, kiến nghị của báo cáo này"
EDIT_LINK = "Sửa phần tồn tại, hạn chế, phương hướng, nhiệm vụ, kiến nghị của báo cáo này"
SHORTCOMINGS = "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN"
DIRECTIONS = "III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025"
RECOMMENDATIONS = "IV. KIẾN NGHỊ, ĐỀ XUẤT"


def change_url(narrative):
    return reverse("admin:reports_reportnarrative_change", args=[narrative.pk])


def paragraphs_of(response):
    """The narrative paragraphs of the page, as its HTML writes them."""
    html = response.content.decode()
    return [part.split("</p>")[0] for part in html.split('<p class="narrative-paragraph">')[1:]]


class ProvinceReportFixture(TestCase):
    """The province's 2024 report by its department, one figure, a clerk and a viewer of the province."""

    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.agency = make_agency(area=cls.province)
        cls.indicator = make_indicator()
        make_value(indicator=cls.indicator, area=cls.province, plan=6400, actual=7000)
        cls.clerk = make_role_user(username="nhaplieu", role=CLERK, units=[cls.province])
        cls.viewer = make_role_user(username="xem", role=VIEWER, units=[cls.province])

    def report(self, user=None):
        self.client.force_login(user or self.clerk)
        response = self.client.get("/reports/2024/")
        self.assertEqual(response.status_code, 200)
        return response


class WritingTheNarrativeTests(ProvinceReportFixture):
    def write_from_the_report(self, **sections):
        """Follow the report's link to the admin form, type `sections` and save, as staff do."""
        link = self.report().context["narrative_edit_url"]
        form = self.client.get(link)
        self.assertEqual(form.status_code, 200)
        fields = {**form_fields(form.content.decode()), **sections}
        response = self.client.post(link, fields)
        self.assertEqual(response.status_code, 302, response.content.decode()[-3000:])
        return response

    def test_the_link_to_the_form_is_on_the_page_and_never_in_the_pdf_it_prints(self):
        self.assertIn(WRITE_LINK, page_text(self.report()))
        printed = []
        with mock.patch("reports.views.pdf_from_html", side_effect=lambda html: printed.append(html) or b"%PDF"):
            self.assertEqual(self.client.get("/reports/2024/pdf/").status_code, 200)
        self.assertNotIn("narrative-edit", printed[0])

    def test_the_report_links_a_clerk_to_the_admin_form_filled_in_for_its_agency_area_and_year(self):
        response = self.report()
        self.assertIn(WRITE_LINK, page_text(response))
        link = response.context["narrative_edit_url"]
        self.assertEqual(link, f"{ADD_URL}?year=2024&area=06&agency=SL%C4%90TBXH")
        fields = form_fields(self.client.get(link).content.decode())
        self.assertEqual(
            (fields["year"], fields["area"], fields["agency"]),
            ("2024", str(self.province.pk), str(self.agency.pk)),
        )

    def test_staff_type_the_sections_in_the_admin_and_the_report_prints_them_as_paragraphs_numbered_after_the_results(
        self,
    ):
        self.write_from_the_report(
            shortcomings="Tỷ lệ hộ nghèo còn cao.\r\n\r\nNguồn lực còn hạn chế.",
            directions="Phấn đấu giải quyết việc làm cho 7.200 lao động.\r\nGiảm tỷ lệ hộ nghèo 2%.",
            recommendations="Đề nghị Bộ bổ sung kinh phí.",
        )
        response = self.report()
        printed = page_text_of(printed_part(response))
        for heading in (
            "I. KẾT QUẢ THỰC HIỆN",
            SHORTCOMINGS,
            DIRECTIONS,
            RECOMMENDATIONS,
            "V. BIỂU TỔNG HỢP CÁC CHỈ TIÊU",
        ):
            with self.subTest(heading=heading):
                self.assertIn(f"<h2>{heading}</h2>", printed_part(response))
        self.assertLess(printed.index(SHORTCOMINGS), printed.index(DIRECTIONS))
        self.assertLess(printed.index(RECOMMENDATIONS), printed.index("V. BIỂU TỔNG HỢP"))
        self.assertEqual(
            paragraphs_of(response),
            [
                "Tỷ lệ hộ nghèo còn cao.",
                "Nguồn lực còn hạn chế.",
                "Phấn đấu giải quyết việc làm cho 7.200 lao động.",
                "Giảm tỷ lệ hộ nghèo 2%.",
                "Đề nghị Bộ bổ sung kinh phí.",
            ],
        )
        self.assertIn(EDIT_LINK, page_text(response))
        self.assertNotIn(EDIT_LINK, page_text_of(printed_part(response)))

    def test_html_typed_in_a_section_is_printed_as_text(self):
        self.write_from_the_report(shortcomings='<script>alert("x")</script>\n<b>đậm</b>')
        response = self.report()
        self.assertEqual(paragraphs_of(response), [escape('<script>alert("x")</script>'), escape("<b>đậm</b>")])
        self.assertNotIn("<script>alert", response.content.decode())
        self.assertIn('<script>alert("x")</script>', page_text(response))

    def test_a_section_left_blank_is_not_printed_and_the_next_are_numbered_on(self):
        make_report_narrative(agency=self.agency, directions="Tiếp tục giảm nghèo bền vững.")
        response = self.report()
        html = response.content.decode()
        self.assertIn("<h2>II. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025</h2>", html)
        self.assertIn("<h2>III. BIỂU TỔNG HỢP CÁC CHỈ TIÊU</h2>", html)
        self.assertNotIn("TỒN TẠI", html)
        self.assertNotIn("KIẾN NGHỊ", html)

    def test_a_written_narrative_is_opened_from_the_report_in_its_change_form(self):
        narrative = make_report_narrative(agency=self.agency, shortcomings="Còn hạn chế.")
        response = self.report()
        self.assertEqual(response.context["narrative_edit_url"], change_url(narrative))
        self.assertIn(EDIT_LINK, page_text(response))
        self.assertEqual(self.client.get(change_url(narrative)).status_code, 200)

    def test_a_viewer_reads_the_sections_but_gets_no_link_to_write_them(self):
        self.assertIsNone(self.report(self.viewer).context["narrative_edit_url"])
        make_report_narrative(agency=self.agency, shortcomings="Còn hạn chế.")
        response = self.report(self.viewer)
        self.assertEqual(paragraphs_of(response), ["Còn hạn chế."])
        self.assertIsNone(response.context["narrative_edit_url"])
        self.assertNotIn(EDIT_LINK, page_text(response))

    def test_a_save_from_a_form_opened_before_someone_elses_save_is_refused_and_overwrites_nothing(self):
        narrative = make_report_narrative(agency=self.agency, shortcomings="Bản đầu.")
        other = make_role_user(username="nhaplieu2", role=CLERK, units=[self.province])
        self.client.force_login(self.clerk)
        mine = form_fields(self.client.get(change_url(narrative)).content.decode())
        self.client.force_login(other)
        theirs = form_fields(self.client.get(change_url(narrative)).content.decode())
        self.assertEqual(
            self.client.post(change_url(narrative), {**theirs, "shortcomings": "Bản của đồng nghiệp."}).status_code, 302
        )
        self.client.force_login(self.clerk)
        response = self.client.post(change_url(narrative), {**mine, "shortcomings": "Bản của tôi."})
        self.assertEqual(response.status_code, 200)
        self.assertIn("Dòng này đã được nhaplieu2 sửa lúc", page_text(response))
        narrative.refresh_from_db()
        self.assertEqual(narrative.shortcomings, "Bản của đồng nghiệp.")

    def test_the_history_keeps_each_version_with_who_changed_it(self):
        self.write_from_the_report(shortcomings="Bản đầu.")
        narrative = ReportNarrative.objects.get()
        fields = form_fields(self.client.get(change_url(narrative)).content.decode())
        self.client.post(change_url(narrative), {**fields, "shortcomings": "Bản sửa."})
        versions = list(
            narrative.history.order_by("history_date").values_list("shortcomings", "history_user__username")
        )
        self.assertEqual(versions, [("Bản đầu.", "nhaplieu"), ("Bản sửa.", "nhaplieu")])
        history = self.client.get(reverse("admin:reports_reportnarrative_history", args=[narrative.pk]))
        self.assertEqual(history.status_code, 200)
        self.assertIn("Bản sửa.", page_text(history))

    def test_a_report_has_one_narrative(self):
        make_report_narrative(agency=self.agency, shortcomings="Một.")
        with self.assertRaises(ValidationError) as refused:
            make_report_narrative(agency=self.agency, shortcomings="Hai.")
        self.assertIn("Báo cáo này đã có phần tồn tại, phương hướng, kiến nghị", str(refused.exception))

    def test_the_agency_must_be_the_one_issuing_the_report_of_the_area_and_year(self):
        district = make_district(parent=self.province)
        with self.assertRaises(ValidationError) as refused:
            make_report_narrative(agency=self.agency, area=district, shortcomings="Sai địa bàn.")
        self.assertIn("agency", refused.exception.message_dict)
        with self.assertRaises(ValidationError) as refused:
            make_report_narrative(agency=self.agency, year=2026, shortcomings="Cơ quan đã thôi hoạt động.")
        self.assertIn("agency", refused.exception.message_dict)


def page_text_of(html):
    class Response:
        content = html.encode()

    return page_text(Response)


class NarrativeOutsideTheUsersUnitsTests(TestCase):
    """Two districts' reports, each by its own office; a clerk of the other district."""

    @classmethod
    def setUpTestData(cls):
        province = make_province()
        indicator = make_indicator()
        cls.pacnam = make_district(parent=province, code="060", name="Huyện Pác Nặm")
        cls.babe = make_district(parent=province, code="061", name="Huyện Ba Bể")
        cls.pacnam_office = make_agency(
            area=cls.pacnam, managing_body="UBND HUYỆN PÁC NẶM", name="PHÒNG LAO ĐỘNG", abbreviation="PLĐ"
        )
        make_agency(area=cls.babe, managing_body="UBND HUYỆN BA BỂ", name="PHÒNG LAO ĐỘNG", abbreviation="PLĐ")
        for district in (cls.pacnam, cls.babe):
            make_value(indicator=indicator, area=district, actual=100)
        cls.narrative = make_report_narrative(agency=cls.pacnam_office, shortcomings="Riêng của Pác Nặm.")
        cls.babe_clerk = make_role_user(username="babe", role=CLERK, units=[cls.babe])

    def setUp(self):
        self.client.force_login(self.babe_clerk)

    def test_a_clerk_of_another_district_neither_lists_opens_nor_reads_its_history(self):
        listed = self.client.get(reverse("admin:reports_reportnarrative_changelist"))
        self.assertEqual(listed.status_code, 200)
        self.assertNotIn("Huyện Pác Nặm", page_text(listed))
        opened = self.client.get(change_url(self.narrative), follow=True)
        self.assertNotIn("Riêng của Pác Nặm", page_text(opened))
        history = self.client.get(reverse("admin:reports_reportnarrative_history", args=[self.narrative.pk]))
        self.assertEqual(history.status_code, 404)

    def test_a_clerk_of_another_district_cannot_write_one_for_it_through_the_form(self):
        response = self.client.post(
            ADD_URL,
            {"year": "2024", "area": self.pacnam.pk, "agency": self.pacnam_office.pk, "recommendations": "Chen vào."},
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(ReportNarrative.objects.filter(recommendations="Chen vào.").exists())

    def test_a_clerk_of_another_district_cannot_change_it_through_the_model(self):
        self.narrative.shortcomings = "Sửa ngoài phạm vi."
        with changes_by(user=self.babe_clerk), self.assertRaises(ValidationError):
            self.narrative.save()
        self.narrative.refresh_from_db()
        self.assertEqual(self.narrative.shortcomings, "Riêng của Pác Nặm.")

    def test_the_clerks_own_district_report_offers_to_write_its_own_and_shows_none_of_the_other(self):
        response = self.client.get("/reports/2024/?area=061")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(paragraphs_of(response), [])
        self.assertEqual(response.context["narrative_edit_url"], f"{ADD_URL}?year=2024&area=061&agency=PL%C4%90")


class NarrativeOfAnApprovedYearTests(ProvinceReportFixture):
    """The province's 2024 approved, with the narrative of its report; a district's report without one."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.narrative = make_report_narrative(agency=cls.agency, shortcomings="Đã duyệt.")
        cls.district = make_district(parent=cls.province)
        cls.district_office = make_agency(
            area=cls.district, managing_body="UBND HUYỆN PÁC NẶM", name="PHÒNG LAO ĐỘNG", abbreviation="PLĐ"
        )
        make_value(indicator=cls.indicator, area=cls.district, actual=100)
        make_approved_year(area=cls.province)

    def test_the_form_opens_read_only_saying_who_approved_the_year(self):
        self.client.force_login(self.clerk)
        response = self.client.get(change_url(self.narrative))
        self.assertEqual(response.status_code, 200)
        self.assertNotIn('name="shortcomings"', response.content.decode())
        self.assertIn("đã được Nguyễn Thị Duyệt phê duyệt", page_text(response))

    def test_a_save_is_refused_on_the_form_and_through_the_model(self):
        self.client.force_login(self.clerk)
        fields = {
            "year": "2024",
            "area": self.province.pk,
            "agency": self.agency.pk,
            "shortcomings": "Sửa sau khi duyệt.",
            "version": self.narrative.version,
        }
        response = self.client.post(change_url(self.narrative), fields)
        self.assertIn("nên đã bị khóa", page_text(response))
        self.narrative.shortcomings = "Sửa sau khi duyệt."
        with self.assertRaises(ValidationError):
            self.narrative.save()
        self.assertEqual(ReportNarrative.objects.get().shortcomings, "Đã duyệt.")

    def test_the_report_prints_it_and_offers_no_link_to_change_it(self):
        response = self.report()
        self.assertEqual(paragraphs_of(response), ["Đã duyệt."])
        self.assertIsNone(response.context["narrative_edit_url"])

    def test_no_narrative_can_be_added_to_a_report_of_the_approved_year(self):
        self.client.force_login(self.clerk)
        response = self.client.get("/reports/2024/?area=060")
        self.assertEqual(response.status_code, 200)
        self.assertIsNone(response.context["narrative_edit_url"])
        with self.assertRaises(ValidationError):
            make_report_narrative(agency=self.district_office, shortcomings="Thêm sau khi duyệt.")


class NarrativeSectionsTests(TestCase):
    """What the page and the files built from the report (DOCX) read: reports.narrative."""

    def test_each_line_is_a_paragraph_and_blank_lines_are_dropped(self):
        self.assertEqual(paragraphs("  Một.  \r\n\r\n\nHai.\rBa.\n   \n"), ["Một.", "Hai.", "Ba."])

    def test_a_report_without_narrative_has_no_sections_and_its_table_stays_section_ii(self):
        self.assertEqual(figures_heading([]), "II. BIỂU TỔNG HỢP CÁC CHỈ TIÊU")

    def test_the_sections_are_headings_with_their_paragraphs(self):
        class Report:
            year = 2025

        narrative = ReportNarrative(shortcomings="A\nB", directions="", recommendations="C")
        sections = narrative_sections(Report, narrative)
        self.assertEqual(
            sections,
            [("II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", ["A", "B"]), ("III. KIẾN NGHỊ, ĐỀ XUẤT", ["C"])],
        )
        self.assertEqual(figures_heading(sections), "IV. BIỂU TỔNG HỢP CÁC CHỈ TIÊU")


class BacKan2024WithoutNarrativeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def test_the_2024_report_without_narrative_prints_as_before(self):
        self.client.login(username="tinh.xem", password="bkxh-demo-2024")
        response = self.client.get("/reports/2024/")
        before = response.content
        self.assertIn("<h2>II. BIỂU TỔNG HỢP CÁC CHỈ TIÊU</h2>", before.decode())
        self.assertNotIn(b"narrative", before)
        narrative = make_report_narrative(agency=response.context["report"].agency, shortcomings="Tạm.")
        self.assertIn(b"narrative-paragraph", self.client.get("/reports/2024/").content)
        narrative.delete()
        self.assertEqual(self.client.get("/reports/2024/").content, before)

    def test_the_administrator_gets_the_link_off_the_printed_page(self):
        self.client.login(username="admin", password="bkxh-demo-2024")
        response = self.client.get("/reports/2024/")
        self.assertIn(WRITE_LINK, page_text(response))
        self.assertNotIn(b"narrative", printed_part(response).encode())
