"""What every register entry shares: the year it counts for, where it happened, the decision."""

import contextlib

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from areas.models import AdminUnit, check_in_force
from bkxh.constraints import unique, year_in_range
from bkxh.records import ALL_FIELDS, Record, RecordQuerySet

MONEY = {"max_digits": 16, "decimal_places": 0}


class RegisterQuerySet(RecordQuerySet):
    """Queries every register answers: entries of a year, entries within an area."""

    @property
    def area_field(self):
        """The lookup to a row's unit: its model's `area_path`, declared once there."""
        return self.model.area_path

    def for_year(self, year):
        return self.filter(year=year)

    def within(self, area):
        """Entries in `area` or in the units below it (communes → districts → province)."""
        return self.in_units(AdminUnit.objects.within(area).values_list("pk", flat=True))

    def in_units(self, unit_ids):
        """Entries in the units of `unit_ids`. A list of ids rather than joins to the units
        lets the database find a year's entries of a district through the (year, commune)
        index, and estimate how many it will find."""
        return self.filter(**{f"{self.area_field}__in": list(unit_ids)})


def commune_field(**kwargs):
    return models.ForeignKey(
        AdminUnit,
        models.PROTECT,
        related_name="+",
        limit_choices_to={"level": AdminUnit.Level.COMMUNE},
        verbose_name=kwargs.pop("verbose_name", _("commune")),
        **kwargs,
    )


def hold_lock(name):
    """Until the transaction ends, keep waiting whoever else holds `name`.

    A rule across rows (a round's lines within its allocation, one worshipper per martyr at a
    time) holds only if no one writes between the check and the save. The admin validates and
    saves in one transaction, so a lock taken while validating covers the save; save() takes
    it again and checks once more for writers that skip validation. PostgreSQL gets an advisory
    lock; SQLite already runs one writing transaction at a time (BEGIN IMMEDIATE, see settings).
    Outside a transaction there is nothing to hold the lock for.
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])


class RuleAcrossRows:
    """A model with a rule across rows (a round's lines within its allocation, one worshipper
    per martyr at a time). `problems_with_other_rows()` takes the rule's lock (hold_lock) and
    returns the messages by field: clean() shows them to staff, and save() asks again in its
    own transaction for writers that skip validation.

    Rows inserted together in bulk (the demo loader) are validated inside
    `without_rules_across_rows()`, which leaves the rule out: a row's share of it means nothing
    until its whole batch is in, and the inserter then checks the rule once for the batch (for
    rice lines, their rounds).
    """

    checks_other_rows = True

    @contextlib.contextmanager
    def without_rules_across_rows(self):
        """While it lasts, clean() leaves the rule across rows out (see the class)."""
        self.checks_other_rows = False
        try:
            yield self
        finally:
            del self.checks_other_rows

    def problems_for_clean(self):
        """What clean() reports of the rule across rows: nothing for a row validated alone."""
        return self.problems_with_other_rows() if self.checks_other_rows else {}

    @classmethod
    def problems_of_rows(cls, rows):
        """problems_for_clean() of each of `rows`, for an import's part (whose rows are validated
        without_rules_across_rows()): a model that can ask for many rows in one query says so here."""
        return [row.problems_for_clean() for row in rows]

    def save(self, *args, **kwargs):
        with transaction.atomic():
            problems = self.problems_with_other_rows()
            if problems:
                raise ValidationError(problems)
            super().save(*args, **kwargs)


class RegisterEntry(Record):
    """An entry of a programme register: the year it counts for, the commune where it happened
    (the unit in force then), the decision that granted it."""

    area_path = "commune"
    year_path = "year"
    # The field holding the day the entry's event happened (a gift given, a visit made), on
    # which its commune must be in force; None for an entry without one (the year's rule alone).
    event_date_field = None

    year = models.PositiveSmallIntegerField(_("year"))
    commune = commune_field()
    decision = models.ForeignKey(
        "beneficiaries.Decision", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decision")
    )
    note = models.TextField(_("note"), blank=True)

    objects = RegisterQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-year", "commune__code"]
        # The report and the lists look entries up by year and then by commune.
        indexes = [models.Index(fields=["year", "commune"], name="%(class)s_year_commune")]
        constraints = [year_in_range("%(class)s_year_range")]

    def clean(self):
        check_in_force(self.commune if self.commune_id else None, self.year, "commune", on=self.event_date())

    def event_date(self):
        """The day the entry's event happened, or None (see event_date_field)."""
        return getattr(self, self.event_date_field) if self.event_date_field else None

    def assigned(self, name):
        """The record assigned to the foreign key `name`, saved or not yet (an import checks an
        entry about a person it is about to add), or None."""
        return getattr(self, name, None)


class Decision(Record):
    """A decision (quyết định) that grants benefits; register entries point at it."""

    # Province and district decisions alike; clerks of any unit record those their entries cite.
    area_path = None
    province_writes_only = False
    # The rows citing a decision show it whole, so it is theirs to change: it is written only by
    # users who may write every row citing it, and never while one is in an approved year.
    read_by_dependents = ALL_FIELDS

    number = models.CharField(_("number"), max_length=60, help_text=_("e.g. 1234/QĐ-UBND"))
    date = models.DateField(_("date signed"))
    issuer = models.CharField(_("issued by"), max_length=200, help_text=_("e.g. UBND tỉnh Bắc Kạn"))
    summary = models.TextField(_("summary"), blank=True)
    scan = models.FileField(_("scanned copy"), upload_to="decisions/%Y/", blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-date", "number"]
        constraints = [
            unique(
                "decision_unique_number_date",
                ["number", "date"],
                _("A decision with this number and date already exists."),
            )
        ]

    def __str__(self):
        return _("Decision %(number)s of %(date)s") % {"number": self.number, "date": self.date.strftime("%d/%m/%Y")}
