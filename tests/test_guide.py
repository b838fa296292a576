"""Help where it is needed: each list and import page says what it is for and links to the
guide's section on the task, a page of the site in Vietnamese."""

from django.contrib import admin
from django.test import TestCase
from django.utils import translation

from tests.factories import make_superuser
from tests.test_report import page_text

GUIDE = "/huong-dan/"
SECTIONS = {
    "enter": "Nhập số liệu",
    "import": "Nhập số liệu từ tệp",
    "approve": "Gửi duyệt và duyệt số liệu năm",
    "report": "In và ban hành báo cáo",
}


def bkxh_admins():
    """The ModelAdmins of bkxh's own models (the login-throttling package's lists are left out)."""
    return [
        (model, model_admin) for model, model_admin in admin.site._registry.items() if model._meta.app_label != "axes"
    ]


class ListHelpTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_superuser()

    def setUp(self):
        self.client.force_login(self.user)

    def test_every_list_says_what_it_is_for_in_vietnamese_and_links_to_its_task(self):
        for model, model_admin in bkxh_admins():
            with self.subTest(model=model._meta.label):
                self.assertIn(model_admin.guide_section, SECTIONS)
                with translation.override("en"):
                    english = str(model_admin.list_help)
                self.assertTrue(english)
                url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                text = page_text(response)
                self.assertIn(str(model_admin.list_help), text)
                self.assertNotIn(english, text)
                self.assertContains(response, f'href="{GUIDE}#{model_admin.guide_section}"')

    def test_the_import_page_says_what_it_is_for_and_links_to_the_guide(self):
        response = self.client.get("/admin/indicators/indicatorvalue/import/")
        self.assertContains(response, "Nhập nhiều dòng một lúc từ tệp làm bằng Excel")
        self.assertContains(response, f'href="{GUIDE}#import"')


class GuidePageTests(TestCase):
    def test_the_guide_has_the_four_daily_tasks_in_vietnamese(self):
        self.client.force_login(make_superuser())
        response = self.client.get(GUIDE)
        for anchor, heading in SECTIONS.items():
            with self.subTest(section=anchor):
                self.assertContains(response, f'id="{anchor}"')
                self.assertIn(heading, page_text(response))
        self.assertIn("Gõ số theo cách viết tiếng Việt (7.000; 4,5)", page_text(response))

    def test_the_guide_needs_a_login(self):
        self.assertEqual(self.client.get(GUIDE).status_code, 302)
