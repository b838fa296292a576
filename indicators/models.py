"""The indicator catalogue and the yearly plan and actual figures per administrative unit.

Percent achieved is computed from plan and actual, never stored: the source article's own
percentages are not all consistent with its figures (compulsory social insurance prints
102,5% for 23.758/23.279, which is 102,06%). A percentage printed in a source document can
be kept in `reported_percent`, and the report shows staff where it disagrees.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from areas.models import AdminUnit, check_in_force, within_q
from bkxh.constraints import rule, year_in_range
from bkxh.numbers import percent_of
from bkxh.records import Record, RecordQuerySet
from bkxh.text import fold

FIGURE = {"max_digits": 18, "decimal_places": 2}


class Sector(Record):
    """A field of the department's work; the report's sections (I, II, …) follow their order."""

    area_path = None

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class RegisterSource(models.TextChoices):
    """Figures that reports.registers computes from the registers; an indicator that names one
    takes its actual from the register instead of a typed figure."""

    RICE_KG = "rice_relief.kg", _("rice relief register: kg of rice")
    RICE_HOUSEHOLDS = "rice_relief.households", _("rice relief register: households")
    RICE_PERSONS = "rice_relief.persons", _("rice relief register: persons")
    LONGEVITY_90 = "longevity.90", _("longevity gift register: people turning 90")
    LONGEVITY_100 = "longevity.100", _("longevity gift register: people turning 100")
    HOUSING_HOUSES = "housing.houses", _("housing support register: houses")
    HOUSING_AMOUNT = "housing.amount", _("housing support register: amount")
    FUNERAL = "funeral.count", _("funeral allowance register: allowances")
    WORSHIP = "worship.count", _("worship allowance register: decisions")
    MEDICAL_REFERRALS = "medical_referrals.count", _("medical referral register: referrals")
    RECORD_AMENDMENTS = "record_amendments.count", _("record amendment register: amendments")
    ADMISSION_DOSSIERS = "admission_dossiers.count", _("admission dossier register: dossiers")
    ELDERLY_VISITS = "elderly_visits.count", _("elderly visit register: people visited")
    TRAINING_CLASSES = "training.classes", _("training class register: classes")
    TRAINING_PARTICIPANTS = "training.participants", _("training class register: participants")


class Indicator(Record):
    area_path = None

    class Relation(models.TextChoices):
        PART = "part", _("part (the parts add up to the parent)")
        OF_WHICH = "of_which", _("of which (at most the parent)")
        DETAIL = "detail", _("detail (another measure of the parent)")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("sum of the units below")
        NONE = "none", _("not added up")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    sector = models.ForeignKey(Sector, models.PROTECT, related_name="indicators", verbose_name=_("sector"))
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent indicator")
    )
    relation = models.CharField(_("relation to the parent"), max_length=10, choices=Relation.choices, blank=True)
    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(
        _("short name"), max_length=100, blank=True, help_text=_("Used inside a sentence, e.g. “cao đẳng”.")
    )
    phrase = models.CharField(
        _("report phrase"),
        max_length=300,
        blank=True,
        help_text=_("The words before the figures in the report's sentence, e.g. “giải quyết việc làm cho”."),
    )
    unit = models.CharField(_("unit of measure"), max_length=30)
    has_plan = models.BooleanField(_("has a plan"), default=False)
    aggregation = models.CharField(
        _("roll-up"),
        max_length=10,
        choices=Aggregation.choices,
        default=Aggregation.SUM,
        help_text=_("How a province's figure follows from its districts' when it has none of its own."),
    )
    at_year_end = models.BooleanField(
        _("counted on the year's last day"),
        default=False,
        help_text=_(
            "A number on 31 December (e.g. people insured), not a count over the year: across a reform "
            "it is that of the units in force on that day, without the units that had ended in the year."
        ),
    )
    source = models.CharField(
        _("computed from"),
        max_length=30,
        choices=RegisterSource.choices,
        blank=True,
        help_text=_("A register whose entries give the actual figure; a typed figure is then only compared with it."),
    )
    order = models.PositiveSmallIntegerField(_("display order"), default=0)
    search_name = models.CharField(max_length=300, editable=False, db_index=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["sector__order", "order", "code"]
        constraints = [
            rule(
                "indicator_relation_with_parent",
                Q(parent__isnull=True, relation="") | Q(parent__isnull=False) & ~Q(relation=""),
                _("An indicator with a parent needs its relation to it, and only then."),
            ),
        ]

    def __str__(self):
        return f"{self.code} – {self.name}"

    def save(self, *args, **kwargs):
        self.search_name = fold(f"{self.code} {self.name}")
        super().save(*args, **kwargs)

    @property
    def sentence_phrase(self):
        """The words before the figures in a report sentence; the name, lower-cased, by default."""
        return self.phrase or self.name[:1].lower() + self.name[1:]

    def clean(self):
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("An indicator cannot be its own parent.")})
        if self.parent and self.parent.parent_id:
            raise ValidationError({"parent": _("Breakdowns go one level deep: choose an indicator without a parent.")})
        if self.parent and self.parent.sector_id != self.sector_id:
            raise ValidationError({"sector": _("A breakdown belongs to the sector of its parent.")})


class IndicatorValueQuerySet(RecordQuerySet):
    def for_year(self, year):
        return self.filter(year=year)

    def within(self, area):
        """Values of `area` and of the units below it."""
        return self.filter(within_q([getattr(area, "pk", area)], "area"))


class IndicatorValue(Record):
    class Status(models.TextChoices):
        ESTIMATE = "estimate", _("estimate")
        FINAL = "final", _("final")

    class Achievement(models.TextChoices):
        EXCEEDED = "exceeded", _("exceeded the plan")
        MET = "met", _("met the plan")
        MISSED = "missed", _("did not meet the plan")

    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="values", verbose_name=_("indicator"))
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    area = models.ForeignKey(AdminUnit, models.PROTECT, related_name="indicator_values", verbose_name=_("area"))
    plan = models.DecimalField(_("plan"), **FIGURE, null=True, blank=True)
    actual = models.DecimalField(_("actual"), **FIGURE, null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ESTIMATE)
    plan_decision = models.CharField(
        _("plan set by"),
        max_length=200,
        blank=True,
        help_text=_("The decision that set the plan, e.g. QĐ số 2345/QĐ-UBND ngày 15/12/2023."),
    )
    reported_percent = models.DecimalField(
        _("percent as printed"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Only when a source document printed one; the report compares it with the computed percent."),
    )
    note = models.TextField(_("note"), blank=True)
    illustrative = models.BooleanField(
        _("illustrative figure"),
        default=False,
        help_text=_(
            "A figure made up to show the system, as the demo's of 2025 and 2026 are, never published: "
            "a report with such a figure says so on screen and on paper."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = IndicatorValueQuerySet.as_manager()

    area_path = "area"
    year_path = "year"

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["-year", "indicator__sector__order", "indicator__order", "area__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "area"], name="indicatorvalue_unique_indicator_year_area"
            ),
            rule("indicatorvalue_plan_non_negative", Q(plan__gte=0), _("The plan cannot be negative.")),
            rule("indicatorvalue_actual_non_negative", Q(actual__gte=0), _("The actual figure cannot be negative.")),
            rule(
                "indicatorvalue_reported_percent_non_negative",
                Q(reported_percent__gte=0),
                _("A printed percent cannot be negative."),
            ),
            year_in_range("indicatorvalue_year_range"),
        ]

    def __str__(self):
        return f"{self.indicator.name} – {self.year} – {self.area}"

    def clean(self):
        errors = {}
        if self.indicator_id and self.plan is not None and not self.indicator.has_plan:
            errors["plan"] = _("This indicator has no plan; leave the plan empty.")
        try:
            check_in_force(self.area if self.area_id else None, self.year, "area")
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    @property
    def percent_achieved(self):
        return percent_of(self.actual, self.plan)

    @property
    def achievement(self):
        return achievement_of(self.actual, self.plan)


def achievement_of(actual, plan):
    """Whether `actual` exceeded, met or missed `plan`; None without both figures."""
    if actual is None or not plan:
        return None
    if actual > plan:
        return IndicatorValue.Achievement.EXCEEDED
    if actual == plan:
        return IndicatorValue.Achievement.MET
    return IndicatorValue.Achievement.MISSED
