"""Files as clerks make them: every bad one is refused with a message they can act on and
writes nothing; the good variants Excel produces import right."""

import codecs
import io
import zipfile
from decimal import Decimal

from django.test import TestCase, override_settings

from imports.kinds import get_kind
from imports.models import ImportLog
from imports.process import run_import
from indicators.models import IndicatorValue
from tests.factories import (
    make_csv_bytes,
    make_district,
    make_indicator,
    make_province,
    make_value,
    make_xlsx_bytes,
)

HEADER = ["indicator_code", "year", "area_code", "plan", "actual", "note"]
VIETNAMESE_HEADER = ["Mã chỉ tiêu", "Năm", "Mã địa bàn", "Kế hoạch", "Thực hiện", "Ghi chú"]
COLUMNS = (
    "Mã chỉ tiêu (indicator_code), Năm (year), Mã địa bàn (area_code), Kế hoạch (plan), "
    "Thực hiện (actual), Ghi chú (note)"
)


class IndicatorFileTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.district = make_district(parent=cls.province)
        cls.jobs = make_indicator()
        cls.college = make_indicator(code="vocational_college", name="Trình độ cao đẳng", has_plan=False)
        cls.stored = make_value(indicator=cls.jobs, area=cls.province, plan=6400, actual=7000, note="đã có")

    def import_file(self, data, name="chi-tieu.csv", **kwargs):
        return run_import(get_kind("indicator_values"), data, name, **kwargs)

    def stored_values(self):
        return sorted(
            IndicatorValue.objects.values_list("indicator__code", "year", "area__code", "plan", "actual", "note")
        )

    def assertRefused(self, data, messages, name="chi-tieu.csv"):
        before = self.stored_values()
        log, result = self.import_file(data, name)
        self.assertEqual([str(problem) for problem in result.problems], messages)
        self.assertEqual(self.stored_values(), before)
        self.assertEqual(log.outcome, ImportLog.Outcome.REJECTED)
        self.assertEqual(log.error_count, len(messages))

    def assertImported(self, data, name="chi-tieu.csv"):
        log, result = self.import_file(data, name)
        self.assertEqual([str(problem) for problem in result.problems], [])
        self.assertEqual(log.outcome, ImportLog.Outcome.IMPORTED)
        return log

    def value(self, indicator, area):
        return IndicatorValue.objects.get(indicator=indicator, area=area, year=2024)


def rows(*data_rows, header=HEADER):
    return [header, *data_rows]


def zip_bytes(entries):
    handle = io.BytesIO()
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return handle.getvalue()


