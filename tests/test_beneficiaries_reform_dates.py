"""Register entries keep the unit of their date across the 2025 reform, on every path.

On 01/07/2025 the old communes (until 30/06/2025) gave way to new ones, some under the code of
an old one: 01864 was Xã Bộc Bố until 30/06/2025 and is Xã Bằng Thành from 01/07/2025. An entry
dated (a gift given, a visit made, a round distributed) lies in a unit in force on its date; the
year alone would let a 2025 entry dated September through in a commune that had ended in June.
"""

import datetime
import io
import shutil
import tempfile
from io import StringIO
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import TestCase, override_settings

from beneficiaries.models import (
    AdmissionDossier,
    ElderlyVisit,
    FuneralAllowance,
    HousingSupport,
    LongevityGift,
    MedicalReferral,
    RecordAmendment,
    RiceReliefLine,
    RiceReliefRound,
    TrainingClass,
    WorshipAllowance,
)
from imports.checking import check_file
from imports.exporting import csv_cell, export_records
from imports.kinds import get_kind
from imports.models import ImportLog
from imports.process import run_import
from indicators.models import IndicatorValue
from tests.admin_forms import AdminFormTestCase, form_errors
from tests.factories import (
    make_citizen_id,
    make_commune,
    make_csv_bytes,
    make_decision,
    make_district,
    make_household,
    make_indicator,
    make_longevity_gift,
    make_person,
    make_province,
    make_reformed_commune,
    make_role_user,
    make_round,
    make_value,
)

MARCH = datetime.date(2025, 3, 10)
SEPTEMBER = datetime.date(2025, 9, 15)

BO_BO_ENDED = (
    "Ngày 15/09/2025 xã Bộc Bố (mã 01864) không còn là đơn vị hành chính: "
    "từ 01/07/2025 xã Bộc Bố thuộc Xã Bằng Thành (01864)."
)
BANG_THANH_ENDED = (
    "Ngày 15/09/2025 xã Bằng Thành (mã 01858) không còn là đơn vị hành chính: "
    "từ 01/07/2025 xã Bằng Thành thuộc Xã Bằng Thành (01864)."
)
BAC_KAN_ENDED = (
    "Ngày 15/09/2025 tỉnh Bắc Kạn (mã 06) không còn là đơn vị hành chính: "
    "từ 01/07/2025 tỉnh Bắc Kạn thuộc Tỉnh Thái Nguyên (19)."
)
NEW_BANG_THANH_NOT_YET = (
    "Ngày 10/03/2025 xã Bằng Thành (mã 01864, hiệu lực từ 01/07/2025) chưa là đơn vị hành chính: "
    "hãy chọn đơn vị có hiệu lực khi đó."
)


class ReformUnits:
    """Old Bắc Kạn (06) › Huyện Pác Nặm (060) › Xã Bằng Thành (01858) and Xã Bộc Bố (01864), until
    30/06/2025; new Thái Nguyên (19) › Xã Bằng Thành (01864) from 01/07/2025, which took both."""

    @classmethod
    def make_reform_units(cls):
        cls.bac_kan = make_province()
        cls.pac_nam = make_district(parent=cls.bac_kan)
        cls.old_bang_thanh = make_commune(parent=cls.pac_nam)
        cls.bo_bo = make_commune(parent=cls.pac_nam, code="01864", name="Xã Bộc Bố")
        cls.new_bang_thanh = make_reformed_commune()
        cls.thai_nguyen = cls.new_bang_thanh.parent
        cls.bac_kan.successors.add(cls.thai_nguyen)
        cls.old_bang_thanh.successors.add(cls.new_bang_thanh)
        cls.bo_bo.successors.add(cls.new_bang_thanh)


def validation_messages(instance):
    try:
        instance.full_clean()
    except ValidationError as error:
        return [message for messages in error.message_dict.values() for message in messages]
    return []


