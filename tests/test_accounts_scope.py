"""The scope matrix: every model registered in the admin × every page × own unit and other unit.

The matrix is built from the admin registry, so a model registered later is in it without
anyone editing this file: a data model gets a row per side from its required fields
(tests.factories.DistrictRows), and a
model the matrix cannot classify fails the test until someone says how it is scoped.
"""

import csv
import io

from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import RequestFactory, TestCase
from django.urls import reverse
from django.utils import timezone

from accounts.roles import ADMINISTRATOR
from accounts.scope import province_writes_only
from accounts.scoped_admin import AreaScopedAdmin
from approvals.locking import YearLockedError
from approvals.models import YearApproval
from areas.models import AdminUnit
from bkxh.records import Record, read_by_any_dependent
from indicators.models import IndicatorValue
from tests.admin_forms import as_typed, form_fields
from tests.factories import (
    DistrictRows,
    export_list,
    make_district,
    make_indicator,
    make_province,
    make_role_user,
    make_superuser,
    make_value,
)

# Seen by users who answer for the whole province only (logs of who did what).
PROVINCE_ONLY = {
    "audit.accesslog",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "imports.importlog",
}


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


class ScopeMatrixTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.indicator = make_indicator()
        cls.own = DistrictRows(province=cls.province, indicator=cls.indicator)
        cls.other = DistrictRows(
            province=cls.province, code="061", name="Ba Bể", commune_code="01840", serial=5678, indicator=cls.indicator
        )
        cls.user = make_role_user(username="pacnam.quantri", role=ADMINISTRATOR, units=[cls.own.district])
        for model, model_admin in admin.site._registry.items():
            if cls.kind(model, model_admin) == "scoped":
                for side in (cls.own, cls.other):
                    side.row(model)

    @staticmethod
    def kind(model, model_admin):
        if model._meta.label_lower in PROVINCE_ONLY:
            return "province_only"
        if not isinstance(model_admin, AreaScopedAdmin):
            return "unclassified"
        return "unscoped" if model_admin.area_path is None else "scoped"

    def setUp(self):
        self.client.force_login(self.user)

    def registered(self, kind):
        found = [model for model, ma in admin.site._registry.items() if self.kind(model, ma) == kind]
        self.assertTrue(found or kind == "unclassified")
        return found

    def test_every_registered_model_is_classified(self):
        self.assertEqual(self.registered("unclassified"), [])

    def test_a_district_user_lists_only_the_rows_of_their_units(self):
        for model in self.registered("scoped"):
            with self.subTest(model=model._meta.label):
                response = self.client.get(admin_url(model, "changelist"))
                self.assertEqual(response.status_code, 200)
                shown = {row.pk for row in response.context["cl"].result_list}
                self.assertIn(self.own.rows[model].pk, shown)
                self.assertNotIn(self.other.rows[model].pk, shown)

    def test_a_district_user_exports_only_the_rows_of_their_units(self):
        request = RequestFactory().get("/")
        request.user = self.user
        exported_models = 0
        for model, model_admin in admin.site._registry.items():
            if self.kind(model, model_admin) != "scoped" or getattr(model_admin, "import_kind_object", None) is None:
                continue
            exported_models += 1
            with self.subTest(model=model._meta.label):
                response = export_list(self.client, admin_url(model, "changelist"))
                self.assertEqual(response.status_code, 200)
                rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
                in_scope = model_admin.get_queryset(request).count()
                self.assertEqual(len(rows), in_scope)
                self.assertLess(in_scope, model.objects.count())
        self.assertGreater(exported_models, 10)

    def test_a_district_user_cannot_import_rows_of_another_unit(self):
        """The province's export of every model, imported by the district: each row of the other
        district is refused and named, unchanged as it is, and nothing is written."""
        request = RequestFactory().get("/")
        request.user = self.user
        imported_models = 0
        for model, model_admin in admin.site._registry.items():
            if self.kind(model, model_admin) != "scoped" or getattr(model_admin, "import_kind_object", None) is None:
                continue
            imported_models += 1
            with self.subTest(model=model._meta.label):
                self.client.force_login(make_superuser(username=f"tinh-{model._meta.model_name}"))
                exported = export_list(self.client, admin_url(model, "changelist")).content
                self.client.force_login(self.user)
                before = list(model._default_manager.order_by("pk").values())
                response = self.client.post(
                    admin_url(model, "import"), {"file": SimpleUploadedFile("tinh.csv", exported)}
                )
                errors = response.context["log"].errors
                refused_rows = {error["row"] for error in errors if "Ba Bể" in error["message"]}
                in_scope = model_admin.get_queryset(request).count()
                self.assertEqual(len(refused_rows), model._default_manager.count() - in_scope)
                self.assertGreater(len(refused_rows), 0)
                self.assertFalse(response.context["can_confirm"])
                confirm = admin_url(model, "import") + f"{response.context['log'].pk}/confirm/"
                self.client.post(confirm, {"confirm": "1"})
                self.assertEqual(list(model._default_manager.order_by("pk").values()), before)
        self.assertGreater(imported_models, 10)

    def test_a_district_user_opens_the_rows_of_their_units_and_no_other(self):
        for model in self.registered("scoped"):
            with self.subTest(model=model._meta.label):
                self.assertEqual(self.client.get(admin_url(model, "change", self.own.rows[model].pk)).status_code, 200)
                other = self.client.get(admin_url(model, "change", self.other.rows[model].pk))
                self.assertEqual(other.status_code, 302)
                self.assertNotIn(str(self.other.rows[model].pk), other["Location"])

    def test_a_district_user_cannot_delete_a_row_of_another_unit(self):
        for model in self.registered("scoped"):
            with self.subTest(model=model._meta.label):
                other = self.other.rows[model]
                self.assertNotEqual(self.client.get(admin_url(model, "delete", other.pk)).status_code, 200)
                self.client.post(admin_url(model, "delete", other.pk), {"post": "yes"})
                self.client.post(
                    admin_url(model, "changelist"),
                    {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"},
                )
                self.assertTrue(model._default_manager.filter(pk=other.pk).exists())

    def test_a_district_user_cannot_change_a_row_of_another_unit(self):
        for model in self.registered("scoped"):
            with self.subTest(model=model._meta.label):
                other = self.other.rows[model]
                before = model._default_manager.filter(pk=other.pk).values().get()
                response = self.client.post(admin_url(model, "change", other.pk), {"version": 0, "note": "đổi"})
                # 403 from a model nobody changes in the admin (an issued report), in any unit.
                self.assertIn(response.status_code, (302, 403))
                self.assertEqual(model._default_manager.filter(pk=other.pk).values().get(), before)

    def test_a_district_user_sees_the_history_of_their_rows_only(self):
        for model in self.registered("scoped"):
            with self.subTest(model=model._meta.label):
                self.assertEqual(self.client.get(admin_url(model, "history", self.own.rows[model].pk)).status_code, 200)
                self.assertEqual(
                    self.client.get(admin_url(model, "history", self.other.rows[model].pk)).status_code, 404
                )

    def test_autocomplete_offers_only_rows_of_the_users_units(self):
        checked = 0
        for source, source_admin in admin.site._registry.items():
            for field_name in source_admin.autocomplete_fields:
                target = source._meta.get_field(field_name).related_model
                if self.kind(target, admin.site._registry[target]) != "scoped":
                    continue
                with self.subTest(source=source._meta.label, field=field_name):
                    response = self.client.get(
                        "/admin/autocomplete/",
                        {
                            "app_label": source._meta.app_label,
                            "model_name": source._meta.model_name,
                            "field_name": field_name,
                            "term": "",
                        },
                    )
                    self.assertEqual(response.status_code, 200)
                    offered = {int(item["id"]) for item in response.json()["results"]}
                    self.assertNotIn(self.other.rows[target].pk, offered)
                    checked += 1
        self.assertGreater(checked, 10)

    def test_a_row_cannot_be_added_in_another_unit(self):
        response = self.client.post(
            admin_url(IndicatorValue, "add"),
            {"indicator": self.indicator.pk, "year": 2025, "area": self.other.district.pk, "status": "estimate"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "area")
        self.assertFalse(IndicatorValue.objects.filter(year=2025).exists())

    def test_catalogue_models_are_read_but_not_changed_by_a_district_user(self):
        for model in self.registered("unscoped"):
            with self.subTest(model=model._meta.label):
                self.assertEqual(self.client.get(admin_url(model, "changelist")).status_code, 200)
                if not province_writes_only(model):
                    continue
                self.assertEqual(self.client.get(admin_url(model, "add")).status_code, 403)
                row = model._default_manager.first()
                if row is not None:
                    self.assertEqual(self.client.post(admin_url(model, "change", row.pk), {}).status_code, 403)

    def test_logs_of_who_did_what_are_for_the_province_only(self):
        for model in self.registered("province_only"):
            with self.subTest(model=model._meta.label):
                self.assertEqual(self.client.get(admin_url(model, "changelist")).status_code, 403)

    def test_a_write_that_moves_rows_of_an_approved_year_is_refused(self):
        """The dependent-row column: for every model whose rows other rows take their year, unit
        or printed values from (bkxh.records.dependents_of), changing one of those fields of the
        district's row once its 2024 is approved is refused, from the admin form and from code."""
        # The matrix's own draft approval of the district's 2024, approved.
        YearApproval.objects.filter(area=self.own.district, year=2024).update(
            state=YearApproval.State.APPROVED, approved_by=make_superuser(), approved_at=timezone.now()
        )
        checked = 0
        for model in admin.site._registry:
            field = self.dependent_field(model)
            if field is None:
                continue
            checked += 1
            with self.subTest(model=model._meta.label):
                row = model._default_manager.get(pk=self.own.row(model).pk)
                before = model._default_manager.filter(pk=row.pk).values().get()
                value = self.another_value(field, row)
                page = self.client.get(admin_url(model, "change", row.pk))
                data = {**form_fields(page.content.decode()), field.name: as_typed(value)}
                response = self.client.post(admin_url(model, "change", row.pk), data)
                self.assertIn(response.status_code, (200, 302, 403))
                self.assertEqual(model._default_manager.filter(pk=row.pk).values().get(), before)
                setattr(row, field.name, value)
                with self.assertRaises(YearLockedError):
                    row.save()
        self.assertGreaterEqual(checked, 5)

    @staticmethod
    def dependent_field(model):
        """The first field of `model` that rows of a year read (a name, a year, a parent), or None."""
        read = read_by_any_dependent(model) if issubclass(model, Record) else ()
        changeable = (
            field
            for field in model._meta.concrete_fields
            if field.attname in read
            and (field.many_to_one or (isinstance(field, models.CharField | models.IntegerField) and not field.choices))
        )
        return next(changeable, None)

    def another_value(self, field, row):
        if field.many_to_one:
            # A unit moves under the other district; a household gets the other side's head.
            return self.other.district if field.related_model is AdminUnit else self.other.row(field.related_model)
        if isinstance(field, models.IntegerField):
            return getattr(row, field.attname) - 1
        return f"{getattr(row, field.attname)}x"[: field.max_length]

    def test_the_province_sees_every_row(self):
        self.client.force_login(make_superuser())
        for model in self.registered("scoped"):
            with self.subTest(model=model._meta.label):
                shown = {row.pk for row in self.client.get(admin_url(model, "changelist")).context["cl"].result_list}
                self.assertLessEqual({self.own.rows[model].pk, self.other.rows[model].pk}, shown)


class ReportScopeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.own = make_district(parent=cls.province)
        cls.other = make_district(parent=cls.province, code="061", name="Huyện Ba Bể")
        jobs = make_indicator()
        make_value(indicator=jobs, area=cls.own, plan=100, actual=555)
        make_value(indicator=jobs, area=cls.other, plan=100, actual=777)
        cls.user = make_role_user(username="pacnam.xem", role="Xem", units=[cls.own])

    def setUp(self):
        self.client.force_login(self.user)

    def test_a_district_user_gets_their_districts_report(self):
        response = self.client.get("/reports/2024/")
        self.assertEqual(response.context["report"].area, self.own)
        self.assertContains(response, "555")
        self.assertNotContains(response, "777")

    def test_a_district_user_cannot_open_another_districts_or_the_provinces_report(self):
        self.assertEqual(self.client.get("/reports/2024/?area=061").status_code, 403)
        self.assertEqual(self.client.get("/reports/2024/?area=06").status_code, 403)

    def test_the_report_index_offers_only_the_users_district(self):
        response = self.client.get("/reports/")
        self.assertEqual([area.code for area in response.context["areas"]], ["060"])
        self.assertNotContains(response, "Ba Bể")
