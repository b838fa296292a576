"""The same bad row refused the same way by the admin form and by the import, for every kind.

Each kind's row starts as its template's example row (the import's own declaration), with the
records it names made first; the admin form gets the same row as the import reads it. A case
changes some fields, typed the same in the form and in the file, and names the one message both
must show. A kind added without cases fails here, so the two paths cannot drift apart unseen.
"""

import datetime

from django.db import transaction

from beneficiaries.models import Gender, PovertyStatus
from imports.checking import check_file
from imports.exporting import csv_cell
from imports.kinds import all_kinds
from tests.admin_forms import AdminFormTestCase, form_errors
from tests.factories import (
    default_commune,
    make_csv_bytes,
    make_decision,
    make_household,
    make_indicator,
    make_person,
    make_rice_line,
    make_round,
)

# Kind → (changes to its example row, so that the row is not one stored already,
#         [({field: text typed in the form and written in the file}, the message both show)]).
CASES = {
    "indicator_values": (
        {},
        [
            ({"plan": "-1"}, "Kế hoạch không được là số âm."),
            ({"actual": "-5"}, "Số thực hiện không được là số âm."),
        ],
    ),
    "people": (
        {"full_name": "Lý Thị Hoa", "citizen_id": "006134000999"},
        [
            ({"birth_year": "1870"}, "Năm sinh phải trong khoảng từ 1880 đến 2100."),
            ({"citizen_id": "00613400099"}, "Số CCCD phải gồm đúng 12 chữ số."),
        ],
    ),
    "households": (
        {"household_code": "BT-0099"},
        [({"size": "0"}, "Hộ gia đình phải có ít nhất một nhân khẩu.")],
    ),
    "decisions": (
        {"number": "99/QĐ-UBND"},
        [({"number": "9" * 61}, "Giá trị này chỉ có tối đa 60 kí tự (hiện có 61)")],
    ),
    "longevity_gifts": (
        {},
        [
            ({"cash_vnd": "-1"}, "Số tiền không được là số âm."),
            ({"gift_date": "06/06/2023"}, "Ngày tặng phải trong năm của mốc tuổi."),
        ],
    ),
    "elderly_visits": ({}, [({"visited_on": "15/10/2023"}, "Ngày phải thuộc năm đã chọn.")]),
    "medical_referrals": ({}, [({"referred_on": "02/04/2023"}, "Ngày phải thuộc năm đã chọn.")]),
    "admission_dossiers": (
        {},
        [({"appraised_on": "01/06/2024"}, "Ngày thẩm định không được trước ngày nhận hồ sơ.")],
    ),
    "funeral_allowances": (
        {},
        [
            ({"amount_vnd": "0"}, "Số tiền phải lớn hơn 0 đồng."),
            ({"date_of_death": "02/03/1920"}, "Ngày từ trần trước năm sinh."),
        ],
    ),
    "worship_allowances": (
        {},
        [
            ({"yearly_amount_vnd": "0"}, "Số tiền phải lớn hơn 0 đồng."),
            ({"valid_to": "31/12/2023"}, "Ngày thôi hưởng không được trước ngày bắt đầu hưởng."),
        ],
    ),
    "record_amendments": ({}, [({"year": "1999"}, "Năm phải trong khoảng từ 2000 đến 2100.")]),
    "housing_support": (
        {},
        [
            ({"amount_vnd": "0"}, "Số tiền phải lớn hơn 0 đồng."),
            ({"completed_on": "01/05/2024"}, "Ngày hoàn thành không được trước ngày khởi công."),
        ],
    ),
    "rice_relief_rounds": (
        {"code": "2024-giap-hat"},
        [
            ({"months": "7"}, "Mỗi đợt hỗ trợ từ 1 đến 6 tháng."),
            ({"distribution_date": "25/01/2023"}, "Ngày phát phải thuộc năm của đợt hỗ trợ."),
        ],
    ),
    "rice_relief_lines": (
        {},
        [
            # The ration: persons × 15 kg × the round's 2 months.
            ({"persons": "2", "kg": "61"}, "Tối đa 60 kg: 2 khẩu × 15 kg × 2 tháng."),
            # The allocation: 40 kg already given in the round, of 150.
            ({"kg": "115"}, "Các dòng của đợt 2024-tet cộng lại được 155 kg, vượt số 150 kg được cấp."),
        ],
    ),
    "training_classes": (
        {},
        [
            ({"ends_on": "08/09/2024"}, "Ngày kết thúc không được trước ngày bắt đầu."),
            ({"participants": "0"}, "Lớp phải có ít nhất một người tham dự."),
        ],
    ),
}