class EntryDatedInAnEndedUnitTests(ReformUnits, TestCase):
    """Code (full_clean): each register whose entry has the day its event happened."""

    @classmethod
    def setUpTestData(cls):
        cls.make_reform_units()
        cls.born_1935 = make_person(full_name="Ma Thị Dình", gender="female", birth_year=1935, commune=cls.bo_bo)
        cls.march_round = make_round(year=2025, area=cls.bac_kan, distribution_date=MARCH)
        cls.september_round = make_round(year=2025, area=cls.thai_nguyen, distribution_date=SEPTEMBER)
        cls.household = make_household(commune=cls.bo_bo, certificate_year=2025)

    def entries(self, commune, day):
        """One entry of each dated register, in `commune` (or its province), dated `day`."""
        person, province = self.born_1935, commune.parent if commune.parent.parent is None else commune.parent.parent
        decision = make_decision(date=day)
        rice_round = self.march_round if day < datetime.date(2025, 7, 1) else self.september_round
        common = {"year": 2025, "commune": commune}
        return {
            "longevity gift (gift_date)": LongevityGift(person=person, milestone=90, gift_date=day, **common),
            "elderly visit (visited_on)": ElderlyVisit(person=person, visited_on=day, **common),
            "medical referral (referred_on)": MedicalReferral(
                person=person, referred_on=day, condition="Ung thư", **common
            ),
            "admission dossier (received_on)": AdmissionDossier(person=person, received_on=day, **common),
            "record amendment (its decision's date)": RecordAmendment(
                person=person, decision=decision, change="Sửa năm sinh", **common
            ),
            "rice relief line (its round's distribution_date)": RiceReliefLine(
                round=rice_round, household=self.household, commune=commune, persons=2, kg=30
            ),
            "rice relief round (distribution_date)": RiceReliefRound(
                code="2025-test", year=2025, occasion="tet", area=province, distribution_date=day, kg_allocated=100
            ),
            "training class (starts_on)": TrainingClass(
                title="Tập huấn",
                year=2025,
                area=province,
                level="commune",
                starts_on=day,
                ends_on=day,
                place="Hội trường",
                participants=30,
            ),
        }

    def test_an_entry_dated_after_the_reform_in_an_ended_commune_is_refused_naming_its_successor(self):
        for name, entry in self.entries(self.bo_bo, SEPTEMBER).items():
            with self.subTest(name):
                expected = BAC_KAN_ENDED if name.startswith(("rice relief round", "training")) else BO_BO_ENDED
                self.assertIn(expected, validation_messages(entry))

    def test_an_entry_dated_before_the_reform_in_a_new_commune_is_refused(self):
        entries = self.entries(self.new_bang_thanh, MARCH)
        for name, entry in entries.items():
            with self.subTest(name):
                expected = (
                    NEW_BANG_THANH_NOT_YET
                    if "rice relief round" not in name and "training" not in name
                    else "Ngày 10/03/2025 tỉnh Thái Nguyên (mã 19, hiệu lực từ 01/07/2025) chưa là đơn vị hành chính: "
                    "hãy chọn đơn vị có hiệu lực khi đó."
                )
                self.assertIn(expected, validation_messages(entry))

    def test_an_entry_dated_within_its_communes_validity_is_valid(self):
        for commune, day in ((self.bo_bo, MARCH), (self.new_bang_thanh, SEPTEMBER)):
            household = make_household(commune=commune, certificate_year=2025)
            for name, entry in self.entries(commune, day).items():
                with self.subTest(name, day=day):
                    if isinstance(entry, RiceReliefLine):
                        entry.household = household
                    self.assertEqual(
                        [m for m in validation_messages(entry) if "hành chính" in m], [], "refused for its unit"
                    )

    def test_an_entry_without_a_date_of_its_event_keeps_the_rule_of_its_year(self):
        """A gift without its date, a funeral allowance (settled in its year, perhaps long after
        the death), a worship allowance (the year of its decision; paid from a date that may
        precede it), housing support (built over months): the unit need only be in force in the year."""
        person = self.born_1935
        entries = [
            LongevityGift(person=person, milestone=90, year=2025, commune=self.bo_bo),
            FuneralAllowance(
                deceased=make_person(full_name="Nông Văn Tư", birth_year=1930, commune=self.bo_bo),
                category="meritorious",
                date_of_death=SEPTEMBER,
                year=2025,
                recipient_name="Nông Thị Hoa",
                amount_vnd=18_000_000,
                commune=self.bo_bo,
            ),
            WorshipAllowance(
                martyr_name="Hoàng Văn Lợi",
                martyr_record="LS-0612",
                worshipper=person,
                year=2025,
                yearly_amount_vnd=1_000_000,
                valid_from=SEPTEMBER,
                commune=self.bo_bo,
            ),
            HousingSupport(
                household=self.household,
                funding_source="local_budget",
                amount_vnd=40_000_000,
                year=2025,
                started_on=SEPTEMBER,
                commune=self.bo_bo,
            ),
        ]
        for entry in entries:
            with self.subTest(type(entry).__name__):
                self.assertEqual(validation_messages(entry), [])
                entry.year = 2026
                self.assertIn("không còn là đơn vị hành chính trong năm 2026", " ".join(validation_messages(entry)))


