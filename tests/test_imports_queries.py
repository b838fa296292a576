"""Checking a file costs a fixed number of queries per part, whatever the number of rows: for
every kind of file, 1.000 rows in parts of 100 take no more queries than ten times 10 rows in
one part. A query per row (a rule looking up its row's round, a lock asked row by row) would
make the 1.000 rows cost a hundred times the 10."""

import csv
import io
from unittest import mock

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from beneficiaries.models import Gender, Household
from imports.checking import check_file
from imports.exporting import export_records
from imports.kinds import get_kind
from tests import factories

PART_ROWS = 100
ROWS = 1000


def citizen_id(serial):
    return factories.make_citizen_id(female=True, birth_year=1934, province="006", serial=serial)


def make_person():
    return factories.make_person(gender=Gender.FEMALE, birth_year=1934, citizen_id=citizen_id(0))


def make_households(communes=1):
    """Households H00001 … H01000, for the files that name one a row: of the default commune, or
    spread over that many communes of its district (commune_code(serial) names the household's)."""
    commune = factories.default_commune()
    units = [commune] + [
        factories.make_commune(parent=commune.parent, code=commune_code(serial), name=f"Xã Số {serial}")
        for serial in range(1, communes)
    ]
    Household.objects.bulk_create(
        Household(
            code=f"H{serial:05d}",
            commune=units[serial % communes],
            size=4,
            poverty_status="poor",
            certificate_year=2024,
        )
        for serial in range(1, ROWS + 1)
    )


def commune_code(serial, communes=50):
    return "01858" if serial % communes == 0 else f"9{serial % communes:04d}"


class KindQueries:
    """A file of `kind` whose rows are all new: one record made by `make()` is exported, then
    removed, and its row repeated with the `varied` cells ({column name: serial -> cell}) made
    different for each row, so that each row is another record."""

    kind = ""
    varied = {}

    @staticmethod
    def make():
        raise NotImplementedError

    @classmethod
    def setUpTestData(cls):
        factories.default_commune()
        kind = get_kind(cls.kind)
        record = cls.make()
        handle = io.BytesIO()
        export_records(kind, kind.queryset(kind.model.objects.filter(pk=record.pk)), "csv", handle)
        record.delete()
        header, template = list(csv.reader(io.StringIO(handle.getvalue().decode("utf-8-sig"))))
        positions = {header.index(kind.column(name).header): cell for name, cell in cls.varied.items()}
        rows = [
            [positions[index](serial) if index in positions else value for index, value in enumerate(template)]
            for serial in range(1, ROWS + 1)
        ]
        cls.few = factories.make_csv_bytes([header, *rows[:10]])
        cls.many = factories.make_csv_bytes([header, *rows])

    def queries(self, data):
        with mock.patch("imports.checking.PART_ROWS", PART_ROWS), CaptureQueriesContext(connection) as queries:
            result = check_file(get_kind(self.kind), data, "file.csv")
        self.assertEqual([str(problem) for problem in result.problems[:3]], [])
        return len(queries)

    def test_checking_costs_a_fixed_number_of_queries_per_part(self):
        few, many = self.queries(self.few), self.queries(self.many)
        self.assertLessEqual(many, few * ROWS // PART_ROWS, f"10 rows: {few} queries; {ROWS} rows: {many}")


PERSON = {"citizen_id": citizen_id}


class PeopleQueriesTests(KindQueries, TestCase):
    kind = "people"
    make = staticmethod(make_person)
    varied = PERSON


class HouseholdsQueriesTests(KindQueries, TestCase):
    kind = "households"
    make = staticmethod(factories.make_household)
    varied = {"household_code": lambda serial: f"H{serial:05d}"}


class DecisionsQueriesTests(KindQueries, TestCase):
    kind = "decisions"
    make = staticmethod(factories.make_decision)
    varied = {"number": lambda serial: f"{serial}/QĐ-UBND"}


class LongevityGiftsQueriesTests(KindQueries, TestCase):
    kind = "longevity_gifts"
    make = staticmethod(lambda: factories.make_longevity_gift(person=make_person(), milestone=90))
    varied = PERSON


class ElderlyVisitsQueriesTests(KindQueries, TestCase):
    kind = "elderly_visits"
    make = staticmethod(lambda: factories.make_elderly_visit(person=make_person()))
    varied = PERSON


class MedicalReferralsQueriesTests(KindQueries, TestCase):
    kind = "medical_referrals"
    make = staticmethod(lambda: factories.make_medical_referral(person=make_person()))
    varied = PERSON


class AdmissionDossiersQueriesTests(KindQueries, TestCase):
    kind = "admission_dossiers"
    make = staticmethod(lambda: factories.make_admission_dossier(person=make_person()))
    varied = PERSON


class FuneralAllowancesQueriesTests(KindQueries, TestCase):
    kind = "funeral_allowances"
    make = staticmethod(lambda: factories.make_funeral_allowance(deceased=make_person()))
    varied = PERSON


class WorshipAllowancesQueriesTests(KindQueries, TestCase):
    kind = "worship_allowances"
    make = staticmethod(lambda: factories.make_worship_allowance(worshipper=make_person()))
    varied = {"martyr_record": lambda serial: f"LS-{serial:05d}"}


class RecordAmendmentsQueriesTests(KindQueries, TestCase):
    kind = "record_amendments"
    make = staticmethod(lambda: factories.make_record_amendment(person=make_person()))
    varied = PERSON


class HousingSupportQueriesTests(KindQueries, TestCase):
    kind = "housing_support"
    varied = {"household_code": lambda serial: f"H{serial:05d}"}

    @staticmethod
    def make():
        make_households()
        return factories.make_housing_support(household=Household.objects.get(code="H00001"))


class RiceReliefRoundsQueriesTests(KindQueries, TestCase):
    kind = "rice_relief_rounds"
    make = staticmethod(factories.make_round)
    varied = {"code": lambda serial: f"2024-dot-{serial}"}


class RiceReliefLinesQueriesTests(KindQueries, TestCase):
    """Households of 50 communes of the round's district: a line's rules look at its commune."""

    kind = "rice_relief_lines"
    varied = {"household_code": lambda serial: f"H{serial:05d}", "commune_code": commune_code}

    @staticmethod
    def make():
        make_households(communes=50)
        household = Household.objects.get(code="H00001")
        return factories.make_rice_line(round=factories.make_round(kg_allocated=ROWS * 60), household=household)


class TrainingClassesQueriesTests(KindQueries, TestCase):
    kind = "training_classes"
    make = staticmethod(factories.make_training_class)
    varied = {"title": lambda serial: f"Lớp tập huấn số {serial}"}


class IndicatorValuesQueriesTests(KindQueries, TestCase):
    """1.000 values: 20 indicators, 10 districts, 5 years."""

    kind = "indicator_values"
    varied = {
        "indicator_code": lambda serial: f"chi_tieu_{serial % 20}",
        "area_code": lambda serial: f"9{serial // 20 % 10:02d}",
        "year": lambda serial: str(2020 + serial // 200),
    }

    @staticmethod
    def make():
        province = factories.default_commune().parent.parent
        for serial in range(10):
            factories.make_district(parent=province, code=f"9{serial:02d}", name=f"Huyện {serial}")
        indicators = [factories.make_indicator(code=f"chi_tieu_{serial}") for serial in range(20)]
        return factories.make_value(indicator=indicators[0], area=province, year=2020)
