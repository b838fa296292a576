from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from accounts.models import UserArea
from agencies.models import Agency
from areas.models import AdminUnit
from beneficiaries.models import AdmissionDossier, Household, LongevityGift, Person, RiceReliefLine
from indicators.models import Indicator, IndicatorValue
from tests.demo import load_demo


class LoadDemoDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = load_demo()

    def test_loads_the_province_the_catalogue_and_the_figures_and_prints_a_login(self):
        # Old Bắc Kạn and old Thái Nguyên until 30/06/2025, the new Thái Nguyên after
        # (tests/test_demo_thai_nguyen.py counts each province's).
        self.assertEqual(AdminUnit.objects.filter(level="commune", valid_to__year=2025, valid_from=None).count(), 280)
        self.assertEqual(AdminUnit.objects.filter(level="district").count(), 17)
        self.assertEqual(AdminUnit.objects.filter(valid_from="2025-07-01", level="commune").count(), 92)
        self.assertEqual(Indicator.objects.count(), 29)
        self.assertEqual(IndicatorValue.objects.filter(year=2024, area__code="06").count(), 29)
        self.assertIn("admin / bkxh-demo-2024", self.output)
        self.assertTrue(self.client.login(username="admin", password="bkxh-demo-2024"))

    def test_is_safe_to_run_twice(self):
        models = (
            AdminUnit,
            AdminUnit.successors.through,
            Indicator,
            IndicatorValue,
            Agency,
            Person,
            Household,
            RiceReliefLine,
            LongevityGift,
            AdmissionDossier,
            UserArea,
        )
        counts = [model.objects.count() for model in models]
        illustrative = IndicatorValue.objects.filter(illustrative=True).count()
        # No unit or figure is saved again: a save that changed something would leave a version.
        unit_versions, value_versions = AdminUnit.history.count(), IndicatorValue.history.count()
        call_command("load_demo_data", stdout=StringIO())
        self.assertEqual(counts, [model.objects.count() for model in models])
        self.assertEqual(illustrative, IndicatorValue.objects.filter(illustrative=True).count())
        self.assertEqual(IndicatorValue.history.count(), value_versions)
        self.assertEqual(AdminUnit.history.count(), unit_versions)

    def test_links_old_communes_to_the_units_that_replaced_them(self):
        boc_bo = AdminUnit.objects.for_code("01864", 2024)
        self.assertEqual(boc_bo.name, "Xã Bộc Bố")
        self.assertEqual([unit.name for unit in boc_bo.successors.all()], ["Xã Bằng Thành"])
        self.assertEqual(boc_bo.parent.name, "Huyện Pác Nặm")
