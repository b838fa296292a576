"""No one who may not see a whole citizen ID can filter by it: every lookup on a personal
field, directly or through relations, of every list and its export answers 400."""

from django.contrib import admin
from django.test import TestCase

from accounts.roles import ADMINISTRATOR, CLERK, VIEWER
from audit.personal_data import personal_fields_of
from bkxh.record_admin import RecordAdmin
from tests.factories import export_list, make_citizen_id, make_person, make_province, make_role_user


def personal_paths(model, depth=2, prefix=""):
    """(lookup path, field) of every personal field of `model` and of the models its relations
    lead to, `depth` relations deep."""
    paths = [(prefix + name, model._meta.get_field(name)) for name in personal_fields_of(model)]
    if depth:
        for field in model._meta.get_fields():
            if field.is_relation and field.related_model is not None and field.related_model is not model:
                paths += personal_paths(field.related_model, depth - 1, f"{prefix}{field.name}__")
    return paths


def lookups_on_personal_fields():
    """{changelist url: [query-string lookups]} for every data list that can reach a personal field."""
    found = {}
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, RecordAdmin):
            continue
        lookups = [
            f"{path}__{suffix}" if suffix else path
            for path, field in personal_paths(model)
            for suffix in ("", *field.get_lookups())
        ]
        if lookups:
            found[f"/admin/{model._meta.app_label}/{model._meta.model_name}/"] = lookups
    return found


class PersonalLookupTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        province = make_province()
        cls.viewer = make_role_user(username="tinh.xem", role=VIEWER, units=[province])
        cls.clerk = make_role_user(username="tinh.nhaplieu", role=CLERK, units=[province])
        cls.administrator = make_role_user(username="tinh.quantri", role=ADMINISTRATOR, units=[province])
        make_person(birth_year=1957, citizen_id=make_citizen_id(birth_year=1957, province="006"))

    def test_the_registers_and_people_lists_are_all_covered(self):
        lists = lookups_on_personal_fields()
        self.assertIn("/admin/beneficiaries/person/", lists)
        self.assertIn("/admin/beneficiaries/ricereliefline/", lists)
        self.assertIn("household__head__citizen_id__startswith", lists["/admin/beneficiaries/ricereliefline/"])
        self.assertGreaterEqual(len(lists), 10)

    def test_a_viewer_gets_400_for_every_lookup_on_a_personal_field_of_every_list(self):
        self.client.force_login(self.viewer)
        for url, lookups in lookups_on_personal_fields().items():
            for lookup in lookups:
                with self.subTest(url=url, lookup=lookup):
                    self.assertEqual(self.client.get(url, {lookup: "0060"}).status_code, 400)

    def test_a_clerk_gets_400_for_every_lookup_on_a_personal_field_of_every_export(self):
        self.client.force_login(self.clerk)
        for url, lookups in lookups_on_personal_fields().items():
            for lookup in lookups:
                with self.subTest(url=url, lookup=lookup):
                    response = export_list(self.client, url, {lookup: "0060"})
                    self.assertEqual(response.status_code, 400)

    def test_an_administrator_who_sees_whole_ids_may_filter_by_them(self):
        self.client.force_login(self.administrator)
        response = self.client.get("/admin/beneficiaries/person/", {"citizen_id__startswith": "006057"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.context["cl"].result_list), 1)
