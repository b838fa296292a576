"""Register files: people found by citizen ID (or name, birth year and commune), added when new,
and every register's own rules applied to every row before anything is written."""

import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

from django.test import TestCase
from openpyxl import load_workbook

from accounts.roles import CLERK
from audit.models import AccessLog
from beneficiaries.import_lookups import PersonOfRow
from beneficiaries.models import Household, LongevityGift, Person, RiceReliefLine
from imports.exporting import export_records, write_template
from imports.kinds import all_kinds, get_kind
from imports.process import run_import
from tests.factories import (
    default_commune,
    export_list,
    make_citizen_id,
    make_csv_bytes,
    make_household,
    make_person,
    make_role_user,
    make_round,
    make_superuser,
    make_xlsx_bytes,
)

GIFT_HEADER = [
    "Năm",
    "Mã xã",
    "Họ và tên",
    "Giới tính",
    "Năm sinh",
    "Số CCCD",
    "Mốc tuổi",
    "Tiền mặt (đồng)",
    "Hiện vật (đồng)",
    "Ngày tặng",
    "Ghi chú",
]
GIFT_COLUMNS = [
    "year",
    "commune_code",
    "full_name",
    "gender",
    "birth_year",
    "citizen_id",
    "milestone",
    "cash_vnd",
    "in_kind_vnd",
    "gift_date",
    "note",
]
MAI_ID = make_citizen_id(female=True, birth_year=1934, province="006", serial=123)


def gift_row(**cells):
    row = {
        "Năm": "2024",
        "Mã xã": "01858",
        "Họ và tên": "Hoàng Thị Mai",
        "Giới tính": "Nữ",
        "Năm sinh": "1934",
        "Số CCCD": MAI_ID,
        "Mốc tuổi": "90",
        "Tiền mặt (đồng)": "500.000",
        "Hiện vật (đồng)": "200.000",
        "Ngày tặng": "06/06/2024",
        "Ghi chú": "",
    }
    row.update(cells)
    return [row[header] for header in GIFT_HEADER]


class RegisterFileTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.commune = default_commune()

    def snapshot(self):
        return (
            sorted(Person.objects.values_list("full_name", "citizen_id", "birth_year")),
            sorted(LongevityGift.objects.values_list("person__full_name", "milestone", "cash_vnd", "gift_date")),
            Household.objects.count(),
            RiceReliefLine.objects.count(),
        )

    def import_gifts(self, *rows, header=GIFT_HEADER, **kwargs):
        return run_import(get_kind("longevity_gifts"), make_csv_bytes([header, *rows]), "qua-mung-tho.csv", **kwargs)

    def assertRefused(self, rows, messages, kind="longevity_gifts", header=GIFT_HEADER):
        before = self.snapshot()
        log, result = run_import(get_kind(kind), make_csv_bytes([header, *rows]), "tep.csv")
        self.assertEqual([str(problem) for problem in result.problems], messages)
        self.assertEqual(self.snapshot(), before)
        self.assertEqual(log.outcome, "rejected")


