"""Unique constraints with a condition (one current worshipper per martyr) are checked in bulk,
within the file and against the database, with the model's own message, row and column."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from beneficiaries.models import Person, WorshipAllowance
from imports.kinds import get_kind
from imports.process import run_import
from tests.factories import default_commune, make_csv_bytes, make_superuser, make_worship_allowance
from tests.test_imports_admin import PrivateFolderMixin

WORSHIP_HEADER = [column.header for column in get_kind("worship_allowances").export_columns]


def worship_file(*rows):
    return make_csv_bytes([WORSHIP_HEADER, *[[row.get(name, "") for name in WORSHIP_HEADER] for row in rows]])


def worship_row(**cells):
    row = {
        "Năm": "2024",
        "Mã xã": "01858",
        "Họ tên liệt sĩ": "Hoàng Văn Lợi",
        "Số hồ sơ liệt sĩ": "LS-0612",
        "Họ và tên": "Hoàng Văn Ba",
        "Giới tính": "Nam",
        "Năm sinh": "1960",
        "Số tiền hằng năm (đồng)": "1.000.000",
        "Hưởng từ ngày": "01/01/2024",
    }
    row.update(cells)
    return row


class ConditionalUniqueTests(PrivateFolderMixin, TestCase):
    """One current worshipper per martyr (a unique constraint with a condition), in bulk."""

    @classmethod
    def setUpTestData(cls):
        default_commune()

    def assertRefused(self, data, messages):
        """The admin preview lists `messages` and offers no confirmation; the command writes nothing."""
        people, allowances = Person.objects.count(), list(WorshipAllowance.objects.values_list("pk", "version"))
        self.client.force_login(make_superuser())
        response = self.client.post(
            "/admin/beneficiaries/worshipallowance/import/", {"file": SimpleUploadedFile("tho-cung.csv", data)}
        )
        self.assertEqual(response.context["summary"]["problems"], messages)
        self.assertFalse(response.context["can_confirm"])
        log, result = run_import(get_kind("worship_allowances"), data, "tho-cung.csv")
        self.assertEqual([str(problem) for problem in result.problems], messages)
        self.assertEqual(log.outcome, "rejected")
        self.assertEqual(Person.objects.count(), people)
        self.assertEqual(list(WorshipAllowance.objects.values_list("pk", "version")), allowances)

    def test_two_current_worshippers_of_one_martyr_in_one_file_are_refused_with_the_models_message(self):
        self.assertRefused(
            worship_file(
                worship_row(),
                worship_row(**{"Họ và tên": "Hoàng Thị Tư", "Giới tính": "Nữ", "Hưởng từ ngày": "01/02/2024"}),
            ),
            ["Dòng 3, cột “Số hồ sơ liệt sĩ”: Liệt sĩ này đã có người thờ cúng đang hưởng trợ cấp."],
        )

    def test_a_current_worshipper_in_the_file_besides_one_on_file_is_refused_with_the_models_message(self):
        make_worship_allowance(
            martyr_record="LS-0612", martyr_name="Hoàng Văn Lợi", valid_from=datetime.date(2020, 1, 1)
        )
        self.assertRefused(
            worship_file(worship_row()),
            [
                # The model's rule across rows (its clean()) and its unique constraint, each in its own words.
                "Dòng 2, cột “Hưởng từ ngày”: Trong thời gian này đã có người khác hưởng trợ cấp thờ cúng liệt sĩ "
                "này: mỗi liệt sĩ chỉ có một người thờ cúng tại một thời điểm.",
                "Dòng 2, cột “Số hồ sơ liệt sĩ”: Liệt sĩ này đã có người thờ cúng đang hưởng trợ cấp.",
            ],
        )

    def test_a_worshipper_whose_allowance_has_ended_does_not_stand_in_the_way(self):
        make_worship_allowance(
            martyr_record="LS-0612",
            martyr_name="Hoàng Văn Lợi",
            valid_from=datetime.date(2020, 1, 1),
            valid_to=datetime.date(2023, 12, 31),
        )
        log, result = run_import(get_kind("worship_allowances"), worship_file(worship_row()), "tho-cung.csv")
        self.assertEqual([str(problem) for problem in result.problems], [])
        self.assertEqual((log.outcome, log.created), ("imported", 1))
