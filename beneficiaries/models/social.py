"""Social protection: visits and gifts in the Month of Action for the Elderly (October, Decision
544/QĐ-TTg) and dossiers for admission to the general social protection centre."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beneficiaries.models.base import MONEY, RegisterEntry
from beneficiaries.models.people import Person
from bkxh.constraints import rule, unique

ELDERLY_AGE = 60


class ElderlyVisit(RegisterEntry):
    person = models.ForeignKey(Person, models.PROTECT, related_name="elderly_visits", verbose_name=_("elderly person"))
    visited_on = models.DateField(_("visited on"))
    gift_vnd = models.DecimalField(_("gift (đồng)"), **MONEY, default=0)

    event_date_field = "visited_on"

    class Meta(RegisterEntry.Meta):
        verbose_name = _("visit to an elderly person")
        verbose_name_plural = _("visits to elderly people")
        constraints = [
            *RegisterEntry.Meta.constraints,
            unique(
                "elderlyvisit_unique_person_year",
                ["person", "year"],
                _("This person has already been visited this year."),
            ),
            rule("elderlyvisit_gift_non_negative", Q(gift_vnd__gte=0), _("Amounts cannot be negative.")),
        ]

    def __str__(self):
        return f"{self.person} – {self.visited_on:%d/%m/%Y}"

    def clean(self):
        super().clean()
        if self.visited_on and self.year and self.visited_on.year != self.year:
            raise ValidationError({"visited_on": _("The date must fall in the year.")})
        person = self.assigned("person")
        if person and self.year and person.age_in(self.year) < ELDERLY_AGE:
            raise ValidationError({"person": _("Visits in the Month of Action are for people aged 60 and over.")})


class AdmissionDossier(RegisterEntry):
    """A dossier appraised for admission to the general social protection centre."""

    class Result(models.TextChoices):
        PENDING = "pending", _("being appraised")
        ADMITTED = "admitted", _("admitted")
        REFUSED = "refused", _("not admitted")

    person = models.ForeignKey(Person, models.PROTECT, related_name="admission_dossiers", verbose_name=_("person"))
    received_on = models.DateField(_("received on"))
    appraised_on = models.DateField(_("appraised on"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, default=Result.PENDING)

    event_date_field = "received_on"

    class Meta(RegisterEntry.Meta):
        verbose_name = _("admission dossier")
        verbose_name_plural = _("admission dossiers")
        constraints = [
            *RegisterEntry.Meta.constraints,
            unique(
                "admissiondossier_unique_person_received_on",
                ["person", "received_on"],
                _("A dossier of this person received on this date already exists."),
            ),
            rule(
                "admissiondossier_dates_in_order",
                Q(appraised_on__isnull=True) | Q(appraised_on__gte=models.F("received_on")),
                _("A dossier cannot be appraised before it was received."),
            ),
            rule(
                "admissiondossier_result_dated",
                Q(result="pending") | Q(appraised_on__isnull=False),
                _("A decided dossier needs its appraisal date."),
            ),
        ]

    def __str__(self):
        return f"{self.person} – {self.received_on:%d/%m/%Y}"
