"""Demo registers of people with meritorious service: funeral allowances, martyr worship
allowances, medical assessment referrals and record amendments, to the article's counts.
Amounts are illustrative."""

from beneficiaries.models import Decision, FuneralAllowance, MedicalReferral, Person, RecordAmendment, WorshipAllowance
from demo.registers.base import DEPARTMENT_ISSUER, YEAR, already_loaded, day, decision, insert, some_day
from demo.registers.population import Population

FUNERAL_ALLOWANCES = 285
FUNERAL_CATEGORIES = {
    FuneralAllowance.Category.MERITORIOUS: 55,
    FuneralAllowance.Category.MARTYR_RELATIVE: 30,
    FuneralAllowance.Category.OTHER_POLICY: 15,
}
# Ten months of the base salary, which rose from 1.800.000 to 2.340.000 đồng on 1 July 2024.
FUNERAL_AMOUNT_BEFORE_JULY, FUNERAL_AMOUNT_FROM_JULY = 18_000_000, 23_400_000

WORSHIP_DECISIONS = 54
WORSHIP_YEARLY_AMOUNT = 1_800_000

MEDICAL_REFERRALS = [
    (day(5, 14), "Dị dạng, dị tật bẩm sinh liên quan phơi nhiễm chất độc hóa học"),
    (day(9, 10), "Bệnh ung thư phổi liên quan phơi nhiễm chất độc hóa học"),
]
RECORD_AMENDMENTS = [
    "Sửa năm sinh trong hồ sơ từ 1948 thành 1949 theo căn cước công dân",
    "Sửa họ tên: bổ sung tên đệm theo giấy khai sinh",
    "Sửa quê quán theo xác nhận của UBND xã",
    "Sửa tên thân nhân liệt sĩ theo sổ hộ khẩu gốc",
    "Bổ sung ngày tháng nhập ngũ theo lý lịch quân nhân",
    "Sửa ngày hy sinh của liệt sĩ theo giấy báo tử",
]


def load_funeral_allowances(units):
    """Allowances settled to the family of a person with meritorious service, of a martyr's
    relative or another policy beneficiary who died, by the base salary at the death."""
    people = Population(seed="funeral", id_block=5, communes=units.communes)
    deceased = [
        people.person(
            commune=people.commune(),
            birth_year=people.rng.randint(1925, 1958),
            female=people.rng.random() < 0.35,
        )
        for _ in range(FUNERAL_ALLOWANCES)
    ]
    if already_loaded(FuneralAllowance.objects.for_year(YEAR), people=deceased):
        return
    insert(Person, deceased)
    allowances = []
    for person in deceased:
        died = some_day(people.rng, day(1, 1), day(11, 25))
        allowances.append(
            FuneralAllowance(
                year=YEAR,
                commune=person.commune,
                deceased=person,
                category=people.rng.choices(list(FUNERAL_CATEGORIES), list(FUNERAL_CATEGORIES.values()))[0],
                date_of_death=died,
                recipient_name=relative_name(people, person, female=people.rng.random() < 0.5),
                amount_vnd=FUNERAL_AMOUNT_BEFORE_JULY if died < day(7, 1) else FUNERAL_AMOUNT_FROM_JULY,
            )
        )
    insert(FuneralAllowance, allowances)


def relative_name(people, person, *, female):
    """A name in `person`'s family: the same family name, the rest drawn anew."""
    family = person.full_name.split(" ", 1)[0]
    return f"{family} {people.name(person.ethnicity, female).split(' ', 1)[1]}"


def load_worship_allowances(units):
    """One decision per martyr granting the yearly worship allowance to a relative."""
    people = Population(seed="worship", id_block=6, communes=units.communes)
    worshippers = [
        people.person(commune=people.commune(), birth_year=people.rng.randint(1944, 1985))
        for _ in range(WORSHIP_DECISIONS)
    ]
    decisions = [
        decision(
            f"{120 + 17 * number}/QĐ-SLĐTBXH",
            day(1 + number * 11 // WORSHIP_DECISIONS, 5 + number % 20),
            "Trợ cấp thờ cúng liệt sĩ",
            issuer=DEPARTMENT_ISSUER,
        )
        for number in range(WORSHIP_DECISIONS)
    ]
    if already_loaded(WorshipAllowance.objects.for_year(YEAR), people=worshippers, decisions=decisions):
        return
    insert(Person, worshippers)
    insert(Decision, decisions)
    insert(
        WorshipAllowance,
        [
            WorshipAllowance(
                year=YEAR,
                commune=worshipper.commune,
                decision=granted,
                martyr_name=relative_name(people, worshipper, female=False),
                martyr_record=f"BK-LS-{4100 + 37 * number:05d}",
                worshipper=worshipper,
                yearly_amount_vnd=WORSHIP_YEARLY_AMOUNT,
                valid_from=granted.date.replace(day=1),
            )
            for number, (worshipper, granted) in enumerate(zip(worshippers, decisions, strict=True))
        ],
    )


def load_medical_referrals(units):
    """Children of people exposed to toxic chemicals, referred to the Medical Assessment Council."""
    people = Population(seed="medical-referrals", id_block=7, communes=units.communes)
    referred = [people.person(commune=people.commune(), birth_year=1976 + 5 * i) for i in range(len(MEDICAL_REFERRALS))]
    if already_loaded(MedicalReferral.objects.for_year(YEAR), people=referred):
        return
    insert(Person, referred)
    insert(
        MedicalReferral,
        [
            MedicalReferral(year=YEAR, commune=person.commune, person=person, referred_on=on, condition=condition)
            for person, (on, condition) in zip(referred, MEDICAL_REFERRALS, strict=True)
        ],
    )


def load_record_amendments(units):
    """Decisions correcting the files of people with meritorious service."""
    people = Population(seed="record-amendments", id_block=8, communes=units.communes)
    amended = [
        people.person(commune=people.commune(), birth_year=people.rng.randint(1940, 1960)) for _ in RECORD_AMENDMENTS
    ]
    decisions = [
        decision(
            f"{1203 + 37 * n}/QĐ-SLĐTBXH",
            day(2 + 2 * n, 12),
            "Sửa đổi thông tin trong hồ sơ người có công",
            issuer=DEPARTMENT_ISSUER,
        )
        for n in range(len(RECORD_AMENDMENTS))
    ]
    if already_loaded(RecordAmendment.objects.for_year(YEAR), people=amended, decisions=decisions):
        return
    insert(Person, amended)
    insert(Decision, decisions)
    insert(
        RecordAmendment,
        [
            RecordAmendment(year=YEAR, commune=person.commune, person=person, decision=granted, change=change)
            for person, granted, change in zip(amended, decisions, RECORD_AMENDMENTS, strict=True)
        ],
    )