# Kind → (cells of a good 2025 row dated before the reform in old Xã Bằng Thành (01858),
#         cells that date it after the reform, the fields the admin form changes for the same,
#         the message both must show).
DINH_ID = make_citizen_id(female=True, birth_year=1935, serial=1)
DATED_KINDS = {
    "longevity_gifts": (
        {"full_name": "Ma Thị Dình", "birth_year": "1935", "citizen_id": DINH_ID, "gift_date": "10/03/2025"},
        {"gift_date": "15/09/2025"},
        {"gift_date": "15/09/2025"},
        BANG_THANH_ENDED,
    ),
    "elderly_visits": (
        {"visited_on": "10/03/2025"},
        {"visited_on": "15/09/2025"},
        {"visited_on": "15/09/2025"},
        BANG_THANH_ENDED,
    ),
    "medical_referrals": (
        {"referred_on": "10/03/2025"},
        {"referred_on": "15/09/2025"},
        {"referred_on": "15/09/2025"},
        BANG_THANH_ENDED,
    ),
    "admission_dossiers": (
        {"received_on": "10/03/2025"},
        {"received_on": "15/09/2025"},
        {"received_on": "15/09/2025"},
        BANG_THANH_ENDED,
    ),
    "record_amendments": (
        {"decision_number": "31/QĐ-UBND", "decision_date": "10/03/2025"},
        {"decision_number": "95/QĐ-UBND", "decision_date": "15/09/2025"},
        {"decision": "september decision"},
        BANG_THANH_ENDED,
    ),
    "rice_relief_lines": (
        {"round_code": "2025-tet"},
        {"round_code": "2025-lu"},
        {"round": "september round"},
        BANG_THANH_ENDED,
    ),
    "rice_relief_rounds": (
        {"code": "2025-giap-hat", "distribution_date": "10/03/2025"},
        {"distribution_date": "15/09/2025"},
        {"distribution_date": "15/09/2025"},
        BAC_KAN_ENDED,
    ),
    "training_classes": (
        {"starts_on": "10/03/2025", "ends_on": "12/03/2025"},
        {"starts_on": "15/09/2025", "ends_on": "17/09/2025"},
        {"starts_on": "15/09/2025", "ends_on": "17/09/2025"},
        BAC_KAN_ENDED,
    ),
}


class SameDatedRowsOnEveryPathTests(ReformUnits, AdminFormTestCase):
    """The admin add form and the import (its check, as the admin and the command run it) refuse
    the same row dated after the reform in an ended commune, in the same words. (No dated
    register has list edit; the admin's list edit is the indicators' plan and actual.)"""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.make_reform_units()
        commune = cls.old_bang_thanh
        make_person(
            full_name="Hoàng Thị Mai", gender="female", birth_year=1934, citizen_id="006134000123", commune=commune
        )
        make_person(full_name="Ma Thị Dình", gender="female", birth_year=1935, citizen_id=DINH_ID, commune=commune)
        make_household(code="BT-0012", commune=commune, size=4)
        make_decision(number="31/QĐ-UBND", date=MARCH)
        cls.september_decision = make_decision(number="95/QĐ-UBND", date=SEPTEMBER)
        make_round(code="2025-tet", year=2025, area=cls.bac_kan, distribution_date=MARCH, months=2, kg_allocated=500)
        cls.september_round = make_round(
            code="2025-lu", year=2025, area=cls.thai_nguyen, distribution_date=SEPTEMBER, months=2, kg_allocated=500
        )

    def file_row(self, kind, changes):
        cells = {name: csv_cell(value) for name, value in kind.example.items()}
        cells.update({"year": "2025", "commune_code": "01858"}, **changes)
        columns = kind.export_columns
        return [column.header for column in columns], [cells.get(column.name, "") for column in columns]

    def imported(self, kind, changes):
        header, row = self.file_row(kind, changes)
        result = check_file(kind, make_csv_bytes([header, row]), "tep.csv", user=self.superuser)
        return [problem.message for problem in result.problems], result

    def form_changes(self, fields):
        named = {"september decision": self.september_decision, "september round": self.september_round}
        return {name: named.get(value, value) for name, value in fields.items()}

    def test_a_row_dated_before_the_reform_in_an_old_commune_is_accepted_by_the_form_and_the_import(self):
        for name, (good, _bad, _form, _message) in DATED_KINDS.items():
            kind = get_kind(name)
            with self.subTest(kind=name):
                problems, result = self.imported(kind, good)
                self.assertEqual(problems, [])
                _row, record = result.new[0]
                self.assertIn(getattr(record, kind.model.area_path), (self.old_bang_thanh, self.bac_kan))
                values = {field: getattr(record, field) for field in result.fields}
                savepoint = transaction.savepoint()
                self.assertSaved(self.add(kind.model, **values))
                transaction.savepoint_rollback(savepoint)

    def test_a_row_dated_after_the_reform_in_an_ended_unit_is_refused_alike_by_the_form_and_the_import(self):
        for name, (good, bad, form, message) in DATED_KINDS.items():
            kind = get_kind(name)
            with self.subTest(kind=name):
                _problems, result = self.imported(kind, good)
                _row, record = result.new[0]
                values = {field: getattr(record, field) for field in result.fields}
                before = kind.model.objects.count()
                response = self.add(kind.model, **{**values, **self.form_changes(form)})
                self.assertEqual(response.status_code, 200, "the form saved the bad row")
                self.assertIn(message, form_errors(response))
                self.assertEqual(kind.model.objects.count(), before)
                problems, _result = self.imported(kind, {**good, **bad})
                self.assertIn(message, problems)

    def test_the_form_names_the_brief_example(self):
        person = make_person(full_name="Lộc Văn Páo", birth_year=1935, commune=self.bo_bo)
        self.assertAddRefused(
            LongevityGift,
            BO_BO_ENDED,
            person=person,
            commune=self.bo_bo,
            year=2025,
            milestone=90,
            cash_vnd="500.000",
            gift_date=SEPTEMBER,
        )


