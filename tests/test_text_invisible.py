"""Invisible characters: a name or a code that looks like another must be the other.

Format characters (Unicode Cf: zero-width spaces and joiners, marks of direction) are taken
out of every text field; those that turn the direction of the text around it (embeddings,
overrides, isolates) are refused, naming the field, since the text shown is not the text
without them. On every path: the admin form, a file, code. Vietnamese tones stay.
"""

from django.core.exceptions import ValidationError
from django.test import TestCase

from beneficiaries.models import Gender, Household, LongevityGift, Person
from imports.kinds import get_kind
from imports.process import run_import
from tests.admin_forms import AdminFormTestCase
from tests.factories import default_commune, make_csv_bytes, make_household, make_person, make_xlsx_bytes
from tests.test_beneficiaries_imports import GIFT_HEADER, gift_row

THU = "Lò Thị Thử"
HIDDEN = {
    "a zero-width joiner for the space": "Lò\u200dThị Thử",
    "a zero-width space after a word": "Lò Thị\u200b Thử",
    "a zero-width space inside a word": "Lò Th\u200bị Thử",
    "a byte order mark in front": "\ufeffLò Thị Thử",
    "a soft hyphen": "Lò Thị Th\u00adử",
}
TURNED = {
    "a left-to-right isolate at the end": ("Lò Thị Thử\u2066", "U+2066"),
    "a right-to-left override": ("\u202eửhT ịhT òL", "U+202E"),
    "a pop directional isolate": ("Lò Thị\u2069 Thử", "U+2069"),
}
TURNED_MESSAGE = "có một ký tự ẩn ({code}) làm đảo chiều hiển thị của chữ xung quanh: hãy xóa ký tự đó (gõ lại nội dung"
PEOPLE_HEADER = ["Năm", "Mã xã", "Họ và tên", "Giới tính", "Năm sinh", "Số CCCD"]


def person_row(full_name):
    return ["2024", "01858", full_name, "Nữ", "1934", ""]


