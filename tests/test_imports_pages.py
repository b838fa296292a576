"""The import pages tell a district clerk the truth: what each column needs, a template with an
example row that cannot be imported by mistake and only the clerk's own codes, and a preview
that names the communes and masks citizen IDs as every other page does."""

import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from openpyxl import load_workbook

from accounts.roles import CLERK
from beneficiaries.models import LongevityGift, Person
from imports.kinds import all_kinds
from tests.factories import (
    make_citizen_id,
    make_commune,
    make_csv_bytes,
    make_district,
    make_household,
    make_province,
    make_reformed_commune,
    make_role_user,
    make_round,
    make_superuser,
)
from tests.test_imports_admin import PrivateFolderMixin

GIFTS = "/admin/beneficiaries/longevitygift/"
HEADER = ["Năm", "Mã xã", "Họ và tên", "Giới tính", "Năm sinh", "Số CCCD", "Mốc tuổi"]
MAI_ID = make_citizen_id(female=True, birth_year=1934, province="006", serial=77)
EXAMPLE_REFUSED = "Đây là dòng ví dụ của tệp mẫu; hãy xóa dòng này."


def column_table(response):
    """{header: what the import page says it needs} from the page's column table."""
    rows = re.findall(
        r"<tr><td>([^<]*)</td><td><code>[^<]*</code></td><td class=\"requirement\">([^<]*)</td></tr>",
        response.content.decode(),
    )
    return dict(rows)


