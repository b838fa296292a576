"""Rice relief from national reserves: distribution rounds and the households they reached.

Decree 20/2021/NĐ-CP food support is 15 kg of rice per person per month, for the months the
round covers; a round's lines together may not exceed what was allocated to it.
"""

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from areas.models import AdminUnit, check_in_force
from beneficiaries.models.base import (
    Decision,
    RegisterQuerySet,
    RuleAcrossRows,
    commune_field,
    hold_lock,
)
from beneficiaries.models.people import Household
from bkxh.constraints import rule, unique, year_in_range
from bkxh.numbers import format_decimal
from bkxh.records import Record

KG_PER_PERSON_MONTH = Decimal(15)
KG = {"max_digits": 14, "decimal_places": 2}


class RiceReliefRound(RuleAcrossRows, Record):
    area_path = "area"
    year_path = "year"

    class Occasion(models.TextChoices):
        TET = "tet", _("Lunar New Year (Tết Nguyên đán)")
        LEAN_SEASON = "lean_season", _("lean season (giáp hạt)")
        DISASTER = "disaster", _("natural disaster")

    code = models.SlugField(
        _("round code"), max_length=40, unique=True, help_text=_("A short code used in files, e.g. 2024-tet.")
    )
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    occasion = models.CharField(_("occasion"), max_length=12, choices=Occasion.choices)
    disaster_name = models.CharField(
        _("disaster"), max_length=100, blank=True, help_text=_("For a disaster: its name, e.g. Bão số 3 (Yagi).")
    )
    area = models.ForeignKey(
        AdminUnit,
        models.PROTECT,
        related_name="+",
        verbose_name=_("allocated to"),
        limit_choices_to={"level__in": [AdminUnit.Level.PROVINCE, AdminUnit.Level.DISTRICT]},
    )
    decision = models.ForeignKey(
        Decision, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decision")
    )
    distribution_date = models.DateField(_("distribution date"))
    months = models.PositiveSmallIntegerField(_("months of support"), default=1)
    kg_allocated = models.DecimalField(_("kg allocated"), **KG)
    note = models.TextField(_("note"), blank=True)

    objects = RegisterQuerySet.as_manager()

    class Meta:
        verbose_name = _("rice relief round")
        verbose_name_plural = _("rice relief rounds")
        ordering = ["-year", "distribution_date"]
        constraints = [
            year_in_range("ricereliefround_year_range"),
            rule("ricereliefround_months_range", Q(months__gte=1, months__lte=6), _("A round covers 1 to 6 months.")),
            rule("ricereliefround_kg_positive", Q(kg_allocated__gt=0), _("The allocation must be more than 0 kg.")),
            rule(
                "ricereliefround_disaster_named",
                ~Q(occasion="disaster") | ~Q(disaster_name=""),
                _("Name the disaster (e.g. Bão số 3 (Yagi))."),
            ),
        ]

    def __str__(self):
        occasion = self.disaster_name or self.get_occasion_display()
        return f"{occasion} {self.year} – {self.area}"

    def clean(self):
        check_in_force(self.area if self.area_id else None, self.year, "area", on=self.distribution_date)
        errors = {}
        if self.year and self.distribution_date and self.distribution_date.year != self.year:
            errors["distribution_date"] = _("The distribution date must fall in the round's year.")
        errors.update(self.problems_for_clean())
        if errors:
            raise ValidationError(errors)

    @property
    def lock_name(self):
        return f"rice-relief-round:{self.pk}"

    def problems_with_other_rows(self):
        """The allocation may not be less than the round's lines already give, nor the months
        fewer than their rations need (the lines' own rule, with this round's months)."""
        if not self.pk:
            return {}
        hold_lock(self.lock_name)
        problems = {}
        distributed = self.distributed_kg()
        if self.kg_allocated is not None and distributed > self.kg_allocated:
            problems["kg_allocated"] = _(
                "%(distributed)s kg have already been distributed in this round; the allocation cannot be less."
            ) % {"distributed": format_decimal(distributed)}
        if self.months and "months" in self.changed_fields():
            lines = list(self.lines.all())
            for line in lines:
                line.round = self
            over = sum(1 for line in lines if line.problems_of_row())
            if over:
                problems["months"] = ngettext(
                    "%(count)s line of this round gives more than 15 kg per person for each of %(months)s months; "
                    "the round cannot cover fewer months than its lines.",
                    "%(count)s lines of this round give more than 15 kg per person for each of %(months)s months; "
                    "the round cannot cover fewer months than its lines.",
                    over,
                ) % {"count": format_decimal(over), "months": self.months}
        return problems

    def distributed_kg(self):
        return self.lines.aggregate(total=Sum("kg", default=Decimal(0)))["total"]


