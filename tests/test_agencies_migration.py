"""The agencies moved from the areas app to their own without losing a row, a version or a
permission: migrated from the schema before the move, with an agency in it."""

import datetime

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase
from django.utils import timezone

from agencies.models import Agency

# The reports app's narratives point at agencies, so they go back with them.
BEFORE_THE_MOVE = [("areas", "0004_country_root"), ("agencies", None), ("reports", None)]


def migrate(targets):
    """Migrates to `targets`; returns the models as they then were (every other app at its latest)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    moved = {app for app, _name in targets}
    nodes = [node for node in executor.loader.graph.leaf_nodes() if node[0] not in moved]
    return executor.loader.project_state(nodes + [node for node in targets if node[1]]).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


class AgencyMoveMigrationTests(TransactionTestCase):
    def tearDown(self):
        migrate(latest())
        ContentType.objects.clear_cache()

    def test_an_agency_of_the_previous_schema_keeps_its_row_history_and_permissions(self):
        old = migrate(BEFORE_THE_MOVE)
        unit = old.get_model("areas", "AdminUnit").objects.create(
            code="06", name="Tỉnh Bắc Kạn", unit_type="tinh", level="province", search_name="tinh bac kan"
        )
        fields = {
            "managing_body": "UBND TỈNH BẮC KẠN",
            "name": "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
            "abbreviation": "SLĐTBXH",
            "place": "Bắc Kạn",
            "signer_title": "GIÁM ĐỐC",
            "signer_name": "Hoàng Văn Minh",
            "recipients": "UBND tỉnh\nLưu: VT, VP",
            "valid_to": datetime.date(2025, 2, 28),
        }
        stored = old.get_model("areas", "Agency").objects.create(area_id=unit.pk, version=3, **fields)
        old.get_model("areas", "HistoricalAgency").objects.create(
            id=stored.pk, area_id=unit.pk, version=3, history_date=timezone.now(), history_type="~", **fields
        )
        content_type, _created = old.get_model("contenttypes", "ContentType").objects.get_or_create(
            app_label="areas", model="agency"
        )
        permission, _created = old.get_model("auth", "Permission").objects.get_or_create(
            content_type=content_type, codename="change_agency", defaults={"name": "Can change issuing agency"}
        )
        role = old.get_model("auth", "Group").objects.create(name="Quản trị thử")
        role.permissions.add(permission)

        migrate(latest())
        ContentType.objects.clear_cache()

        agency = Agency.objects.get(pk=stored.pk)
        self.assertEqual((agency.name, agency.version, agency.area_id), (fields["name"], 3, unit.pk))
        self.assertEqual(list(agency.sectors.all()), [])  # every sector, as before
        self.assertEqual([row.history_type for row in agency.history.all()], ["~"])
        self.assertEqual(ContentType.objects.get_for_model(Agency).pk, content_type.pk)
        self.assertFalse(ContentType.objects.filter(app_label="areas", model="agency").exists())
        moved = Permission.objects.get(pk=permission.pk)
        self.assertEqual((moved.content_type.app_label, moved.codename), ("agencies", "change_agency"))
        self.assertIn(moved, Group.objects.get(name="Quản trị thử").permissions.all())

    def test_migrating_back_puts_the_content_type_back_in_the_areas_app(self):
        content_type = ContentType.objects.get_for_model(Agency)
        migrate(BEFORE_THE_MOVE)
        restored = ContentType.objects.get(pk=content_type.pk)
        self.assertEqual((restored.app_label, restored.model), ("areas", "agency"))
        tables = connection.introspection.table_names()
        self.assertIn("areas_agency", tables)
        self.assertIn("areas_historicalagency", tables)
        self.assertNotIn("agencies_agency_sectors", tables)