class InvisibleCharactersInTheFormTests(AdminFormTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.thu = make_person(full_name=THU, gender=Gender.FEMALE, birth_year=1934)

    def add_person(self, full_name):
        return self.add(Person, full_name=full_name, gender=Gender.FEMALE, birth_year=1934, commune=self.thu.commune)

    def flagged(self):
        response = self.client.get("/admin/beneficiaries/person/", {"duplicate": "yes"})
        return {person.pk for person in response.context["cl"].result_list}

    def test_a_name_with_a_hidden_character_is_flagged_as_the_person_it_looks_like(self):
        for how, full_name in HIDDEN.items():
            with self.subTest(how):
                self.assertSaved(self.add_person(full_name))
                added = Person.objects.latest("pk")
                self.assertNotRegex(added.full_name, "[\u200b\u200d\ufeff\u00ad]")
                self.assertEqual(added.duplicate_key, self.thu.duplicate_key)
                self.assertEqual(self.flagged(), {self.thu.pk, added.pk})
                added.delete()

    def test_the_spaces_beside_a_hidden_character_are_made_one(self):
        self.assertSaved(self.add_person("Lò Thị\u200b Thử"))
        self.assertEqual(Person.objects.latest("pk").full_name, THU)

    def test_a_name_turning_the_direction_of_the_text_is_refused_naming_the_field(self):
        for how, (full_name, code) in TURNED.items():
            with self.subTest(how):
                response = self.add_person(full_name)
                self.assertRefused(response, f"Họ và tên {TURNED_MESSAGE.format(code=code)}).")
        self.assertEqual(Person.objects.count(), 1)

    def test_a_household_code_with_a_hidden_character_is_the_code_it_looks_like(self):
        make_household(code="BT-01", commune=self.thu.commune)
        response = self.add(
            Household, code="BT\u200b-01", commune=self.thu.commune, size=4, poverty_status="none", certificate_year=""
        )
        self.assertRefused(response, "Xã này đã có hộ mang mã này.")
        self.assertEqual(Household.objects.count(), 1)

    def test_vietnamese_tones_written_as_combining_marks_stay(self):
        self.assertSaved(self.add_person("Lo\u0300 Thi\u0323 Thu\u031b\u0309"))
        added = Person.objects.latest("pk")
        self.assertEqual((added.full_name, added.duplicate_key), (THU, self.thu.duplicate_key))


class InvisibleCharactersInAFileTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.thu = make_person(full_name=THU, gender=Gender.FEMALE, birth_year=1934, commune=default_commune())

    def import_people(self, *names, make_bytes=make_csv_bytes):
        rows = [PEOPLE_HEADER, *(person_row(name) for name in names)]
        name = "nguoi.xlsx" if make_bytes is make_xlsx_bytes else "nguoi.csv"
        return run_import(get_kind("people"), make_bytes(rows), name)

    def test_a_name_with_a_hidden_character_is_the_person_on_file(self):
        for how, full_name in HIDDEN.items():
            for make_bytes in (make_csv_bytes, make_xlsx_bytes):
                with self.subTest(how, file=make_bytes.__name__):
                    log, result = self.import_people(full_name, make_bytes=make_bytes)
                    self.assertEqual((result.problems, log.created), ([], 0))
                    self.assertEqual(Person.objects.get().pk, self.thu.pk)
                    self.assertNotRegex(Person.objects.get().full_name, "[\u200b\u200d\ufeff\u00ad]")

    def test_a_gift_for_a_name_with_a_hidden_character_goes_to_the_person_on_file(self):
        row = gift_row(**{"Họ và tên": "Lò Thị\u200b Thử", "Số CCCD": "", "Mốc tuổi": "90"})
        _log, result = run_import(get_kind("longevity_gifts"), make_csv_bytes([GIFT_HEADER, row]), "qua.csv")
        self.assertEqual(result.problems, [])
        self.assertEqual(LongevityGift.objects.get().person, self.thu)
        self.assertEqual(Person.objects.count(), 1)

    def test_a_name_turning_the_direction_of_the_text_is_refused_with_its_row_and_column(self):
        log, result = self.import_people(*(full_name for full_name, _code in TURNED.values()))
        self.assertEqual(
            [str(problem) for problem in result.problems],
            [
                f"Dòng {row}, cột “Họ và tên”: Ô này {TURNED_MESSAGE.format(code=code)} ô)."
                for row, (_name, code) in enumerate(TURNED.values(), start=2)
            ],
        )
        self.assertEqual((log.outcome, Person.objects.count()), ("rejected", 1))

    def test_a_household_code_with_a_hidden_character_is_the_household_on_file(self):
        household = make_household(code="BT-01", commune=self.thu.commune)
        rows = [["Năm", "Mã xã", "Mã hộ", "Thôn, bản", "Số nhân khẩu", "Diện hộ", "Năm công nhận"]]
        rows.append(["2024", "01858", "BT-01\u200b", "Nà Mằm", "5", "Hộ nghèo", "2023"])
        log, result = run_import(get_kind("households"), make_csv_bytes(rows), "ho.csv")
        self.assertEqual((result.problems, log.created, log.changed), ([], 0, 1))
        self.assertEqual(Household.objects.get().pk, household.pk)


class InvisibleCharactersFromCodeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.commune = default_commune()

    def test_a_save_takes_hidden_characters_out_of_every_text(self):
        person = make_person(full_name="Lò Thị\u200b Thử", note="Gia đình\u200d chính sách\nHộ nghèo\u2060")
        person.refresh_from_db()
        self.assertEqual((person.full_name, person.note), (THU, "Gia đình chính sách\nHộ nghèo"))

    def test_every_write_refuses_a_text_turning_the_direction(self):
        turned = "Lò Thị Thử\u202e"
        thu = make_person(full_name=THU)

        def changed_name():
            thu.full_name = turned
            return thu

        writes = {
            "save": lambda: Person(full_name=turned, gender="male", birth_year=1950, commune=self.commune).save(),
            "bulk_create": lambda: Person.objects.bulk_create(
                [Person(full_name=turned, gender="male", birth_year=1950, commune=self.commune)]
            ),
            "bulk_update": lambda: Person.objects.bulk_update([changed_name()], ["full_name"]),
            "update": lambda: Person.objects.filter(pk=thu.pk).update(full_name=turned),
        }
        for name, write in writes.items():
            with self.subTest(name), self.assertRaises(ValidationError) as refused:
                write()
            self.assertEqual(list(refused.exception.message_dict), ["full_name"])
            thu.refresh_from_db()
        self.assertEqual(list(Person.objects.values_list("full_name", flat=True)), [THU])
