"""An approved year cannot be changed through what its rows take from other rows: a rice line's
year from its round, every row's lock from the units above its commune, what a register prints of
its person, household and decision (bkxh.records.dependents_of)."""

import datetime
import tempfile
from pathlib import Path

from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import TestCase

from accounts.roles import ADMINISTRATOR, CLERK
from approvals.locking import YearLockedError
from areas.models import AdminUnit
from audit.context import changes_by
from audit.models import AccessLog
from beneficiaries.models import Decision, Gender, Household, Person, RiceReliefLine, RiceReliefRound
from imports.checking import check_file
from imports.kinds import get_kind
from tests.admin_forms import admin_url, form_fields
from tests.factories import (
    make_approved_year,
    make_citizen_id,
    make_commune,
    make_csv_bytes,
    make_decision,
    make_district,
    make_household,
    make_longevity_gift,
    make_person,
    make_province,
    make_record_amendment,
    make_rice_line,
    make_role_user,
    make_round,
    make_superuser,
)

LOCKED = "đã được Nguyễn Thị Duyệt phê duyệt"


class DependentRowsTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.province = make_province()
        cls.pac_nam = make_district(parent=cls.province)
        cls.ba_be = make_district(parent=cls.province, code="061", name="Huyện Ba Bể")
        cls.commune = make_commune(parent=cls.pac_nam)
        cls.ba_be_commune = make_commune(parent=cls.ba_be, code="01840", name="Xã Cao Thượng")
        cls.superuser = make_superuser()

    def saved_form(self, instance, **changes):
        """POST the row's change form as the page shows it, with `changes`."""
        url = admin_url(type(instance), "change", instance.pk)
        data = form_fields(self.client.get(url).content.decode())
        data.update(changes)
        return self.client.post(url, data, follow=True)


