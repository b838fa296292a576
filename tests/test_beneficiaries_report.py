"""The annual report's programme figures come from the registers: the demo's registers give
the article's figures, and each figure follows the register as staff add, change and delete
entries in the admin, with a note on screen while the typed figure disagrees."""

import datetime
import itertools

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from areas.models import AdminUnit
from areas.territory import territory_of
from beneficiaries.models import (
    AdmissionDossier,
    ElderlyVisit,
    FuneralAllowance,
    Gender,
    Household,
    HousingSupport,
    LongevityGift,
    Person,
    PovertyStatus,
    RiceReliefLine,
    RiceReliefRound,
    TrainingClass,
    WorshipAllowance,
)
from beneficiaries.registers import register_models
from demo.loading import load_catalogue
from indicators.models import Indicator, IndicatorValue, RegisterSource
from reports.registers import FIGURES, register_figures_by_year, register_years
from tests.admin_forms import AdminFormTestCase, admin_url
from tests.demo import load_demo
from tests.factories import (
    make_agency,
    make_commune,
    make_district,
    make_household,
    make_longevity_gift,
    make_person,
    make_province,
    make_rice_line,
    make_round,
    make_superuser,
    make_training_class,
    make_value,
)
from tests.test_report import PROGRAMME_FIGURES, page_text, printed_part

REPORT = "/reports/2024/"
# The programme figures of the article that the demo's registers give: all but the typed-only
# referrals, petitions, record amendments and admission dossiers.
REGISTER_FIGURES = [
    figure for figure in PROGRAMME_FIGURES if figure not in ("2 trường hợp", "8 đơn thư", "6 trường hợp", "9 hồ sơ")
]
REGISTER_INDICATORS = [
    "rice_relief_kg",
    "rice_relief_households",
    "rice_relief_persons",
    "longevity_90",
    "longevity_100",
    "poor_housing_houses",
    "poor_housing_amount",
    "merit_funeral_allowance",
    "merit_worship_allowance",
    "elderly_month_gifts",
    "poverty_training_classes",
    "poverty_training_participants",
]


def report_lines(report):
    for section in report.sections:
        for line in section.lines:
            yield line
            yield from line.children