class LongevityGiftFileTests(RegisterFileTestCase):
    def test_the_columns_are_exactly_those_of_the_form(self):
        kind = get_kind("longevity_gifts")
        self.assertEqual([column.name for column in kind.export_columns], GIFT_COLUMNS)
        self.assertEqual([column.header for column in kind.export_columns], GIFT_HEADER)

    def test_a_gift_file_adds_the_people_and_their_gifts(self):
        log, result = self.import_gifts(
            gift_row(),
            gift_row(
                **{"Họ và tên": "Nông Văn Tư", "Giới tính": "Nam", "Năm sinh": "1924", "Số CCCD": "", "Mốc tuổi": "100"}
            ),
        )
        self.assertEqual(result.problems, [])
        self.assertEqual((log.outcome, log.created), ("imported", 2))
        self.assertEqual(result.notes, ["2 người chưa có trong danh sách sẽ được thêm vào danh sách người."])
        mai = Person.objects.get(citizen_id=MAI_ID)
        self.assertEqual(
            (mai.gender, mai.birth_year, mai.commune, mai.search_name), ("female", 1934, self.commune, "hoang thi mai")
        )
        gift = LongevityGift.objects.get(person=mai)
        self.assertEqual(
            (gift.milestone, gift.cash_vnd, gift.in_kind_vnd, gift.gift_date),
            (90, Decimal(500000), Decimal(200000), datetime.date(2024, 6, 6)),
        )
        self.assertEqual(Person.objects.get(full_name="Nông Văn Tư").citizen_id, "")

    def test_importing_the_file_twice_changes_nothing(self):
        rows = (
            gift_row(),
            gift_row(
                **{"Họ và tên": "Nông Văn Tư", "Giới tính": "Nam", "Năm sinh": "1924", "Số CCCD": "", "Mốc tuổi": "100"}
            ),
        )
        self.import_gifts(*rows)
        before = self.snapshot()
        log, result = self.import_gifts(*rows)
        self.assertEqual((log.created, log.changed, log.unchanged, result.notes), (0, 0, 2, []))
        self.assertEqual(self.snapshot(), before)

    def test_a_person_already_on_file_is_found_by_citizen_id(self):
        mai = make_person(full_name="Hoàng Thị Mai", gender="female", birth_year=1934, citizen_id=MAI_ID)
        self.import_gifts(gift_row())
        self.assertEqual(LongevityGift.objects.get().person, mai)
        self.assertEqual(Person.objects.count(), 1)

    def test_a_person_without_citizen_id_is_found_by_name_birth_year_and_commune(self):
        tu = make_person(full_name="Nông Văn Tư", birth_year=1924)
        self.import_gifts(
            gift_row(
                **{"Họ và tên": "NÔNG VĂN TƯ", "Giới tính": "Nam", "Năm sinh": "1924", "Số CCCD": "", "Mốc tuổi": "100"}
            )
        )
        self.assertEqual(LongevityGift.objects.get().person, tu)

    def test_the_date_of_birth_may_stand_for_the_year(self):
        header = [*GIFT_HEADER[:4], "Ngày sinh", *GIFT_HEADER[5:]]
        _log, result = self.import_gifts([*gift_row()[:4], "12/08/1934", *gift_row()[5:]], header=header)
        self.assertEqual(result.problems, [])
        person = Person.objects.get()
        self.assertEqual((person.birth_year, person.birth_date), (1934, datetime.date(1934, 8, 12)))

    def test_an_xlsx_file_with_numbers_and_dates_as_excel_keeps_them_imports(self):
        data = make_xlsx_bytes(
            [
                GIFT_HEADER,
                [
                    2024,
                    "01858",
                    "Hoàng Thị Mai",
                    "Nữ",
                    1934,
                    MAI_ID,
                    90,
                    500000,
                    200000,
                    datetime.datetime(2024, 6, 6),
                    None,
                ],
            ]
        )
        _log, result = run_import(get_kind("longevity_gifts"), data, "qua.xlsx")
        self.assertEqual(result.problems, [])
        self.assertEqual(LongevityGift.objects.get().gift_date, datetime.date(2024, 6, 6))

    def test_export_then_import_is_the_identity(self):
        self.import_gifts(
            gift_row(**{"Ghi chú": "=Trao tại nhà"}),
            gift_row(
                **{"Họ và tên": "Nông Văn Tư", "Giới tính": "Nam", "Năm sinh": "1924", "Số CCCD": "", "Mốc tuổi": "100"}
            ),
        )
        before = self.snapshot()
        kind = get_kind("longevity_gifts")
        for file_format in ("csv", "xlsx"):
            with self.subTest(file_format=file_format):
                handle = io.BytesIO()
                export_records(kind, kind.queryset(), file_format, handle)
                log, result = run_import(kind, handle.getvalue(), f"qua.{file_format}")
                self.assertEqual(result.problems, [])
                self.assertEqual((log.created, log.changed, log.unchanged), (0, 0, 2))
                self.assertEqual(self.snapshot(), before)

    def test_every_problem_of_a_bad_gift_file_is_listed_and_nothing_is_written(self):
        make_person(full_name="Hoàng Thị Mai", gender="female", birth_year=1934, citizen_id=MAI_ID)
        self.assertRefused(
            [
                gift_row(**{"Họ và tên": "Hoàng Thị Mây"}),
                gift_row(
                    **{"Họ và tên": "Lò Văn A", "Giới tính": "Nam giới", "Năm sinh": "1935", "Số CCCD": "00613500012"}
                ),
                gift_row(
                    **{
                        "Họ và tên": "Lò Văn B",
                        "Giới tính": "Nam",
                        "Năm sinh": "1935",
                        "Số CCCD": make_citizen_id(birth_year=1935, province="006"),
                    }
                ),
                gift_row(
                    **{
                        "Họ và tên": "Lò Văn C",
                        "Giới tính": "Nam",
                        "Năm sinh": "1934",
                        "Số CCCD": make_citizen_id(birth_year=1934, province="006"),
                        "Ngày tặng": "31/02/2024",
                    }
                ),
                gift_row(
                    **{
                        "Họ và tên": "Lò Thị D",
                        "Giới tính": "Nữ",
                        "Năm sinh": "1934",
                        "Số CCCD": make_citizen_id(birth_year=1934, province="006"),
                    }
                ),
                gift_row(
                    **{
                        "Họ và tên": "Lò Văn E",
                        "Giới tính": "Nam",
                        "Năm sinh": "1934",
                        "Số CCCD": "",
                        "Tiền mặt (đồng)": "-1",
                        "Ngày tặng": "06/06/2023",
                    }
                ),
                gift_row(
                    **{"Họ và tên": "Lò Văn E", "Giới tính": "Nam", "Năm sinh": "1934", "Số CCCD": "", "Mã xã": "99999"}
                ),
            ],
            [
                "Dòng 2, cột “Số CCCD”: Số CCCD này đã được ghi cho Hoàng Thị Mai (1934); họ tên hoặc năm sinh "
                "trong tệp không khớp.",
                "Dòng 3, cột “Giới tính”: “Nam giới” không thuộc các giá trị: “nam”, “nữ”.",
                "Dòng 3, cột “Số CCCD”: Số CCCD phải gồm đúng 12 chữ số.",
                "Dòng 4, cột “Mốc tuổi”: Sinh năm 1935, năm 2024 người này 89 tuổi (tính theo năm), không phải 90.",
                "Dòng 5, cột “Ngày tặng”: “31/02/2024” không phải là ngày có thật.",
                "Dòng 6, cột “Số CCCD”: Chữ số thứ tư (0) không khớp với giới tính và thế kỷ sinh.",
                "Dòng 7, cột “Ngày tặng”: Ngày tặng phải trong năm của mốc tuổi.",
                "Dòng 7, cột “Tiền mặt (đồng)”: Số tiền không được là số âm.",
                "Dòng 8, cột “Mã xã”: “99999” không phải là mã đơn vị hành chính trong năm 2024.",
            ],
        )

    def test_the_same_gift_twice_in_the_file_is_refused(self):
        self.assertRefused(
            [gift_row(), gift_row(**{"Tiền mặt (đồng)": "1.000.000"})],
            [
                "Dòng 3: Dòng này trùng với dòng 2 (cùng “Họ và tên”, “Giới tính”, “Năm sinh”, “Số CCCD”, “Mốc tuổi”, "
                "“Năm”); chỉ giữ lại một dòng."
            ],
        )

    def test_a_person_without_citizen_id_recorded_twice_is_not_guessed(self):
        make_person(full_name="Nông Văn Tư", birth_year=1924)
        make_person(full_name="Nông Văn Tư", birth_year=1924)
        self.assertRefused(
            [
                gift_row(
                    **{
                        "Họ và tên": "Nông Văn Tư",
                        "Giới tính": "Nam",
                        "Năm sinh": "1924",
                        "Số CCCD": "",
                        "Mốc tuổi": "100",
                    }
                )
            ],
            [
                "Dòng 2, cột “Họ và tên”: Có 2 người chưa có CCCD trùng họ tên, năm sinh và xã này; hãy ghi số CCCD "
                "hoặc xử lý các bản ghi trùng trước."
            ],
        )

    def test_a_file_without_birth_year_or_birth_date_is_refused(self):
        header = [name for name in GIFT_HEADER if name != "Năm sinh"]
        row = [cell for name, cell in zip(GIFT_HEADER, gift_row(), strict=True) if name != "Năm sinh"]
        self.assertRefused([row], ["Tệp phải có một trong các cột “Năm sinh” / “Ngày sinh”."], header=header)


