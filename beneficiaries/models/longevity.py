"""Longevity gifts (Law on the Elderly 39/2009/QH12, Art. 21): the State President greets
people turning 100, the provincial chairman those turning 90, and the commune celebrates
70, 75, 80, 85, 95, and every year over 100. Age counts by calendar year."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beneficiaries.models.base import MONEY, RegisterEntry
from beneficiaries.models.people import Person
from bkxh.constraints import rule, unique

ONE_GIFT_A_YEAR = "longevitygift_unique_person_milestone_year"


class LongevityGift(RegisterEntry):
    class Milestone(models.IntegerChoices):
        AGE_70 = 70, _("70")
        AGE_75 = 75, _("75")
        AGE_80 = 80, _("80")
        AGE_85 = 85, _("85")
        AGE_90 = 90, _("90")
        AGE_95 = 95, _("95")
        AGE_100 = 100, _("100")
        OVER_100 = 101, _("over 100")

    class Giver(models.TextChoices):
        STATE_PRESIDENT = "president", _("the State President")
        PROVINCIAL_CHAIRMAN = "chairman", _("the Chairman of the provincial People's Committee")
        COMMUNE = "commune", _("the commune People's Committee")

    class Occasion(models.TextChoices):
        ELDERLY_DAY = "elderly_day", _("Vietnamese Elderly Day (6 June)")
        OLDER_PERSONS_DAY = "older_persons_day", _("International Day of Older Persons (1 October)")
        TET = "tet", _("Lunar New Year")
        BIRTHDAY = "birthday", _("birthday")

    person = models.ForeignKey(Person, models.PROTECT, related_name="longevity_gifts", verbose_name=_("person"))
    milestone = models.PositiveSmallIntegerField(_("age milestone"), choices=Milestone.choices)
    cash_vnd = models.DecimalField(_("cash (đồng)"), **MONEY, default=0)
    in_kind_vnd = models.DecimalField(_("gifts in kind (đồng)"), **MONEY, default=0)
    gift_date = models.DateField(_("date given"), null=True, blank=True)
    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices, blank=True)

    event_date_field = "gift_date"

    class Meta(RegisterEntry.Meta):
        verbose_name = _("longevity gift")
        verbose_name_plural = _("longevity gifts")
        ordering = ["-year", "commune__code", "person__search_name"]
        constraints = [
            *RegisterEntry.Meta.constraints,
            unique(
                "longevitygift_unique_person_milestone",
                ["person", "milestone"],
                _("This person has already been given the gift for this age."),
                condition=~Q(milestone=101),
            ),
            # Past 100 the commune celebrates every year, not once (below 100 this follows from
            # the constraint above). It is also the key an import matches a row on.
            unique(
                ONE_GIFT_A_YEAR,
                ["person", "milestone", "year"],
                _("This person has already been given this gift this year."),
            ),
            # One constraint per amount, so that the error sits on the amount that is wrong.
            rule("longevitygift_cash_non_negative", Q(cash_vnd__gte=0), _("Amounts cannot be negative.")),
            rule("longevitygift_in_kind_non_negative", Q(in_kind_vnd__gte=0), _("Amounts cannot be negative.")),
        ]

    def __str__(self):
        return f"{self.person} – {self.get_milestone_display()} ({self.year})"

    def get_constraints(self):
        """The constraints validation checks: below 100 the once-per-age one says all that the
        once-a-year one would, so a gift entered twice is refused once, in the better words."""
        constraints = super().get_constraints()
        if self.milestone == self.Milestone.OVER_100:
            return constraints
        return [
            (model, [constraint for constraint in those if constraint.name != ONE_GIFT_A_YEAR])
            for model, those in constraints
        ]

    @property
    def giver(self):
        return {
            self.Milestone.AGE_100: self.Giver.STATE_PRESIDENT,
            self.Milestone.AGE_90: self.Giver.PROVINCIAL_CHAIRMAN,
        }.get(self.milestone, self.Giver.COMMUNE)

    def clean(self):
        super().clean()
        person = self.assigned("person")
        if not (person and self.year and self.milestone):
            return
        age = person.age_in(self.year)
        matches = age > 100 if self.milestone == self.Milestone.OVER_100 else age == self.milestone
        if not matches:
            raise ValidationError(
                {
                    "milestone": _(
                        "Born in %(birth_year)s, the person is %(age)s in %(year)s (by calendar year), "
                        "not %(milestone)s."
                    )
                    % {
                        "birth_year": person.birth_year,
                        "age": age,
                        "year": self.year,
                        "milestone": self.get_milestone_display(),
                    }
                }
            )
        if self.gift_date and self.gift_date.year != self.year:
            raise ValidationError({"gift_date": _("The gift must be given in the year of the milestone.")})