class SameRulesOnEveryPathTests(AdminFormTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        commune = default_commune()
        # What the kinds' example rows name: the indicator, the people, the household, the
        # decision and the rice round.
        make_indicator(code="jobs_created")
        make_person(
            full_name="Hoàng Thị Mai", gender=Gender.FEMALE, birth_year=1934, citizen_id="006134000123", commune=commune
        )
        make_person(full_name="Nông Văn Tư", birth_year=1930, citizen_id="006030000456", commune=commune)
        make_household(code="BT-0012", commune=commune, size=4, poverty_status=PovertyStatus.POOR)
        make_decision(number="1234/QĐ-UBND", date=datetime.date(2024, 3, 15))
        rice_round = make_round(code="2024-tet", area=commune.parent, months=2, kg_allocated=150)
        make_rice_line(round=rice_round, household=make_household(commune=commune, size=4), persons=4, kg=40)

    def file_row(self, kind, changes):
        """The kind's example row with `changes` ({column name: cell}), as the file's header and row."""
        cells = {name: csv_cell(value) for name, value in kind.example.items()}
        cells.update(changes)
        columns = kind.export_columns
        return [column.header for column in columns], [cells.get(column.name, "") for column in columns]

    def file_changes(self, kind, fields):
        """{column name: cell} for {model field: text}."""
        return {kind.column_for_field(name).name: text for name, text in fields.items()}

    def imported(self, kind, example_changes, fields=None):
        """The import's check of the example row changed by `fields`: (problems' messages, result)."""
        header, row = self.file_row(kind, {**example_changes, **self.file_changes(kind, fields or {})})
        result = check_file(kind, make_csv_bytes([header, row]), "tep.csv", user=self.superuser)
        return [problem.message for problem in result.problems], result

    def form_values(self, kind, example_changes):
        """The example row as the admin form takes it: each field the file sets, as the import read it."""
        problems, result = self.imported(kind, example_changes)
        self.assertEqual(problems, [], "the example row is refused by the import")
        _row, record = result.new[0]
        return {name: getattr(record, name) for name in result.fields}

    def test_every_kind_has_cases(self):
        self.assertEqual(sorted(CASES), sorted(kind.name for kind in all_kinds()))

    def test_the_example_row_is_accepted_by_the_form_and_the_import(self):
        for kind in all_kinds():
            with self.subTest(kind=kind.name):
                values = self.form_values(kind, CASES[kind.name][0])
                savepoint = transaction.savepoint()
                self.assertSaved(self.add(kind.model, **values))
                transaction.savepoint_rollback(savepoint)

    def test_a_bad_row_is_refused_with_the_same_message_by_the_form_and_the_import(self):
        for kind in all_kinds():
            example_changes, cases = CASES[kind.name]
            values = self.form_values(kind, example_changes)
            for fields, message in cases:
                with self.subTest(kind=kind.name, fields=fields):
                    before = kind.model.objects.count()
                    response = self.add(kind.model, **{**values, **fields})
                    self.assertEqual(response.status_code, 200, "the form saved the bad row")
                    self.assertIn(message, form_errors(response))
                    self.assertEqual(kind.model.objects.count(), before)
                    problems, _result = self.imported(kind, example_changes, fields)
                    self.assertIn(message, problems)