class OtherRegisterFileTests(RegisterFileTestCase):
    def test_every_register_has_a_kind_with_an_export_and_a_template(self):
        names = {kind.name for kind in all_kinds()}
        self.assertEqual(
            names,
            {
                "indicator_values",
                "people",
                "households",
                "decisions",
                "longevity_gifts",
                "elderly_visits",
                "medical_referrals",
                "admission_dossiers",
                "funeral_allowances",
                "worship_allowances",
                "record_amendments",
                "housing_support",
                "rice_relief_rounds",
                "rice_relief_lines",
                "training_classes",
            },
        )
        for kind in all_kinds():
            with self.subTest(kind=kind.name):
                handle = io.BytesIO()
                write_template(kind, handle)
                data = load_workbook(handle, read_only=True).worksheets[0]
                header, example = list(data.iter_rows(max_row=2, values_only=True))
                self.assertEqual(list(header), [column.header for column in kind.export_columns])
                self.assertTrue(any(cell not in (None, "") for cell in example), "the template has no example row")
                export = io.BytesIO()
                export_records(kind, kind.queryset(), "csv", export)
                self.assertEqual(
                    export.getvalue().decode("utf-8-sig").splitlines()[0].split(",")[0], kind.export_columns[0].header
                )

    def test_households_are_matched_on_commune_and_code(self):
        header = ["Năm", "Mã xã", "Mã hộ", "Thôn, bản", "Số nhân khẩu", "Diện hộ", "Năm công nhận"]
        rows = [header, ["2024", "01858", "BT-01", "Nà Mằm", "4", "Hộ nghèo", "2023"]]
        log, result = run_import(get_kind("households"), make_csv_bytes(rows), "ho.csv")
        self.assertEqual((result.problems, log.created), ([], 1))
        rows[1][4] = "5"
        log, result = run_import(get_kind("households"), make_csv_bytes(rows), "ho.csv")
        self.assertEqual((log.created, log.changed), (0, 1))
        self.assertEqual(Household.objects.get().size, 5)

    def test_people_are_matched_on_citizen_id_and_updated(self):
        header = ["Năm", "Mã xã", "Họ và tên", "Giới tính", "Năm sinh", "Số CCCD", "Dân tộc"]
        rows = [header, ["2024", "01858", "Hoàng Thị Mai", "Nữ", "1934", MAI_ID, "Tày"]]
        run_import(get_kind("people"), make_csv_bytes(rows), "nguoi.csv")
        rows[1][6] = "Nùng"
        log, result = run_import(get_kind("people"), make_csv_bytes(rows), "nguoi.csv")
        self.assertEqual((result.problems, log.created, log.changed), ([], 0, 1))
        self.assertEqual(Person.objects.get().ethnicity, "07")

    def test_rice_lines_over_their_rounds_allocation_together_are_refused(self):
        rice_round = make_round(code="2024-tet", kg_allocated=100)
        first, second = make_household(code="BT-01"), make_household(code="BT-02")
        header = ["Mã đợt", "Mã xã", "Mã hộ", "Số khẩu", "Số gạo (kg)"]
        self.assertRefused(
            [["2024-tet", "01858", "BT-01", "4", "60"], ["2024-tet", "01858", "BT-02", "4", "60"]],
            ["Các dòng của đợt 2024-tet cộng lại được 120 kg, vượt số 100 kg được cấp."],
            kind="rice_relief_lines",
            header=header,
        )
        log, result = run_import(
            get_kind("rice_relief_lines"),
            make_csv_bytes(
                [header, ["2024-tet", "01858", "BT-01", "4", "60"], ["2024-tet", "01858", "BT-02", "3", "40"]]
            ),
            "gao.csv",
        )
        self.assertEqual((result.problems, log.created), ([], 2))
        self.assertEqual({line.household for line in rice_round.lines.all()}, {first, second})

    def test_an_unknown_household_is_named_with_its_commune(self):
        make_round(code="2024-tet")
        header = ["Mã đợt", "Mã xã", "Mã hộ", "Số khẩu", "Số gạo (kg)"]
        self.assertRefused(
            [["2024-tet", "01858", "BT-99", "4", "60"]],
            ["Dòng 2, cột “Mã hộ”: Xã Bằng Thành không có hộ nào có mã “BT-99”."],
            kind="rice_relief_lines",
            header=header,
        )