class WholeFileProblemTests(IndicatorFileTestCase):
    def test_an_empty_file_is_refused(self):
        self.assertRefused(b"", ["Tệp không có dữ liệu."])

    def test_a_file_of_blank_lines_with_a_bom_is_refused_as_empty(self):
        self.assertRefused(codecs.BOM_UTF8 + b"\r\n \r\n", ["Tệp không có dữ liệu."])

    def test_a_header_without_data_rows_is_refused(self):
        self.assertRefused(make_csv_bytes([HEADER]), ["Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào."])

    def test_a_blank_first_row_is_refused(self):
        self.assertRefused(
            make_xlsx_bytes([[None], HEADER, ["jobs_created", 2024, "06", 1, 2, ""]]),
            ["Dòng 1 phải là dòng tiêu đề cột nhưng đang để trống."],
            name="chi-tieu.xlsx",
        )

    def test_a_delimiter_other_than_comma_semicolon_or_tab_is_refused(self):
        self.assertRefused(
            make_csv_bytes(rows(["jobs_created", "2024", "06", "1", "2", ""]), delimiter="|"),
            [
                "Không tách được các cột ở dòng đầu tiên: các cột phải được phân cách bằng dấu phẩy, "
                "dấu chấm phẩy hoặc tab (như Excel làm khi lưu tệp CSV)."
            ],
        )

    def test_an_unknown_column_is_named_with_its_letter(self):
        header = ["Mã chỉ tiêu", "Năm", "Mã địa bàn", "Kế hoạch năm", "Thực hiện"]
        self.assertRefused(
            make_csv_bytes(rows(["jobs_created", "2024", "06", "1", "2"], header=header)),
            [f"Cột D “Kế hoạch năm” không thuộc loại tệp này. Các cột hợp lệ là: {COLUMNS}."],
        )

    def test_a_missing_required_column_is_named(self):
        header = ["Mã chỉ tiêu", "Mã địa bàn", "Thực hiện"]
        self.assertRefused(
            make_csv_bytes(rows(["jobs_created", "06", "2"], header=header)), ["Thiếu cột “Năm” (year)."]
        )

    def test_a_column_given_twice_under_two_names_is_refused(self):
        header = [*HEADER, "Kế hoạch"]
        self.assertRefused(
            make_csv_bytes(rows(["jobs_created", "2024", "06", "1", "2", "", "1"], header=header)),
            ["Cột D và cột G cùng là “Kế hoạch”; chỉ giữ lại một cột."],
        )

    def test_values_in_a_column_without_header_are_refused(self):
        self.assertRefused(
            make_csv_bytes(rows(["jobs_created", "2024", "06", "1", "2", "", "thừa"])),
            ["Cột G có dữ liệu nhưng không có tiêu đề."],
        )

    def test_bytes_that_no_encoding_explains_are_refused(self):
        self.assertRefused(
            b"indicator_code,year,area_code,actual\r\njobs_created,2024,06,\x81\x8a\r\n",
            [
                "Không đọc được các ký tự trong tệp: hãy lưu tệp dưới dạng CSV UTF-8, Unicode Text "
                "hoặc tệp Excel (.xlsx)."
            ],
        )

    def test_a_binary_file_is_refused(self):
        self.assertRefused(
            b"%PDF-1.4\n\x01\x02\x03 binary\x04\x05", ["Đây không phải là tệp văn bản (CSV) hay tệp Excel (.xlsx)."]
        )

    def test_a_control_character_deep_in_the_file_is_pointed_out(self):
        good = [["jobs_created", str(year), "06", "1", "2", "x" * 100] for year in range(2000, 2040)]
        data = make_csv_bytes(rows(*good, ["jobs_created", "2041", "06", "1", "2", "bad\x01"]))
        self.assertRefused(
            data, ["Dòng 42 có ký tự điều khiển (mã 1) không được phép có trong tệp văn bản; hãy xóa ký tự đó."]
        )

    def test_a_csv_name_on_an_excel_workbook_is_refused(self):
        self.assertRefused(
            make_xlsx_bytes(rows(["jobs_created", 2024, "06", 1, 2, ""])),
            [
                "Tệp có tên “chi-tieu.csv” nhưng thực chất là tệp Excel (.xlsx), không phải tệp CSV. "
                "Hãy đổi đuôi tên tệp thành .xlsx hoặc lưu lại dưới dạng CSV."
            ],
        )

    def test_an_excel_97_workbook_is_refused(self):
        self.assertRefused(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
            ["Đây là tệp Excel 97-2003 (.xls). Hãy lưu lại dưới dạng .xlsx hoặc CSV rồi nhập lại."],
            name="chi-tieu.xls",
        )

    def test_an_xlsx_name_on_a_text_file_is_refused(self):
        self.assertRefused(
            make_csv_bytes(rows(["jobs_created", "2024", "06", "1", "2", ""])),
            ["Tệp có đuôi .xlsx nhưng không phải là tệp Excel. Hãy mở bằng Excel và lưu lại."],
            name="chi-tieu.xlsx",
        )

    def test_a_zip_that_is_not_a_workbook_is_refused(self):
        self.assertRefused(
            zip_bytes({"readme.txt": "hello"}),
            ["Tệp là tệp nén zip, không phải tệp Excel (.xlsx)."],
            name="chi-tieu.xlsx",
        )

    def test_a_damaged_workbook_is_refused(self):
        self.assertRefused(
            zip_bytes({"xl/workbook.xml": "<not-xml"}),
            ["Tệp Excel bị hỏng, không đọc được. Hãy mở bằng Excel và lưu lại."],
            name="chi-tieu.xlsx",
        )

    @override_settings(BKXH_IMPORT_MAX_UNPACKED_BYTES=5 * 2**20)
    def test_a_zip_bomb_is_refused_before_it_is_unpacked(self):
        handle = io.BytesIO()
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/workbook.xml", "<workbook/>")
            with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
                for _ in range(20):
                    sheet.write(b"\x00" * 2**20)
        self.assertLess(len(handle.getvalue()), 100_000)
        self.assertRefused(
            handle.getvalue(),
            ["Tệp Excel khi giải nén có dung lượng 20 MB, vượt mức cho phép 5 MB; không thể nhập tệp này."],
            name="bom.xlsx",
        )

    @override_settings(BKXH_IMPORT_MAX_BYTES=1000)
    def test_a_file_over_the_size_limit_is_refused(self):
        data = make_csv_bytes(rows(*[["jobs_created", "2024", "06", "1", "2", "x" * 100]] * 20))
        self.assertRefused(data, ["Tệp có dung lượng 3 KB, vượt giới hạn 1.000 byte. Hãy chia thành các tệp nhỏ hơn."])

    @override_settings(BKXH_IMPORT_MAX_ROWS=2)
    def test_a_file_over_the_row_limit_is_refused(self):
        data = make_csv_bytes(rows(*[["jobs_created", str(year), "06", "1", "2", ""] for year in (2021, 2022, 2023)]))
        self.assertRefused(
            data,
            [
                "Tệp có hơn 2 dòng dữ liệu. Hãy chia nhỏ tệp, hoặc đề nghị bộ phận công nghệ thông tin "
                "nhập bằng dòng lệnh."
            ],
        )