class DemoRegisterReportTests(AdminFormTestCase):
    """The demo's registers give the article's programme figures; each register-fed figure
    moves as an entry is added, changed and deleted in the admin, and a note on screen (not
    on paper) says the typed figure differs meanwhile."""

    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.superuser = get_user_model().objects.get(username="admin")
        cls.commune = AdminUnit.objects.for_code("01858", 2024)

    def test_the_2024_report_prints_every_programme_figure_and_the_registers_agree_with_the_typed_figures(self):
        response = self.client.get(REPORT)
        text = page_text(response)
        for figure in PROGRAMME_FIGURES:
            with self.subTest(figure=figure):
                self.assertIn(figure, text)
        self.assertEqual([note.check for note in response.context["report"].notes], ["reported_percent"])
        self.assertNotIn("sổ theo dõi", text)

    def test_the_registers_alone_give_the_programme_figures(self):
        IndicatorValue.objects.filter(indicator__code__in=REGISTER_INDICATORS).delete()
        text = page_text(self.client.get(REPORT))
        for figure in REGISTER_FIGURES:
            with self.subTest(figure=figure):
                self.assertIn(figure, text)

    def test_every_register_figure_is_computed_from_a_register(self):
        response = self.client.get(REPORT)
        sourced = {line.indicator.code for line in report_lines(response.context["report"]) if line.indicator.source}
        self.assertEqual(sourced, set(REGISTER_INDICATORS))

    def assertReport(self, figures, notes=()):
        """The report prints `figures` and shows exactly the register `notes` on screen,
        none of them on paper."""
        response = self.client.get(REPORT)
        text = page_text(response)
        for figure in figures:
            self.assertIn(figure, text)
        register_notes = [note for note in response.context["report"].notes if note.check == "register"]
        self.assertEqual(len(register_notes), len(notes), [n.indicator.name for n in register_notes])
        for note in notes:
            self.assertIn(note, text)
        self.assertNotIn("sổ theo dõi", printed_part(response))

    def delete(self, instance):
        response = self.client.post(admin_url(type(instance), "delete", instance.pk), {"post": "yes"})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(type(instance).objects.filter(pk=instance.pk).exists())

    def added(self, model, **fields):
        self.assertSaved(self.add(model, **fields))
        return model.objects.latest("pk")

    def test_rice_relief_kilograms_households_and_persons(self):
        household = make_household(commune=self.commune, size=3)
        line = self.added(
            RiceReliefLine,
            round=RiceReliefRound.objects.get(code="2024-tet"),
            household=household,
            commune=self.commune,
            persons=3,
            kg=45,
        )
        self.assertReport(
            ["259.355 kg (số hộ được hỗ trợ: 3.269 hộ; số khẩu được hỗ trợ: 11.904 khẩu)"],
            notes=[
                "Gạo cứu đói từ nguồn dự trữ quốc gia: số nhập tay là 259.310, nhưng sổ theo dõi đếm được 259.355.",
                "Số hộ được hỗ trợ gạo: số nhập tay là 3.268, nhưng sổ theo dõi đếm được 3.269.",
                "Số khẩu được hỗ trợ gạo: số nhập tay là 11.901, nhưng sổ theo dõi đếm được 11.904.",
            ],
        )
        self.assertSaved(self.change(line, persons=2, kg="30"))
        self.assertReport(
            ["259.340 kg (số hộ được hỗ trợ: 3.269 hộ; số khẩu được hỗ trợ: 11.903 khẩu)"],
            notes=["sổ theo dõi đếm được 259.340", "sổ theo dõi đếm được 3.269", "sổ theo dõi đếm được 11.903"],
        )
        self.delete(line)
        self.assertReport(["259.310 kg (số hộ được hỗ trợ: 3.268 hộ; số khẩu được hỗ trợ: 11.901 khẩu)"])

    def test_a_second_line_for_a_household_adds_kilograms_and_persons_but_not_a_household(self):
        line = RiceReliefLine.objects.filter(round__code="2024-tet").order_by("pk").first()
        self.added(
            RiceReliefLine,
            round=RiceReliefRound.objects.get(code="2024-bao-yagi"),
            household=line.household,
            commune=line.commune,
            persons=1,
            kg=15,
        )
        self.assertReport(
            ["259.325 kg (số hộ được hỗ trợ: 3.268 hộ; số khẩu được hỗ trợ: 11.902 khẩu)"],
            notes=["sổ theo dõi đếm được 259.325", "sổ theo dõi đếm được 11.902"],
        )

    def test_longevity_cards_at_90_and_100(self):
        turning_90 = make_person(full_name="Hoàng Thị Slao", gender=Gender.FEMALE, birth_year=1934)
        gift = self.added(
            LongevityGift,
            person=turning_90,
            year=2024,
            milestone=90,
            commune=turning_90.commune,
            cash_vnd="500.000",
            in_kind_vnd="150.000",
            gift_date=datetime.date(2024, 2, 5),
            occasion="tet",
        )
        self.assertReport(
            ["90 tuổi: 250 người", "100 tuổi: 17 người"],
            notes=[
                "Thiếp mừng thọ của Chủ tịch UBND tỉnh cho người cao tuổi 90 tuổi: số nhập tay là 249, "
                "nhưng sổ theo dõi đếm được 250."
            ],
        )
        turning_100 = make_person(full_name="Nông Văn Pảo", birth_year=1924)
        self.assertSaved(self.change(gift, person=turning_100, milestone=100, in_kind_vnd="0"))
        self.assertReport(
            ["90 tuổi: 249 người", "100 tuổi: 18 người"],
            notes=[
                "Thiếp mừng thọ của Chủ tịch nước cho người cao tuổi tròn 100 tuổi: số nhập tay là 17, "
                "nhưng sổ theo dõi đếm được 18."
            ],
        )
        self.delete(gift)
        self.assertReport(["90 tuổi: 249 người", "100 tuổi: 17 người"])

    def test_commune_celebrations_do_not_change_the_cards_at_90_and_100(self):
        self.added(
            LongevityGift,
            person=make_person(birth_year=1954),
            year=2024,
            milestone=70,
            commune=self.commune,
            cash_vnd="100.000",
            in_kind_vnd="0",
        )
        self.assertReport(["90 tuổi: 249 người", "100 tuổi: 17 người"])

    def test_houses_and_their_funding(self):
        household = make_household(commune=self.commune, size=5, poverty_status=PovertyStatus.POOR)
        house = self.added(
            HousingSupport,
            household=household,
            commune=self.commune,
            year=2024,
            funding_source="sponsor",
            sponsor="Tập đoàn Bảo Việt",
            round=6,
            work="new",
            amount_vnd="60.000.000",
            status="completed",
            started_on=datetime.date(2024, 8, 1),
            completed_on=datetime.date(2024, 10, 20),
        )
        self.assertReport(
            ["81 nhà (kinh phí: 4.560.000.000 đồng)"],
            notes=[
                "Hỗ trợ nhà ở cho hộ nghèo: số nhập tay là 80, nhưng sổ theo dõi đếm được 81.",
                "đếm được 4.560.000.000",
            ],
        )
        self.assertSaved(self.change(house, amount_vnd="50.000.000"))
        self.assertReport(["81 nhà (kinh phí: 4.550.000.000 đồng)"], notes=["đếm được 81", "đếm được 4.550.000.000"])
        self.assertSaved(self.change(house, status="cancelled"))
        self.assertReport(["80 nhà (kinh phí: 4.500.000.000 đồng)"])
        self.delete(HousingSupport.objects.filter(round=5, amount_vnd=60_000_000).first())
        self.assertReport(["79 nhà (kinh phí: 4.440.000.000 đồng)"], notes=["đếm được 79", "đếm được 4.440.000.000"])

    def test_funeral_allowances(self):
        deceased = make_person(full_name="Lục Văn Thào", birth_year=1945)
        allowance = self.added(
            FuneralAllowance,
            deceased=deceased,
            commune=deceased.commune,
            category="meritorious",
            date_of_death=datetime.date(2024, 11, 2),
            year=2024,
            recipient_name="Lục Thị Dầm",
            amount_vnd="23.400.000",
        )
        self.assertReport(
            ["mai táng phí cho 286 đối tượng"],
            notes=["Giải quyết chế độ mai táng phí: số nhập tay là 285, nhưng sổ theo dõi đếm được 286."],
        )
        self.assertSaved(self.change(allowance, year=2025))
        self.assertReport(["mai táng phí cho 285 đối tượng"])
        self.delete(FuneralAllowance.objects.filter(year=2024).order_by("pk").first())
        self.assertReport(["mai táng phí cho 284 đối tượng"], notes=["đếm được 284"])

    def test_worship_allowance_decisions(self):
        worshipper = make_person(full_name="Triệu Thị Mai", gender=Gender.FEMALE, birth_year=1962)
        allowance = self.added(
            WorshipAllowance,
            martyr_name="Triệu Văn Phin",
            martyr_record="BK-LS-99001",
            worshipper=worshipper,
            commune=worshipper.commune,
            year=2024,
            yearly_amount_vnd="1.800.000",
            valid_from=datetime.date(2024, 11, 1),
        )
        self.assertReport(
            ["thờ cúng liệt sĩ đối với 55 trường hợp"],
            notes=["Quyết định hưởng trợ cấp thờ cúng liệt sĩ: số nhập tay là 54, nhưng sổ theo dõi đếm được 55."],
        )
        self.assertSaved(self.change(allowance, year=2023))
        self.assertReport(["thờ cúng liệt sĩ đối với 54 trường hợp"])
        self.delete(WorshipAllowance.objects.filter(year=2024).order_by("pk").first())
        self.assertReport(["thờ cúng liệt sĩ đối với 53 trường hợp"], notes=["đếm được 53"])

    def test_visits_in_the_month_of_action_for_the_elderly(self):
        elder = make_person(full_name="Ma Văn Khoa", birth_year=1940)
        visit = self.added(
            ElderlyVisit,
            person=elder,
            commune=elder.commune,
            year=2024,
            visited_on=datetime.date(2024, 10, 20),
            gift_vnd="500.000",
        )
        self.assertReport(
            ["Tháng hành động vì người cao tuổi: 56 người"],
            notes=["nhân Tháng hành động vì người cao tuổi: số nhập tay là 55, nhưng sổ theo dõi đếm được 56."],
        )
        # Moved out of 2024 to a year its commune was in force all through (it ended on 30/06/2025).
        self.assertSaved(self.change(visit, year=2023, visited_on=datetime.date(2023, 10, 3)))
        self.assertReport(["Tháng hành động vì người cao tuổi: 55 người"])
        self.delete(ElderlyVisit.objects.filter(year=2024).order_by("pk").first())
        self.assertReport(["Tháng hành động vì người cao tuổi: 54 người"], notes=["đếm được 54"])

    def test_training_classes_and_their_participants(self):
        training = self.added(
            TrainingClass,
            title="Tập huấn nâng cao năng lực cán bộ làm công tác giảm nghèo cấp xã",
            year=2024,
            area=AdminUnit.objects.for_code("062", 2024),
            level="commune",
            starts_on=datetime.date(2024, 9, 10),
            ends_on=datetime.date(2024, 9, 11),
            place="Hội trường UBND huyện Ngân Sơn",
            participants=40,
        )
        self.assertReport(
            ["4 lớp (số người tham dự: 374 người)"],
            notes=[
                "Lớp tập huấn nâng cao năng lực cán bộ làm công tác giảm nghèo: số nhập tay là 3, "
                "nhưng sổ theo dõi đếm được 4.",
                "Số người tham dự tập huấn giảm nghèo: số nhập tay là 334, nhưng sổ theo dõi đếm được 374.",
            ],
        )
        self.assertSaved(self.change(training, participants=55))
        self.assertReport(["4 lớp (số người tham dự: 389 người)"], notes=["đếm được 4.", "đếm được 389"])
        self.delete(training)
        self.assertReport(["3 lớp (số người tham dự: 334 người)"])


