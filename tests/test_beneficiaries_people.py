"""People, households and decisions through the admin: what staff may and may not enter."""

import datetime
import tempfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from beneficiaries.models import Decision, Ethnicity, Gender, Household, Person, PovertyStatus
from tests.admin_forms import AdminFormTestCase
from tests.factories import (
    default_commune,
    make_citizen_id,
    make_commune,
    make_decision,
    make_household,
    make_person,
)

WOMAN_1990 = {"full_name": "Hoàng Thị Lan", "gender": Gender.FEMALE, "birth_year": 1990}


class PersonFormTests(AdminFormTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.commune = default_commune()

    def add_person(self, **changes):
        return self.add(Person, **{**WOMAN_1990, "commune": self.commune, **changes})

    def assertPersonRefused(self, message, **changes):
        self.assertAddRefused(Person, message, **{**WOMAN_1990, "commune": self.commune, **changes})

    def test_a_person_with_a_well_formed_citizen_id_is_saved(self):
        self.assertSaved(self.add_person(citizen_id="001190012345", ethnicity="02"))
        person = Person.objects.get()
        self.assertEqual((person.citizen_id, person.get_ethnicity_display()), ("001190012345", "Tày"))

    def test_a_decomposed_name_is_stored_composed(self):
        self.assertSaved(self.add_person(full_name="Hoa\u0300ng  Thi\u0323 Lan "))
        person = Person.objects.get()
        self.assertEqual(person.full_name, "Hoàng Thị Lan")
        self.assertEqual(person.full_name, "Ho\u00e0ng Th\u1ecb Lan")
        self.assertEqual(person.search_name, "hoang thi lan")

    def test_a_citizen_id_of_the_wrong_length_is_refused(self):
        self.assertPersonRefused("Số CCCD phải gồm đúng 12 chữ số.", citizen_id="00119001234")

    def test_a_citizen_id_with_letters_is_refused(self):
        self.assertPersonRefused("Số CCCD phải gồm đúng 12 chữ số.", citizen_id="00119001234A")

    def test_a_citizen_id_with_full_width_or_arabic_indic_digits_is_refused(self):
        for citizen_id in ("00119000１２３", "٠٠١١٩٠٠٠١٢٣٤"):
            with self.subTest(citizen_id=citizen_id):
                self.assertPersonRefused("Số CCCD phải gồm đúng 12 chữ số.", citizen_id=citizen_id)

    def test_a_citizen_id_with_an_unknown_province_code_is_refused(self):
        self.assertPersonRefused("Ba chữ số đầu (003) không phải là mã tỉnh.", citizen_id="003190012345")

    def test_a_mans_gender_digit_is_refused_for_a_woman_born_in_1990(self):
        self.assertPersonRefused(
            "Chữ số thứ tư (0) không khớp với giới tính và thế kỷ sinh.", citizen_id="001090012345"
        )

    def test_a_21st_century_gender_digit_is_refused_for_a_woman_born_in_1990(self):
        self.assertPersonRefused(
            "Chữ số thứ tư (3) không khớp với giới tính và thế kỷ sinh.", citizen_id="001390012345"
        )

    def test_birth_year_digits_that_differ_from_the_birth_year_are_refused(self):
        self.assertPersonRefused("Chữ số thứ 5–6 (91) không khớp với năm sinh 1990.", citizen_id="001191012345")

    def test_a_citizen_id_already_given_to_another_person_is_refused(self):
        make_person(
            full_name="Lường Thị Mai", **{"gender": Gender.FEMALE, "birth_year": 1990}, citizen_id="001190012345"
        )
        self.assertPersonRefused("Đã có người mang số CCCD này.", citizen_id="001190012345")

    def test_changing_a_citizen_id_to_another_persons_is_refused_and_the_row_is_unchanged(self):
        make_person(citizen_id=make_citizen_id(birth_year=1950, serial=1))
        other = make_person(full_name="Đàm Văn Hùng", citizen_id=make_citizen_id(birth_year=1950, serial=2))
        self.assertChangeRefused(
            other, "Đã có người mang số CCCD này.", citizen_id=make_citizen_id(birth_year=1950, serial=1)
        )

    def test_a_date_of_birth_alone_gives_the_year_of_birth(self):
        self.assertSaved(self.add_person(birth_date=datetime.date(1990, 3, 2), birth_year=""))
        self.assertEqual(Person.objects.get().birth_year, 1990)

    def test_a_person_without_date_or_year_of_birth_is_refused(self):
        self.assertPersonRefused("Hãy nhập ngày sinh hoặc năm sinh.", birth_year="")

    def test_an_ethnicity_outside_the_54_groups_is_refused(self):
        self.assertEqual(len(Ethnicity.choices), 54)
        self.assertPersonRefused(
            "Hãy chọn một lựa chọn hợp lệ. 55 không phải là một trong các lựa chọn khả thi.", ethnicity="55"
        )

    def test_a_year_of_birth_that_differs_from_the_date_of_birth_is_refused(self):
        self.assertPersonRefused("Năm sinh không khớp với ngày sinh.", birth_date=datetime.date(1991, 3, 2))

    def test_a_date_of_birth_in_the_future_is_refused(self):
        future = datetime.date.today() + datetime.timedelta(days=400)
        self.assertPersonRefused("Ngày sinh ở tương lai.", birth_date=future, birth_year=future.year, citizen_id="")

    def test_a_member_of_a_household_in_another_commune_is_refused(self):
        elsewhere = make_commune(parent=self.commune.parent, code="01861", name="Xã Nhạn Môn")
        household = make_household(commune=elsewhere)
        self.assertPersonRefused("Hộ gia đình này ở xã khác.", household=household)


class PossibleDuplicateTests(AdminFormTestCase):
    """Without a citizen ID the same person may be entered twice: the list flags the likely pairs."""

    CHANGELIST = "/admin/beneficiaries/person/"

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.first = make_person(full_name="Nguyễn Văn An", birth_year=1950)

    def flagged(self):
        response = self.client.get(self.CHANGELIST, {"duplicate": "yes"})
        return {person.pk for person in response.context["cl"].result_list}

    def test_the_same_name_birth_year_and_commune_without_an_id_is_flagged(self):
        self.assertSaved(
            self.add(
                Person, full_name="Nguyen  Van An", gender=Gender.MALE, birth_year=1950, commune=self.first.commune
            )
        )
        second = Person.objects.exclude(pk=self.first.pk).get()
        self.assertEqual(self.flagged(), {self.first.pk, second.pk})

    def test_the_list_marks_the_possible_duplicates(self):
        make_person(full_name="NGUYỄN VĂN AN", birth_year=1950)
        response = self.client.get(self.CHANGELIST)
        flags = {person.pk: person.possible_duplicate for person in response.context["cl"].result_list}
        self.assertTrue(all(flags.values()))
        self.assertContains(response, 'alt="có thể trùng"', count=2)

    def test_a_person_not_flagged_has_nothing_in_the_duplicate_column(self):
        make_person(full_name="Nguyễn Văn An", birth_year=1951)
        response = self.client.get(self.CHANGELIST)
        self.assertEqual(len(response.context["cl"].result_list), 2)
        self.assertNotContains(response, "icon-unknown.svg")
        self.assertNotContains(response, 'alt="None"')
        self.assertNotContains(response, "icon-yes.svg")

    def test_another_birth_year_is_not_flagged(self):
        make_person(full_name="Nguyễn Văn An", birth_year=1951)
        self.assertEqual(self.flagged(), set())

    def test_a_person_with_a_citizen_id_is_not_flagged(self):
        with_id = make_person(full_name="Nguyễn Văn An", birth_year=1950, citizen_id=make_citizen_id(birth_year=1950))
        flagged = self.flagged()
        self.assertNotIn(with_id.pk, flagged)
        self.assertEqual(flagged, {self.first.pk})


class HouseholdFormTests(AdminFormTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.commune = default_commune()
        cls.household = make_household(code="H-01", commune=cls.commune)
        cls.member = make_person(full_name="Triệu Văn Sình", household=cls.household)

    def household_form(self, **changes):
        return {
            "code": "H-02",
            "commune": self.commune,
            "size": 3,
            "poverty_status": PovertyStatus.POOR,
            "certificate_year": 2024,
            **changes,
        }

    def test_a_complete_household_is_saved(self):
        self.assertSaved(self.add(Household, **self.household_form()))
        self.assertTrue(Household.objects.filter(code="H-02", size=3).exists())

    def test_a_member_can_be_made_head_of_household(self):
        self.assertSaved(self.change(self.household, head=self.member))
        self.household.refresh_from_db()
        self.assertEqual(self.household.head, self.member)

    def test_a_person_without_a_household_chosen_as_head_joins_it(self):
        newcomer = make_person(full_name="Đinh Thị Mỷ")
        self.assertSaved(self.add(Household, **self.household_form(head=newcomer)))
        newcomer.refresh_from_db()
        self.assertEqual(newcomer.household, Household.objects.get(code="H-02"))

    def test_a_head_living_in_another_commune_is_refused(self):
        elsewhere = make_commune(parent=self.commune.parent, code="01861", name="Xã Nhạn Môn")
        self.assertAddRefused(
            Household,
            "Chủ hộ cư trú ở xã khác.",
            **self.household_form(head=make_person(full_name="Đinh Thị Mỷ", commune=elsewhere)),
        )

    def test_a_head_from_another_household_is_refused(self):
        other = make_household(code="H-09")
        stranger = make_person(full_name="Hà Thị Hoa", household=other)
        self.assertChangeRefused(self.household, "Chủ hộ phải là thành viên của hộ này.", head=stranger)

    def test_a_new_household_with_the_head_of_another_household_is_refused(self):
        self.assertAddRefused(
            Household, "Chủ hộ phải là thành viên của hộ này.", **self.household_form(head=self.member)
        )

    def test_a_poor_household_without_its_certificate_year_is_refused(self):
        self.assertAddRefused(
            Household, "Hộ nghèo, cận nghèo phải có năm công nhận.", **self.household_form(certificate_year="")
        )

    def test_a_near_poor_household_without_its_certificate_year_is_refused(self):
        self.assertChangeRefused(
            self.household,
            "Hộ nghèo, cận nghèo phải có năm công nhận.",
            poverty_status=PovertyStatus.NEAR_POOR,
            certificate_year="",
        )

    def test_a_household_code_already_used_in_the_commune_is_refused(self):
        self.assertAddRefused(Household, "Xã này đã có hộ mang mã này.", **self.household_form(code="H-01"))

    def test_a_household_of_no_one_is_refused(self):
        self.assertAddRefused(Household, "Hộ gia đình phải có ít nhất một nhân khẩu.", **self.household_form(size=0))


@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="bkxh-test-media-"))
class DecisionFormTests(AdminFormTestCase):
    def test_a_decision_with_a_scanned_copy_is_saved(self):
        scan = SimpleUploadedFile("qd-1234.pdf", b"%PDF-1.4\n", content_type="application/pdf")
        response = self.add(
            Decision, number="1234/QĐ-UBND", date=datetime.date(2024, 3, 15), issuer="UBND tỉnh Bắc Kạn", scan=scan
        )
        self.assertSaved(response)
        self.assertTrue(Decision.objects.get().scan.name.endswith(".pdf"))

    def test_a_second_decision_with_the_same_number_and_date_is_refused(self):
        make_decision(number="1234/QĐ-UBND", date=datetime.date(2024, 3, 15))
        self.assertAddRefused(
            Decision,
            "Đã có quyết định với số và ngày này.",
            number="1234/QĐ-UBND",
            date=datetime.date(2024, 3, 15),
            issuer="UBND tỉnh Bắc Kạn",
        )