class CellProblemTests(IndicatorFileTestCase):
    def test_every_bad_cell_of_every_row_is_listed_at_once_with_excel_row_numbers(self):
        data = make_csv_bytes(
            [
                VIETNAMESE_HEADER,
                ["jobs_created", "2024", "06", "6.4", "-5", ""],
                ["", "", "", "", "", ""],
                ["khong_co", "2024,5", "06", "7,000", "bảy nghìn", ""],
                ["vocational_college", "2024", "6", "10", "1,234.5", ""],
            ]
        )
        self.assertRefused(
            data,
            [
                "Dòng 2, cột “Kế hoạch”: “6.4” không rõ nghĩa: số thập phân dùng dấu phẩy (6,4), dấu chấm chỉ "
                "dùng để phân cách hàng nghìn.",
                "Dòng 2, cột “Thực hiện”: Số thực hiện không được là số âm.",
                "Dòng 4, cột “Năm”: “2024,5” không phải là số nguyên.",
                "Dòng 4, cột “Kế hoạch”: “7,000” không rõ là hàng nghìn hay số thập phân: nếu là hàng nghìn, "
                "hãy viết dấu chấm, như 7.000.",
                "Dòng 4, cột “Thực hiện”: “bảy nghìn” không phải là số. Hãy viết số như 7.000 hoặc 1.234,5.",
                "Dòng 4, cột “Mã chỉ tiêu”: Không có chỉ tiêu nào có mã “khong_co”.",
                "Dòng 5, cột “Thực hiện”: “1,234.5” không phải là số. Hãy viết số như 7.000 hoặc 1.234,5.",
                "Dòng 5, cột “Mã địa bàn”: “6” không phải là mã đơn vị hành chính trong năm 2024. Nếu Excel đã bỏ "
                "số 0 ở đầu, hãy định dạng cột là Văn bản (Text) rồi nhập lại mã.",
                "Dòng 5, cột “Kế hoạch”: Chỉ tiêu này không có kế hoạch; hãy để trống ô kế hoạch.",
            ],
        )

    def test_the_column_is_named_as_written_in_the_file(self):
        header = ["MA CHI TIEU", "nam", "Ma dia ban", "thuc_hien"]
        self.assertRefused(
            make_csv_bytes(rows(["jobs_created", "2024", "06", "x"], header=header)),
            ["Dòng 2, cột “thuc_hien”: “x” không phải là số. Hãy viết số như 7.000 hoặc 1.234,5."],
        )

    def test_a_negative_plan_is_refused_with_the_models_message(self):
        self.assertRefused(
            make_csv_bytes(rows(["jobs_created", "2024", "060", "-1", "", ""])),
            ["Dòng 2, cột “plan”: Kế hoạch không được là số âm."],
        )

    def test_a_year_outside_the_models_range_is_refused(self):
        self.assertRefused(
            make_csv_bytes(rows(["jobs_created", "1999", "06", "", "1", ""])),
            ["Dòng 2, cột “year”: Năm phải trong khoảng từ 2000 đến 2100."],
        )

    def test_a_unit_that_did_not_exist_that_year_is_refused(self):
        self.assertRefused(
            make_csv_bytes(rows(["jobs_created", "2026", "060", "", "1", ""])),
            ["Dòng 2, cột “area_code”: “060” không phải là mã đơn vị hành chính trong năm 2026."],
        )

    def test_a_plan_for_an_indicator_without_plans_is_refused(self):
        self.assertRefused(
            make_csv_bytes(rows(["vocational_college", "2024", "06", "10", "19", ""])),
            ["Dòng 2, cột “plan”: Chỉ tiêu này không có kế hoạch; hãy để trống ô kế hoạch."],
        )

    def test_an_empty_required_cell_is_refused(self):
        self.assertRefused(
            make_csv_bytes(rows(["jobs_created", "", "06", "1", "2", ""])),
            ["Dòng 2, cột “year”: Ô này đang để trống; phải ghi giá trị."],
        )

    def test_the_same_key_twice_in_the_file_is_refused(self):
        self.assertRefused(
            make_csv_bytes(
                rows(["jobs_created", "2024", "060", "1", "2", ""], ["jobs_created", "2024", "060", "1", "3", ""])
            ),
            ["Dòng 3: Dòng này trùng với dòng 2 (cùng “indicator_code”, “year”, “area_code”); chỉ giữ lại một dòng."],
        )

    def test_a_figure_with_more_decimals_than_stored_is_refused(self):
        self.assertRefused(
            make_csv_bytes(rows(["jobs_created", "2024", "060", "1,2345", "", ""])),
            ["Dòng 2, cột “plan”: Hãy chắc chắn rằng không có nhiều hơn 2 chữ số thập phân."],
        )

    def test_a_problem_in_a_utf16_file_is_reported_like_any_other(self):
        data = codecs.BOM_UTF16_LE + make_csv_bytes(
            rows(["jobs_created", "2024", "06", "1.5", "", ""], header=VIETNAMESE_HEADER),
            encoding="utf-16-le",
            delimiter="\t",
        )
        self.assertRefused(
            data,
            [
                "Dòng 2, cột “Kế hoạch”: “1.5” không rõ nghĩa: số thập phân dùng dấu phẩy (1,5), dấu chấm chỉ "
                "dùng để phân cách hàng nghìn."
            ],
        )

    def test_a_problem_in_a_windows_1258_file_names_the_vietnamese_header(self):
        data = make_csv_bytes(
            rows(["jobs_created", "2024", "06", "", "một nghìn", "Ghi chú"], header=VIETNAMESE_HEADER),
            encoding="windows-1258",
        )
        self.assertRefused(
            data, ["Dòng 2, cột “Thực hiện”: “một nghìn” không phải là số. Hãy viết số như 7.000 hoặc 1.234,5."]
        )

    def test_a_problem_in_an_xlsx_row_has_the_row_number_excel_shows(self):
        data = make_xlsx_bytes(
            [HEADER, ["jobs_created", 2024, "06", 1, 2, ""], [], [], ["jobs_created", 2023, "06", "x", 2, ""]]
        )
        self.assertRefused(
            data,
            ["Dòng 5, cột “plan”: “x” không phải là số. Hãy viết số như 7.000 hoặc 1.234,5."],
            name="chi-tieu.xlsx",
        )

    def test_a_leading_zero_lost_in_an_xlsx_number_cell_is_pointed_out(self):
        data = make_xlsx_bytes([HEADER, ["jobs_created", 2024, 60, 1, 2, ""]])
        self.assertRefused(
            data,
            [
                "Dòng 2, cột “area_code”: “60” không phải là mã đơn vị hành chính trong năm 2024. Nếu Excel đã bỏ "
                "số 0 ở đầu, hãy định dạng cột là Văn bản (Text) rồi nhập lại mã."
            ],
            name="chi-tieu.xlsx",
        )


