"""An export is a POST with the CSRF token: a page elsewhere cannot export personal data in a
user's name (and write the access-log entry that says they did). A GET of export/ shows the
filters it would apply and the buttons, and downloads nothing."""

from django.test import Client, TestCase

from accounts.roles import ADMINISTRATOR, VIEWER
from audit.models import AccessLog
from tests.factories import (
    export_list,
    make_commune,
    make_district,
    make_longevity_gift,
    make_person,
    make_province,
    make_role_user,
)

GIFTS = "/admin/beneficiaries/longevitygift/"


class ExportIsAPostTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.district = make_district(parent=cls.province)
        cls.commune = make_commune(parent=cls.district, code="01861", name="Xã Nhạn Môn")
        make_longevity_gift(person=make_person(full_name="Lò Thị Thử", birth_year=1934, commune=cls.commune))
        make_longevity_gift(person=make_person(full_name="Hoàng Văn Hai", birth_year=1934))
        cls.administrator = make_role_user(username="tinh.quantri", role=ADMINISTRATOR, units=[cls.province])

    def setUp(self):
        self.client.force_login(self.administrator)

    def test_the_list_offers_the_export_as_a_form_that_posts_under_the_lists_filters(self):
        response = self.client.get(GIFTS, {"commune": self.commune.pk})
        self.assertContains(
            response, f'<form method="post" action="{GIFTS}export/?commune={self.commune.pk}" class="export-form">'
        )
        self.assertContains(response, '<button type="submit" name="_format" value="xlsx">Xuất ra XLSX</button>')
        self.assertContains(response, '<button type="submit" name="_format" value="csv">Xuất ra CSV</button>')
        self.assertNotContains(response, f"{GIFTS}export/?_format=")

    def test_a_get_of_the_export_shows_its_filters_and_the_buttons_and_downloads_nothing(self):
        response = self.client.get(f"{GIFTS}export/", {"commune": self.commune.pk, "_format": "csv"})
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("Content-Disposition", response)
        self.assertContains(response, "<h1>Tải danh sách quà mừng thọ</h1>", html=True)
        self.assertContains(response, "<li>Xã: Xã Nhạn Môn</li>", html=True)
        self.assertContains(response, "1 dòng")
        self.assertContains(response, f'<form method="post" action="{GIFTS}export/?commune={self.commune.pk}">')
        self.assertContains(response, 'name="csrfmiddlewaretoken"')
        button = '<button type="submit" name="_format" value="xlsx" class="button default">Tải XLSX</button>'
        self.assertContains(response, button, html=True)
        self.assertContains(response, f'href="{GIFTS}?commune={self.commune.pk}"')
        self.assertFalse(AccessLog.objects.filter(event=AccessLog.Event.EXPORT).exists())

    def test_a_date_chosen_in_the_lists_date_bar_is_named_as_a_date(self):
        response = self.client.get("/admin/beneficiaries/decision/export/", {"date__year": "2024", "date__month": "3"})
        self.assertContains(response, "<li>Ngày ký: 03/2024</li>", html=True)

    def test_a_get_of_the_whole_list_says_so(self):
        response = self.client.get(f"{GIFTS}export/")
        self.assertContains(response, "Cả danh sách")
        self.assertContains(response, "2 dòng")

    def test_a_get_with_filters_that_are_not_valid_answers_with_the_list_and_a_message(self):
        response = self.client.get(f"{GIFTS}export/", {"year": "abc"}, follow=True)
        self.assertContains(response, "Bộ lọc trong địa chỉ trang không hợp lệ; chưa xuất dữ liệu nào.")

    def test_a_post_from_another_page_without_the_token_is_refused_and_not_logged(self):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(self.administrator)
        response = browser.post(f"{GIFTS}export/", {"_format": "csv"})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(AccessLog.objects.filter(event=AccessLog.Event.EXPORT).exists())

    def test_the_confirmation_pages_button_downloads_the_filtered_list_and_logs_it(self):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(self.administrator)
        page = browser.get(f"{GIFTS}export/", {"commune": self.commune.pk})
        response = browser.post(
            f"{GIFTS}export/?commune={self.commune.pk}",
            {"_format": "csv", "csrfmiddlewaretoken": page.context["csrf_token"]},
        )
        self.assertEqual(response.status_code, 200)
        lines = response.content.decode("utf-8-sig").splitlines()
        self.assertEqual(len(lines), 2)
        self.assertIn("Lò Thị Thử", lines[1])
        entry = AccessLog.objects.get(event=AccessLog.Event.EXPORT)
        self.assertEqual((entry.event, entry.row_count, entry.detail), (AccessLog.Event.EXPORT, 1, "Xã: Xã Nhạn Môn"))
        self.assertEqual(entry.path, f"{GIFTS}export/?commune={self.commune.pk}")

    def test_the_format_is_the_button_pressed(self):
        response = export_list(self.client, GIFTS, file_format="xlsx")
        self.assertEqual(response["Content-Type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    def test_other_methods_are_not_allowed(self):
        for method in ("put", "delete", "patch"):
            with self.subTest(method=method):
                self.assertEqual(getattr(self.client, method)(f"{GIFTS}export/").status_code, 405)

    def test_a_user_without_the_export_permission_gets_neither_the_page_nor_the_file(self):
        self.client.force_login(make_role_user(username="tinh.xem", role=VIEWER, units=[self.province]))
        self.assertEqual(self.client.get(f"{GIFTS}export/").status_code, 403)
        self.assertEqual(export_list(self.client, GIFTS).status_code, 403)
        self.assertFalse(AccessLog.objects.filter(event=AccessLog.Event.EXPORT).exists())