class RegisterAdminTests(TestCase):
    def test_every_register_list_offers_import_and_export(self):
        self.client.force_login(make_superuser())
        for url in (
            "/admin/beneficiaries/longevitygift/",
            "/admin/beneficiaries/person/",
            "/admin/beneficiaries/ricereliefline/",
            "/admin/beneficiaries/decision/",
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, f'href="{url}import/"')
                self.assertContains(response, f'<form method="post" action="{url}export/" class="export-form">')


class PersonalDataExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.mai = make_person(full_name="Hoàng Thị Mai", gender="female", birth_year=1934, citizen_id=MAI_ID)

    def export_people(self):
        response = export_list(self.client, "/admin/beneficiaries/person/")
        return response.content.decode("utf-8-sig").splitlines()

    def test_citizen_ids_are_exported_whole_to_those_who_may_see_them_and_logged(self):
        self.client.force_login(make_superuser())
        lines = self.export_people()
        self.assertIn(MAI_ID, lines[1])
        log = AccessLog.objects.get(event=AccessLog.Event.EXPORT)
        self.assertEqual((log.subject, log.row_count), ("người", 1))

    def test_citizen_ids_are_masked_for_the_others_and_the_export_logged(self):
        self.client.force_login(make_role_user(username="nhaplieu", role=CLERK, units=[self.mai.commune.parent]))
        lines = self.export_people()
        self.assertNotIn(MAI_ID, lines[1])
        self.assertIn("••••••••" + MAI_ID[-4:], lines[1])
        self.assertEqual(AccessLog.objects.get(event=AccessLog.Event.EXPORT).row_count, 1)


class PeopleAddedNoteTests(TestCase):
    def test_the_number_of_people_an_import_adds_is_written_the_vietnamese_way(self):
        resolver = PersonOfRow()
        result = SimpleNamespace(resolver_state={resolver: {"created": range(30_000)}}, notes=[])
        resolver.finish(None, result)
        self.assertEqual(
            [str(note) for note in result.notes],
            ["30.000 người chưa có trong danh sách sẽ được thêm vào danh sách người."],
        )
