"""The agencies that issue the reports: the letterhead of each, and the sectors whose work it holds.

Until 28/02/2025 one department (Sở LĐ-TB&XH) held every sector of the work; from 01/03/2025
that work was split between Sở Nội vụ, Sở Y tế, Sở GD&ĐT, Công an tỉnh and Sở Nông nghiệp và
Môi trường. A report on one area and year is therefore issued by the agency holding each
sector then, and may be several reports, each under its own letterhead.

The model was `areas.Agency` and keeps its tables (`areas_agency`, `areas_historicalagency`):
areas may not import the sectors, so the agencies are an app of their own above them.
"""

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q, prefetch_related_objects
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from areas.models import AdminUnit, year_bounds
from bkxh.constraints import rule
from bkxh.per_object import PerObject
from bkxh.records import Record, RecordQuerySet
from indicators.models import Sector

# The sectors an agency is about to hold, for clean() to check before they are stored: the
# admin form's, or those of code that sets them after saving the agency (Agency.will_hold).
_sectors_to_hold = PerObject("sectors an agency is about to hold")


@dataclasses.dataclass(frozen=True)
class Issuer:
    """An agency that issues a report, with the sectors of the catalogue it reports on."""

    agency: "Agency"
    # The Sectors it reports on; None: the whole catalogue (the one agency of the year, holding all).
    sectors: tuple | None

    @property
    def sector_codes(self):
        return None if self.sectors is None else [sector.code for sector in self.sectors]

    @property
    def holds_every_sector(self):
        """Whether the report is on the whole catalogue: the agency is the only one of the year and
        holds every sector (none chosen), as Sở LĐ-TB&XH did."""
        return self.sectors is None


def _period_key(agency):
    """Latest first: in force at the year's end (open-ended), else the one that ended last."""
    return (agency.valid_to or datetime.date.max, agency.valid_from or datetime.date.min)


def issuers(agencies, sectors):
    """[Issuer]: of `agencies` (those of one area, in force during a year), the one holding each
    of `sectors` that is in force at the year's end, else the latest in force during the year;
    in the order of the first sector each issues. An agency holding none of them is left out;
    the only one, holding every sector, reports on the whole catalogue (sectors None)."""
    chosen = {}
    for sector in sectors:
        holders = [agency for agency in agencies if agency.holds(sector)]
        if holders:
            chosen.setdefault(max(holders, key=_period_key), []).append(sector)
    if len(chosen) == 1 and not next(iter(chosen)).sectors.all():
        return [Issuer(next(iter(chosen)), None)]
    return [Issuer(agency, tuple(held)) for agency, held in chosen.items()]


def _overlapping(start, end):
    """A Q for agencies in force on at least one day of [start, end] (None: open)."""
    condition = Q()
    if end is not None:
        condition &= Q(valid_from__isnull=True) | Q(valid_from__lte=end)
    if start is not None:
        condition &= Q(valid_to__isnull=True) | Q(valid_to__gte=start)
    return condition


class AgencyQuerySet(RecordQuerySet):
    def in_force_during(self, year):
        first, last = year_bounds(year)
        return self.filter(_overlapping(first, last))

    def for_report(self, area, year):
        """[Issuer]: the agencies that issue `year`'s reports on `area`, each with its sectors:
        for each sector, the agency set up for the area itself (a district's report is its own
        office's, never the province department's) holding it that is in force at the end of
        the year, else the latest in force during it. Empty when the area has none.

        One query when one agency holds every sector that year (as before the 2025 reform): its
        Issuer has sectors None, the whole catalogue. Otherwise three: the agencies, the sectors
        they hold, the catalogue's sectors."""
        agencies = list(self.filter(area=area).in_force_during(year).annotate(sectors_held=Count("sectors")))
        if len(agencies) == 1 and not agencies[0].sectors_held:
            return [Issuer(agencies[0], None)]
        if not agencies:
            return []
        prefetch_related_objects(agencies, "sectors")
        return issuers(agencies, list(Sector.objects.all()))

    def issued_reports(self, areas, years):
        """[(year, area, [Issuer])] for each of `years` (in their order) and each of `areas` in
        force in it that has an agency then: the reports these agencies issue. Three queries
        however many areas and years."""
        agencies = list(self.filter(area__in=areas).prefetch_related("sectors"))
        if not agencies:
            return []
        sectors = list(Sector.objects.all())
        reports = []
        for year in years:
            for area in areas:
                if not area.is_in_force_during(year):
                    continue
                of_area = [a for a in agencies if a.area_id == area.pk and a.is_in_force_during(year)]
                if of_area:
                    reports.append((year, area, issuers(of_area, sectors)))
        return reports


