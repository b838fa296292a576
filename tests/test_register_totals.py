"""The register totals PostgreSQL keeps beside the entries (reports.totals, reports.keeping)
equal the registers' own aggregates after every path that writes: the admin's forms and delete
action, an import (COPY) and its refusal, the ORM's saves and querysets, raw SQL, a round moved
to another year, a household counted in two communes, and a rolled-back write. SQLite keeps no
totals: its reports add up the entries, which the rest of the suite checks."""

import datetime
import tempfile
import threading
from decimal import Decimal
from io import StringIO
from unittest import mock, skipUnless

from django.core import serializers
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import TestCase, TransactionTestCase

from beneficiaries.models import HousingSupport, LongevityGift, RiceReliefLine, RiceReliefRound
from imports.kinds import get_kind
from imports.process import run_import
from indicators.models import RegisterSource
from reports import keeping
from reports.figures import report_of
from reports.models import RegisterTotal
from reports.registers import register_figures_by_year, register_rows
from tests.admin_forms import AdminFormTestCase, admin_url
from tests.factories import (
    default_commune,
    make_commune,
    make_csv_bytes,
    make_household,
    make_housing_support,
    make_longevity_gift,
    make_rice_line,
    make_round,
)

RICE_HEADER = ["Mã đợt", "Mã xã", "Mã hộ", "Số khẩu", "Số gạo (kg)"]
POSTGRESQL_ONLY = skipUnless(connection.vendor == "postgresql", "SQLite keeps no register totals")


def rice_figures(commune, year=2024):
    """The rice figures of `commune`'s province in `year`, as the report reads them."""
    return register_figures_by_year(years=[year], area=commune.parent.parent)[year]


class TotalsTestMixin:
    def assertTotalsHold(self):
        self.assertEqual(keeping.mismatches(), [])

    @classmethod
    def make_registers(cls):
        cls.commune = default_commune()
        cls.neighbour = make_commune(parent=cls.commune.parent, code="01861", name="Xã Nhạn Môn")
        cls.round = make_round(code="2024-tet")
        cls.households = [make_household(code=f"BT-{number:02}") for number in range(1, 5)]
        for household in cls.households[:3]:
            make_rice_line(round=cls.round, household=household, kg=60)
        make_longevity_gift(milestone=90)
        make_longevity_gift(milestone=100)
        make_housing_support()


