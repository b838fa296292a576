"""What imports and the person form say about people outside the user's units: nothing.

A citizen ID is unique in the whole province, so an ID already recorded in another district must
still be refused; the refusal names no one, no year, no commune, and does not say that someone
has the ID. People inside the user's units may be named: the user sees them in their lists.
"""

from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from accounts.roles import CLERK
from audit.personal_data import mask
from beneficiaries.models import Gender, LongevityGift, MedicalReferral, Person
from imports.kinds import get_kind
from tests.admin_forms import admin_url, form_errors, form_fields
from tests.factories import (
    default_commune,
    make_citizen_id,
    make_commune,
    make_csv_bytes,
    make_district,
    make_person,
    make_role_user,
)
from tests.test_imports_admin import PrivateFolderMixin

HELD_ELSEWHERE = (
    "Không có người nào trong địa bàn của bạn mang số CCCD này, và không thể ghi số này ở đây: "
    "hãy kiểm tra lại số; nếu số đúng, hãy hỏi cán bộ cấp tỉnh."
)


def file_row(kind, **cells):
    row = {"Năm": "2024", "Mã xã": "01858", "Giới tính": "Nam", "Năm sinh": "1953", **cells}
    return [row.get(column.header, "") for column in get_kind(kind).export_columns]


def gift_row(**cells):
    # In 2023 a person born in 1953 turns 70.
    return file_row("longevity_gifts", **{"Năm": "2023", "Mốc tuổi": "70", **cells})


def header(kind):
    return [column.header for column in get_kind(kind).export_columns]


