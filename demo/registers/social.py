"""Demo registers of social protection: relief rice, longevity gifts, visits in the Month of
Action for the Elderly, and dossiers for the social protection centre. The totals are the
article's."""

import datetime
import math

from django.db.models import OuterRef, Subquery

from beneficiaries.models import (
    AdmissionDossier,
    Decision,
    ElderlyVisit,
    Household,
    LongevityGift,
    Person,
    PovertyStatus,
    RiceReliefLine,
    RiceReliefRound,
)
from beneficiaries.models.rice import KG_PER_PERSON_MONTH
from demo.registers.base import YEAR, already_loaded, day, decision, insert, validate
from demo.registers.population import Population

RICE_KG, RICE_HOUSEHOLDS, RICE_PERSONS = 259_310, 3_268, 11_901
# The lean-season round covers two months, the others one: enough persons in it for the
# ration ceiling to reach the article's kilograms.
RICE_ROUNDS = [
    {
        "code": f"{YEAR}-tet",
        "occasion": RiceReliefRound.Occasion.TET,
        "decision": ("82/QĐ-TTg", day(1, 19), "Xuất cấp gạo dự trữ quốc gia hỗ trợ nhân dân dịp Tết Nguyên đán"),
        "distribution_date": day(2, 2),
        "months": 1,
    },
    {
        "code": f"{YEAR}-giap-hat",
        "occasion": RiceReliefRound.Occasion.LEAN_SEASON,
        "decision": ("236/QĐ-TTg", day(3, 15), "Xuất cấp gạo dự trữ quốc gia hỗ trợ nhân dân thời kỳ giáp hạt"),
        "distribution_date": day(4, 5),
        "months": 2,
    },
    {
        "code": f"{YEAR}-bao-yagi",
        "occasion": RiceReliefRound.Occasion.DISASTER,
        "disaster_name": "Bão số 3 (Yagi)",
        "decision": (
            "1025/QĐ-TTg",
            day(9, 16),
            "Xuất cấp gạo dự trữ quốc gia hỗ trợ nhân dân khắc phục hậu quả bão số 3",
        ),
        "distribution_date": day(9, 25),
        "months": 1,
    },
]
# Districts along the rivers that the floods after storm Yagi hit hardest.
YAGI_DISTRICTS = ("058", "061", "063", "064", "065", "066")
YAGI_HOUSEHOLDS = 650

# Milestone, birth year, how many, share of women, cash, gifts in kind.
LONGEVITY = [
    (LongevityGift.Milestone.AGE_90, YEAR - 90, 249, 0.62, 500_000, 150_000),
    (LongevityGift.Milestone.AGE_100, YEAR - 100, 17, 0.82, 700_000, 0),
    (LongevityGift.Milestone.AGE_70, YEAR - 70, 140, 0.55, 100_000, 100_000),
    (LongevityGift.Milestone.AGE_75, YEAR - 75, 100, 0.56, 100_000, 100_000),
    (LongevityGift.Milestone.AGE_80, YEAR - 80, 80, 0.58, 100_000, 100_000),
    (LongevityGift.Milestone.AGE_85, YEAR - 85, 60, 0.6, 100_000, 100_000),
    (LongevityGift.Milestone.AGE_95, YEAR - 95, 30, 0.7, 200_000, 100_000),
    (LongevityGift.Milestone.OVER_100, YEAR - 102, 6, 0.83, 200_000, 100_000),
]
COMMUNE_OCCASIONS = [
    (LongevityGift.Occasion.ELDERLY_DAY, day(6, 6)),
    (LongevityGift.Occasion.OLDER_PERSONS_DAY, day(10, 1)),
    (LongevityGift.Occasion.TET, day(2, 6)),
]

ELDERLY_VISITS = 55
ELDERLY_VISIT_GIFT = 500_000
VISIT_NOTES = ["", "", "", "Sống một mình", "Hộ nghèo", "Người khuyết tật nặng", "Không nơi nương tựa"]

ADMISSION_DOSSIERS = 9


def load_rice(units):
    """Three rounds from national reserves; every household in one round, each line at most
    its ration, the whole coming to the article's kilograms, households and persons."""
    people = Population(seed="rice", id_block=1, communes=units.communes)
    households = []
    for number, size in enumerate(people.sizes(RICE_HOUSEHOLDS, RICE_PERSONS), start=1):
        status = people.rng.choices(list(PovertyStatus), [55, 30, 15])[0]
        households.append(
            people.household(
                commune=people.commune(),
                number=number,
                size=size,
                poverty_status=status,
                certificate_year=None if status == PovertyStatus.NONE else YEAR - 1,
            )
        )
    heads = [people.head_of(household) for household in households]
    decisions = [decision(*spec["decision"], issuer="Thủ tướng Chính phủ") for spec in RICE_ROUNDS]
    rounds = RiceReliefRound.objects.filter(code__in=[spec["code"] for spec in RICE_ROUNDS])
    if already_loaded(rounds, people=heads, households=households, decisions=decisions):
        return

    tet, lean, yagi = members = ([], [], [])
    lean_persons_short = math.ceil(RICE_KG / KG_PER_PERSON_MONTH) - RICE_PERSONS
    for household in people.rng.sample(households, len(households)):
        if len(yagi) < YAGI_HOUSEHOLDS and household.commune.parent.code in YAGI_DISTRICTS:
            yagi.append(household)
        elif lean_persons_short > 0:
            lean.append(household)
            lean_persons_short -= household.size
        else:
            tet.append(household)
    rations = [
        [household.size * KG_PER_PERSON_MONTH * spec["months"] for household in group]
        for spec, group in zip(RICE_ROUNDS, members, strict=True)
    ]
    # The rations overshoot the article's total by less than one household's ration: the
    # largest household of the lean season collected less than its due.
    lean_rations = rations[1]
    largest = lean_rations.index(max(lean_rations))
    lean_rations[largest] -= sum(map(sum, rations)) - RICE_KG

    insert_households_with_heads(households, heads)
    insert(Decision, decisions)
    rounds = insert(
        RiceReliefRound,
        [
            RiceReliefRound(
                code=spec["code"],
                year=YEAR,
                occasion=spec["occasion"],
                disaster_name=spec.get("disaster_name", ""),
                area=units.province,
                decision=granted,
                distribution_date=spec["distribution_date"],
                months=spec["months"],
                # Allocated in whole tonnes; what was left over went back to the reserve.
                kg_allocated=math.ceil(sum(kgs) / 1000) * 1000,
            )
            for spec, granted, kgs in zip(RICE_ROUNDS, decisions, rations, strict=True)
        ],
    )
    insert(
        RiceReliefLine,
        [
            RiceReliefLine(round=round_, household=h, commune=h.commune, persons=h.size, kg=kg)
            for round_, group, kgs in zip(rounds, members, rations, strict=True)
            for h, kg in zip(group, kgs, strict=True)
        ],
        alone=True,
    )
    # The lines' rule across rows, for the batch: each round's lines within its allocation.
    for round_ in rounds:
        round_.full_clean()


