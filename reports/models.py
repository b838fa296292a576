"""What staff write into a report beside the figures bkxh computes: the narrative sections."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from areas.models import AdminUnit
from bkxh.constraints import unique, year_in_range
from bkxh.records import Record, RecordQuerySet


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


def kept_forever():
    return ValidationError(
        gettext(
            "An issued report is kept as it was issued: nobody may change or delete it. Issue a new version instead."
        ),
        code="issued",
    )


class KeptRows:
    """A QuerySet's writes for rows written once: created, never updated or deleted."""

    def update(self, **kwargs):
        raise kept_forever()

    update.alters_data = True

    def delete(self):
        raise kept_forever()

    delete.alters_data = True

    def bulk_update(self, objs, fields, *args, **kwargs):
        raise kept_forever()

    bulk_update.alters_data = True


class IssuedReportQuerySet(KeptRows, RecordQuerySet):
    def of_report(self, report):
        """The versions of `report` (indicators.reports.AnnualReport), newest first."""
        if report.agency is None:
            return self.none()
        return self.filter(year=report.year, area=report.area, agency=report.agency).order_by("-revision")


class IssuedReport(Record):
    """One issued version of a report (agency, area, year): revision 1, 2…, each with its own
    number and date; the later replaces the earlier ("Thay thế Báo cáo số …"). An estimate
    (issued in December) and the final report (January) are two versions of the same report.

    A Record, so its creation is in the history (who issued it, when) and in its unit's scope;
    not a row of its year (year_path None): issuing the report of an approved year is the point."""

    year = models.PositiveSmallIntegerField(_("year"))
    area = models.ForeignKey(
        AdminUnit, models.PROTECT, related_name="issued_reports", verbose_name=_("area reported on")
    )
    agency = models.ForeignKey(Agency, models.PROTECT, related_name="issued_reports", verbose_name=_("issuing agency"))
    revision = models.PositiveSmallIntegerField(_("revision"))
    number = models.CharField(_("number"), max_length=50, help_text=_("e.g. 125/BC-SNV"))
    # The year of the number: numbers run from 1 each calendar year.
    number_year = models.PositiveSmallIntegerField(_("year of the number"))
    issued_on = models.DateField(_("date of issue"))
    signer_title = models.CharField(_("signer's title"), max_length=100)
    signer_name = models.CharField(_("signer's name"), max_length=100)
    is_estimate = models.BooleanField(_("estimate"))
    figures = models.JSONField(_("figures"), default=list, blank=True)
    notes = models.JSONField(_("data checks"), default=list, blank=True)
    narrative = models.JSONField(_("narrative sections"), default=list, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_by_name = models.CharField(_("issued by (name)"), max_length=150)
    issued_at = models.DateTimeField(_("issued at"))

    area_path = "area"
    year_path = None

    objects = IssuedReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("issued report")
        verbose_name_plural = _("issued reports")
        ordering = ["-year", "area__code", "agency__abbreviation", "-revision"]
        permissions = [("issue_report", _("Can issue reports"))]
        constraints = [
            unique(
                "issuedreport_unique_revision",
                ["agency", "area", "year", "revision"],
                _("This revision of the report was issued already."),
            ),
            unique(
                "issuedreport_unique_number",
                ["agency", "number_year", "number"],
                _("The agency has already issued a document with this number this year."),
            ),
            year_in_range("issuedreport_year_range"),
        ]

    def __str__(self):
        return f"{self.number} – {self.year} – {self.area} ({self.revision})"

    @property
    def status(self):
        return gettext("estimate") if self.is_estimate else gettext("final")

    def save(self, *args, **kwargs):
        if self._is_stored():
            raise kept_forever()
        self.number_year = self.issued_on.year
        super().save(*args, **kwargs)

    save.alters_data = True

    def delete(self, *args, **kwargs):
        raise kept_forever()

    delete.alters_data = True

    def file(self, kind):
        return self.files.get(kind=kind)


class IssuedFileQuerySet(KeptRows, models.QuerySet):
    pass


class IssuedFile(models.Model):
    """A file of an issued version, byte for byte as it was issued. In the database (a
    BinaryField), which every server of bkxh shares and backs up with the figures: README, "The
    report's files". Not a Record: its bytes are not copied into a history; the version's is."""

    class Kind(models.TextChoices):
        DOCX = "docx", "DOCX"
        XLSX = "xlsx", "XLSX"
        PDF = "pdf", "PDF"

    issued = models.ForeignKey(IssuedReport, models.PROTECT, related_name="files", verbose_name=_("issued report"))
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    content = models.BinaryField(_("content"))
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))

    objects = IssuedFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("issued file")
        verbose_name_plural = _("issued files")
        constraints = [unique("issuedfile_unique_kind", ["issued", "kind"], _("The version has this file already."))]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self._state.adding or (self.pk is not None and IssuedFile.objects.filter(pk=self.pk).exists()):
            raise kept_forever()
        super().save(*args, **kwargs)

    save.alters_data = True

    def delete(self, *args, **kwargs):
        raise kept_forever()

    delete.alters_data = True

    @classmethod
    def of(cls, kind, name, content_type, content):
        content = bytes(content)
        return cls(
            kind=kind,
            name=name,
            content_type=content_type,
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
        )