class RegisterRollUpTests(AdminFormTestCase):
    """Entries are made in communes; a district's report counts those of its communes, the
    province's report those of every district."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        load_catalogue()
        cls.province = make_province()
        make_agency(area=cls.province)
        cls.pac_nam = make_district(parent=cls.province)
        cls.ba_be = make_district(parent=cls.province, code="061", name="Huyện Ba Bể")
        cls.bang_thanh = make_commune(parent=cls.pac_nam)
        cls.nhan_mon = make_commune(parent=cls.pac_nam, code="01861", name="Xã Nhạn Môn")
        cls.cho_ra = make_commune(parent=cls.ba_be, code="01888", name="Thị trấn Chợ Rã")
        rice = make_round(area=cls.province, kg_allocated=1_000)
        for commune, persons in [(cls.bang_thanh, 2), (cls.nhan_mon, 3), (cls.cho_ra, 4)]:
            make_rice_line(round=rice, commune=commune, persons=persons, kg=15 * persons)
        cls.gift = make_longevity_gift(person=make_person(birth_year=1934, commune=cls.bang_thanh))
        make_longevity_gift(person=make_person(birth_year=1934, commune=cls.cho_ra))
        make_training_class(area=cls.ba_be, participants=40)

    def test_a_district_report_counts_the_entries_of_its_communes(self):
        text = page_text(self.client.get(REPORT, {"area": "060"}))
        self.assertIn("Toàn huyện tiếp nhận gạo cứu đói từ nguồn dự trữ quốc gia 75 kg", text)
        self.assertIn("(số hộ được hỗ trợ: 2 hộ; số khẩu được hỗ trợ: 5 khẩu)", text)
        self.assertIn("90 tuổi: 1 người", text)
        self.assertNotIn("tập huấn", text)
        text = page_text(self.client.get(REPORT, {"area": "061"}))
        self.assertIn("60 kg (số hộ được hỗ trợ: 1 hộ; số khẩu được hỗ trợ: 4 khẩu)", text)
        self.assertIn("1 lớp (số người tham dự: 40 người)", text)

    def test_the_province_report_counts_every_district(self):
        text = page_text(self.client.get(REPORT))
        self.assertIn("Toàn tỉnh tiếp nhận gạo cứu đói từ nguồn dự trữ quốc gia 135 kg", text)
        self.assertIn("(số hộ được hỗ trợ: 3 hộ; số khẩu được hỗ trợ: 9 khẩu)", text)
        self.assertIn("90 tuổi: 2 người", text)
        self.assertIn("1 lớp (số người tham dự: 40 người)", text)

    def test_an_entry_moved_to_a_commune_of_another_district_moves_between_the_district_reports(self):
        person = self.gift.person
        person.commune = self.cho_ra
        person.save()
        self.assertSaved(self.change(self.gift, commune=self.cho_ra))
        self.assertIn("90 tuổi: 2 người", page_text(self.client.get(REPORT, {"area": "061"})))
        self.assertNotIn("90 tuổi", page_text(self.client.get(REPORT, {"area": "060"})))
        self.assertIn("90 tuổi: 2 người", page_text(self.client.get(REPORT)))

    def test_a_district_figure_typed_differently_from_its_register_is_noted(self):
        make_value(indicator=Indicator.objects.get(code="rice_relief_kg"), area=self.pac_nam, actual=80)
        text = page_text(self.client.get(REPORT, {"area": "060"}))
        self.assertIn("Gạo cứu đói từ nguồn dự trữ quốc gia: số nhập tay là 80, nhưng sổ theo dõi đếm được 75.", text)
        self.assertIn("75 kg", text)


def _entry(model, where, **fields):
    return model(year=2024, commune=where.commune, **fields)


# One entry of each of eight registers, for the number, person, household and rice round given.
ENTRY_BUILDERS = [
    lambda n, person, household, round_: RiceReliefLine(
        round=round_, household=household, commune=household.commune, persons=3, kg=45
    ),
    lambda n, person, household, round_: _entry(LongevityGift, person, person=person, milestone=90),
    lambda n, person, household, round_: _entry(
        HousingSupport, person, household=household, funding_source="sponsor", sponsor="MB", amount_vnd=50_000_000
    ),
    lambda n, person, household, round_: _entry(
        FuneralAllowance,
        person,
        deceased=person,
        category="meritorious",
        date_of_death=datetime.date(2024, 3, 1),
        recipient_name="Hoàng Văn Minh",
        amount_vnd=18_000_000,
    ),
    lambda n, person, household, round_: _entry(
        WorshipAllowance,
        person,
        martyr_name="Hoàng Văn Pảo",
        martyr_record=f"LS-{n}",
        worshipper=person,
        yearly_amount_vnd=1_800_000,
        valid_from=datetime.date(2024, 1, 1),
    ),
    lambda n, person, household, round_: _entry(
        ElderlyVisit, person, person=person, visited_on=datetime.date(2024, 10, 1)
    ),
    lambda n, person, household, round_: _entry(
        AdmissionDossier, person, person=person, received_on=datetime.date(2024, 5, 1)
    ),
    lambda n, person, household, round_: TrainingClass(
        title=f"Tập huấn {n}",
        year=2024,
        area=person.commune,
        level="commune",
        place="Hội trường",
        starts_on=datetime.date(2024, 6, 1),
        ends_on=datetime.date(2024, 6, 1),
        participants=30,
    ),
]


class RegisterQueryCountTests(TestCase):
    """The report runs the same number of queries with 10 register entries and with 10.000."""

    @classmethod
    def setUpTestData(cls):
        load_catalogue()
        province = make_province()
        make_agency(area=province)
        districts = [make_district(parent=province, code=f"06{i}", name=f"Huyện {i}") for i in range(2)]
        cls.communes = [
            make_commune(parent=district, code=f"0{1858 + 3 * (3 * d + i)}", name=f"Xã {d}-{i}")
            for d, district in enumerate(districts)
            for i in range(3)
        ]
        cls.round = make_round(area=province, kg_allocated=10_000_000)
        cls.user = make_superuser()
        cls.serials = itertools.count()

    def add_entries(self, count):
        """`count` entries spread over eight registers, each with its own person or household."""
        numbers = [next(self.serials) for _ in range(count)]
        people = Person.objects.bulk_create([self.person(number) for number in numbers], batch_size=500)
        households = Household.objects.bulk_create(
            [
                Household(
                    code=f"H{number:06d}",
                    commune=self.communes[number % len(self.communes)],
                    size=3,
                    poverty_status=PovertyStatus.POOR,
                    certificate_year=2023,
                )
                for number in numbers
            ],
            batch_size=500,
        )
        entries = {}
        for number, person, household in zip(numbers, people, households, strict=True):
            entry = ENTRY_BUILDERS[number % len(ENTRY_BUILDERS)](number, person, household, self.round)
            entries.setdefault(type(entry), []).append(entry)
        for model, rows in entries.items():
            model.objects.bulk_create(rows, batch_size=500)

    def person(self, number):
        person = Person(
            full_name=f"Nông Văn Thào {number}",
            gender=Gender.MALE,
            birth_year=1934,
            commune=self.communes[number % len(self.communes)],
        )
        person.set_derived_fields()
        return person

    def queries_for_report(self):
        self.client.force_login(self.user)
        with CaptureQueriesContext(connection) as context:
            response = self.client.get(REPORT)
        self.assertEqual(response.status_code, 200)
        return len(context), page_text(response)

    def test_query_count_does_not_grow_with_the_registers(self):
        self.add_entries(10)
        with_ten, text = self.queries_for_report()
        self.assertIn("90 tuổi: 2 người", text)
        self.add_entries(9_990)
        with_ten_thousand, text = self.queries_for_report()
        self.assertIn("90 tuổi: 1.250 người", text)
        self.assertIn("1.250 lớp", text)
        self.assertEqual(with_ten, with_ten_thousand)


class EveryRegisterFeedsTheReportTests(TestCase):
    """The registers are found, not listed: one added without its figures cannot go unnoticed."""

    def test_every_register_but_the_rice_rounds_gives_the_report_figures(self):
        self.assertEqual(set(register_models()) - set(FIGURES), {RiceReliefRound})
        self.assertLessEqual(set(FIGURES), set(register_models()))

    def test_every_figure_an_indicator_can_take_from_a_register_is_computed(self):
        self.assertEqual({figure for figures in FIGURES.values() for figure in figures}, set(RegisterSource))

    def test_the_years_with_entries_come_from_every_register_in_one_query(self):
        user = make_superuser()
        make_longevity_gift(year=2024)
        make_rice_line(round=make_round(year=2023))
        make_training_class(year=2021, starts_on=datetime.date(2021, 5, 4), ends_on=datetime.date(2021, 5, 5))
        with self.assertNumQueries(1):
            years = register_years(user)
        self.assertEqual(years, {2021, 2023, 2024})

    def test_an_agencys_report_reads_only_the_registers_its_indicators_count(self):
        province = make_province()
        make_longevity_gift(year=2024)
        territory = territory_of(province)
        with self.assertNumQueries(1):
            figures = register_figures_by_year(
                years=[2024], area=province, territory=territory, sources={RegisterSource.LONGEVITY_90}
            )
        self.assertEqual(figures[2024][RegisterSource.LONGEVITY_90], 1)
