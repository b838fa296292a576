"""A database made before the approvals app was renamed from `closures` keeps its approvals,
their history and who may act on them (approvals/migrations/0002_carry_over_closures.py)."""

import importlib
from types import SimpleNamespace

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import TestCase

from approvals.models import YearApproval
from tests.factories import make_approved_year, make_district, make_province

carry_over = importlib.import_module("approvals.migrations.0002_carry_over_closures").carry_over
# What the migration reads of its schema editor; a real one cannot open inside a test's transaction on SQLite.
SCHEMA_EDITOR = SimpleNamespace(connection=connection)


class CarryOverTests(TestCase):
    def make_old_tables(self, approval):
        """The closures tables as they were, holding `approval` and its history, which go."""
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for old, new in (
                ("closures_yearclosure", "approvals_yearapproval"),
                ("closures_historicalyearclosure", "approvals_historicalyearapproval"),
            ):
                cursor.execute(f"CREATE TABLE {quote(old)} AS SELECT * FROM {quote(new)}")
                cursor.execute(f"DELETE FROM {quote(new)}")
        content_type = ContentType.objects.get_for_model(YearApproval)
        content_type.app_label, content_type.model = "closures", "yearclosure"
        content_type.save()
        Permission.objects.filter(codename="approve_yearapproval").update(codename="approve_yearclosure")
        ContentType.objects.clear_cache()

    def test_the_approvals_their_history_and_permissions_move_over(self):
        approval = make_approved_year(area=make_district(parent=make_province()))
        reviewers = Group.objects.create(name="Người duyệt cũ")
        reviewers.permissions.add(Permission.objects.get(codename="approve_yearapproval"))
        history = list(YearApproval.history.values_list("history_id", "state"))
        self.make_old_tables(approval)
        self.assertFalse(YearApproval.objects.exists())

        carry_over(apps, SCHEMA_EDITOR)

        self.assertEqual(YearApproval.objects.get().pk, approval.pk)
        self.assertTrue(YearApproval.objects.get().is_approved)
        self.assertEqual(list(YearApproval.history.values_list("history_id", "state")), history)
        self.assertEqual(
            list(reviewers.permissions.values_list("content_type__app_label", "codename")),
            [("approvals", "approve_yearapproval")],
        )
        self.assertNotIn("closures_yearclosure", connection.introspection.table_names())
        # Ids go on after those carried over.
        later = YearApproval.objects.create(area=approval.area, year=2023)
        self.assertGreater(later.pk, approval.pk)

    def test_a_database_made_afresh_is_left_as_it_is(self):
        approval = make_approved_year(area=make_district(parent=make_province()))
        carry_over(apps, SCHEMA_EDITOR)
        self.assertEqual(list(YearApproval.objects.values_list("pk", flat=True)), [approval.pk])
