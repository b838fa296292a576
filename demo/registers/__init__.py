"""The demo's beneficiary registers for 2024: synthetic people whose entries add up to the
article's programme figures.

Every row goes through the models' validation (full_clean) and is then inserted in bulk, in
one transaction. A register found in the database, even in part, is left alone, so loading
twice changes nothing.
"""

from django.db import transaction

from beneficiaries.models import Household, Person
from beneficiaries.registers import register_models
from demo.registers.base import YEAR, Units
from demo.registers.merit import (
    load_funeral_allowances,
    load_medical_referrals,
    load_record_amendments,
    load_worship_allowances,
)
from demo.registers.poverty import load_housing, load_training
from demo.registers.social import load_admission_dossiers, load_elderly_visits, load_longevity, load_rice

LOADERS = [
    load_rice,
    load_longevity,
    load_housing,
    load_funeral_allowances,
    load_worship_allowances,
    load_medical_referrals,
    load_record_amendments,
    load_admission_dossiers,
    load_elderly_visits,
    load_training,
]


@transaction.atomic
def load_registers():
    """Load every register of the demo year that is still empty; returns the number of
    entries each register holds for the year, by the register's name (plural, translated),
    and the people and households."""
    units = Units.of_year(YEAR)
    for load in LOADERS:
        load(units)
    counts = {model._meta.verbose_name_plural: model.objects.for_year(YEAR).count() for model in register_models()}
    return {**counts, "people": Person.objects.count(), "households": Household.objects.count()}