def insert_households_with_heads(households, heads):
    """The households, then their heads as members, then each household's head: its one member."""
    Household.objects.bulk_create(households, batch_size=500)
    for household, head in zip(households, heads, strict=True):
        head.household = household
    insert(Person, heads)
    for household, head in zip(households, heads, strict=True):
        household.head = head
        validate(household)
    only_member = Person.objects.filter(household=OuterRef("pk")).values("pk")
    Household.objects.filter(pk__in=[h.pk for h in households]).update(head=Subquery(only_member))


def load_longevity(units):
    """The provincial chairman's cards at 90, the State President's at 100, and the communes'
    celebrations at the other milestones."""
    people = Population(seed="longevity", id_block=2, communes=units.communes)
    chairman = decision("3012/QĐ-UBND", day(1, 22), "Tặng quà mừng thọ người cao tuổi tròn 90 tuổi năm 2024")
    celebrated = [
        (spec, people.person(commune=people.commune(), birth_year=spec[1], female=people.rng.random() < spec[3]))
        for spec in LONGEVITY
        for _ in range(spec[2])
    ]
    elders = [elder for _spec, elder in celebrated]
    if already_loaded(LongevityGift.objects.for_year(YEAR), people=elders, decisions=[chairman]):
        return
    insert(Decision, [chairman])
    insert(Person, elders)
    gifts = []
    for (milestone, _born, _count, _women, cash, in_kind), elder in celebrated:
        national = milestone in (LongevityGift.Milestone.AGE_90, LongevityGift.Milestone.AGE_100)
        occasion, given = (
            (LongevityGift.Occasion.TET, day(2, people.rng.randint(1, 8)))
            if national
            else people.rng.choice(COMMUNE_OCCASIONS)
        )
        gifts.append(
            LongevityGift(
                year=YEAR,
                commune=elder.commune,
                person=elder,
                milestone=milestone,
                cash_vnd=cash,
                in_kind_vnd=in_kind,
                gift_date=given,
                occasion=occasion,
                decision=chairman if milestone == LongevityGift.Milestone.AGE_90 else None,
                note="Kèm 05 mét vải lụa" if milestone == LongevityGift.Milestone.AGE_100 else "",
            )
        )
    insert(LongevityGift, gifts)


def load_elderly_visits(units):
    """Visits with a gift to elderly people in hardship during October, the Month of Action."""
    people = Population(seed="elderly-visits", id_block=3, communes=units.communes)
    elders = [
        people.person(commune=people.commune(), birth_year=YEAR - round(people.rng.triangular(60, 98, 84)))
        for _ in range(ELDERLY_VISITS)
    ]
    if already_loaded(ElderlyVisit.objects.for_year(YEAR), people=elders):
        return
    insert(Person, elders)
    insert(
        ElderlyVisit,
        [
            ElderlyVisit(
                year=YEAR,
                commune=elder.commune,
                person=elder,
                visited_on=day(10, people.rng.randint(1, 31)),
                gift_vnd=ELDERLY_VISIT_GIFT,
                note=people.rng.choice(VISIT_NOTES),
            )
            for elder in elders
        ],
    )


def load_admission_dossiers(units):
    """Dossiers appraised for admission to the general social protection centre."""
    people = Population(seed="admission-dossiers", id_block=4, communes=units.communes)
    applicants = [
        people.person(commune=people.commune(), birth_year=people.rng.choice((1941, 1948, 1956, 2009, 2012, 2015)))
        for _ in range(ADMISSION_DOSSIERS)
    ]
    if already_loaded(AdmissionDossier.objects.for_year(YEAR), people=applicants):
        return
    insert(Person, applicants)
    dossiers = []
    for number, applicant in enumerate(applicants):
        received = day(1 + number, people.rng.randint(1, 20))
        refused = number == 4
        dossiers.append(
            AdmissionDossier(
                year=YEAR,
                commune=applicant.commune,
                person=applicant,
                received_on=received,
                appraised_on=received + datetime.timedelta(days=7),
                result=AdmissionDossier.Result.REFUSED if refused else AdmissionDossier.Result.ADMITTED,
                note="Còn người thân có khả năng nuôi dưỡng" if refused else "",
            )
        )
    insert(AdmissionDossier, dossiers)