class RoundYearTests(DependentRowsTestCase):
    """Finding 4: a rice line takes its year from its round."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.round = make_round(area=cls.province, year=2024)
        cls.line = make_rice_line(round=cls.round, household=make_household(commune=cls.commune))
        make_approved_year(area=cls.pac_nam, year=2024)

    def assertRoundYear(self, year):
        self.round.refresh_from_db()
        self.assertEqual(self.round.year, year)
        self.assertEqual(RiceReliefLine.objects.for_year(year).count(), 1)

    def moved(self, year):
        rice_round = RiceReliefRound.objects.get(pk=self.round.pk)
        rice_round.year = year
        rice_round.distribution_date = datetime.date(year, 2, 1)
        return rice_round

    def test_moving_a_round_out_of_an_approved_year_is_refused(self):
        with self.assertRaisesMessage(YearLockedError, LOCKED):
            self.moved(2023).save()
        self.assertRoundYear(2024)

    def test_moving_a_round_into_an_approved_year_is_refused(self):
        other = make_round(area=self.province, year=2023)
        make_rice_line(round=other, household=make_household(commune=self.commune))
        open_round = RiceReliefRound.objects.get(pk=other.pk)
        open_round.year = 2024
        open_round.distribution_date = datetime.date(2024, 2, 1)
        with self.assertRaisesMessage(YearLockedError, LOCKED):
            open_round.save()
        self.assertEqual(RiceReliefRound.objects.get(pk=other.pk).year, 2023)

    def test_a_queryset_update_of_the_rounds_year_is_refused_both_ways(self):
        with self.assertRaisesMessage(YearLockedError, LOCKED):
            RiceReliefRound.objects.filter(pk=self.round.pk).update(year=2023)
        self.assertRoundYear(2024)
        other = make_round(area=self.province, year=2023)
        make_rice_line(round=other, household=make_household(commune=self.commune))
        with self.assertRaisesMessage(YearLockedError, LOCKED):
            RiceReliefRound.objects.filter(pk=other.pk).update(year=2024)
        self.assertEqual(RiceReliefRound.objects.get(pk=other.pk).year, 2023)

    def test_a_bulk_update_of_the_rounds_year_is_refused(self):
        with self.assertRaisesMessage(YearLockedError, LOCKED):
            RiceReliefRound.objects.bulk_update([self.moved(2023)], ["year", "distribution_date"])
        self.assertRoundYear(2024)

    def test_the_admin_form_refuses_moving_the_round_and_says_why(self):
        self.client.force_login(self.superuser)
        response = self.saved_form(self.round, year="2023", distribution_date="01/02/2023")
        self.assertContains(response, LOCKED)
        self.assertRoundYear(2024)

    def test_the_admin_form_refusing_a_move_into_an_approved_year_keeps_what_was_typed(self):
        other = make_round(area=self.province, year=2023, occasion=RiceReliefRound.Occasion.TET)
        make_rice_line(round=other, household=make_household(commune=self.commune))
        self.client.force_login(self.superuser)
        response = self.saved_form(other, year="2024", distribution_date="01/02/2024", note="Bổ sung đợt Tết")
        self.assertEqual(response.redirect_chain, [])
        self.assertContains(response, LOCKED)
        self.assertContains(response, "Bổ sung đợt Tết")
        self.assertContains(response, 'value="01/02/2024"')
        self.assertEqual(RiceReliefRound.objects.get(pk=other.pk).year, 2023)

    def test_the_delete_page_of_a_round_with_approved_lines_says_why_it_cannot_be_deleted(self):
        self.client.force_login(self.superuser)
        response = self.client.get(admin_url(RiceReliefRound, "delete", self.round.pk))
        self.assertContains(response, "mà bạn không được xóa (thuộc năm đã phê duyệt")
        self.assertNotContains(response, "quyển")

    def test_the_admin_form_refusing_a_move_names_the_round_as_stored(self):
        self.client.force_login(self.superuser)
        response = self.saved_form(self.round, year="2023", distribution_date="01/02/2023")
        self.assertContains(response, LOCKED)
        self.assertContains(response, 'value="01/02/2023"')
        stored = str(RiceReliefRound.objects.get(pk=self.round.pk))
        self.assertIn(" 2024 ", stored)
        self.assertEqual(response.context["subtitle"], stored)
        self.assertNotContains(response, stored.replace(" 2024 ", " 2023 "))

    def test_an_import_of_rounds_names_the_row_that_would_move_the_approved_lines(self):
        kind = get_kind("rice_relief_rounds")
        header = [column.name for column in kind.columns]
        row = {
            "code": self.round.code,
            "year": "2023",
            "occasion": "Tết Nguyên đán",
            "area_code": "06",
            "distribution_date": "01/02/2023",
            "months": "1",
            "kg_allocated": "100000",
        }
        data = make_csv_bytes([header, [row.get(name, "") for name in header]])
        result = check_file(kind, data, "dot-gao.csv", user=self.superuser)
        self.assertIn(LOCKED, " ".join(problem.message for problem in result.problems))
        self.assertRoundYear(2024)

    def test_a_fixture_moving_the_round_is_refused_and_one_leaving_it_as_it_is_loads(self):
        with tempfile.TemporaryDirectory() as folder:
            fixture = Path(folder) / "dot.json"
            fixture.write_text(serializers.serialize("json", [RiceReliefRound.objects.get(pk=self.round.pk)]))
            call_command("loaddata", str(fixture), verbosity=0)
            fixture.write_text(serializers.serialize("json", [self.moved(2023)]))
            with self.assertRaises(YearLockedError):
                call_command("loaddata", str(fixture), verbosity=0)
        self.assertRoundYear(2024)

    def test_a_round_whose_lines_are_all_in_open_years_changes_its_year(self):
        other = make_round(area=self.province, year=2023)
        make_rice_line(round=other, household=make_household(commune=self.ba_be_commune))
        moved = RiceReliefRound.objects.get(pk=other.pk)
        moved.year = 2022
        moved.distribution_date = datetime.date(2022, 2, 1)
        moved.save()
        self.assertEqual(RiceReliefRound.objects.get(pk=other.pk).year, 2022)


class CommuneParentTests(DependentRowsTestCase):
    """Finding 4: a row's lock comes from the units above its commune."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_longevity_gift(person=make_person(commune=cls.commune, birth_year=1934), year=2024)

    def moved(self, unit, parent):
        unit = AdminUnit.objects.get(pk=unit.pk)
        unit.parent = parent
        return unit

    def test_moving_a_commune_out_of_an_approved_district_is_refused(self):
        make_approved_year(area=self.pac_nam, year=2024)
        with self.assertRaisesMessage(YearLockedError, LOCKED):
            self.moved(self.commune, self.ba_be).save()
        with self.assertRaisesMessage(YearLockedError, LOCKED):
            AdminUnit.objects.filter(pk=self.commune.pk).update(parent=self.ba_be)
        self.assertEqual(AdminUnit.objects.get(pk=self.commune.pk).parent, self.pac_nam)

    def test_moving_a_commune_into_an_approved_district_is_refused(self):
        make_approved_year(area=self.ba_be, year=2024)
        with self.assertRaisesMessage(YearLockedError, LOCKED):
            self.moved(self.commune, self.ba_be).save()
        with self.assertRaisesMessage(YearLockedError, LOCKED):
            AdminUnit.objects.filter(pk=self.commune.pk).update(parent=self.ba_be)
        self.assertEqual(AdminUnit.objects.get(pk=self.commune.pk).parent, self.pac_nam)

    def test_moving_a_district_moves_the_rows_of_its_communes(self):
        make_approved_year(area=self.province, year=2024)
        other_province = make_province(code="19", name="Tỉnh Thái Nguyên")
        with self.assertRaisesMessage(YearLockedError, LOCKED):
            self.moved(self.pac_nam, other_province).save()
        self.assertEqual(AdminUnit.objects.get(pk=self.pac_nam.pk).parent, self.province)

    def test_the_admin_form_refuses_moving_a_commune_of_an_approved_year(self):
        make_approved_year(area=self.pac_nam, year=2024)
        self.client.force_login(self.superuser)
        response = self.saved_form(self.commune, parent=str(self.ba_be.pk))
        self.assertContains(response, LOCKED)
        self.assertEqual(AdminUnit.objects.get(pk=self.commune.pk).parent, self.pac_nam)

    def test_a_commune_whose_rows_are_in_open_years_moves_and_renames(self):
        make_approved_year(area=self.pac_nam, year=2023)
        self.moved(self.commune, self.ba_be).save()
        unit = AdminUnit.objects.get(pk=self.commune.pk)
        unit.name = "Xã Bằng Thành mới"
        unit.save()
        self.assertEqual(AdminUnit.objects.get(pk=self.commune.pk).parent, self.ba_be)


