"""What the demo registers share: the year, the province's units, validated bulk inserts."""

import contextlib
import datetime
import functools
import operator
from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from areas.models import AdminUnit
from beneficiaries.models import Decision, Household, Person

YEAR = 2024
PROVINCE_ISSUER = "UBND tỉnh Bắc Kạn"
DEPARTMENT_ISSUER = "Sở Lao động - Thương binh và Xã hội tỉnh Bắc Kạn"


@dataclass
class Units:
    """The province of the demo year with its districts and communes (parents loaded)."""

    province: AdminUnit
    districts: dict
    communes: list

    @classmethod
    def of_year(cls, year=YEAR):
        units = AdminUnit.objects.in_force_during(year).with_lineage()
        province = units.province_for(year)
        communes = [u for u in units.filter(level=AdminUnit.Level.COMMUNE).order_by("code") if u.is_within(province)]
        districts = {u.code: u for u in units.filter(level=AdminUnit.Level.DISTRICT, parent=province)}
        return cls(province=province, districts=districts, communes=communes)


def insert(model, instances, *, alone=False):
    """Validate every instance (see validate), then insert them all at once; returns them
    with their primary keys."""
    for instance in instances:
        validate(instance, alone=alone)
    return model.objects.bulk_create(instances, batch_size=500)


def validate(instance, *, alone=False):
    """Django's full_clean: each field and the model's clean() rules.

    Left out are the checks that are made again, for the whole batch, when it is inserted in
    the loader's transaction (so a violation still loads nothing): whether a foreign key
    exists and the database constraints, which Django checks with a query per row and
    constraint (some 25 per row here) and the database checks on insert; and Record's write
    checks (the year open, the unit in the user's scope), which Record's bulk_create makes once
    for the batch. With `alone`, a rule across rows is left out too (RuleAcrossRows.alone):
    the caller checks it for the batch once it is in.
    """
    foreign_keys = [field.name for field in instance._meta.concrete_fields if field.is_relation]
    with instance.without_rules_across_rows() if alone else contextlib.nullcontext():
        models.Model.full_clean(instance, exclude=foreign_keys, validate_constraints=False)


def decision(number, date, summary, issuer=PROVINCE_ISSUER):
    """An unsaved Decision."""
    return Decision(number=number, date=date, issuer=issuer, summary=summary)


def day(month, day_of_month, year=YEAR):
    return datetime.date(year, month, day_of_month)


def some_day(rng, first, last):
    """A day from `first` to `last`, both included."""
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def already_loaded(*entries, people=(), households=(), decisions=()):
    """Whether any part of a register is in the database already, looked up by business key:
    its entries (querysets), its people's citizen IDs, its households' codes, its decisions'
    numbers. A register found even in part is left as it is, never loaded twice."""
    citizen_ids = [person.citizen_id for person in people if person.citizen_id]
    same_decision = [Q(number=decision.number, date=decision.date) for decision in decisions]
    lookups = [
        *entries,
        Person.objects.filter(citizen_id__in=citizen_ids),
        Household.objects.filter(code__in=[household.code for household in households]),
        Decision.objects.filter(functools.reduce(operator.or_, same_decision, Q(pk__in=[]))),
    ]
    return any(lookup.exists() for lookup in lookups)
