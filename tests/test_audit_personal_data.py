"""Citizen IDs: masked on every page a user without the permission can reach; full views are logged."""

import datetime
import io
import re

from django.contrib import admin
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import ADMINISTRATOR, CLERK, REVIEWER, VIEWER
from audit.context import changes_by
from audit.models import AccessLog
from beneficiaries.models import Gender, Person
from tests.admin_forms import form_fields
from tests.factories import (
    make_citizen_id,
    make_commune,
    make_district,
    make_household,
    make_longevity_gift,
    make_person,
    make_province,
    make_role_user,
    make_superuser,
)

TWELVE_DIGITS = re.compile(r"\d{12}")


def readable(response):
    """The text a person would see: an XLSX download's cells, anything else as it is."""
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        workbook = load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(
            str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row if cell
        )
    return response.content.decode("utf-8-sig")


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


class CitizenIdMaskingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.district = make_district(parent=cls.province)
        cls.commune = make_commune(parent=cls.district)
        cls.elder = make_person(
            commune=cls.commune,
            full_name="Nông Văn Thọ",
            birth_year=1934,
            citizen_id=make_citizen_id(birth_year=1934, serial=4321),
        )
        household = make_household(commune=cls.commune)
        cls.lan = make_person(
            commune=cls.commune,
            household=household,
            full_name="Hoàng Thị Lan",
            gender=Gender.FEMALE,
            birth_year=1990,
            citizen_id=make_citizen_id(female=True, birth_year=1990, serial=1234),
        )
        household.head = cls.lan
        household.save()
        make_longevity_gift(person=cls.elder)
        cls.elder.citizen_id = cls.elder.citizen_id[:-4] + "9999"
        with changes_by(source="form"):
            cls.elder.save()
        cls.viewer = make_role_user(username="tinh.xem", role=VIEWER, units=[cls.province])
        cls.clerk = make_role_user(username="pacnam.nhaplieu", role=CLERK, units=[cls.district])
        cls.reviewer = make_role_user(username="tinh.duyet", role=REVIEWER, units=[cls.province])
        cls.administrator = make_role_user(username="tinh.quantri", role=ADMINISTRATOR, units=[cls.province])

    def reachable_pages(self, user):
        """Every admin page `user` may open for the rows here, searches by ID, the reports, and the
        exports as their buttons post them: (address, the form posted or None for a GET)."""
        for page in ("/admin/", "/reports/", "/reports/2024/", "/reports/2024/?area=060"):
            yield page, None
        for model, model_admin in admin.site._registry.items():
            if not model_admin.has_view_permission(type("Request", (), {"user": user})()):
                continue
            yield url(model, "changelist"), None
            yield url(model, "changelist") + f"?q={self.lan.citizen_id}", None
            yield url(model, "changelist") + "?q=Lan", None
            for pk in model._default_manager.values_list("pk", flat=True)[:20]:
                yield url(model, "change", pk), None
                yield url(model, "history", pk), None
                for record in getattr(model, "history", model._default_manager.none()).filter(pk=pk)[:5]:
                    yield url(model, "simple_history", pk, record.history_id), None
            if getattr(model_admin, "import_kind_object", None) is not None:
                yield url(model, "export"), None
                yield url(model, "export"), {"_format": "csv"}
                yield url(model, "export"), {"_format": "xlsx"}
                yield url(model, "export") + f"?q={self.lan.citizen_id}", {"_format": "csv"}
            for field_name in model_admin.autocomplete_fields:
                yield (
                    "/admin/autocomplete/?app_label="
                    f"{model._meta.app_label}&model_name={model._meta.model_name}&field_name={field_name}&term=",
                    None,
                )

    def test_no_page_or_export_shows_a_whole_citizen_id_to_a_user_without_the_permission(self):
        for user in (self.viewer, self.clerk, self.reviewer):
            self.client.force_login(user)
            opened = downloaded = 0
            for page, posted in self.reachable_pages(user):
                response = self.client.get(page) if posted is None else self.client.post(page, posted)
                if response.status_code != 200:
                    continue
                opened += 1
                downloaded += "attachment" in response.get("Content-Disposition", "")
                # A search by ID echoes what the user typed (search box, links that keep the search);
                # the same lists without the search are scanned whole.
                content = readable(response)
                if self.lan.citizen_id in page and posted is None:
                    content = content.replace(self.lan.citizen_id, "")
                with self.subTest(user=user.username, page=page, posted=posted):
                    self.assertIsNone(TWELVE_DIGITS.search(content))
            self.assertGreater(opened, 40)
            if user != self.viewer:
                self.assertGreater(downloaded, 20, user.username)
        self.assertFalse(AccessLog.objects.filter(event=AccessLog.Event.FULL_ID).exists())

    def test_import_templates_show_a_made_up_example_id_and_no_stored_one(self):
        self.client.force_login(self.clerk)
        stored = set(Person.objects.values_list("citizen_id", flat=True))
        templates = 0
        for model, model_admin in admin.site._registry.items():
            if getattr(model_admin, "import_kind_object", None) is None:
                continue
            content = readable(self.client.get(url(model, "import_template")))
            templates += 1
            with self.subTest(model=model._meta.label):
                self.assertFalse(stored & set(TWELVE_DIGITS.findall(content)))
        self.assertGreater(templates, 10)

    def test_the_last_four_digits_are_shown_and_the_id_is_still_searchable(self):
        self.client.force_login(self.viewer)
        response = self.client.get(url(Person, "changelist"), {"q": self.lan.citizen_id})
        self.assertEqual(list(response.context["cl"].result_list), [self.lan])
        self.assertContains(response, "••••••••1234")
        self.assertContains(self.client.get(url(Person, "change", self.lan.pk)), "••••••••1234")

    def test_the_history_masks_old_and_new_ids(self):
        self.client.force_login(self.viewer)
        response = self.client.get(url(Person, "history", self.elder.pk))
        self.assertContains(response, "••••••••4321")
        self.assertContains(response, "••••••••9999")

    def test_a_user_with_the_permission_sees_the_whole_id_and_each_view_is_logged(self):
        self.client.force_login(self.administrator)
        for _view in range(2):
            self.assertContains(self.client.get(url(Person, "change", self.lan.pk)), self.lan.citizen_id)
        self.assertContains(self.client.get(url(Person, "history", self.elder.pk)), self.elder.citizen_id)
        self.assertEqual(
            list(AccessLog.objects.filter(event="full_id").order_by("pk").values_list("username", "event", "subject")),
            [
                ("tinh.quantri", "full_id", str(self.lan)),
                ("tinh.quantri", "full_id", str(self.lan)),
                ("tinh.quantri", "full_id", str(self.elder)),
            ],
        )

    def test_a_clerk_without_the_permission_cannot_overwrite_an_id_with_its_mask(self):
        self.client.force_login(self.clerk)
        response = self.client.get(url(Person, "change", self.lan.pk))
        self.assertNotContains(response, 'name="citizen_id"')

    def test_a_clerk_without_the_permission_can_fill_in_a_missing_id_which_is_masked_afterwards(self):
        person = make_person(commune=self.commune, full_name="Lò Văn Tâm", birth_year=1960)
        citizen_id = make_citizen_id(birth_year=1960, serial=5678)
        self.client.force_login(self.clerk)
        change = url(Person, "change", person.pk)
        page = self.client.get(change)
        self.assertContains(page, 'name="citizen_id"')
        response = self.client.post(change, {**form_fields(page.content.decode()), "citizen_id": citizen_id})
        self.assertEqual(response.status_code, 302)
        person.refresh_from_db()
        self.assertEqual(person.citizen_id, citizen_id)
        page = self.client.get(change)
        self.assertNotContains(page, 'name="citizen_id"')
        self.assertContains(page, "••••••••5678")
        self.assertNotContains(page, citizen_id)


class AccessLogPageTests(TestCase):
    def test_an_entrys_heading_and_breadcrumb_give_its_local_time_as_its_time_field_does(self):
        entry = AccessLog.objects.create(
            at=datetime.datetime(2026, 12, 1, 13, 10, tzinfo=datetime.UTC),
            username="tinh.quantri",
            event=AccessLog.Event.FULL_ID,
            subject="Nông Văn Thọ (1934)",
        )
        self.client.force_login(make_superuser())
        response = self.client.get(url(AccessLog, "change", entry.pk))
        self.assertEqual(response.context["subtitle"], f"01/12/2026 20:10 tinh.quantri {entry.get_event_display()}")
        self.assertContains(response, "&rsaquo; 01/12/2026 20:10 tinh.quantri")
        self.assertNotContains(response, "13:10")