class PeopleOutsideTheUnitsTestCase(PrivateFolderMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.bang_thanh = default_commune()
        cls.pac_nam = cls.bang_thanh.parent
        ba_be = make_district(parent=cls.pac_nam.parent, code="061", name="Huyện Ba Bể")
        cls.cao_thuong = make_commune(parent=ba_be, code="01849", name="Xã Cao Thượng")
        cls.clerk = make_role_user(username="pacnam.nhaplieu", role=CLERK, units=[cls.pac_nam])
        cls.dung_id = make_citizen_id(birth_year=1953, province="006")
        cls.dung = make_person(full_name="Bế Văn Dũng", birth_year=1953, commune=cls.cao_thuong, citizen_id=cls.dung_id)

    def setUp(self):
        super().setUp()
        self.client.force_login(self.clerk)

    def preview(self, kind, *rows):
        model = get_kind(kind).model
        data = make_csv_bytes([header(kind), *rows])
        url = admin_url(model, "changelist") + "import/"
        response = self.client.post(url, {"file": SimpleUploadedFile("tep.csv", data)})
        self.assertEqual(response.status_code, 200)
        return response

    def assertProblems(self, response, expected):
        self.assertEqual(response.context["summary"]["problems"], expected)
        self.assertFalse(response.context["can_confirm"])

    def assertSaysNothingOfDung(self, response):
        page = response.content.decode()
        for detail in ("Bế Văn Dũng", "Dũng", "Cao Thượng", "Ba Bể"):
            self.assertNotIn(detail, page)


class RegisterFileTests(PeopleOutsideTheUnitsTestCase):
    def test_another_districts_citizen_id_under_another_name_is_refused_without_naming_its_holder(self):
        response = self.preview("longevity_gifts", gift_row(**{"Họ và tên": "Lò Văn Khác", "Số CCCD": self.dung_id}))
        self.assertProblems(response, [f"Dòng 2, cột “Số CCCD”: {HELD_ELSEWHERE}"])
        self.assertSaysNothingOfDung(response)

    def test_another_districts_person_under_the_right_name_is_not_given_the_clerks_gift(self):
        response = self.preview(
            "longevity_gifts",
            gift_row(**{"Họ và tên": "Bế Văn Dũng", "Số CCCD": self.dung_id}),
        )
        # The same words as under another name: the name cannot be confirmed by trying it.
        self.assertProblems(response, [f"Dòng 2, cột “Số CCCD”: {HELD_ELSEWHERE}"])
        self.assertEqual(LongevityGift.objects.count(), 0)

    def test_a_person_of_the_clerks_units_under_another_name_is_still_named(self):
        own_id = make_citizen_id(birth_year=1953, province="006")
        make_person(full_name="Lương Văn Sáu", birth_year=1953, citizen_id=own_id)
        response = self.preview("longevity_gifts", gift_row(**{"Họ và tên": "Lò Văn Khác", "Số CCCD": own_id}))
        self.assertProblems(
            response,
            [
                "Dòng 2, cột “Số CCCD”: Số CCCD này đã được ghi cho Lương Văn Sáu (1953); họ tên hoặc năm sinh "
                "trong tệp không khớp."
            ],
        )

    def test_a_masked_citizen_id_of_another_districts_person_is_not_read_as_theirs(self):
        response = self.preview(
            "longevity_gifts",
            gift_row(**{"Mã xã": "01849", "Họ và tên": "Bế Văn Dũng", "Số CCCD": mask(self.dung_id)}),
        )
        # As for a person no one has recorded: the commune is the file's own, refused as it is written.
        tail = self.dung_id[-4:]
        self.assertProblems(
            response,
            [
                f"Dòng 2, cột “Số CCCD”: ••••••••{tail} là số CCCD đã che, thay cho số đã lưu, nhưng không ai trong "
                f"danh sách có họ tên, năm sinh và xã này có số CCCD tận cùng bằng {tail}: hãy ghi đủ số CCCD.",
                "Dòng 2: Xã Cao Thượng không thuộc địa bàn bạn phụ trách; bạn không được sửa số liệu của đơn vị này.",
            ],
        )

    def test_two_people_under_one_citizen_id_in_one_file_are_not_merged(self):
        self.assertTwoPeopleUnderOneIdRefused()

    @mock.patch("imports.checking.PART_ROWS", 1)
    def test_two_people_under_one_citizen_id_in_two_parts_of_a_file_are_not_merged(self):
        self.assertTwoPeopleUnderOneIdRefused()

    def assertTwoPeopleUnderOneIdRefused(self):
        new_id = make_citizen_id(female=True, birth_year=1953, province="006")
        response = self.preview(
            "medical_referrals",
            file_row(
                "medical_referrals",
                **{
                    "Họ và tên": "Lò Thị Một",
                    "Giới tính": "Nữ",
                    "Số CCCD": new_id,
                    "Ngày giới thiệu": "02/04/2024",
                    "Bệnh, tật đề nghị giám định": "Phơi nhiễm chất độc hóa học",
                },
            ),
            file_row(
                "medical_referrals",
                **{
                    "Họ và tên": "Hoàng Văn Hai",
                    "Giới tính": "Nam",
                    "Số CCCD": new_id,
                    "Ngày giới thiệu": "03/04/2024",
                    "Bệnh, tật đề nghị giám định": "Phơi nhiễm chất độc hóa học",
                },
            ),
        )
        self.assertProblems(
            response,
            [
                "Dòng 3, cột “Số CCCD”: Dòng 2 của tệp đã ghi số CCCD này cho Lò Thị Một (1953); họ tên hoặc năm "
                "sinh không khớp."
            ],
        )
        self.assertEqual((Person.objects.count(), MedicalReferral.objects.count()), (1, 0))


class PeopleFileTests(PeopleOutsideTheUnitsTestCase):
    def test_another_districts_citizen_id_is_refused_without_saying_where_it_is_recorded(self):
        response = self.preview("people", file_row("people", **{"Họ và tên": "Lò Văn Khác", "Số CCCD": self.dung_id}))
        self.assertProblems(response, [f"Dòng 2, cột “Số CCCD”: {HELD_ELSEWHERE}"])
        self.assertSaysNothingOfDung(response)
        self.dung.refresh_from_db()
        self.assertEqual((self.dung.full_name, self.dung.commune), ("Bế Văn Dũng", self.cao_thuong))

    def test_another_districts_person_written_as_on_file_is_refused_with_the_same_words(self):
        response = self.preview("people", file_row("people", **{"Họ và tên": "Bế Văn Dũng", "Số CCCD": self.dung_id}))
        self.assertProblems(response, [f"Dòng 2, cột “Số CCCD”: {HELD_ELSEWHERE}"])
        self.assertSaysNothingOfDung(response)


class PersonFormTests(PeopleOutsideTheUnitsTestCase):
    def add_person(self, citizen_id):
        url = admin_url(Person, "add")
        data = form_fields(self.client.get(url).content.decode())
        data.update(
            full_name="Lò Văn Khác",
            gender=Gender.MALE,
            birth_year="1953",
            commune=str(self.bang_thanh.pk),
            citizen_id=citizen_id,
        )
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        return response

    def test_a_citizen_id_held_outside_the_clerks_units_is_refused_without_saying_someone_has_it(self):
        response = self.add_person(self.dung_id)
        self.assertEqual(form_errors(response), [HELD_ELSEWHERE])
        self.assertNotContains(response, "Đã có người mang số CCCD này.")
        self.assertEqual(Person.objects.count(), 1)

    def test_a_citizen_id_held_in_the_clerks_units_is_said_to_be_taken(self):
        own_id = make_citizen_id(birth_year=1953, province="006")
        make_person(full_name="Lương Văn Sáu", birth_year=1953, citizen_id=own_id)
        response = self.add_person(own_id)
        self.assertEqual(form_errors(response), ["Đã có người mang số CCCD này."])
