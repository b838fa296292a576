"""The write guards: policies that refuse writes register with the records kernel, which names
none of them, and every path that writes asks them all (bkxh.records.write_guards)."""

from django.core.exceptions import ValidationError
from django.test import TestCase

from accounts.scope import ScopeGuard
from approvals.locking import ApprovedYearsGuard
from bkxh.records import WriteGuard, register_write_guard, write_guards
from imports.checking import check_file
from imports.kinds import get_kind
from indicators.models import IndicatorValue
from tests.factories import make_csv_bytes, make_district, make_indicator, make_province, make_value

PASSED = "The reporting deadline for 2020 has passed."


class PassedDeadline(WriteGuard):
    """A new policy, as an agency's period or a reporting deadline would be: no figure of 2020."""

    def check(self, model, unit_years, user):
        if self.refuses(model, unit_years):
            raise ValidationError(PASSED)

    def refusals(self, model, rows, user):
        return {position: [PASSED] for position, unit_years in enumerate(rows) if self.refuses(model, unit_years)}

    def refuses(self, model, unit_years):
        return model is IndicatorValue and any(year == 2020 for _unit, year in unit_years)


class WriteGuardTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.district = make_district(parent=make_province())
        cls.jobs = make_indicator()

    def setUp(self):
        register_write_guard(PassedDeadline())
        self.addCleanup(lambda: write_guards.remove(next(g for g in write_guards if isinstance(g, PassedDeadline))))

    def test_the_scope_and_the_approved_years_are_guards_their_apps_register_in_the_order_of_the_apps(self):
        self.assertEqual([type(guard) for guard in write_guards], [ScopeGuard, ApprovedYearsGuard, PassedDeadline])

    def test_a_guard_is_registered_once_however_often_its_app_is_made_ready(self):
        register_write_guard(PassedDeadline())
        self.assertEqual(sum(isinstance(guard, PassedDeadline) for guard in write_guards), 1)

    def test_a_registered_guard_refuses_save_update_bulk_create_and_the_admin_forms_check_alike(self):
        with self.assertRaisesMessage(ValidationError, PASSED):
            make_value(indicator=self.jobs, area=self.district, year=2020, plan=1)
        stored = make_value(indicator=self.jobs, area=self.district, year=2024, plan=1)
        with self.assertRaisesMessage(ValidationError, PASSED):
            IndicatorValue.objects.filter(pk=stored.pk).update(year=2020)
        with self.assertRaisesMessage(ValidationError, PASSED):
            IndicatorValue.objects.bulk_create([IndicatorValue(indicator=self.jobs, area=self.district, year=2020)])
        with self.assertRaisesMessage(ValidationError, PASSED):
            IndicatorValue(indicator=self.jobs, area=self.district, year=2020, plan=1).full_clean()
        self.assertEqual(list(IndicatorValue.objects.values_list("year", flat=True)), [2024])

    def test_an_import_names_the_rows_a_registered_guard_refuses_before_it_writes_anything(self):
        data = make_csv_bytes(
            [
                ["indicator_code", "year", "area_code", "plan"],
                ["jobs_created", "2021", "060", "10"],
                ["jobs_created", "2020", "060", "20"],
            ]
        )
        result = check_file(get_kind("indicator_values"), data, "chi-tieu.csv")
        self.assertEqual([[problem.message for problem in row.problems] for row in result.rows], [[], [PASSED]])