class ImportPagesTests(PrivateFolderMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        province = make_province()
        cls.district = make_district(parent=province)
        cls.commune = make_commune(parent=cls.district)
        cls.second = make_commune(parent=cls.district, code="01861", name="Xã Nhạn Môn")
        other_district = make_district(parent=province, code="061", name="Huyện Ba Bể")
        make_commune(parent=other_district, code="01900", name="Xã Thượng Giáo")
        make_reformed_commune()
        cls.clerk = make_role_user(username="pacnam.nhaplieu", role=CLERK, units=[cls.district])

    def setUp(self):
        super().setUp()
        self.client.force_login(self.clerk)

    def template(self, query="?year=2024", url=GIFTS):
        response = self.client.get(f"{url}import/template/{query}")
        self.assertEqual(response.status_code, 200)
        return load_workbook(io.BytesIO(response.content))

    def upload(self, data, name="qua-mung-tho.csv", url=GIFTS):
        return self.client.post(f"{url}import/", {"file": SimpleUploadedFile(name, data)})

    def test_the_column_table_says_what_each_column_really_needs(self):
        table = column_table(self.client.get(f"{GIFTS}import/"))
        self.assertEqual(table["Họ và tên"], "bắt buộc")
        self.assertEqual(table["Số CCCD"], "phải có cột; ô có thể để trống")
        self.assertEqual(table["Năm sinh"], "cần Năm sinh hoặc Ngày sinh")
        self.assertEqual(table["Ngày sinh"], "cần Năm sinh hoặc Ngày sinh")
        self.assertEqual(table["Ghi chú"], "không bắt buộc")

    def test_a_blank_citizen_id_and_a_birth_date_for_the_year_are_accepted_as_the_table_says(self):
        rows = [
            ["Năm", "Mã xã", "Họ và tên", "Giới tính", "Ngày sinh", "Số CCCD", "Mốc tuổi"],
            ["2024", "01858", "Nông Văn Tư", "Nam", "02/03/1924", "", "100"],
        ]
        response = self.upload(make_csv_bytes(rows))
        self.assertNotContains(response, 'class="errornote"')
        self.assertContains(response, '<td class="new-count">1</td>', html=True)

    def test_the_template_lists_only_the_clerks_communes_in_force_in_the_year(self):
        for query in ("?year=2024", ""):  # today the district has ceased: its last year, 2025
            with self.subTest(query=query):
                codes = self.template(query)["Mã xã"]
                listed = list(codes.iter_rows(min_row=2, values_only=True))
                self.assertEqual([code for code, _name in listed], ["01858", "01861"])
                self.assertIn("Xã Bằng Thành", listed[0][1])

    def test_the_template_example_row_says_it_is_an_example(self):
        data = self.template()["Dữ liệu"]
        header = [cell.value for cell in data[1]]
        example = dict(zip(header, [cell.value for cell in data[2]], strict=True))
        self.assertEqual(example["Họ và tên"], "Hoàng Thị Mai (ví dụ – xóa dòng này)")

    def test_the_template_sent_back_with_its_example_row_is_refused_and_nothing_written(self):
        response = self.client.get(f"{GIFTS}import/template/?year=2024")
        response = self.upload(response.content, name="mau.xlsx")
        self.assertContains(response, f"Dòng 2, cột “Họ và tên”: {EXAMPLE_REFUSED}")
        self.assertNotContains(response, "Xác nhận nhập")
        self.assertEqual((Person.objects.count(), LongevityGift.objects.count()), (0, 0))

    def test_every_kinds_template_is_refused_while_its_example_row_is_in(self):
        self.client.force_login(make_superuser())
        for kind in all_kinds():
            opts = kind.model._meta
            url = f"/admin/{opts.app_label}/{opts.model_name}/"
            with self.subTest(kind=kind.name):
                response = self.client.get(f"{url}import/template/?year=2024")
                response = self.upload(response.content, name="mau.xlsx", url=url)
                self.assertContains(response, EXAMPLE_REFUSED)

    def test_the_preview_names_each_commune_beside_its_code(self):
        response = self.upload(make_csv_bytes([HEADER, ["2024", "01858", "Hoàng Thị Mai", "Nữ", "1934", "", "90"]]))
        self.assertContains(response, "<td>01858 – Xã Bằng Thành</td>", html=True)

    def test_the_preview_masks_citizen_ids_for_a_clerk(self):
        rows = [HEADER, ["2024", "01858", "Hoàng Thị Mai", "Nữ", "1934", MAI_ID, "90"]]
        response = self.upload(make_csv_bytes(rows))
        self.assertContains(response, '<td class="new-count">1</td>', html=True)
        self.assertNotContains(response, MAI_ID)
        self.assertContains(response, "••••••••" + MAI_ID[-4:])

    def test_the_preview_shows_the_whole_citizen_id_to_who_may_see_it(self):
        self.client.force_login(make_superuser())
        response = self.upload(make_csv_bytes([HEADER, ["2024", "01858", "Hoàng Thị Mai", "Nữ", "1934", MAI_ID, "90"]]))
        self.assertContains(response, f"<td>{MAI_ID}</td>", html=True)

    def test_the_preview_of_a_workbook_says_so_in_vietnamese_with_the_sheet_read(self):
        response = self.client.get(f"{GIFTS}import/template/?year=2024")
        response = self.upload(response.content, name="mau.xlsx")
        self.assertContains(response, "; tệp Excel, trang tính “Dữ liệu”.")
        self.assertNotContains(response, "XLSX")


class RiceLineTemplateTests(PrivateFolderMixin, TestCase):
    """A district clerk's rice-line template lists the rounds and households they may use in
    the year: their district's and their province's rounds, their communes' households."""

    LINES = "/admin/beneficiaries/ricereliefline/"

    @classmethod
    def setUpTestData(cls):
        province = make_province()
        pac_nam = make_district(parent=province)
        ba_be = make_district(parent=province, code="061", name="Huyện Ba Bể")
        bang_thanh = make_commune(parent=pac_nam)
        thuong_giao = make_commune(parent=ba_be, code="01900", name="Xã Thượng Giáo")
        make_round(code="2024-tet-tinh", area=province)
        make_round(code="2024-pac-nam", area=pac_nam)
        make_round(code="2024-ba-be", area=ba_be)
        make_round(code="2023-tet-tinh", year=2023, area=province)
        make_household(code="PN001", commune=bang_thanh)
        make_household(code="BB001", commune=thuong_giao)
        cls.clerk = make_role_user(username="pacnam.nhaplieu", role=CLERK, units=[pac_nam])

    def listed(self, sheet):
        self.client.force_login(self.clerk)
        response = self.client.get(f"{self.LINES}import/template/?year=2024")
        codes = load_workbook(io.BytesIO(response.content))[sheet]
        return sorted(code for code, *_name in codes.iter_rows(min_row=2, values_only=True))

    def test_the_rounds_are_those_of_the_clerks_district_and_province_in_the_year(self):
        self.assertEqual(self.listed("Mã đợt"), ["2024-pac-nam", "2024-tet-tinh"])

    def test_the_households_are_those_of_the_clerks_communes(self):
        self.assertEqual(self.listed("Mã hộ"), ["PN001"])
