"""Demo registers of poverty reduction: sponsored houses for poor households and the classes
for poverty-reduction officers, to the article's figures."""

import datetime

from beneficiaries.models import Decision, HousingSupport, PovertyStatus, TrainingClass
from demo.registers.base import DEPARTMENT_ISSUER, YEAR, already_loaded, day, decision, insert, some_day
from demo.registers.population import Population
from demo.registers.social import insert_households_with_heads

MB = "Ngân hàng TMCP Quân đội (MB)"
BAO_VIET = "Tập đoàn Bảo Việt"
# Sponsor, round, houses, amount per house: 80 houses and 4.500.000.000 đồng in all.
HOUSES = [
    (MB, 5, 30, 60_000_000),
    (MB, 6, 20, 60_000_000),
    (BAO_VIET, 5, 15, 50_000_000),
    (BAO_VIET, 6, 15, 50_000_000),
]
ROUNDS = {
    5: {"decision": ("1456/QĐ-UBND", day(3, 8)), "started": (day(3, 20), day(4, 30)), "built_days": (60, 95)},
    6: {"decision": ("2871/QĐ-UBND", day(7, 12)), "started": (day(7, 25), day(8, 31)), "built_days": (60, 90)},
}
# Where the sponsors built: the districts with the most poor households.
HOUSING_DISTRICTS = ("060", "061", "062", "064", "066")

TRAINING_TITLE = "Tập huấn nâng cao năng lực cán bộ làm công tác giảm nghèo"
# Organised by (None: the province), for whom, dates, place, participants: 3 classes, 334 people.
CLASSES = [
    (None, TrainingClass.Level.DISTRICT, day(6, 11), day(6, 12), "Hội trường Sở Lao động - Thương binh và Xã hội", 98),
    ("061", TrainingClass.Level.COMMUNE, day(7, 16), day(7, 17), "Hội trường UBND huyện Ba Bể", 118),
    ("066", TrainingClass.Level.COMMUNE, day(8, 20), day(8, 21), "Hội trường UBND huyện Na Rì", 118),
]
LEVEL_WORDS = {TrainingClass.Level.DISTRICT: "cấp huyện", TrainingClass.Level.COMMUNE: "cấp xã"}


def load_housing(units):
    """Houses built for poor households with the sponsors' money, rounds 5 and 6."""
    people = Population(seed="housing", id_block=9, communes=units.communes)
    plan = [(sponsor, round_, amount) for sponsor, round_, houses, amount in HOUSES for _ in range(houses)]
    households = [
        people.household(
            commune=people.commune(HOUSING_DISTRICTS),
            number=number,
            size=people.rng.randint(2, 7),
            poverty_status=PovertyStatus.POOR,
            certificate_year=YEAR - 1,
        )
        for number in range(1, len(plan) + 1)
    ]
    heads = [people.head_of(household) for household in households]
    decisions = {
        round_: decision(*spec["decision"], f"Phê duyệt danh sách hộ nghèo được hỗ trợ xây dựng nhà ở đợt {round_}")
        for round_, spec in ROUNDS.items()
    }
    if already_loaded(
        HousingSupport.objects.for_year(YEAR), people=heads, households=households, decisions=decisions.values()
    ):
        return
    insert_households_with_heads(households, heads)
    insert(Decision, list(decisions.values()))
    houses = []
    for household, (sponsor, round_, amount) in zip(households, plan, strict=True):
        spec = ROUNDS[round_]
        started = some_day(people.rng, *spec["started"])
        houses.append(
            HousingSupport(
                year=YEAR,
                commune=household.commune,
                household=household,
                decision=decisions[round_],
                funding_source=HousingSupport.FundingSource.SPONSOR,
                sponsor=sponsor,
                round=round_,
                work=HousingSupport.Work.NEW,
                amount_vnd=amount,
                started_on=started,
                completed_on=started + datetime.timedelta(days=people.rng.randint(*spec["built_days"])),
                status=HousingSupport.Status.COMPLETED,
            )
        )
    insert(HousingSupport, houses)


def load_training(units):
    """Capacity-building classes for district and commune poverty-reduction officers."""
    plan = decision(
        "415/QĐ-SLĐTBXH",
        day(5, 20),
        "Phê duyệt kế hoạch tập huấn nâng cao năng lực cán bộ làm công tác giảm nghèo năm 2024",
        issuer=DEPARTMENT_ISSUER,
    )
    if already_loaded(TrainingClass.objects.for_year(YEAR), decisions=[plan]):
        return
    insert(Decision, [plan])
    insert(
        TrainingClass,
        [
            TrainingClass(
                title=f"{TRAINING_TITLE} {LEVEL_WORDS[level]}",
                year=YEAR,
                area=units.districts[district] if district else units.province,
                level=level,
                starts_on=starts,
                ends_on=ends,
                place=place,
                participants=participants,
                decision=plan,
            )
            for district, level, starts, ends, place, participants in CLASSES
        ],
    )
