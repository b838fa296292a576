"""What staff write into a report beside the figures bkxh computes: the narrative sections."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from areas.models import AdminUnit
from bkxh.constraints import unique, year_in_range
from bkxh.records import Record


class ReportNarrative(Record):
    """The sections of one report that people write, after "I. Results": the shortcomings and
    their causes, the directions and tasks of the next year, the recommendations.

    One per report, that is per (agency, area, year), the keys the report's address names
    (?agency=<abbreviation>&area=<code> of /reports/<year>/). A row of its area's year, so an
    approved year locks it and a user edits only those of their units, as any figure."""

    year = models.PositiveSmallIntegerField(_("year"))
    area = models.ForeignKey(
        AdminUnit, models.PROTECT, related_name="report_narratives", verbose_name=_("area reported on")
    )
    agency = models.ForeignKey(
        Agency,
        models.PROTECT,
        related_name="report_narratives",
        verbose_name=_("issuing agency"),
        help_text=_("The agency whose report it is: of the area, issuing its report for the year."),
    )
    shortcomings = models.TextField(
        _("shortcomings, limitations and their causes"),
        blank=True,
        help_text=_(
            "Printed after the results, as section II. Plain text: each line is a paragraph; "
            "left blank, the section is not printed."
        ),
    )
    directions = models.TextField(
        _("directions and tasks for the next year"),
        blank=True,
        help_text=_(
            "Printed after the shortcomings, titled with the next year (the 2024 report's: directions and "
            "tasks for 2025). Plain text: each line is a paragraph; left blank, the section is not printed."
        ),
    )
    recommendations = models.TextField(
        _("recommendations and proposals"),
        blank=True,
        help_text=_(
            "Printed last, before the table of indicators. Plain text: each line is a paragraph; "
            "left blank, the section is not printed."
        ),
    )

    area_path = "area"
    year_path = "year"

    class Meta:
        verbose_name = _("report narrative")
        verbose_name_plural = _("report narratives")
        ordering = ["-year", "area__code", "agency__abbreviation"]
        constraints = [
            unique(
                "reportnarrative_unique_agency_area_year",
                ["agency", "area", "year"],
                _("This report already has its narrative: open it from the list and change it there."),
            ),
            year_in_range("reportnarrative_year_range"),
        ]

    def __str__(self):
        return f"{self.year} – {self.area} – {self.agency.abbreviation}"

    def clean(self):
        super().clean()
        if self.agency_id is None or self.area_id is None or self.year is None:
            return
        issuing = [issuer.agency.pk for issuer in Agency.objects.for_report(self.area, self.year)]
        if self.agency_id not in issuing:
            raise ValidationError(
                {
                    "agency": _("%(agency)s issues no %(year)s report on %(area)s.")
                    % {"agency": self.agency.name, "year": self.year, "area": self.area}
                }
            )