@POSTGRESQL_ONLY
class KeptTotalsTests(TotalsTestMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.make_registers()

    def test_the_entries_made_give_the_same_figures_kept_and_counted(self):
        self.assertTotalsHold()
        figures = rice_figures(self.commune)
        self.assertEqual(
            (
                figures[RegisterSource.RICE_KG],
                figures[RegisterSource.RICE_HOUSEHOLDS],
                figures[RegisterSource.RICE_PERSONS],
            ),
            (Decimal("180.00"), Decimal(3), Decimal(12)),
        )
        self.assertEqual(str(figures[RegisterSource.RICE_KG]), "180.00")

    def test_the_report_reads_the_kept_totals_not_the_entries(self):
        # Tampering with a kept total shows in the report: it is what the report reads.
        RegisterTotal.objects.create(
            register="beneficiaries.longevitygift",
            figure=RegisterSource.LONGEVITY_90,
            year=2024,
            unit_id=self.commune.pk,
            value=5,
        )
        self.assertEqual(rice_figures(self.commune)[RegisterSource.LONGEVITY_90], 6)
        self.assertEqual(
            keeping.mismatches(),
            [
                ("beneficiaries.longevitygift", 2024, self.commune.pk, "longevity.90", Decimal(6), 1),
                ("beneficiaries.longevitygift", 2024, "*", "longevity.90", Decimal(6), 1),
            ],
        )

    def test_saves_updates_and_deletes_of_the_orm_keep_them(self):
        line = RiceReliefLine.objects.first()
        line.kg = Decimal("45.50")
        line.save()
        RiceReliefLine.objects.filter(pk=line.pk).update(persons=7)
        LongevityGift.objects.filter(milestone=100).update(milestone=90)
        HousingSupport.objects.update(status=HousingSupport.Status.CANCELLED)
        RiceReliefLine.objects.exclude(pk=line.pk).first().delete()
        RiceReliefLine.objects.bulk_create(
            [RiceReliefLine(round=self.round, household=self.households[3], commune=self.commune, persons=2, kg=30)]
        )
        self.assertTotalsHold()
        figures = rice_figures(self.commune)
        self.assertEqual(figures[RegisterSource.RICE_KG], Decimal("135.50"))
        self.assertNotIn(RegisterSource.HOUSING_HOUSES, figures)

    def test_raw_sql_past_the_orm_keeps_them(self):
        with connection.cursor() as cursor:
            cursor.execute("UPDATE beneficiaries_ricereliefline SET commune_id = %s", [self.neighbour.pk])
            cursor.execute("DELETE FROM beneficiaries_longevitygift WHERE milestone = 90")
        self.assertTotalsHold()

    def test_a_round_moved_to_another_year_moves_its_lines(self):
        RiceReliefRound.objects.filter(pk=self.round.pk).update(year=2023, distribution_date=datetime.date(2023, 2, 1))
        self.assertTotalsHold()
        self.assertNotIn(RegisterSource.RICE_KG, rice_figures(self.commune))
        self.assertEqual(rice_figures(self.commune, 2023)[RegisterSource.RICE_HOUSEHOLDS], 3)

    def test_lines_loaded_before_their_round_are_counted_when_it_comes(self):
        # A fixture (or any transaction: foreign keys are checked at its end) may write a round's
        # lines before the round.
        rice_round = make_round(code="2024-lean", occasion=RiceReliefRound.Occasion.LEAN_SEASON)
        make_rice_line(round=rice_round, household=self.households[3], kg=30)
        fixture = serializers.serialize("json", [*rice_round.lines.all(), rice_round])
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM beneficiaries_ricereliefline WHERE round_id = %s", [rice_round.pk])
            cursor.execute("DELETE FROM beneficiaries_ricereliefround WHERE id = %s", [rice_round.pk])
        with tempfile.NamedTemporaryFile("w", suffix=".json") as file:
            file.write(fixture)
            file.flush()
            call_command("loaddata", file.name, stdout=StringIO())
        self.assertTotalsHold()
        self.assertEqual(rice_figures(self.commune)[RegisterSource.RICE_HOUSEHOLDS], 4)

    def test_a_household_given_rice_in_two_communes_is_one_household_of_the_district(self):
        # It moved after the first round and got rice in its new commune in the second.
        household = self.households[0]
        household.commune = self.neighbour
        household.save()
        second = make_round(code="2024-lean", occasion=RiceReliefRound.Occasion.LEAN_SEASON)
        make_rice_line(round=second, household=household, commune=self.neighbour, kg=30)
        self.assertTotalsHold()
        self.assertEqual(rice_figures(self.commune)[RegisterSource.RICE_HOUSEHOLDS], 3)
        by_unit = register_rows(
            [RiceReliefLine], years=[2024], unit_ids=[self.commune.pk, self.neighbour.pk], by_unit=True
        )
        self.assertEqual(
            {unit: row[RegisterSource.RICE_HOUSEHOLDS] for (_year, unit), row in by_unit[RiceReliefLine].items()},
            {self.commune.pk: 3, self.neighbour.pk: 1},
        )
        # Its line in the first commune gone, it is counted in the second only.
        RiceReliefLine.objects.filter(household=self.households[0], commune=self.commune).delete()
        self.assertTotalsHold()
        self.assertEqual(rice_figures(self.commune)[RegisterSource.RICE_HOUSEHOLDS], 3)

    def test_a_rolled_back_write_leaves_them_as_they_were(self):
        before = rice_figures(self.commune)
        with self.assertRaises(RuntimeError), transaction.atomic():
            RiceReliefLine.objects.all().delete()
            raise RuntimeError
        self.assertEqual(rice_figures(self.commune), before)
        self.assertTotalsHold()

    def test_an_import_keeps_them_and_a_refused_one_writes_none(self):
        rows = [RICE_HEADER, ["2024-tet", "01858", "BT-04", "4", "60"]]
        log, result = run_import(get_kind("rice_relief_lines"), make_csv_bytes(rows), "gao.csv")
        self.assertEqual((result.problems, log.created), ([], 1))
        self.assertTotalsHold()
        self.assertEqual(rice_figures(self.commune)[RegisterSource.RICE_KG], Decimal("240.00"))
        before = list(RegisterTotal.objects.order_by("pk").values_list("figure", "value"))
        refused = [RICE_HEADER, ["2024-tet", "01858", "BT-04", "4", "60"], ["2024-tet", "01858", "BT-99", "4", "60"]]
        log, result = run_import(get_kind("rice_relief_lines"), make_csv_bytes(refused), "gao.csv")
        self.assertEqual(log.outcome, "rejected")
        self.assertEqual(list(RegisterTotal.objects.order_by("pk").values_list("figure", "value")), before)

    def test_folding_keeps_every_total_in_fewer_rows(self):
        for kg in (10, 20, 30):
            RiceReliefLine.objects.filter(household=self.households[0]).update(kg=kg)
        before = RegisterTotal.objects.count()
        keeping.fold()
        self.assertLess(RegisterTotal.objects.count(), before)
        self.assertTotalsHold()

    def test_the_report_is_the_same_from_the_kept_totals_and_from_the_entries(self):
        kept = report_of(year=2024, area=self.commune.parent.parent)
        # As SQLite makes it, adding up the entries.
        with mock.patch("reports.registers.are_kept", return_value=False):
            live = report_of(year=2024, area=self.commune.parent.parent)
        self.assertEqual(
            [(line.indicator.code, line.actual) for line in kept.all_lines()],
            [(line.indicator.code, line.actual) for line in live.all_lines()],
        )


@POSTGRESQL_ONLY
class KeptTotalsAdminTests(TotalsTestMixin, AdminFormTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.make_registers()

    def test_the_admins_forms_and_delete_action_keep_them(self):
        line = RiceReliefLine.objects.first()
        self.assertSaved(self.change(line, kg="50", persons="4"))
        self.assertSaved(self.change(self.round, kg_allocated="90000"))
        self.assertSaved(self.change(HousingSupport.objects.get(), status=HousingSupport.Status.CANCELLED))
        gift = LongevityGift.objects.first()
        response = self.client.post(
            admin_url(LongevityGift, "changelist"),
            {"action": "delete_selected", "_selected_action": [gift.pk], "post": "yes"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(LongevityGift.objects.filter(pk=gift.pk).exists())
        self.assertTotalsHold()
        self.assertEqual(rice_figures(self.commune)[RegisterSource.RICE_KG], Decimal("170.00"))


@POSTGRESQL_ONLY
class TotalsInstallTests(TotalsTestMixin, TransactionTestCase):
    def setUp(self):
        self.make_registers()

    def test_changed_sql_makes_them_again_and_the_command_says_they_hold(self):
        RegisterTotal.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute("COMMENT ON TABLE reports_registertotal IS 'an older release'")
        self.assertNotEqual(keeping.mismatches(), [])
        keeping.install()
        self.assertTotalsHold()
        out = StringIO()
        call_command("check_register_totals", stdout=out)
        self.assertEqual(out.getvalue(), "Các số tổng của các sổ khớp với các mục trong sổ.\n")

    def test_a_trigger_gone_makes_them_again_and_nothing_changed_touches_nothing(self):
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER bkxh_totals_beneficiaries_longevitygift_insert ON beneficiaries_longevitygift")
        make_longevity_gift(milestone=100)
        self.assertNotEqual(keeping.mismatches(), [])
        keeping.install()
        self.assertTotalsHold()
        rows = set(RegisterTotal.objects.values_list("pk", flat=True))
        keeping.install()
        self.assertEqual(set(RegisterTotal.objects.values_list("pk", flat=True)), rows)

    def test_the_command_names_what_differs_and_rebuild_mends_it(self):
        RegisterTotal.objects.filter(figure="entries").delete()
        err = StringIO()
        with self.assertRaises(CommandError):
            call_command("check_register_totals", stdout=StringIO(), stderr=err)
        self.assertIn("beneficiaries.ricereliefline, 2024", err.getvalue())
        call_command("check_register_totals", "--rebuild", stdout=StringIO())
        self.assertTotalsHold()

    def test_committed_writes_of_an_import_by_copy_keep_them(self):
        rows = [RICE_HEADER, ["2024-tet", "01858", "BT-04", "4", "60"]]
        log, _result = run_import(get_kind("rice_relief_lines"), make_csv_bytes(rows), "gao.csv")
        self.assertEqual(log.created, 1)
        keeping.fold()
        self.assertTotalsHold()

    def test_a_truncated_register_keeps_no_totals(self):
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE beneficiaries_longevitygift CASCADE")
        self.assertTotalsHold()
        self.assertFalse(RegisterTotal.objects.filter(register="beneficiaries.longevitygift").exists())

    def test_two_writers_of_one_commune_and_year_do_not_wait_for_each_other(self):
        # Steps are inserted, never updated: the first writer's open transaction holds no row
        # the second needs. (Each writes its own round: a round's lines lock it while checked.)
        lean = make_round(code="2024-lean", occasion=RiceReliefRound.Occasion.LEAN_SEASON)
        newcomer = make_household(code="BT-05")

        def second_writer():
            try:
                make_rice_line(round=lean, household=newcomer, kg=30)
                make_longevity_gift(milestone=90)
            finally:
                connection.close()

        with transaction.atomic():
            make_rice_line(round=self.round, household=self.households[3], kg=30)
            writer = threading.Thread(target=second_writer)
            writer.start()
            writer.join(timeout=10)
            self.assertFalse(writer.is_alive(), "the second writer waited for the first")
        self.assertTotalsHold()
        self.assertEqual(rice_figures(self.commune)[RegisterSource.RICE_HOUSEHOLDS], 5)
