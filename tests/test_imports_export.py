import csv
import io
from decimal import Decimal

from django.test import TestCase
from django.utils import timezone
from openpyxl import load_workbook

from beneficiaries.models import Gender, Household, Person, RiceReliefLine
from tests.factories import default_commune, export_list, make_longevity_gift, make_round, make_superuser

# SQLite refused a prefetch of more than 1.000 related rows in one chunk of the export.
LINES = 1_200


class ExportOfALongListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        commune = default_commune()
        heads = Person.objects.bulk_create(
            Person(full_name=f"Người {number}", gender=Gender.MALE, birth_year=1950, commune=commune)
            for number in range(LINES)
        )
        households = Household.objects.bulk_create(
            Household(code=f"H{number:05d}", commune=commune, size=2, head=head) for number, head in enumerate(heads)
        )
        round = make_round(kg_allocated=LINES * 30)
        RiceReliefLine.objects.bulk_create(
            RiceReliefLine(round=round, household=household, commune=commune, persons=2, kg=Decimal(30))
            for household in households
        )

    def setUp(self):
        self.client.force_login(make_superuser())

    def test_the_rice_lines_of_more_households_than_sqlite_takes_in_one_expression_export_whole(self):
        for file_format in ("csv", "xlsx"):
            with self.subTest(file_format=file_format):
                response = export_list(self.client, "/admin/beneficiaries/ricereliefline/", file_format=file_format)
                self.assertEqual(response.status_code, 200)
        response = export_list(self.client, "/admin/beneficiaries/ricereliefline/")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(len(rows), LINES + 1)
        self.assertEqual(sorted(row[rows[0].index("Mã hộ")] for row in rows[1:])[:2], ["H00000", "H00001"])


class ExportOfTextExcelCannotHoldTests(TestCase):
    def setUp(self):
        self.client.force_login(make_superuser())

    def test_a_note_with_a_line_break_pasted_from_word_exports_to_xlsx_without_it(self):
        # Word writes a line break inside a cell as a vertical tab, which XML 1.0 cannot carry.
        make_longevity_gift(note="Trao tại nhà\x0bđã ký nhận")
        response = export_list(self.client, "/admin/beneficiaries/longevitygift/", file_format="xlsx")
        self.assertEqual(response.status_code, 200)
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        self.assertEqual(rows[1][rows[0].index("Ghi chú")], "Trao tại nhàđã ký nhận")


class ExportedNumbersTests(TestCase):
    def test_amounts_show_their_thousands_and_years_stay_as_written(self):
        # "#,##0" is shown by Excel with the reader's own separators: 500.000 on a Vietnamese machine.
        make_longevity_gift(cash_vnd=500000)
        self.client.force_login(make_superuser())
        response = export_list(self.client, "/admin/beneficiaries/longevitygift/", file_format="xlsx")
        sheet = load_workbook(io.BytesIO(response.content)).active
        header = [cell.value for cell in sheet[1]]
        cash = sheet.cell(row=2, column=header.index("Tiền mặt (đồng)") + 1)
        year = sheet.cell(row=2, column=header.index("Năm") + 1)
        self.assertEqual((cash.value, cash.number_format), (500000, "#,##0"))
        self.assertEqual((year.value, year.number_format), (2024, "General"))


class DownloadedFileNameTests(TestCase):
    def test_exports_and_templates_are_named_in_vietnamese_without_diacritics(self):
        self.client.force_login(make_superuser())
        export = export_list(self.client, "/admin/beneficiaries/longevitygift/")
        today = timezone.localdate().strftime("%Y%m%d")
        self.assertEqual(export["Content-Disposition"], f'attachment; filename="qua-mung-tho-{today}.csv"')
        template = self.client.get("/admin/beneficiaries/longevitygift/import/template/", {"year": "2024"})
        self.assertEqual(template["Content-Disposition"], 'attachment; filename="mau-qua-mung-tho-2024.xlsx"')
