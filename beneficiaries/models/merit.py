"""People with meritorious service (Ordinance 02/2020/UBTVQH14, Decree 131/2021/NĐ-CP):
funeral allowances, martyr worship allowances, medical assessment referrals, record amendments."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beneficiaries.models.base import MONEY, Decision, RegisterEntry, RuleAcrossRows, hold_lock
from beneficiaries.models.people import Person
from bkxh.constraints import rule, unique
from bkxh.text import nfc


class FuneralAllowance(RegisterEntry):
    class Category(models.TextChoices):
        MERITORIOUS = "meritorious", _("person with meritorious service")
        MARTYR_RELATIVE = "martyr_relative", _("relative of a martyr")
        OTHER_POLICY = "other_policy", _("other policy beneficiary")

    deceased = models.OneToOneField(
        Person,
        models.PROTECT,
        related_name="funeral_allowance",
        verbose_name=_("the deceased"),
        error_messages={"unique": _("A funeral allowance has already been settled for this person.")},
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    date_of_death = models.DateField(_("date of death"))
    year = models.PositiveSmallIntegerField(_("year settled"))
    recipient_name = models.CharField(
        _("paid to"), max_length=100, help_text=_("The person who organised the funeral.")
    )
    amount_vnd = models.DecimalField(_("amount (đồng)"), **MONEY)

    class Meta(RegisterEntry.Meta):
        verbose_name = _("funeral allowance")
        verbose_name_plural = _("funeral allowances")
        ordering = ["-year", "commune__code"]
        constraints = [
            *RegisterEntry.Meta.constraints,
            rule("funeralallowance_amount_positive", Q(amount_vnd__gt=0), _("The amount must be more than 0 đồng.")),
        ]

    def __str__(self):
        return f"{self.deceased} – {self.year}"

    def clean(self):
        super().clean()
        if self.date_of_death and self.year and self.date_of_death.year > self.year:
            raise ValidationError({"year": _("The allowance cannot be settled before the death.")})
        deceased = self.assigned("deceased")
        if deceased and self.date_of_death and self.date_of_death.year < deceased.birth_year:
            raise ValidationError({"date_of_death": _("The date of death is before the year of birth.")})


class WorshipAllowance(RuleAcrossRows, RegisterEntry):
    """The yearly allowance to the person who worships a martyr: one worshipper per martyr at a time."""

    martyr_name = models.CharField(_("martyr"), max_length=100)
    martyr_record = models.CharField(
        _("martyr's record number"),
        max_length=40,
        help_text=_("The number of the martyr's file, which identifies the martyr."),
    )
    worshipper = models.ForeignKey(
        Person, models.PROTECT, related_name="worship_allowances", verbose_name=_("worshipper")
    )
    year = models.PositiveSmallIntegerField(_("year of the decision"))
    yearly_amount_vnd = models.DecimalField(_("yearly amount (đồng)"), **MONEY)
    valid_from = models.DateField(_("paid from"))
    valid_to = models.DateField(_("paid until"), null=True, blank=True, help_text=_("Blank while it is still paid."))

    class Meta(RegisterEntry.Meta):
        verbose_name = _("martyr worship allowance")
        verbose_name_plural = _("martyr worship allowances")
        ordering = ["-year", "martyr_record"]
        constraints = [
            *RegisterEntry.Meta.constraints,
            # What an import matches a row on (periods of one martyr cannot overlap anyway).
            unique(
                "worshipallowance_unique_martyr_valid_from",
                ["martyr_record", "valid_from"],
                _("This martyr already has an allowance paid from this date."),
            ),
            unique(
                "worshipallowance_one_current_per_martyr",
                ["martyr_record"],
                _("This martyr already has a worshipper receiving the allowance."),
                condition=Q(valid_to__isnull=True),
            ),
            rule(
                "worshipallowance_amount_positive",
                Q(yearly_amount_vnd__gt=0),
                _("The amount must be more than 0 đồng."),
            ),
            rule(
                "worshipallowance_period_in_order",
                Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                _("The end of payment cannot be before its start."),
            ),
        ]

    def __str__(self):
        return f"{self.martyr_name} – {self.worshipper}"

    def clean(self):
        super().clean()
        self.martyr_name = nfc(self.martyr_name or "")
        errors = self.problems_for_clean()
        if errors:
            raise ValidationError(errors)

    def others(self):
        """The other allowances for this martyr."""
        return WorshipAllowance.objects.filter(martyr_record=self.martyr_record).exclude(pk=self.pk)

    def problems_for_clean(self):
        """What the form says of the other allowances for this martyr: his name, and the period."""
        if not self.checks_other_rows or not self.martyr_record:
            return {}
        hold_lock(f"martyr:{self.martyr_record}")
        return self.problems_among(self.others(), named=True)

    def problems_with_other_rows(self):
        """No other worshipper may be paid for this martyr during this period."""
        if not (self.martyr_record and self.valid_from):
            return {}
        hold_lock(f"martyr:{self.martyr_record}")
        return self.problems_among(self.others())

    @classmethod
    def problems_of_rows(cls, allowances):
        """problems_for_clean() of each of `allowances` (a part of an import), from one query for them all."""
        stored = defaultdict(list)
        for other in cls.objects.filter(martyr_record__in={allowance.martyr_record for allowance in allowances}):
            stored[other.martyr_record].append(other)
        problems = []
        for allowance in allowances:
            others = [other for other in stored[allowance.martyr_record] if other.pk != allowance.pk]
            problems.append(allowance.problems_among(others, named=True) if allowance.martyr_record else {})
        return problems

    def problems_among(self, others, *, named=False):
        """The rules across rows, given the other allowances for this martyr (in the list's order):
        the martyr is named as in them (if `named`), and none of them is paid during this period."""
        problems = {}
        if named:
            name = next((other.martyr_name for other in others if other.martyr_name != self.martyr_name), None)
            if name:
                problems["martyr_name"] = _("The martyr's record %(record)s is in the name of %(name)s.") % {
                    "record": self.martyr_record,
                    "name": name,
                }
        if self.valid_from and any(self._overlaps(other) for other in others):
            problems["valid_from"] = _(
                "Another worshipper receives the allowance for this martyr in this period: "
                "a martyr has one worshipper at a time."
            )
        return problems

    def _overlaps(self, other):
        return (other.valid_to is None or other.valid_to >= self.valid_from) and (
            self.valid_to is None or other.valid_from <= self.valid_to
        )


class MedicalReferral(RegisterEntry):
    """A referral to the provincial Medical Assessment Council (toxic chemical exposure)."""

    person = models.ForeignKey(Person, models.PROTECT, related_name="medical_referrals", verbose_name=_("person"))
    referred_on = models.DateField(_("referred on"))
    condition = models.CharField(_("disease or disability assessed"), max_length=200)

    event_date_field = "referred_on"

    class Meta(RegisterEntry.Meta):
        verbose_name = _("medical assessment referral")
        verbose_name_plural = _("medical assessment referrals")
        ordering = ["-referred_on"]
        constraints = [
            *RegisterEntry.Meta.constraints,
            unique(
                "medicalreferral_unique_person_date",
                ["person", "referred_on"],
                _("This person has already been referred on this date."),
            ),
        ]

    def __str__(self):
        return f"{self.person} – {self.referred_on:%d/%m/%Y}"

    def clean(self):
        super().clean()
        if self.referred_on and self.year and self.referred_on.year != self.year:
            raise ValidationError({"referred_on": _("The date must fall in the year.")})


class RecordAmendment(RegisterEntry):
    """A decision amending the file of a person with meritorious service or of a relative."""

    person = models.ForeignKey(Person, models.PROTECT, related_name="record_amendments", verbose_name=_("person"))
    decision = models.ForeignKey(Decision, models.PROTECT, related_name="+", verbose_name=_("decision"))
    change = models.TextField(_("what was amended"))

    class Meta(RegisterEntry.Meta):
        verbose_name = _("record amendment")
        verbose_name_plural = _("record amendments")
        ordering = ["-year"]
        constraints = [
            *RegisterEntry.Meta.constraints,
            unique(
                "recordamendment_unique_person_decision",
                ["person", "decision"],
                _("This decision already amends this person's record."),
            ),
        ]

    def __str__(self):
        return f"{self.person} – {self.decision}"

    def event_date(self):
        """An amendment is made by its decision, on the day it was signed."""
        decision = self.assigned("decision")
        return decision.date if decision is not None else None
