"""Whole citizen IDs on the history's pages, and what the access log keeps of an export.

A past version of a person (History → a date) shows the ID it had then: whole, and logged, to a
user with the permission; masked to anyone else. An export's log entry names the search and the
filters it was made with, in the words of the list's filter panel.
"""

from django.test import TestCase
from django.urls import reverse

from accounts.roles import ADMINISTRATOR, VIEWER
from audit.context import changes_by
from audit.models import AccessLog
from tests.factories import (
    export_list,
    make_citizen_id,
    make_commune,
    make_district,
    make_longevity_gift,
    make_person,
    make_province,
    make_role_user,
)

GIFTS = "/admin/beneficiaries/longevitygift/"


class PastVersionOfAPersonTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        province = make_province()
        commune = make_commune(parent=make_district(parent=province))
        cls.old_id = make_citizen_id(birth_year=1934, serial=4321)
        cls.elder = make_person(full_name="Nông Văn Thọ", birth_year=1934, commune=commune, citizen_id=cls.old_id)
        cls.elder.citizen_id = make_citizen_id(birth_year=1934, serial=9999)
        with changes_by(source="form"):
            cls.elder.save()
        first = cls.elder.history.order_by("history_id").first()
        cls.version_page = reverse("admin:beneficiaries_person_simple_history", args=[cls.elder.pk, first.history_id])
        cls.viewer = make_role_user(username="tinh.xem", role=VIEWER, units=[province])
        cls.administrator = make_role_user(username="tinh.quantri", role=ADMINISTRATOR, units=[province])

    def test_a_past_version_shows_its_whole_id_to_a_user_with_the_permission_and_logs_the_view(self):
        self.client.force_login(self.administrator)
        self.assertContains(self.client.get(self.version_page), self.old_id)
        self.assertEqual(
            list(AccessLog.objects.filter(event="full_id").values_list("username", "event", "subject", "path")),
            [("tinh.quantri", AccessLog.Event.FULL_ID, str(self.elder), self.version_page)],
        )

    def test_a_past_version_shows_a_masked_id_to_a_user_without_the_permission_and_logs_nothing(self):
        self.client.force_login(self.viewer)
        response = self.client.get(self.version_page)
        self.assertContains(response, "••••••••4321")
        self.assertNotContains(response, self.old_id)
        self.assertFalse(AccessLog.objects.filter(event=AccessLog.Event.FULL_ID).exists())

    def test_a_past_version_without_an_id_logs_nothing(self):
        nobody = make_person(full_name="Lò Văn Không", citizen_id="")
        version = nobody.history.get()
        self.client.force_login(self.administrator)
        page = reverse("admin:beneficiaries_person_simple_history", args=[nobody.pk, version.history_id])
        self.assertEqual(self.client.get(page).status_code, 200)
        self.assertFalse(AccessLog.objects.filter(event=AccessLog.Event.FULL_ID).exists())


class ExportEntryInTheAccessLogTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.district = make_district(parent=cls.province)
        cls.commune = make_commune(parent=cls.district, code="01861", name="Xã Nhạn Môn")
        make_longevity_gift(person=make_person(full_name="Lò Thị Thử", birth_year=1934, commune=cls.commune))
        cls.administrator = make_role_user(username="tinh.quantri", role=ADMINISTRATOR, units=[cls.province])

    def setUp(self):
        self.client.force_login(self.administrator)

    def exported_detail(self, params):
        response = export_list(self.client, GIFTS, params)
        self.assertEqual(response.status_code, 200)
        return AccessLog.objects.get(event=AccessLog.Event.EXPORT).detail

    def test_an_export_entry_names_its_filters_and_search_in_words(self):
        detail = self.exported_detail(
            {
                "year": "2024",
                "district": self.district.pk,
                "commune": self.commune.pk,
                "milestone__exact": "90",
                "q": "Lò Thị",
            }
        )
        self.assertEqual(
            detail, "Tìm kiếm: “Lò Thị”; Năm: 2024; Huyện: 060 Huyện Pác Nặm; Xã: Xã Nhạn Môn; Mốc tuổi: 90"
        )

    def test_a_commune_chosen_without_its_district_is_named_too(self):
        self.assertEqual(self.exported_detail({"commune": self.commune.pk}), "Xã: Xã Nhạn Môn")

    def test_a_lookup_no_filter_offers_is_kept_as_it_was_sent(self):
        self.assertEqual(self.exported_detail({"cash_vnd__gte": "100000"}), "cash_vnd__gte=100000")

    def test_an_export_of_the_whole_list_says_so(self):
        self.assertEqual(self.exported_detail({}), "Cả danh sách")

    def test_the_access_log_lists_the_filters_of_each_export(self):
        self.exported_detail({"year": "2024"})
        response = self.client.get(reverse("admin:audit_accesslog_changelist"))
        self.assertContains(response, '<td class="field-detail">Năm: 2024</td>', html=True)
