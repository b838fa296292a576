"""Register totals that feed the annual report, as plain Decimals keyed by RegisterSource.

One query for the units of the area, then one aggregate query per register, whatever its
size. A register with no entry for the year and area gives no figures at all, so a year kept
only as typed totals still reports them.
"""

from decimal import Decimal

from django.db.models import Count, Q, Sum

from accounts.scope import scope_of
from areas.models import AdminUnit
from beneficiaries.models import (
    AdmissionDossier,
    ElderlyVisit,
    FuneralAllowance,
    HousingSupport,
    LongevityGift,
    MedicalReferral,
    RecordAmendment,
    RiceReliefLine,
    TrainingClass,
    WorshipAllowance,
)
from indicators.models import RegisterSource

ENTRIES = "entries"
# COUNT(*) rather than COUNT(id): a register counted by year and commune is then read from its
# (year, commune) index alone.
ROWS = Count("*")


# The registers whose entries the report counts, and so the years a report has figures for.
REGISTERS = (
    RiceReliefLine,
    LongevityGift,
    HousingSupport,
    TrainingClass,
    FuneralAllowance,
    WorshipAllowance,
    MedicalReferral,
    RecordAmendment,
    AdmissionDossier,
    ElderlyVisit,
)


def counted_entries(model):
    """The entries of register `model` the report counts: a cancelled housing support is none."""
    entries = model.objects.all()
    if model is HousingSupport:
        entries = entries.exclude(status=HousingSupport.Status.CANCELLED)
    return entries


def register_years(user):
    """The years in which some register has entries the report counts in `user`'s units."""
    years = set()
    for model in REGISTERS:
        years.update(scope_of(user).rows_of(counted_entries(model)).values_list(model.year_path, flat=True).distinct())
    return years


def _figures(queryset, **aggregates):
    totals = queryset.aggregate(**{ENTRIES: ROWS}, **aggregates)
    if not totals.pop(ENTRIES):
        return {}
    return {key: Decimal(value or 0) for key, value in totals.items()}


def register_figures(*, year, area):
    """Every register figure of `year` for `area` and the units below it."""

    units = list(AdminUnit.objects.within(area).values_list("pk", flat=True))

    def entries(model):
        return counted_entries(model).for_year(year).in_units(units)

    figures = {}
    figures.update(
        _figures(
            entries(RiceReliefLine),
            **{
                RegisterSource.RICE_KG: Sum("kg"),
                RegisterSource.RICE_HOUSEHOLDS: Count("household", distinct=True),
                RegisterSource.RICE_PERSONS: Sum("persons"),
            },
        )
    )
    figures.update(
        _figures(
            entries(LongevityGift),
            **{
                RegisterSource.LONGEVITY_90: Count("pk", filter=Q(milestone=LongevityGift.Milestone.AGE_90)),
                RegisterSource.LONGEVITY_100: Count("pk", filter=Q(milestone=LongevityGift.Milestone.AGE_100)),
            },
        )
    )
    figures.update(
        _figures(
            entries(HousingSupport),
            **{RegisterSource.HOUSING_HOUSES: ROWS, RegisterSource.HOUSING_AMOUNT: Sum("amount_vnd")},
        )
    )
    figures.update(
        _figures(
            entries(TrainingClass),
            **{RegisterSource.TRAINING_CLASSES: ROWS, RegisterSource.TRAINING_PARTICIPANTS: Sum("participants")},
        )
    )
    for model, source in [
        (FuneralAllowance, RegisterSource.FUNERAL),
        (WorshipAllowance, RegisterSource.WORSHIP),
        (MedicalReferral, RegisterSource.MEDICAL_REFERRALS),
        (RecordAmendment, RegisterSource.RECORD_AMENDMENTS),
        (AdmissionDossier, RegisterSource.ADMISSION_DOSSIERS),
        (ElderlyVisit, RegisterSource.ELDERLY_VISITS),
    ]:
        figures.update(_figures(entries(model), **{source: ROWS}))
    return figures