GIFT_HEADER = ["Năm", "Mã xã", "Họ và tên", "Giới tính", "Năm sinh", "Số CCCD", "Mốc tuổi", "Ngày tặng"]


def gift_file(*rows):
    """A 2025 file of gifts at 90 (born 1935) with code 01864: (serial, date) per row."""
    return make_csv_bytes(
        [
            GIFT_HEADER,
            *(
                [
                    "2025",
                    "01864",
                    f"Người số {serial}",
                    "Nữ",
                    "1935",
                    make_citizen_id(female=True, birth_year=1935, serial=serial),
                    "90",
                    day,
                ]
                for serial, day in rows
            ),
        ]
    )


MIXED = ((11, "10/03/2025"), (12, "10/09/2025"))


class MixedFileOfTheReformYearTests(ReformUnits, AdminFormTestCase):
    """A 2025 file may name communes of both structures by date: code 01864 dated March is old
    Xã Bộc Bố, dated September new Xã Bằng Thành; through the admin and the command line."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.make_reform_units()
        # 01858 meant old Xã Bằng Thành only: dated September it names an ended commune.
        cls.bad = make_csv_bytes(
            [
                GIFT_HEADER,
                [
                    "2025",
                    "01858",
                    "Người số 13",
                    "Nữ",
                    "1935",
                    make_citizen_id(female=True, birth_year=1935, serial=13),
                    "90",
                    "15/09/2025",
                ],
            ]
        )

    def setUp(self):
        super().setUp()
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder)
        self.folder = Path(folder)
        private = override_settings(BKXH_PRIVATE_ROOT=str(self.folder / "private"))
        private.enable()
        self.addCleanup(private.disable)

    def communes_given(self):
        return dict(LongevityGift.objects.values_list("person__full_name", "commune"))

    def assertMixedFileImported(self):
        self.assertEqual(self.communes_given(), {"Người số 11": self.bo_bo.pk, "Người số 12": self.new_bang_thanh.pk})

    def upload(self, data):
        return self.client.post(
            "/admin/beneficiaries/longevitygift/import/", {"file": SimpleUploadedFile("qua.csv", data)}
        )

    def run_command(self, data):
        path = self.folder / "qua.csv"
        path.write_bytes(data)
        out, err = StringIO(), StringIO()
        call_command("import_data", "longevity_gifts", str(path), stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def test_the_admin_imports_each_row_into_the_commune_of_its_date(self):
        self.upload(gift_file(*MIXED))
        log = ImportLog.objects.get()
        self.client.post(f"/admin/beneficiaries/longevitygift/import/{log.pk}/confirm/", {"confirm": "1"}, follow=True)
        self.assertMixedFileImported()

    def test_the_admin_refuses_a_row_dated_after_its_commune_ended_naming_its_successor(self):
        response = self.upload(self.bad)
        self.assertContains(response, BANG_THANH_ENDED)
        self.assertFalse(LongevityGift.objects.exists())

    def test_the_command_imports_each_row_into_the_commune_of_its_date(self):
        out, _err = self.run_command(gift_file(*MIXED))
        self.assertIn("Đã nhập: 2 dòng mới", out)
        self.assertMixedFileImported()

    def test_the_command_refuses_a_row_dated_after_its_commune_ended_naming_its_successor(self):
        with self.assertRaises(CommandError):
            self.run_command(self.bad)
        self.assertFalse(LongevityGift.objects.exists())

    def test_the_command_prints_the_models_words(self):
        err = StringIO()
        path = self.folder / "loi.csv"
        path.write_bytes(self.bad)
        with self.assertRaises(CommandError):
            call_command("import_data", "longevity_gifts", str(path), stdout=StringIO(), stderr=err)
        self.assertIn(BANG_THANH_ENDED, err.getvalue())

    def test_an_exported_2025_list_imports_back_unchanged(self):
        """Read by its year alone, the March gift's 01864 would mean new Xã Bằng Thành, and the
        file would move the gift out of old Xã Bộc Bố."""
        self.run_command(gift_file(*MIXED))
        before = self.communes_given()
        kind = get_kind("longevity_gifts")
        handle = io.BytesIO()
        export_records(kind, kind.queryset(), "csv", handle)
        log, result = run_import(kind, handle.getvalue(), "export.csv")
        self.assertEqual([str(problem) for problem in result.problems], [])
        self.assertEqual((log.created, log.changed, log.unchanged), (0, 0, 2))
        self.assertEqual(self.communes_given(), before)

    def test_rice_lines_take_the_commune_of_their_rounds_distribution_date(self):
        make_round(code="2025-tet", year=2025, area=self.bac_kan, distribution_date=MARCH, kg_allocated=500)
        make_round(code="2025-lu", year=2025, area=self.thai_nguyen, distribution_date=SEPTEMBER, kg_allocated=500)
        make_household(code="BB-01", commune=self.bo_bo, certificate_year=2025)
        make_household(code="BT-01", commune=self.new_bang_thanh, certificate_year=2025)
        header = ["Mã đợt", "Mã xã", "Mã hộ", "Số khẩu", "Số gạo (kg)"]
        data = make_csv_bytes(
            [header, ["2025-tet", "01864", "BB-01", "2", "30"], ["2025-lu", "01864", "BT-01", "2", "30"]]
        )
        out = StringIO()
        path = self.folder / "gao.csv"
        path.write_bytes(data)
        call_command("import_data", "rice_relief_lines", str(path), stdout=out, stderr=StringIO())
        self.assertEqual(
            dict(RiceReliefLine.objects.values_list("household__code", "commune")),
            {"BB-01": self.bo_bo.pk, "BT-01": self.new_bang_thanh.pk},
        )


class EndedDistrictUserTests(ReformUnits, TestCase):
    """A user bound to Huyện Pác Nặm, which ended on 30/06/2025, keeps reading its history once
    the units of the reform exist."""

    @classmethod
    def setUpTestData(cls):
        cls.make_reform_units()
        make_value(indicator=make_indicator(), area=cls.pac_nam, year=2024, plan=100, actual=555)
        make_longevity_gift(person=make_person(full_name="Ma Thị Dình", birth_year=1934, commune=cls.bo_bo))
        make_longevity_gift(
            person=make_person(full_name="Lộc Văn Páo", birth_year=1935, commune=cls.new_bang_thanh),
            year=2025,
            gift_date=SEPTEMBER,
        )
        cls.user = make_role_user(username="pacnam.xem", role="Xem", units=[cls.pac_nam])

    def setUp(self):
        self.client.force_login(self.user)

    def test_the_districts_2024_list_still_opens_with_its_rows(self):
        response = self.client.get("/admin/beneficiaries/longevitygift/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual([gift.person.full_name for gift in response.context["cl"].result_list], ["Ma Thị Dình"])
        self.assertNotContains(response, "Lộc Văn Páo")

    def test_the_districts_2024_report_still_opens(self):
        response = self.client.get("/reports/2024/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["report"].area, self.pac_nam)
        self.assertContains(response, "555")
        self.assertTrue(IndicatorValue.objects.filter(area=self.pac_nam).exists())
