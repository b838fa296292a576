"""Units among choices: a name the 2025 reform kept names two units, told apart by code and period."""

import datetime

from django.test import TestCase

from areas.models import AdminUnit
from beneficiaries.models import RiceReliefLine
from tests.admin_forms import admin_url
from tests.factories import make_commune, make_district, make_province, make_rice_line, make_superuser

OLD = "01858 – Xã Bằng Thành (… – 30/06/2025)"
NEW = "01864 – Xã Bằng Thành (01/07/2025 – …)"


class UnitChoiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.old = make_commune(parent=make_district(parent=make_province()))
        cls.new_province = make_province(
            code="19", name="Tỉnh Thái Nguyên", valid_from=datetime.date(2025, 7, 1), valid_to=None
        )
        cls.new = make_commune(parent=cls.new_province, code="01864", valid_from=datetime.date(2025, 7, 1))
        cls.line = make_rice_line(commune=cls.old)
        cls.user = make_superuser()

    def setUp(self):
        self.client.force_login(self.user)

    def autocomplete(self, model, field_name, term):
        opts = model._meta
        query = {"app_label": opts.app_label, "model_name": opts.model_name, "field_name": field_name, "term": term}
        response = self.client.get("/admin/autocomplete/", query)
        self.assertEqual(response.status_code, 200)
        return [result["text"] for result in response.json()["results"]]

    def test_the_commune_autocomplete_shows_code_and_period_with_the_unit_in_force_today_first(self):
        self.assertEqual(self.autocomplete(RiceReliefLine, "commune", "Bằng Thành"), [NEW, OLD])

    def test_a_unit_already_chosen_is_shown_with_its_code_and_period(self):
        page = self.client.get(admin_url(RiceReliefLine, "change", self.line.pk))
        self.assertContains(page, f'<option value="{self.old.pk}" selected>{OLD}</option>', html=True)

    def test_a_select_of_units_lists_them_with_code_and_period_in_force_today_first(self):
        page = self.client.get(admin_url(AdminUnit, "add")).content.decode()
        self.assertLess(page.index(NEW), page.index(OLD))

    def test_a_unit_is_still_written_by_its_name_alone_elsewhere(self):
        self.assertEqual(str(self.old), "Xã Bằng Thành")
