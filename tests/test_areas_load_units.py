"""load_units: any province in both structures from the vietnamadminunits dataset, with its
successions, idempotent and safe with a newer dataset; and the Bắc Kạn units shipped with
bkxh agree with that dataset."""

import csv
import datetime
from io import StringIO

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import SimpleTestCase, TestCase

from accounts.roles import ADMINISTRATOR
from accounts.scope import scope_of
from areas.loading import ADMIN_UNITS_CSV, COUNTRY_CODE, load_admin_units, load_units, same_name, typed_name
from areas.models import AdminUnit
from areas.units_dataset import Dataset, Unit
from tests.factories import make_role_user

OLD, NEW = None, datetime.date(2025, 7, 1)
Level = AdminUnit.Level


def unit(code, valid_from):
    return AdminUnit.objects.get(code=code, valid_from=valid_from)


def snapshot():
    """Every unit as stored (version included: a save that changed nothing writes nothing) and
    every succession."""
    units = list(AdminUnit.objects.order_by("pk").values_list("pk", "version", "name", "parent_id", "valid_to"))
    links = list(AdminUnit.successors.through.objects.order_by("pk").values_list("from_adminunit", "to_adminunit"))
    return units, links, AdminUnit.history.count()


class LoadUnitsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = StringIO()
        call_command("load_units", "19", "04", stdout=cls.output)

    def below(self, code, valid_from, level):
        return AdminUnit.objects.within(unit(code, valid_from)).filter(level=level)

    def test_counts_of_both_structures_match_the_dataset(self):
        counts = {
            (code, valid_from, level): self.below(code, valid_from, level).count()
            for code, valid_from in (("19", OLD), ("06", OLD), ("19", NEW), ("04", OLD), ("04", NEW))
            for level in (Level.DISTRICT, Level.COMMUNE)
        }
        self.assertEqual(
            counts,
            {
                ("19", OLD, Level.DISTRICT): 9,
                ("19", OLD, Level.COMMUNE): 172,
                ("06", OLD, Level.DISTRICT): 8,
                ("06", OLD, Level.COMMUNE): 108,
                ("19", NEW, Level.DISTRICT): 0,
                ("19", NEW, Level.COMMUNE): 92,
                ("04", OLD, Level.DISTRICT): 10,
                ("04", OLD, Level.COMMUNE): 161,
                ("04", NEW, Level.DISTRICT): 0,
                ("04", NEW, Level.COMMUNE): 56,
            },
        )
        self.assertFalse(AdminUnit.objects.filter(valid_from=OLD, level=Level.COMMUNE).exclude(valid_to="2025-06-30"))
        self.assertFalse(AdminUnit.objects.filter(valid_from=NEW).exclude(valid_to=None))

    def test_known_codes_with_their_names_parents_and_types(self):
        boc_bo, bang_thanh = unit("01864", OLD), unit("01864", NEW)
        self.assertEqual(
            (boc_bo.name, boc_bo.parent.name, boc_bo.parent.parent.code), ("Xã Bộc Bố", "Huyện Pác Nặm", "06")
        )
        self.assertEqual((bang_thanh.name, bang_thanh.parent), ("Xã Bằng Thành", unit("19", NEW)))
        city = unit("058", OLD)
        # The dataset writes "Thành Phố Bắc Kạn"; GSO and the shipped file "Thành phố".
        self.assertEqual((city.name, city.unit_type), ("Thành phố Bắc Kạn", AdminUnit.UnitType.THANH_PHO))
        self.assertEqual(unit("01273", NEW).name, "Phường Thục Phán")
        self.assertEqual(unit("040", OLD).name, "Thành phố Cao Bằng")

    def test_successions_whole_and_divided(self):
        self.assertEqual(unit("06", OLD).successions(), [(unit("19", NEW), True)])
        self.assertEqual(unit("19", OLD).successions(), [(unit("19", NEW), True)])
        self.assertEqual(unit("04", OLD).successions(), [(unit("04", NEW), True)])
        self.assertEqual(unit("01858", OLD).successions(), [(unit("01864", NEW), True)])
        # Phường Cam Giá was divided between the new Phường Gia Sàng (which took its code) and Tích Lương.
        cam_gia = unit("05467", OLD)
        self.assertEqual(cam_gia.name, "Phường Cam Giá")
        self.assertCountEqual(cam_gia.successions(), [(unit("05467", NEW), False), (unit("05500", NEW), False)])
        self.assertEqual(unit("05467", NEW).name, "Phường Gia Sàng")
        every_old_commune = AdminUnit.objects.filter(valid_from=OLD, level=Level.COMMUNE)
        self.assertFalse(every_old_commune.filter(successors=None))

    def test_the_country_is_above_every_province(self):
        country = unit(COUNTRY_CODE, None)
        self.assertEqual((country.name, country.level, country.parent), ("Việt Nam", Level.COUNTRY, None))
        self.assertFalse(AdminUnit.objects.filter(level=Level.PROVINCE).exclude(parent=country))
        self.assertEqual(
            AdminUnit.objects.within(country).filter(level=Level.COMMUNE).count(), 172 + 108 + 92 + 161 + 56
        )
        boc_bo = unit("01864", OLD)
        self.assertEqual(
            AdminUnit.objects.filter(pk=boc_bo.pk).lineages()[boc_bo.pk],
            (boc_bo.pk, unit("060", OLD).pk, unit("06", OLD).pk, country.pk),
        )
        self.assertEqual(boc_bo.lineage_ids(), [boc_bo.pk, unit("060", OLD).pk, unit("06", OLD).pk, country.pk])

    def test_prints_in_vietnamese(self):
        self.assertIn(
            "Tỉnh Thái Nguyên (19): 92 xã, phường từ 01/07/2025; đến 30/06/2025 Tỉnh Bắc Kạn (06), "
            "Tỉnh Thái Nguyên (19), 17 huyện, 280 xã, 3 xã trong đó được chia cho nhiều xã mới. "
            "Thêm 392 đơn vị, cập nhật 0.",
            self.output.getvalue(),
        )

    def test_running_twice_changes_nothing(self):
        before = snapshot()
        output = StringIO()
        call_command("load_units", "19", "04", stdout=output)
        self.assertEqual(snapshot(), before)
        self.assertEqual(output.getvalue().count("Thêm 0 đơn vị, cập nhật 0."), 2)

    def test_an_old_code_loads_the_province_it_became(self):
        before = snapshot()
        output = StringIO()
        call_command("load_units", "06", stdout=output)
        self.assertIn("Tỉnh Thái Nguyên (19)", output.getvalue())
        self.assertEqual(snapshot(), before)

    def test_an_unknown_code_is_refused(self):
        with self.assertRaisesMessage(Exception, "Bộ dữ liệu không có tỉnh mã 99."):
            call_command("load_units", "99", stdout=StringIO())

    def test_a_newer_dataset_adds_and_renames_and_deletes_nothing(self):
        class Newer(Dataset):
            def province(self, code):
                data = super().province(code)
                renamed = Unit("01864", "Xã Bằng Thành Mới", "19")
                data.communes = [renamed if c.code == "01864" else c for c in data.communes if c.code != "01840"]
                data.communes.append(Unit("99999", "Phường Thử", "19"))
                data.successors = {
                    old: [code for code in new if code != "01840"] for old, new in data.successors.items()
                }
                return data

        count = AdminUnit.objects.count()
        loaded = load_units("19", Newer())
        self.assertEqual((loaded.created, loaded.updated), (1, 1))
        self.assertEqual(AdminUnit.objects.count(), count + 1)
        self.assertEqual(unit("01864", NEW).name, "Xã Bằng Thành Mới")
        self.assertEqual(unit("01840", NEW).name, "Phường Đức Xuân")  # left out of the data, kept
        self.assertEqual(unit("99999", NEW).parent, unit("19", NEW))


