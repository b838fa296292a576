"""Administrative units (the country, province, district, commune), with their periods of validity.

A GSO code is not an identity: the 2025 reform gave new communes the codes of old ones
(new Xã Bằng Thành is 01864, which was Xã Bộc Bố). A unit is therefore a code *and* a
period of validity, and records point at the unit in force when they happened.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bkxh.constraints import rule
from bkxh.records import Record, RecordQuerySet
from bkxh.text import fold
from bkxh.years import is_kept_year


def year_bounds(year):
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def unit_for_year(units, year):
    """Of `units` (all with one code), the one that code means in `year`: the one in force at
    the year's end, else one in force during the year; None when the code meant nothing then."""
    units = sorted(
        (unit for unit in units if unit.is_in_force_during(year)),
        key=lambda unit: (unit.valid_from is not None, unit.valid_from),
    )
    year_end = year_bounds(year)[1]
    return next((unit for unit in units if unit.is_in_force_on(year_end)), units[0] if units else None)


def unit_on(units, day):
    """Of `units` (all with one code), the one that code meant on `day`, or None."""
    return next((unit for unit in units if unit.is_in_force_on(day)), None)


# The units above a unit, as lookups from it, nearest first: a commune's district, its
# province, then the country. The one place that knows how deep the hierarchy is: within(),
# lineages() and every query "in this area or below it" are built from it.
ANCESTORS = ("parent", "parent__parent", "parent__parent__parent")


def within_q(area_ids, path=""):
    """A Q for rows whose unit (at lookup `path`; the unit itself when empty) is one of
    `area_ids` or lies below one of them."""
    prefix = f"{path}__" if path else ""
    condition = Q(**{f"{path or 'pk'}__in": area_ids})
    for ancestor in ANCESTORS:
        condition |= Q(**{f"{prefix}{ancestor}__in": area_ids})
    return condition


def _in_force_on(day):
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class AdminUnitQuerySet(RecordQuerySet):
    def in_force_on(self, day):
        return self.filter(_in_force_on(day))

    def for_choices(self):
        """In the order a clerk picks from: the units in force today first, so of a name the
        2025 reform kept (Xã Bằng Thành before and after it) the current unit is on top."""
        out_of_force = models.Case(models.When(_in_force_on(timezone.localdate()), then=0), default=1)
        return self.annotate(out_of_force=out_of_force).order_by("out_of_force", "code", "valid_from")

    def in_force_during(self, year):
        """Units in force on at least one day of `year`."""
        first, last = year_bounds(year)
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=last),
            Q(valid_to__isnull=True) | Q(valid_to__gte=first),
        )

    def for_code(self, code, year):
        """The unit with `code` for `year`: the one in force at the year's end, else the one
        in force during the year. Raises DoesNotExist when the code meant nothing that year."""
        unit = unit_for_year(self.filter(code=code).in_force_during(year), year)
        if unit is None:
            raise self.model.DoesNotExist(code)
        return unit

    def with_lineage(self):
        """These units with every unit above them loaded alongside, so that lineage_ids() and
        is_within() ask the database nothing more."""
        return self.select_related(ANCESTORS[-1])

    def lineages(self):
        """{unit id: (its id, then the ids of the units above it, nearest first)} for these units."""
        rows = self.values_list("pk", *(f"{ancestor}_id" for ancestor in ANCESTORS))
        return {row[0]: tuple(pk for pk in row if pk is not None) for row in rows}

    def and_above(self):
        """These units and those above them (a commune's district, province and country)."""
        return self.model.objects.filter(pk__in={pk for lineage in self.lineages().values() for pk in lineage})

    def within(self, area):
        """`area` (a unit or its id) and the units below it (a province's districts and their communes)."""
        return self.filter(within_q([getattr(area, "pk", area)]))

    def province_for(self, year):
        """The province a report covers by default: the one in force at the year's end."""
        provinces = self.filter(level=AdminUnit.Level.PROVINCE).order_by("code")
        return provinces.in_force_on(year_bounds(year)[1]).first() or provinces.in_force_during(year).first()


