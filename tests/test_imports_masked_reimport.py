"""A clerk who sees citizen IDs masked exports a list, edits it and imports it again.

The export masks the IDs (••••••••1234); imported again, a masked ID stands for the one on
file of the person the row's other columns name, so nothing is duplicated, no mask is stored
and no whole ID is shown.
"""

import csv
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from openpyxl import Workbook, load_workbook

from accounts.roles import CLERK
from beneficiaries.models import Gender, LongevityGift, Person
from imports.models import ImportLog
from tests.factories import (
    default_commune,
    export_list,
    make_citizen_id,
    make_csv_bytes,
    make_longevity_gift,
    make_person,
    make_role_user,
)
from tests.test_imports_admin import PrivateFolderMixin

PEOPLE = "/admin/beneficiaries/person/"
GIFTS = "/admin/beneficiaries/longevitygift/"


def read_rows(data, file_format):
    """The file's rows as lists of cells (text in CSV; as stored in XLSX)."""
    if file_format == "csv":
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(data)).active
    return [["" if cell is None else cell for cell in row] for row in sheet.iter_rows(values_only=True)]


def write_rows(rows, file_format):
    if file_format == "csv":
        return make_csv_bytes(rows)
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    handle = io.BytesIO()
    workbook.save(handle)
    return handle.getvalue()


def row_of(rows, full_name):
    """The index in `rows` of the row of the person `full_name`."""
    column = rows[0].index("Họ và tên")
    return next(index for index, row in enumerate(rows) if row[column] == full_name)


class ReimportOfAMaskedExportTests(PrivateFolderMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        commune = default_commune()
        cls.people = [
            make_person(
                full_name=name,
                gender=Gender.FEMALE,
                birth_year=1934,
                citizen_id=make_citizen_id(female=True, birth_year=1934, province="006"),
                commune=commune,
            )
            for name in ("Hoàng Thị Mai", "Lường Thị Hoa", "Nông Thị Lan")
        ]
        cls.people.append(make_person(full_name="Ma Văn Sáu", birth_year=1934, commune=commune))  # no citizen ID
        cls.gifts = [make_longevity_gift(person=person, milestone=90, cash_vnd=500_000) for person in cls.people]
        cls.clerk = make_role_user(username="pacnam.nhaplieu", role=CLERK, units=[commune.parent])
        cls.whole_ids = [person.citizen_id for person in cls.people if person.citizen_id]

    def setUp(self):
        super().setUp()
        self.client.force_login(self.clerk)

    def export(self, changelist, file_format):
        response = export_list(self.client, changelist, file_format=file_format)
        self.assertEqual(response.status_code, 200)
        rows = read_rows(response.content, file_format)
        self.assertNoWholeId(response.content.decode("utf-8-sig", errors="replace"))
        return rows

    def upload(self, changelist, rows, file_format):
        data = write_rows(rows, file_format)
        response = self.client.post(changelist + "import/", {"file": SimpleUploadedFile(f"tep.{file_format}", data)})
        self.assertEqual(response.status_code, 200)
        self.assertNoWholeId(response.content.decode())
        return response

    def confirm(self, changelist):
        log = ImportLog.objects.latest("pk")
        return self.client.post(f"{changelist}import/{log.pk}/confirm/", {"confirm": "1"}, follow=True)

    def assertNoWholeId(self, text):
        for citizen_id in self.whole_ids:
            self.assertNotIn(citizen_id, text)

    def assertCounts(self, response, new, changed, unchanged):
        self.assertContains(response, f'<td class="new-count">{new}</td>', html=True)
        self.assertContains(response, f'<td class="changed-count">{changed}</td>', html=True)
        self.assertContains(response, f'<td class="unchanged-count">{unchanged}</td>', html=True)

    def assertPeopleAsStored(self):
        self.assertEqual(
            sorted(Person.objects.values_list("full_name", "citizen_id")),
            sorted((person.full_name, person.citizen_id) for person in self.people),
        )

    def edit(self, rows, header, value, row=1):
        """`rows` with the cell under `header` of `row` (the first data row) set to `value`."""
        rows[row][rows[0].index(header)] = value
        return rows

    def test_the_export_masks_the_ids(self):
        for file_format in ("csv", "xlsx"):
            with self.subTest(file_format=file_format):
                rows = self.export(GIFTS, file_format)
                ids = sorted(row[rows[0].index("Số CCCD")] for row in rows[1:])
                self.assertEqual(ids, sorted(["", *("••••••••" + whole[-4:] for whole in self.whole_ids)]))

    def test_an_edited_gift_export_changes_the_one_amount_and_adds_no_one(self):
        for file_format in ("csv", "xlsx"):
            with self.subTest(file_format=file_format):
                rows = self.export(GIFTS, file_format)
                mai = row_of(rows, "Hoàng Thị Mai")
                new_cash = "600.000" if file_format == "csv" else 600_000
                preview = self.upload(GIFTS, self.edit(rows, "Tiền mặt (đồng)", new_cash, row=mai), file_format)
                self.assertCounts(preview, new=0, changed=1, unchanged=3)
                self.assertContains(preview, "<td>500.000</td><td>600.000</td>", html=True)
                self.assertContains(self.confirm(GIFTS), "0 dòng mới, 1 dòng thay đổi, 3 dòng không đổi")
                self.assertEqual(LongevityGift.objects.get(person=self.people[0]).cash_vnd, Decimal(600_000))
                self.assertEqual(LongevityGift.objects.count(), 4)
                self.assertPeopleAsStored()
                LongevityGift.objects.filter(person=self.people[0]).update(cash_vnd=500_000)

    def test_an_edited_people_export_changes_the_one_person_and_adds_no_one(self):
        for file_format in ("csv", "xlsx"):
            with self.subTest(file_format=file_format):
                rows = self.export(PEOPLE, file_format)
                mai = row_of(rows, "Hoàng Thị Mai")
                preview = self.upload(PEOPLE, self.edit(rows, "Ghi chú", "Chuyển về ở với con", row=mai), file_format)
                self.assertCounts(preview, new=0, changed=1, unchanged=3)
                self.assertContains(self.confirm(PEOPLE), "0 dòng mới, 1 dòng thay đổi, 3 dòng không đổi")
                self.assertEqual(Person.objects.get(pk=self.people[0].pk).note, "Chuyển về ở với con")
                self.assertPeopleAsStored()
                Person.objects.filter(pk=self.people[0].pk).update(note="")

    def test_a_masked_id_that_is_not_the_stored_one_is_an_error_of_its_row_and_column(self):
        for changelist in (PEOPLE, GIFTS):
            with self.subTest(changelist=changelist):
                rows = self.export(changelist, "csv")
                mai = row_of(rows, "Hoàng Thị Mai")
                preview = self.upload(changelist, self.edit(rows, "Số CCCD", "••••••••0000", row=mai), "csv")
                self.assertContains(
                    preview,
                    f"Dòng {mai + 1}, cột “Số CCCD”: ••••••••0000 là số CCCD đã che, thay cho số đã lưu, "
                    "nhưng không ai trong danh sách có họ tên, năm sinh và xã này có số CCCD tận cùng bằng "
                    "0000: hãy ghi đủ số CCCD.",
                )
                self.assertNotContains(preview, 'name="confirm"')
                self.assertPeopleAsStored()