class Agency(Record):
    """The letterhead of a report: who issues it, where, who signs, for a period, and the
    sectors it holds (none chosen: all of them).

    The department was reorganised in 2025, so a 2024 report must carry the 2024 names
    whatever the date it is printed on.
    """

    area = models.ForeignKey(AdminUnit, models.PROTECT, verbose_name=_("area reported on"))
    managing_body = models.CharField(
        _("managing body"),
        max_length=200,
        blank=True,
        help_text=_("e.g. UBND TỈNH BẮC KẠN; blank when the agency has no body above it (a commune's UBND)."),
    )
    name = models.CharField(
        _("issuing agency"), max_length=200, help_text=_("e.g. SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI")
    )
    abbreviation = models.CharField(
        _("abbreviation"), max_length=30, help_text=_("Used in the document number, e.g. SLĐTBXH in …/BC-SLĐTBXH.")
    )
    place = models.CharField(_("place name"), max_length=100, help_text=_("For the date line, e.g. Bắc Kạn."))
    signer_authority = models.CharField(
        _("signing on behalf of"),
        max_length=100,
        blank=True,
        help_text=_("e.g. KT. GIÁM ĐỐC; blank when the head signs."),
    )
    signer_title = models.CharField(_("signer's title"), max_length=100, help_text=_("e.g. GIÁM ĐỐC or PHÓ GIÁM ĐỐC"))
    signer_name = models.CharField(_("signer's name"), max_length=100)
    recipients = models.TextField(
        _("recipients"),
        help_text=_(
            "One per line, without the leading dash, e.g. UBND tỉnh; the last line is the archive, e.g. Lưu: VT, VP."
        ),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    sectors = models.ManyToManyField(
        Sector,
        blank=True,
        related_name="agencies",
        db_table="agencies_agency_sectors",
        verbose_name=_("sectors held"),
        help_text=_("The sectors whose reports this agency issues; none chosen means every sector."),
    )

    objects = AgencyQuerySet.as_manager()

    area_path = "area"
    # The history table the model had in the areas app (audit.history.RowHistory).
    history_table = "areas_historicalagency"

    class Meta:
        db_table = "areas_agency"
        verbose_name = _("issuing agency")
        verbose_name_plural = _("issuing agencies")
        ordering = ["area__code", "valid_from"]
        constraints = [
            rule(
                "agency_valid_period",
                Q(valid_from__isnull=True) | Q(valid_to__isnull=True) | Q(valid_from__lte=models.F("valid_to")),
                _("The end of validity cannot be before its start."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.area})"

    @property
    def recipient_lines(self):
        return [line.strip().rstrip(";.") for line in self.recipients.splitlines() if line.strip()]

    @property
    def period(self):
        """The period as staff write it ("01/03/2025 – 30/06/2025"), or "" when open at both ends."""
        if not (self.valid_from or self.valid_to):
            return ""
        start, end = (day.strftime("%d/%m/%Y") if day else "…" for day in (self.valid_from, self.valid_to))
        return f"{start} – {end}"

    def is_in_force_during(self, year):
        """In force on at least one day of `year` (the same rule as the queryset's in_force_during)."""
        first, last = year_bounds(year)
        return (self.valid_from is None or self.valid_from <= last) and (
            self.valid_to is None or self.valid_to >= first
        )

    def holds(self, sector):
        """Whether the agency holds `sector`'s work (as loaded: prefetch its sectors)."""
        held = self.sectors.all()
        return not held or any(other.pk == sector.pk for other in held)

    def will_hold(self, sectors):
        """Declares the sectors the agency is about to hold, so that full_clean() checks them
        before they are stored (they can only be set once the agency is saved)."""
        _sectors_to_hold.set(self, list(sectors))

    def clean(self):
        super().clean()
        sectors = _sectors_to_hold.get(self)
        if sectors is None:
            sectors = list(self.sectors.all()) if self.pk else []
        problems = self.sector_problems(sectors)
        if problems:
            raise ValidationError({"sectors": problems})

    def sector_problems(self, sectors):
        """[message]: one for each other agency of the area that holds one of `sectors` (every
        sector when empty) in a period overlapping this one's. Two agencies may not issue the
        same report."""
        if self.area_id is None or (self.valid_from and self.valid_to and self.valid_from > self.valid_to):
            return []
        others = (
            Agency.objects.filter(_overlapping(self.valid_from, self.valid_to), area_id=self.area_id)
            .exclude(pk=self.pk)
            .prefetch_related("sectors")
            .order_by("valid_from", "pk")
        )
        mine = {sector.pk: sector for sector in sectors}
        problems = []
        for other in others:
            theirs = {sector.pk: sector for sector in other.sectors.all()}
            if mine and theirs:
                shared = [sector for pk, sector in mine.items() if pk in theirs]
                if not shared:
                    continue
            else:
                shared = list((mine or theirs).values())  # empty: both hold every sector
            words = {
                "other": other.name,
                "period": other.period or gettext("with no end date"),
                "sectors": ", ".join(sorted(str(sector) for sector in shared)) if shared else gettext("every sector"),
                "area": other.area,
            }
            problems.append(
                gettext(
                    "%(other)s (%(period)s) already holds %(sectors)s for %(area)s in an overlapping period: "
                    "two agencies of one area may not hold the same sector at the same time."
                )
                % words
            )
        return problems


@receiver(m2m_changed, sender=Agency.sectors.through, dispatch_uid="agencies_refuse_overlapping_sectors")
def refuse_overlapping_sectors(sender, instance, action, reverse, pk_set, **kwargs):
    """Sectors added in code (`agency.sectors.add(…)`, `set(…)`) are checked as the form's are.
    Emptying them (every sector) is checked by full_clean(): set() passes through the sectors
    the old and new sets share, which may be none without meaning every sector."""
    if action != "pre_add":
        return
    agencies = Agency.objects.filter(pk__in=pk_set) if reverse else [instance]
    for agency in agencies:
        current = set(agency.sectors.values_list("pk", flat=True))
        added = {instance.pk} if reverse else pk_set
        problems = agency.sector_problems(list(Sector.objects.filter(pk__in=current | set(added))))
        if problems:
            raise ValidationError({"sectors": problems})