class GoodFileTests(IndicatorFileTestCase):
    def test_utf8_with_bom_and_crlf_imports(self):
        self.assertImported(make_csv_bytes(rows(["jobs_created", "2024", "060", "100", "120", ""])))
        self.assertEqual(self.value(self.jobs, self.district).actual, Decimal(120))

    def test_utf8_without_bom_and_with_lf_imports(self):
        self.assertImported(
            make_csv_bytes(rows(["jobs_created", "2024", "060", "100", "120", ""]), encoding="utf-8", newline="\n")
        )
        self.assertEqual(self.value(self.jobs, self.district).plan, Decimal(100))

    def test_old_mac_cr_line_endings_import(self):
        self.assertImported(make_csv_bytes(rows(["jobs_created", "2024", "060", "100", "120", ""]), newline="\r"))
        self.assertEqual(self.value(self.jobs, self.district).actual, Decimal(120))

    def test_semicolons_with_vietnamese_decimals_import(self):
        data = make_csv_bytes(rows(["jobs_created", "2024", "060", "1.234,5", "7.000", ""]), delimiter=";")
        log = self.assertImported(data)
        self.assertEqual(log.delimiter, ";")
        value = self.value(self.jobs, self.district)
        self.assertEqual((value.plan, value.actual), (Decimal("1234.5"), Decimal(7000)))

    def test_unicode_text_from_excel_imports(self):
        data = codecs.BOM_UTF16_LE + make_csv_bytes(
            rows(["jobs_created", "2024", "060", "", "120", "Huyện báo cáo"], header=VIETNAMESE_HEADER),
            encoding="utf-16-le",
            delimiter="\t",
        )
        log = self.assertImported(data)
        self.assertEqual((log.encoding, log.delimiter), ("utf-16", "tab"))
        self.assertEqual(self.value(self.jobs, self.district).note, "Huyện báo cáo")

    def test_windows_1258_is_detected_and_stored_composed(self):
        data = make_csv_bytes(
            rows(
                ["jobs_created", "2024", "060", "", "120", "Xã Trung Hòa báo cáo ước thực hiện"],
                header=VIETNAMESE_HEADER,
            ),
            encoding="windows-1258",
        )
        with self.assertRaises(UnicodeDecodeError):
            data.decode("utf-8")
        log = self.assertImported(data)
        self.assertEqual(log.encoding, "windows-1258")
        self.assertEqual(self.value(self.jobs, self.district).note, "Xã Trung Hòa báo cáo ước thực hiện")

    def test_xlsx_numbers_text_numbers_and_trailing_blank_rows_import(self):
        data = make_xlsx_bytes(
            [VIETNAMESE_HEADER, ["jobs_created", 2024, "060", 1234.5, "7.000", None], [None] * 6, [None] * 6]
        )
        log = self.assertImported(data, name="chi-tieu.xlsx")
        self.assertEqual((log.encoding, log.rows), ("xlsx", 1))
        value = self.value(self.jobs, self.district)
        self.assertEqual((value.plan, value.actual), (Decimal("1234.5"), Decimal(7000)))

    def test_headers_match_whatever_their_case_spaces_or_diacritics(self):
        header = ["  MA CHI TIEU ", "NĂM", "mã  địa bàn", "Ke_Hoach", "thuc hien"]
        self.assertImported(make_csv_bytes(rows(["jobs_created", "2024", "060", "10", "12"], header=header)))
        self.assertEqual(self.value(self.jobs, self.district).actual, Decimal(12))

    def test_cells_are_trimmed_and_blank_lines_at_the_end_ignored(self):
        data = make_csv_bytes(rows([" jobs_created ", " 2024", "060 ", " 10 ", "12", "  "])) + b"\r\n\r\n,,,,,\r\n"
        log = self.assertImported(data)
        self.assertEqual(log.rows, 1)

    def test_a_file_without_the_plan_column_leaves_plans_untouched(self):
        header = ["indicator_code", "year", "area_code", "actual"]
        self.assertImported(make_csv_bytes(rows(["jobs_created", "2024", "06", "7100"], header=header)))
        self.stored.refresh_from_db()
        self.assertEqual(
            (self.stored.plan, self.stored.actual, self.stored.note), (Decimal(6400), Decimal(7100), "đã có")
        )

    def test_a_file_without_the_actual_column_leaves_actuals_untouched(self):
        header = ["indicator_code", "year", "area_code", "plan"]
        self.assertImported(make_csv_bytes(rows(["jobs_created", "2024", "06", "6500"], header=header)))
        self.stored.refresh_from_db()
        self.assertEqual((self.stored.plan, self.stored.actual), (Decimal(6500), Decimal(7000)))

    def test_importing_the_same_file_twice_changes_nothing(self):
        data = make_csv_bytes(
            rows(["jobs_created", "2024", "06", "6400", "7200", ""], ["jobs_created", "2024", "060", "", "5", ""])
        )
        first = self.assertImported(data)
        self.assertEqual((first.created, first.changed, first.unchanged), (1, 1, 0))
        before = self.stored_values()
        second = self.assertImported(data)
        self.assertEqual((second.created, second.changed, second.unchanged), (0, 0, 2))
        self.assertEqual(self.stored_values(), before)

    def test_a_note_escaped_against_formulas_comes_back_as_written(self):
        self.assertImported(make_csv_bytes(rows(["jobs_created", "2024", "060", "", "5", "'=1+1"])))
        self.assertEqual(self.value(self.jobs, self.district).note, "=1+1")

    def test_a_dry_run_checks_and_writes_nothing(self):
        before = self.stored_values()
        log, result = self.import_file(make_csv_bytes(rows(["jobs_created", "2024", "060", "", "5", ""])), dry_run=True)
        self.assertEqual((log.outcome, len(result.new)), (ImportLog.Outcome.CHECKED, 1))
        self.assertEqual(self.stored_values(), before)