class AdminUnit(Record):
    class Level(models.TextChoices):
        COUNTRY = "country", _("country")
        PROVINCE = "province", _("province")
        DISTRICT = "district", _("district")
        COMMUNE = "commune", _("commune")

    class UnitType(models.TextChoices):
        QUOC_GIA = "quoc_gia", _("country (quốc gia)")
        TINH = "tinh", _("province (tỉnh)")
        THANH_PHO_TW = "thanh_pho_tw", _("centrally-run city")
        THANH_PHO = "thanh_pho", _("provincial city")
        THI_XA = "thi_xa", _("town (thị xã)")
        QUAN = "quan", _("urban district (quận)")
        HUYEN = "huyen", _("rural district (huyện)")
        PHUONG = "phuong", _("ward (phường)")
        THI_TRAN = "thi_tran", _("township (thị trấn)")
        XA = "xa", _("commune (xã)")
        DAC_KHU = "dac_khu", _("special zone (đặc khu)")

    code = models.CharField(_("GSO code"), max_length=5)
    name = models.CharField(_("name"), max_length=100)
    unit_type = models.CharField(_("type"), max_length=20, choices=UnitType.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent unit")
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="predecessors", verbose_name=_("replaced by")
    )
    search_name = models.CharField(max_length=100, editable=False, db_index=True)

    objects = AdminUnitQuerySet.as_manager()

    area_path = "pk"
    # The rows of a unit, and of the units below it, are locked by the approvals of the units
    # above it (approvals.locking): moving a unit under another parent moves them.
    read_by_dependents = ("parent",)

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="adminunit_unique_code_valid_from"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(valid_from__isnull=True), name="adminunit_unique_code_open_start"
            ),
            rule(
                "adminunit_valid_period",
                Q(valid_from__isnull=True) | Q(valid_to__isnull=True) | Q(valid_from__lte=models.F("valid_to")),
                _("The end of validity cannot be before its start."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        # A province may also stand alone at the top, as it does in a database of one province.
        expected_parent_levels = {
            self.Level.COUNTRY: (),
            self.Level.PROVINCE: (self.Level.COUNTRY,),
            self.Level.DISTRICT: (self.Level.PROVINCE,),
            self.Level.COMMUNE: (self.Level.DISTRICT, self.Level.PROVINCE),
        }.get(self.level, ())
        if self.parent and self.parent.level not in expected_parent_levels:
            if not expected_parent_levels:
                raise ValidationError({"parent": _("A country has no parent unit.")})
            raise ValidationError({"parent": _("The parent of this unit must be one level above it.")})

    def successions(self):
        """[(successor, whole)]: the units that took this one's place, each with whether it took
        the whole of it. A unit divided between several successors (some communes in 2025) gave
        each a part, so a succession is whole exactly when it is the only one."""
        successors = list(self.successors.all())
        return [(successor, len(successors) == 1) for successor in successors]

    def replaced_phrase(self, year):
        """What staff are told of a unit that had ended before `year` and was succeeded: "from
        01/07/2025 its place was taken by Xã … (01864)", or "" (successors as loaded: an import
        reads them with the units)."""
        if not self.valid_to or self.valid_to.year >= year:
            return ""
        successors = self.successions()
        if not successors:
            return ""
        return _("from %(date)s its place was taken by %(successors)s") % {
            "date": (self.valid_to + datetime.timedelta(days=1)).strftime("%d/%m/%Y"),
            "successors": ", ".join(f"{successor} ({successor.code})" for successor, _whole in successors),
        }

    def replaced_on_phrase(self, day):
        """replaced_phrase() for a day: what staff are told of a unit that had ended before `day`
        and was succeeded, "from 01/07/2025 xã Bộc Bố became part of Xã Bằng Thành (01864)", or ""."""
        if not self.valid_to or self.valid_to >= day:
            return ""
        successors = self.successions()
        if not successors:
            return ""
        return _("from %(date)s %(unit)s became part of %(successors)s") % {
            "date": (self.valid_to + datetime.timedelta(days=1)).strftime("%d/%m/%Y"),
            "unit": self.in_sentence,
            "successors": ", ".join(f"{successor} ({successor.code})" for successor, _whole in successors),
        }

    @property
    def in_sentence(self):
        """The name as written inside a sentence, its kind of unit in lower case ("xã Bộc Bố",
        "thị trấn Chợ Rã"); a name that does not start with one ("Việt Nam") as it is."""
        first = self.name.split(" ", 1)[0]
        return self.name[0].lower() + self.name[1:] if first in UNIT_TYPE_WORDS else self.name

    def is_within(self, area):
        """Whether this unit is `area` or lies below it."""
        return area is not None and area.pk in self.lineage_ids()

    def lineage_ids(self):
        """This unit's id and those of the units above it, nearest first. The units above are
        read as loaded (AdminUnitQuerySet.with_lineage() loads them all), the topmost only as
        its child's parent_id."""
        ids, unit = [self.pk], self
        while unit.parent_id is not None and len(ids) <= len(ANCESTORS):
            ids.append(unit.parent_id)
            if len(ids) <= len(ANCESTORS):
                unit = unit.parent
        return ids

    @property
    def period(self):
        """The period of validity as staff write it ("… – 30/06/2025"), or "" for a unit with no dates."""
        if not (self.valid_from or self.valid_to):
            return ""
        start, end = (day.strftime("%d/%m/%Y") if day else "…" for day in (self.valid_from, self.valid_to))
        return f"{start} – {end}"

    @property
    def choice_label(self):
        """The unit among choices: its name alone repeats across a reform, its code and period do not."""
        return f"{self.code} – {self.name} ({self.period})" if self.period else f"{self.code} – {self.name}"

    def name_in(self, year):
        """The unit's name in `year`, with the part of it the unit was in force when it was not the
        whole year: in 2025 the old and the new Tỉnh Thái Nguyên (code 19 both) side by side."""
        first, last = year_bounds(year)
        if self.valid_from is not None and self.valid_from > first:
            return _("%(name)s (from %(day)s)") % {"name": self.name, "day": self.valid_from.strftime("%d/%m/%Y")}
        if self.valid_to is not None and self.valid_to < last:
            return _("%(name)s (until %(day)s)") % {"name": self.name, "day": self.valid_to.strftime("%d/%m/%Y")}
        return self.name

    def is_in_force_on(self, day):
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def is_in_force_during(self, year):
        """In force on at least one day of `year` (the same rule as the queryset's in_force_during)."""
        first, last = year_bounds(year)
        return (self.valid_from is None or self.valid_from <= last) and (
            self.valid_to is None or self.valid_to >= first
        )

    @property
    def whole_area_phrase(self):
        """How a report names the whole of this unit: "Toàn tỉnh", "Toàn huyện" …"""
        return WHOLE_AREA_PHRASES.get(self.unit_type, _("The whole commune"))


# AdminUnit.whole_area_phrase, which every sentence of a report reads: made once (the phrases are
# lazy, so translated when printed) rather than ten at each reading.
WHOLE_AREA_PHRASES = {
    AdminUnit.UnitType.QUOC_GIA: _("The whole country"),
    AdminUnit.UnitType.TINH: _("The whole province"),
    AdminUnit.UnitType.THANH_PHO_TW: _("The whole city"),
    AdminUnit.UnitType.THANH_PHO: _("The whole city"),
    AdminUnit.UnitType.THI_XA: _("The whole town"),
    AdminUnit.UnitType.HUYEN: _("The whole district"),
    AdminUnit.UnitType.QUAN: _("The whole urban district"),
    AdminUnit.UnitType.PHUONG: _("The whole ward"),
    AdminUnit.UnitType.THI_TRAN: _("The whole township"),
}


# The first words of units' names, which a sentence writes in lower case (AdminUnit.in_sentence).
UNIT_TYPE_WORDS = {"Xã", "Phường", "Thị", "Huyện", "Quận", "Thành", "Tỉnh", "Đặc"}


def check_in_force(unit, year, field, *, on=None):
    """A ValidationError unless `unit` was an administrative unit during `year` and, for an entry
    dated `on` in that year (the day a gift was given, a visit made), on that day
    (check_in_force_on): records point at the unit in force when they happened, never at one of
    an earlier or later structure. The message gives the code and the period, since old and new
    units may share a name."""
    if unit is None or not is_kept_year(year):
        return
    # Checked on the unit itself, not with a query, so that an import runs no query per row.
    if unit.is_in_force_during(year):
        # A day outside the year is the register's own error ("the date must fall in the year"),
        # which this one would hide.
        if day_of_year(on, year):
            check_in_force_on(unit, on, field)
        return
    words = {"unit": unit, "code": unit.code, "validity": validity(unit), "year": year}
    # A unit that had ended names the ones that took its place, so the clerk knows which to choose.
    replaced = unit.replaced_phrase(year)
    if replaced:
        message = _(
            "%(unit)s (code %(code)s, %(validity)s) was no longer an administrative unit in %(year)s: %(replaced)s."
        ) % {**words, "replaced": replaced}
    else:
        message = (
            _(
                "%(unit)s (code %(code)s, %(validity)s) was not an administrative unit in %(year)s: "
                "choose the unit in force then."
            )
            % words
        )
    raise ValidationError({field: message})


def validity(unit):
    """The period `unit` was in force, as "in force from 01/07/2025" or "… until 30/06/2025"."""
    dates = {
        "start": unit.valid_from.strftime("%d/%m/%Y") if unit.valid_from else "",
        "end": unit.valid_to.strftime("%d/%m/%Y") if unit.valid_to else "",
    }
    if unit.valid_from and unit.valid_to:
        return _("in force from %(start)s to %(end)s") % dates
    if unit.valid_from:
        return _("in force from %(start)s") % dates
    return _("in force until %(end)s") % dates


def day_of_year(day, year):
    """Whether `day` is a date of `year`: the day of an entry on which its unit must be in force."""
    return isinstance(day, datetime.date) and day.year == year


def check_in_force_on(unit, day, field):
    """A ValidationError unless `unit` was an administrative unit on `day`: in 2025 a commune of
    the old structure ended on 30/06 and one of the new began on 01/07, so the year alone lets an
    entry dated after the reform in an ended commune through. Checked on the unit itself, as
    check_in_force is, so that an import runs no query per row."""
    if unit is None or not isinstance(day, datetime.date) or unit.is_in_force_on(day):
        return
    raise ValidationError({field: not_in_force_on_message(unit, day)})


def not_in_force_on_message(unit, day):
    """Why `unit` (not in force on `day`) cannot be the unit of an entry dated `day`: one that had
    ended names the units that took its place ("Ngày 15/09/2025 xã Bộc Bố (mã 01864) không còn là
    đơn vị hành chính: từ 01/07/2025 xã Bộc Bố thuộc Xã Bằng Thành (01864)"). The same words in the
    model's validation and in an import."""
    words = {"date": day.strftime("%d/%m/%Y"), "unit": unit.in_sentence, "code": unit.code, "validity": validity(unit)}
    if unit.valid_from is not None and day < unit.valid_from:
        return (
            _(
                "On %(date)s %(unit)s (code %(code)s, %(validity)s) was not yet an administrative unit: "
                "choose the unit in force then."
            )
            % words
        )
    replaced = unit.replaced_on_phrase(day)
    if replaced:
        return _("On %(date)s %(unit)s (code %(code)s) was no longer an administrative unit: %(replaced)s.") % {
            **words,
            "replaced": replaced,
        }
    return (
        _(
            "On %(date)s %(unit)s (code %(code)s, %(validity)s) was no longer an administrative unit: "
            "choose the unit in force then."
        )
        % words
    )
