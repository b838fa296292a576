"""Training classes for poverty-reduction officers (Decision 90/QĐ-TTg, capacity building)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from areas.models import AdminUnit, check_in_force
from beneficiaries.models.base import Decision, RegisterQuerySet
from bkxh.constraints import rule, unique, year_in_range
from bkxh.records import Record


class TrainingClass(Record):
    area_path = "area"
    year_path = "year"

    class Level(models.TextChoices):
        DISTRICT = "district", _("district-level officers")
        COMMUNE = "commune", _("commune-level officers")
        DISTRICT_AND_COMMUNE = "both", _("district- and commune-level officers")

    title = models.CharField(_("title"), max_length=300)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    area = models.ForeignKey(AdminUnit, models.PROTECT, related_name="+", verbose_name=_("organised by (area)"))
    level = models.CharField(_("for"), max_length=10, choices=Level.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    place = models.CharField(_("place"), max_length=200)
    participants = models.PositiveIntegerField(_("participants"))
    decision = models.ForeignKey(
        Decision, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decision")
    )
    note = models.TextField(_("note"), blank=True)

    objects = RegisterQuerySet.as_manager()

    class Meta:
        verbose_name = _("training class")
        verbose_name_plural = _("training classes")
        ordering = ["-year", "starts_on"]
        constraints = [
            year_in_range("trainingclass_year_range"),
            unique(
                "trainingclass_unique_year_area_title",
                ["year", "area", "title"],
                _("This area already has a class with this title in this year."),
            ),
            rule(
                "trainingclass_dates_in_order",
                Q(ends_on__gte=models.F("starts_on")),
                _("A class cannot end before it starts."),
            ),
            rule(
                "trainingclass_participants_positive",
                Q(participants__gte=1),
                _("A class has at least one participant."),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.starts_on:%d/%m/%Y})"

    def clean(self):
        check_in_force(self.area if self.area_id else None, self.year, "area", on=self.starts_on)
        if self.starts_on and self.year and self.starts_on.year != self.year:
            raise ValidationError({"starts_on": _("The class must start in its year.")})