class RiceReliefLineQuerySet(RegisterQuerySet):
    def for_year(self, year):
        return self.filter(round__year=year)


class RiceReliefLine(RuleAcrossRows, Record):
    area_path = "commune"
    year_path = "round__year"

    round = models.ForeignKey(RiceReliefRound, models.PROTECT, related_name="lines", verbose_name=_("round"))
    household = models.ForeignKey(Household, models.PROTECT, related_name="rice_relief", verbose_name=_("household"))
    commune = commune_field()
    persons = models.PositiveSmallIntegerField(_("persons"))
    kg = models.DecimalField(_("kg"), **KG)

    objects = RiceReliefLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("rice relief line")
        verbose_name_plural = _("rice relief lines")
        ordering = ["round", "commune__code", "household__code"]
        # A line's year is its round's: the report and the list look lines up by round, then commune.
        # The figures they sum come with it (PostgreSQL's INCLUDE), so the sums never read the
        # table: at 10.000.000 entries a district's figures took 296 ms from the table, 69 from
        # the index (README, "Past one machine").
        indexes = [
            models.Index(
                fields=["round", "commune"], name="ricereliefline_round_commune", include=["household", "kg", "persons"]
            )
        ]
        constraints = [
            unique(
                "ricereliefline_unique_round_household",
                ["round", "household"],
                _("This household is already in this round."),
            ),
            rule("ricereliefline_persons_positive", Q(persons__gte=1), _("A line covers at least one person.")),
            rule("ricereliefline_kg_positive", Q(kg__gt=0), _("The rice given must be more than 0 kg.")),
        ]

    def __str__(self):
        return f"{self.household} – {format_decimal(self.kg)} kg"

    read_by_row_rules = ("round",)

    @property
    def kg_ceiling(self):
        return self.persons * KG_PER_PERSON_MONTH * self.round.months

    def problems_of_row(self):
        """The ration: at most 15 kg per person for each month the round covers."""
        if not self.round_id or not self.persons or self.kg is None or self.kg <= self.kg_ceiling:
            return {}
        message = _("At most %(ceiling)s kg: %(persons)s persons × 15 kg × %(months)s months.") % {
            "ceiling": format_decimal(self.kg_ceiling),
            "persons": self.persons,
            "months": self.round.months,
        }
        return {"kg": [message]}

    def clean(self):
        if not self.round_id:
            return
        # A line is handed out on its round's distribution date.
        check_in_force(
            self.commune if self.commune_id else None, self.round.year, "commune", on=self.round.distribution_date
        )
        errors = defaultdict(list)
        if self.household_id and self.commune_id and self.household.commune_id != self.commune_id:
            errors["commune"].append(_("The household lives in another commune."))
        if self.commune_id and not self.commune.is_within(self.round.area):
            errors["commune"].append(_("This commune is outside the area the round was allocated to."))
        if self.household_id and self.persons and self.persons > self.household.size:
            errors["persons"].append(
                _("The household has %(size)s members; a line cannot cover more persons.")
                % {"size": self.household.size}
            )
        for field, message in self.problems_for_clean().items():
            errors[field].append(message)
        if errors:
            raise ValidationError(dict(errors))

    def problems_with_other_rows(self):
        """The round's lines, this one included, may not exceed its allocation."""
        if not self.round_id or self.kg is None:
            return {}
        problems = over_allocation([self])
        return {"kg": problems[0]} if problems else {}


def over_allocation(lines, *, lock=True):
    """The rule of a round's allocation, for one line saved alone and for a file of lines alike:
    a message for each round that `lines` (new, or changed) would take past its allocation,
    counting the round's other lines on file. With `lock`, each round's lock is held first
    (hold_lock) and the allocation read under it: a colleague may have just lowered it."""
    round_ids = sorted({line.round_id for line in lines})
    if lock:
        for round_id in round_ids:
            hold_lock(RiceReliefRound(pk=round_id).lock_name)
    rewritten = [line.pk for line in lines if line.pk]
    others = dict(
        RiceReliefLine.objects.filter(round__in=round_ids)
        .exclude(pk__in=rewritten)
        .order_by()
        .values("round")
        .annotate(total=Sum("kg"))
        .values_list("round", "total")
    )
    problems = []
    for rice_round in RiceReliefRound.objects.filter(pk__in=round_ids).order_by("code"):
        total = others.get(rice_round.pk, Decimal(0)) + sum(
            (line.kg for line in lines if line.round_id == rice_round.pk), Decimal(0)
        )
        if total > rice_round.kg_allocated:
            problems.append(
                _("The lines of round %(round)s would come to %(total)s kg, more than the %(allocated)s kg allocated.")
                % {
                    "round": rice_round.code,
                    "total": format_decimal(total),
                    "allocated": format_decimal(rice_round.kg_allocated),
                }
            )
    return problems
