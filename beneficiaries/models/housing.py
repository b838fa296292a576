"""Housing support for poor and near-poor households (Decision 90/QĐ-TTg, Project 5, and sponsors)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beneficiaries.models.base import MONEY, RegisterEntry
from beneficiaries.models.people import Household, PovertyStatus
from bkxh.constraints import rule, unique


class HousingSupport(RegisterEntry):
    class FundingSource(models.TextChoices):
        NATIONAL_TARGET_PROGRAMME = "ntp", _("national target programme")
        LOCAL_BUDGET = "local_budget", _("local budget")
        SPONSOR = "sponsor", _("sponsor")
        OTHER = "other", _("other")

    class Work(models.TextChoices):
        NEW = "new", _("new house")
        REPAIR = "repair", _("repair")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        BUILDING = "building", _("being built")
        COMPLETED = "completed", _("completed")
        CANCELLED = "cancelled", _("cancelled")

    # The entries the report does not count (reports.registers): a cancelled support is none.
    uncounted = Q(status=Status.CANCELLED)

    household = models.ForeignKey(
        Household, models.PROTECT, related_name="housing_support", verbose_name=_("household")
    )
    funding_source = models.CharField(_("funding source"), max_length=15, choices=FundingSource.choices)
    sponsor = models.CharField(_("sponsor"), max_length=200, blank=True)
    round = models.PositiveSmallIntegerField(_("round"), null=True, blank=True)
    work = models.CharField(_("new or repair"), max_length=10, choices=Work.choices, default=Work.NEW)
    amount_vnd = models.DecimalField(_("amount (đồng)"), **MONEY)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)

    class Meta(RegisterEntry.Meta):
        verbose_name = _("housing support")
        verbose_name_plural = _("housing support")
        ordering = ["-year", "commune__code"]
        constraints = [
            *RegisterEntry.Meta.constraints,
            unique(
                "housingsupport_unique_household_programme",
                ["household", "funding_source"],
                _("This household already has housing support from this programme."),
            ),
            rule("housingsupport_amount_positive", Q(amount_vnd__gt=0), _("The amount must be more than 0 đồng.")),
            rule("housingsupport_sponsor_named", ~Q(funding_source="sponsor") | ~Q(sponsor=""), _("Name the sponsor.")),
            rule(
                "housingsupport_dates_in_order",
                Q(started_on__isnull=True) | Q(completed_on__isnull=True) | Q(completed_on__gte=models.F("started_on")),
                _("The house cannot be completed before it was started."),
            ),
            rule(
                "housingsupport_completed_dated",
                ~Q(status="completed") | Q(completed_on__isnull=False),
                _("A completed house needs its completion date."),
            ),
        ]

    def __str__(self):
        return f"{self.household} – {self.get_funding_source_display()} {self.year}"

    def clean(self):
        super().clean()
        if self.household_id and self.household.poverty_status == PovertyStatus.NONE:
            raise ValidationError({"household": _("Housing support goes to poor or near-poor households only.")})
        if self.household_id and self.commune_id and self.household.commune_id != self.commune_id:
            raise ValidationError({"commune": _("The household lives in another commune.")})
