"""A few register entries of 2025 and 2026, on both sides of the reform of 01/07/2025: dossiers
for the social protection centre received in a commune of old Bắc Kạn before it, and in
communes of the new Thái Nguyên after it. Each lies in a commune in force on the day it was
received. Like every figure of those years in the demo, they are illustrative.

The register is the admission dossiers because no report line takes its actual from it (the
typed "dossiers appraised" figure stands): a register with entries for a year and area gives
all its figures, so a few longevity gifts would print "0" against the typed people turning 90.
"""

import datetime

from areas.loading import NEW_STRUCTURE_START, OLD_STRUCTURE_END
from areas.models import AdminUnit
from beneficiaries.models import AdmissionDossier, Person
from demo.registers.base import already_loaded, insert
from demo.registers.population import Population

OLD_PROVINCE = "06"
NEW_PROVINCE = "19"
# (date received, which side of the reform, result): one in old Bắc Kạn in March 2025, three in
# new communes in September 2025, two in 2026 (one still being appraised in December).
DOSSIERS = [
    (datetime.date(2025, 3, 12), OLD_PROVINCE, AdmissionDossier.Result.ADMITTED),
    (datetime.date(2025, 9, 8), NEW_PROVINCE, AdmissionDossier.Result.ADMITTED),
    (datetime.date(2025, 9, 17), NEW_PROVINCE, AdmissionDossier.Result.REFUSED),
    (datetime.date(2025, 9, 24), NEW_PROVINCE, AdmissionDossier.Result.ADMITTED),
    (datetime.date(2026, 4, 2), NEW_PROVINCE, AdmissionDossier.Result.ADMITTED),
    (datetime.date(2026, 11, 20), NEW_PROVINCE, AdmissionDossier.Result.PENDING),
]
APPRAISAL_DAYS = 7
ILLUSTRATIVE_NOTE = "Số liệu minh hoạ"


def communes_on(day, province_code):
    """The communes of the province `province_code` in force on `day`, which stay in force for the
    rest of their structure: every date of DOSSIERS on one side of the reform finds its commune."""
    units = AdminUnit.objects.in_force_on(day)
    province = units.get(level=AdminUnit.Level.PROVINCE, code=province_code)
    communes = units.filter(level=AdminUnit.Level.COMMUNE).within(province).select_related("parent")
    return list(communes.order_by("code"))


def load_reform_dossiers():
    """The dossiers of DOSSIERS, once; returns how many the register holds for 2025 and 2026."""
    # The admission dossiers of 2024 draw the first serial numbers of block 4; each side of the
    # reform has a range of its own.
    sides = {
        province_code: Population(
            seed=f"reform-dossiers-{province_code}",
            id_block=4,
            communes=communes_on(day, province_code),
            first_serial=first_serial,
        )
        for province_code, day, first_serial in (
            (OLD_PROVINCE, OLD_STRUCTURE_END, 50_000),
            (NEW_PROVINCE, NEW_STRUCTURE_START, 60_000),
        )
    }
    applicants = []
    for _received, province_code, _result in DOSSIERS:
        people = sides[province_code]
        birth_year = people.rng.choice((1938, 1944, 1952, 2011, 2014))
        applicants.append(people.person(commune=people.commune(), birth_year=birth_year))
    entries = AdmissionDossier.objects.filter(year__in={received.year for received, *_ in DOSSIERS})
    if not already_loaded(entries, people=applicants):
        insert(Person, applicants)
        dossiers = []
        for (received, _province, result), applicant in zip(DOSSIERS, applicants, strict=True):
            decided = result != AdmissionDossier.Result.PENDING
            dossiers.append(
                AdmissionDossier(
                    year=received.year,
                    commune=applicant.commune,
                    person=applicant,
                    received_on=received,
                    appraised_on=received + datetime.timedelta(days=APPRAISAL_DAYS) if decided else None,
                    result=result,
                    note=ILLUSTRATIVE_NOTE,
                )
            )
        insert(AdmissionDossier, dossiers)
    return entries.count()