class LoadUnitsOverShippedUnitsTests(TestCase):
    def test_the_shipped_units_keep_their_names_and_gain_the_country(self):
        load_admin_units()
        shipped = {(u.code, u.valid_from): (u.name, u.parent_id, u.unit_type) for u in AdminUnit.objects.all()}
        loaded = load_units("19")
        self.assertEqual(loaded.created, 392 - 155)
        self.assertEqual(loaded.updated, 2)  # the two provinces, now under the country
        after = {
            key: (u.name, u.parent_id, u.unit_type)
            for u in AdminUnit.objects.all()
            if (key := (u.code, u.valid_from)) in shipped
        }
        country = unit(COUNTRY_CODE, None).pk
        self.assertEqual(after, {key: (name, parent or country, kind) for key, (name, parent, kind) in shipped.items()})
        # Loading the shipped file again leaves the provinces under the country.
        before = snapshot()
        load_admin_units()
        load_units("19")
        self.assertEqual(snapshot(), before)


class CountryScopeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_units("19")
        load_units("04")
        cls.country = unit(COUNTRY_CODE, None)

    def test_the_country_is_everything_a_province_itself_and_below(self):
        self.assertIsNone(scope_of(make_role_user(username="bo", role=ADMINISTRATOR, units=[self.country])).unit_ids)
        scope = scope_of(make_role_user(username="tinh", role=ADMINISTRATOR, units=[unit("04", NEW)]))
        # The new Cao Bằng and, across the reform, the old one it was formed from, whose history
        # its staff keep (README, "Figures across the reform").
        new_structure = set(AdminUnit.objects.within(unit("04", NEW)).values_list("pk", flat=True))
        old_structure = set(AdminUnit.objects.within(unit("04", OLD)).values_list("pk", flat=True))
        self.assertEqual(set(scope.unit_ids), new_structure | old_structure)
        self.assertEqual(len(new_structure), 57)
        self.assertFalse(scope.allows(unit("19", NEW).pk))
        self.assertFalse(scope.is_whole_province)

    def test_parent_levels(self):
        for child, parent in ((self.country, unit("19", NEW)), (unit("19", NEW), unit("01864", NEW))):
            child.parent = parent
            with self.assertRaises(ValidationError):
                child.full_clean()


