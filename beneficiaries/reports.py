"""Register totals that feed the annual report, as plain Decimals keyed by RegisterSource.

One aggregate query per register whatever its size. A register with no entry for the year
and area gives no figures at all, so a year kept only as typed totals still reports them.
"""

from decimal import Decimal

from django.db.models import Count, Q, Sum

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


def _figures(queryset, **aggregates):
    totals = queryset.aggregate(**{ENTRIES: Count("pk")}, **aggregates)
    if not totals.pop(ENTRIES):
        return {}
    return {key: Decimal(value or 0) for key, value in totals.items()}


def register_figures(*, year, area):
    """Every register figure of `year` for `area` and the units below it."""

    def entries(model):
        return model.objects.for_year(year).within(area)

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
            entries(HousingSupport).exclude(status=HousingSupport.Status.CANCELLED),
            **{RegisterSource.HOUSING_HOUSES: Count("pk"), RegisterSource.HOUSING_AMOUNT: Sum("amount_vnd")},
        )
    )
    figures.update(
        _figures(
            entries(TrainingClass),
            **{RegisterSource.TRAINING_CLASSES: Count("pk"), RegisterSource.TRAINING_PARTICIPANTS: Sum("participants")},
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
        figures.update(_figures(entries(model), **{source: Count("pk")}))
    return figures