class PersonAndHouseholdTests(DependentRowsTestCase):
    """Finding 26: what an approved register prints of a person or household stays as approved."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.person = make_person(
            full_name="Lò Thị Thử",
            gender=Gender.FEMALE,
            commune=cls.commune,
            birth_year=1934,
            citizen_id=make_citizen_id(female=True, birth_year=1934),
        )
        make_longevity_gift(person=cls.person, year=2024)
        cls.head = make_person(full_name="Hoàng Văn Chủ", commune=cls.commune, birth_year=1970)
        cls.household = make_household(commune=cls.commune, head=cls.head)
        make_rice_line(round=make_round(area=cls.pac_nam), household=cls.household)
        make_approved_year(area=cls.pac_nam, year=2024)

    def renamed(self, person, name="Lò Thị Thư"):
        person = Person.objects.get(pk=person.pk)
        person.full_name = name
        return person

    def test_renaming_a_person_of_an_approved_register_is_refused_on_every_path(self):
        with self.assertRaisesMessage(YearLockedError, LOCKED):
            self.renamed(self.person).save()
        with self.assertRaisesMessage(YearLockedError, LOCKED):
            Person.objects.filter(pk=self.person.pk).update(birth_year=1935)
        with self.assertRaisesMessage(YearLockedError, LOCKED):
            Person.objects.bulk_update([self.renamed(self.person)], ["full_name"])
        with self.assertRaisesMessage(ValidationError, LOCKED):
            self.renamed(self.person).full_clean()
        self.assertEqual(Person.objects.get(pk=self.person.pk).full_name, "Lò Thị Thử")

    def test_the_admin_form_shows_the_refusal_beside_the_form(self):
        self.client.force_login(self.superuser)
        response = self.saved_form(self.person, full_name="Lò Thị Thư")
        self.assertContains(response, LOCKED)
        self.assertEqual(Person.objects.get(pk=self.person.pk).full_name, "Lò Thị Thử")

    def test_a_refused_rename_keeps_the_typed_name_in_the_form_but_names_the_person_as_stored(self):
        """The heading, the breadcrumb and the access log name the row, not the edit it refused."""
        self.client.force_login(self.superuser)
        response = self.saved_form(self.person, full_name="Lò Thị Đổi Tên")
        self.assertContains(response, LOCKED)
        self.assertContains(response, 'value="Lò Thị Đổi Tên"')
        self.assertNotContains(response, "Lò Thị Đổi Tên (1934)")
        self.assertEqual(response.context["subtitle"], "Lò Thị Thử (1934)")
        self.assertContains(response, "&rsaquo; Lò Thị Thử (1934)")
        logged = AccessLog.objects.filter(event=AccessLog.Event.FULL_ID).latest("at")
        self.assertEqual(logged.subject, "Lò Thị Thử (1934)")

    def test_a_people_import_names_the_row_that_renames_an_approved_person(self):
        kind = get_kind("people")
        header = [column.name for column in kind.columns]
        values = {
            "year": "2025",
            "commune_code": self.commune.code,
            "full_name": "Lò Thị Thư",
            "gender": "Nữ",
            "birth_year": "1934",
            "citizen_id": self.person.citizen_id,
        }
        data = make_csv_bytes([header, [values.get(name, "") for name in header]])
        for user in (self.superuser, None):  # the admin's import page, the command line
            with self.subTest(user=user):
                result = check_file(kind, data, "nguoi.csv", user=user)
                self.assertIn(LOCKED, " ".join(problem.message for problem in result.problems))

    def test_renaming_the_head_of_a_household_of_an_approved_rice_round_is_refused(self):
        with self.assertRaisesMessage(YearLockedError, LOCKED):
            self.renamed(self.head, "Hoàng Văn Chủ Hộ").save()
        household = Household.objects.get(pk=self.household.pk)
        household.code = "BT-9999"
        with self.assertRaisesMessage(YearLockedError, LOCKED):
            household.save()

    def test_what_a_register_does_not_print_of_a_person_still_changes(self):
        person = Person.objects.get(pk=self.person.pk)
        person.note = "Đã chuyển về ở với con gái"
        person.save()
        household = Household.objects.get(pk=self.household.pk)
        household.address = "Thôn Nà Phặc"
        household.save()
        self.assertEqual(Person.objects.get(pk=self.person.pk).note, "Đã chuyển về ở với con gái")

    def test_a_person_of_open_years_only_is_renamed(self):
        other = make_person(full_name="Bế Văn Dũng", commune=self.ba_be_commune, birth_year=1934)
        make_longevity_gift(person=other, year=2024)
        self.renamed(other, "Bế Văn Dũng Mới").save()
        self.assertEqual(Person.objects.get(pk=other.pk).full_name, "Bế Văn Dũng Mới")


class DecisionTests(DependentRowsTestCase):
    """Finding 8: a decision is written only by users who may write every row citing it."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.admin = make_role_user(username="pacnam.quantri", role=ADMINISTRATOR, units=[cls.pac_nam])
        cls.clerk = make_role_user(username="pacnam.nhaplieu", role=CLERK, units=[cls.pac_nam])
        cls.own = make_decision(number="1/QĐ-UBND")
        make_record_amendment(person=make_person(commune=cls.commune), decision=cls.own, year=2023)
        cls.shared = make_decision(number="2/QĐ-UBND")
        make_record_amendment(person=make_person(commune=cls.commune), decision=cls.shared, year=2023)
        make_record_amendment(person=make_person(commune=cls.ba_be_commune), decision=cls.shared, year=2023)
        cls.uncited = make_decision(number="3/QĐ-UBND")

    def edited(self, decision, user):
        decision = Decision.objects.get(pk=decision.pk)
        decision.issuer = "UBND huyện Pác Nặm"
        with changes_by(user=user):
            decision.save()

    def test_a_district_user_cannot_change_a_decision_cited_by_another_districts_rows(self):
        for user in (self.admin, self.clerk):
            with self.assertRaisesMessage(ValidationError, "Xã Cao Thượng không thuộc địa bàn"):
                self.edited(self.shared, user)
        self.assertEqual(Decision.objects.get(pk=self.shared.pk).issuer, "UBND tỉnh Bắc Kạn")

    def test_a_district_user_changes_decisions_cited_only_by_their_rows_or_by_none(self):
        self.edited(self.own, self.clerk)
        self.edited(self.uncited, self.admin)
        self.assertEqual(Decision.objects.get(pk=self.own.pk).issuer, "UBND huyện Pác Nặm")

    def test_no_one_changes_a_decision_cited_by_rows_of_an_approved_year(self):
        make_approved_year(area=self.pac_nam, year=2023)
        with self.assertRaisesMessage(YearLockedError, LOCKED):
            self.edited(self.own, self.superuser)
        self.assertEqual(Decision.objects.get(pk=self.own.pk).issuer, "UBND tỉnh Bắc Kạn")

    def test_a_decisions_import_names_the_row_of_a_decision_cited_by_another_district(self):
        kind = get_kind("decisions")
        rows = [[decision.number, "15/03/2024", "UBND huyện Pác Nặm", ""] for decision in (self.own, self.shared)]
        result = check_file(kind, make_csv_bytes([[c.name for c in kind.columns], *rows]), "qd.csv", user=self.clerk)
        refused = {problem.row for problem in result.problems if "Xã Cao Thượng không thuộc địa bàn" in problem.message}
        self.assertEqual(refused, {3})
        self.assertEqual(len(result.problems), 1)

    def test_the_admin_opens_a_decision_cited_by_another_district_read_only(self):
        self.client.force_login(self.admin)
        page = self.client.get(admin_url(Decision, "change", self.shared.pk))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'name="_save"')
        self.assertContains(self.client.get(admin_url(Decision, "change", self.own.pk)), 'name="_save"')