class ShippedUnitsAgreeWithTheDatasetTests(SimpleTestCase):
    """areas/data/admin-units-bac-kan.csv against the dataset: the same codes, parents, types and
    successions; the same names but for four spellings (README, "Units of any province")."""

    # Shipped spelling (that of the Bắc Kạn 2024 report), dataset spelling.
    SPELLINGS = {
        "01948": ("Xã Trung Hoà", "Xã Trung Hòa"),
        "01978": ("Xã Sĩ Bình", "Xã Sỹ Bình"),
        "02098": ("Xã Hoà Mục", "Xã Hòa Mục"),
        "02197": ("Xã Liêm Thuỷ", "Xã Liêm Thủy"),
    }

    def test_codes_names_parents_and_successions(self):
        data = Dataset().province("19")
        old_units = [(Level.PROVINCE, u) for u in data.old_provinces if u.code == "06"] + [
            (Level.DISTRICT, u) for u in data.old_districts if u.parent_code == "06"
        ]
        districts = {u.code for _level, u in old_units if _level == Level.DISTRICT}
        old_units += [(Level.COMMUNE, u) for u in data.old_communes if u.parent_code in districts]
        with open(ADMIN_UNITS_CSV, encoding="utf-8", newline="") as handle:
            rows = {(row["code"], bool(row["valid_from"])): row for row in csv.DictReader(handle)}
        new_codes = {row["code"] for (code, new), row in rows.items() if new and row["level"] == Level.COMMUNE}
        expected = {}
        for level, source in [(Level.PROVINCE, data.province)] + [
            (Level.COMMUNE, u) for u in data.communes if u.code in new_codes
        ]:
            expected[(source.code, True)] = (level, source, "")
        for level, source in old_units:
            successors = ["19"] if level == Level.PROVINCE else data.successors.get(source.code, [])
            expected[(source.code, False)] = (level, source, ";".join(sorted(successors)))
        self.assertEqual(set(rows), set(expected))
        self.assertEqual(len(rows), 155)
        differences = {}
        for key, (level, source, successors) in expected.items():
            row = rows[key]
            name, unit_type = typed_name(level, source.name)
            parent = "" if level == Level.PROVINCE else source.parent_code
            shipped_successors = ";".join(sorted(row["successor_codes"].split(";")))
            self.assertEqual(
                (row["level"], row["unit_type"], row["parent_code"], shipped_successors),
                (level, unit_type, parent, successors),
                key,
            )
            if row["name"] != name:
                differences[source.code] = (row["name"], name)
        self.assertEqual(differences, self.SPELLINGS)
        self.assertTrue(all(same_name(shipped, given) for shipped, given in differences.values()))

    def test_the_divided_communes_are_old_thai_nguyens(self):
        data = Dataset().province("06")
        divided = {code for code, new in data.successors.items() if len(new) > 1}
        self.assertEqual(divided, {"05461", "05467", "05932"})  # Gia Sàng, Cam Giá, Thượng Đình