class DataGeneration(models.Model):
    """A step of the generation of a year's data, which the report's cache keys its entries on
    (reports.generations): a row per write of the year, its generation the sum of the steps."""

    # None: data of no year (units, indicators, agencies, people), which every year's report may read.
    year = models.IntegerField(null=True)
    steps = models.BigIntegerField()

    def __str__(self):
        return f"{self.year}: {self.steps}"


class ExactNumberField(models.DecimalField):
    """A number of any size and scale (PostgreSQL's plain `numeric`): a register total keeps the
    scale of what it adds up, so that 259.310,00 kg and 249 households come back as the live
    aggregates give them (reports.totals)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", None)
        kwargs.setdefault("decimal_places", None)
        super().__init__(*args, **kwargs)

    def check(self, **kwargs):
        # No digits to check: the column has none.
        return models.Field.check(self, **kwargs)

    def db_type(self, connection):
        return "numeric"

    def get_db_prep_value(self, value, connection, prepared=False):
        return value


class RegisterTotal(models.Model):
    """A step of one figure of a register in one unit and year (reports.totals): the figure is
    the sum of its rows, which the database's triggers insert in the transaction that writes the
    register's entries, on PostgreSQL. `figure` is a RegisterSource value, or "entries"."""

    register = models.CharField(max_length=100)
    figure = models.CharField(max_length=60)
    year = models.IntegerField()
    unit_id = models.BigIntegerField()
    value = ExactNumberField()

    class Meta:
        indexes = [
            models.Index(
                fields=["year", "unit_id", "register", "figure"], include=["value"], name="registertotal_year_unit"
            )
        ]

    def __str__(self):
        return f"{self.register} {self.figure} {self.year} {self.unit_id}: {self.value}"


class RegisterMember(models.Model):
    """How many counted entries of a register give one member (a household) a figure counted
    once per member (rice relief's households) in one unit and year (reports.totals)."""

    # Its key as primary key, without an id: a rice import upserts a row per line, and a second
    # index (an id's) doubled their cost (60.000 lines: 0,48 s against 0,82 s).
    pk = models.CompositePrimaryKey("register", "figure", "year", "member", "unit_id")
    register = models.CharField(max_length=100)
    figure = models.CharField(max_length=60)
    year = models.IntegerField()
    member = models.BigIntegerField()
    unit_id = models.BigIntegerField()
    entries = models.BigIntegerField()

    def __str__(self):
        return f"{self.register} {self.figure} {self.year} {self.member} in {self.unit_id}: {self.entries}"


class MemberSpread(models.Model):
    """In how many units a member has entries in a year (reports.totals): a household counted in
    two communes of an area is one household of the area, which the units' counts overstate."""

    pk = models.CompositePrimaryKey("register", "figure", "year", "member")
    register = models.CharField(max_length=100)
    figure = models.CharField(max_length=60)
    year = models.IntegerField()
    member = models.BigIntegerField()
    units = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["register", "figure", "year"],
                condition=models.Q(units__gt=1),
                name="memberspread_several_units",
            )
        ]

    def __str__(self):
        return f"{self.register} {self.figure} {self.year} {self.member}: {self.units} units"
