"""People and households: the beneficiaries every register points at."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts.scope import scope_of
from areas.models import check_in_force
from audit.context import current_user
from beneficiaries.citizen_id import citizen_id_problems
from beneficiaries.models.base import RegisterQuerySet, commune_field
from bkxh.constraints import rule, unique
from bkxh.records import Record
from bkxh.text import fold, nfc


class Ethnicity(models.TextChoices):
    """Vietnam's 54 ethnic groups with the GSO codes (Decision 121-TCTK/PPCĐ)."""

    KINH = "01", "Kinh"
    TAY = "02", "Tày"
    THAI = "03", "Thái"
    HOA = "04", "Hoa"
    KHMER = "05", "Khơ-me"
    MUONG = "06", "Mường"
    NUNG = "07", "Nùng"
    MONG = "08", "Mông"
    DAO = "09", "Dao"
    GIA_RAI = "10", "Gia-rai"
    NGAI = "11", "Ngái"
    E_DE = "12", "Ê-đê"
    BA_NA = "13", "Ba-na"
    XO_DANG = "14", "Xơ-đăng"
    SAN_CHAY = "15", "Sán Chay"
    CO_HO = "16", "Cơ-ho"
    CHAM = "17", "Chăm"
    SAN_DIU = "18", "Sán Dìu"
    HRE = "19", "Hrê"
    MNONG = "20", "Mnông"
    RA_GLAI = "21", "Ra-glai"
    XTIENG = "22", "Xtiêng"
    BRU_VAN_KIEU = "23", "Bru-Vân Kiều"
    THO = "24", "Thổ"
    GIAY = "25", "Giáy"
    CO_TU = "26", "Cơ-tu"
    GIE_TRIENG = "27", "Gié-Triêng"
    MA = "28", "Mạ"
    KHO_MU = "29", "Khơ-mú"
    CO = "30", "Co"
    TA_OI = "31", "Tà-ôi"
    CHO_RO = "32", "Chơ-ro"
    KHANG = "33", "Kháng"
    XINH_MUN = "34", "Xinh-mun"
    HA_NHI = "35", "Hà Nhì"
    CHU_RU = "36", "Chu-ru"
    LAO = "37", "Lào"
    LA_CHI = "38", "La Chí"
    LA_HA = "39", "La Ha"
    PHU_LA = "40", "Phù Lá"
    LA_HU = "41", "La Hủ"
    LU = "42", "Lự"
    LO_LO = "43", "Lô Lô"
    CHUT = "44", "Chứt"
    MANG = "45", "Mảng"
    PA_THEN = "46", "Pà Thẻn"
    CO_LAO = "47", "Cơ Lao"
    CONG = "48", "Cống"
    BO_Y = "49", "Bố Y"
    SI_LA = "50", "Si La"
    PU_PEO = "51", "Pu Péo"
    BRAU = "52", "Brâu"
    O_DU = "53", "Ơ Đu"
    RO_MAM = "54", "Rơ-măm"


class Gender(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


class PovertyStatus(models.TextChoices):
    POOR = "poor", _("poor household")
    NEAR_POOR = "near_poor", _("near-poor household")
    NONE = "none", _("neither")


class Household(Record):
    area_path = "commune"
    # A register names a household by its code and its head (rice lines, housing supports).
    read_by_dependents = ("code", "head")

    code = models.CharField(_("household code"), max_length=30, help_text=_("The commune's code for the household."))
    commune = commune_field()
    address = models.CharField(_("village or hamlet"), max_length=200, blank=True)
    head = models.ForeignKey(
        "Person", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("head of household")
    )
    size = models.PositiveSmallIntegerField(_("number of members"))
    poverty_status = models.CharField(
        _("poverty status"), max_length=10, choices=PovertyStatus.choices, default=PovertyStatus.NONE
    )
    certificate_year = models.PositiveSmallIntegerField(
        _("year certified"),
        null=True,
        blank=True,
        help_text=_("The year the household was certified poor or near-poor."),
    )

    objects = RegisterQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["commune__code", "code"]
        constraints = [
            unique(
                "household_unique_commune_code",
                ["commune", "code"],
                _("This commune already has a household with this code."),
            ),
            rule("household_size_positive", Q(size__gte=1), _("A household has at least one member.")),
            rule(
                "household_certificate_year_when_poor",
                Q(poverty_status="none") | Q(certificate_year__isnull=False),
                _("A poor or near-poor household needs the year it was certified."),
            ),
        ]

    def __str__(self):
        head = f" – {self.head.full_name}" if self.head_id else ""
        return f"{self.code}{head} ({self.commune})"

    def save(self, *args, **kwargs):
        # A head chosen before being entered as a member (a person without a household)
        # becomes one: the head of a household is always among its members.
        with transaction.atomic():
            super().save(*args, **kwargs)
            if self.head_id and self.head.household_id is None:
                Person.objects.filter(pk=self.head_id, household=None).update(household=self)
                self.head.household = self

    def clean(self):
        if self.head_id:
            if self.head.household_id not in (None, self.pk):
                raise ValidationError({"head": _("The head of household must be a member of this household.")})
            if self.commune_id and self.head.commune_id != self.commune_id:
                raise ValidationError({"head": _("The head of household lives in another commune.")})
        if self.certificate_year:
            check_in_force(self.commune if self.commune_id else None, self.certificate_year, "commune")


# What a user is told of a citizen ID that a person outside their units has: nothing of that
# person, not even that there is one. The ID is unique in the whole province, so it is refused
# all the same, by the form and by every import, in these words.
CITIZEN_ID_HELD_OUTSIDE = _(
    "No one in your units has this citizen ID, and it cannot be recorded here: check the number; "
    "if it is right, ask the province's staff."
)


def duplicate_key(full_name, birth_year, commune_id):
    """What two records of one person without a citizen ID share: folded name, birth year, commune.
    The name without its spaces too: "LòThị Thử" (typed so, or with a zero-width joiner for the
    space, which is taken out) is "Lò Thị Thử" written carelessly, not someone else."""
    return f"{fold(nfc(full_name)).replace(' ', '')}|{birth_year}|{commune_id}"


class PersonQuerySet(RegisterQuerySet):
    def with_duplicate_flag(self):
        """Adds `possible_duplicate`: a person without a citizen ID who shares the folded name,
        birth year and commune with someone else."""
        others = Person.objects.filter(duplicate_key=OuterRef("duplicate_key")).exclude(pk=OuterRef("pk"))
        return self.annotate(possible_duplicate=Q(citizen_id="") & Exists(others))


class Person(Record):
    area_path = "commune"
    personal_fields = ("citizen_id",)
    # What a register prints of the person it is about: an approved year keeps printing it as
    # approved (README, "Approving a year"). Their household, commune and note are theirs today.
    read_by_dependents = ("full_name", "gender", "birth_date", "birth_year", "ethnicity", "citizen_id")

    full_name = models.CharField(_("full name"), max_length=100)
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"), blank=True, help_text=_("Taken from the date of birth when only that is given.")
    )
    ethnicity = models.CharField(_("ethnicity"), max_length=2, choices=Ethnicity.choices, default=Ethnicity.KINH)
    citizen_id = models.CharField(
        _("citizen ID"),
        max_length=12,
        blank=True,
        help_text=_("12 digits (CCCD); leave blank for a person without one."),
    )
    commune = commune_field(verbose_name=_("commune of residence"))
    household = models.ForeignKey(
        Household, models.SET_NULL, null=True, blank=True, related_name="members", verbose_name=_("household")
    )
    note = models.TextField(_("note"), blank=True)
    search_name = models.CharField(max_length=100, editable=False)
    duplicate_key = models.CharField(max_length=140, editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["search_name", "birth_year"]
        # Plain indexes, not db_index: on PostgreSQL that adds a second, pattern index to each
        # (for LIKE 'prefix%'), which no search here uses (a name is searched anywhere in it) and
        # which costs a fifth of the time of adding people.
        indexes = [models.Index(fields=["search_name"]), models.Index(fields=["duplicate_key"])]
        constraints = [
            unique(
                "person_unique_citizen_id",
                ["citizen_id"],
                _("A person with this citizen ID already exists."),
                condition=~Q(citizen_id=""),
            ),
            rule(
                "person_birth_year_range",
                Q(birth_year__gte=1880, birth_year__lte=2100),
                _("The year of birth must be between 1880 and 2100."),
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.birth_year})"

    def save(self, *args, **kwargs):
        self.set_derived_fields()
        super().save(*args, **kwargs)

    def set_derived_fields(self):
        """The composed name and the search and duplicate keys (also before a bulk insert)."""
        self.full_name = nfc(self.full_name)
        self.search_name = fold(self.full_name)
        self.duplicate_key = duplicate_key(self.full_name, self.birth_year, self.commune_id)

    def validate_constraints(self, exclude=None):
        """The model's constraints; a citizen ID that someone outside the acting user's units
        has is refused in words that say nothing of them (CITIZEN_ID_HELD_OUTSIDE)."""
        if not self._citizen_id_held_outside(exclude):
            return super().validate_constraints(exclude)
        errors = {"citizen_id": [CITIZEN_ID_HELD_OUTSIDE]}
        try:
            super().validate_constraints({*(exclude or ()), "citizen_id"})
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        raise ValidationError(errors)

    def _citizen_id_held_outside(self, exclude):
        if not self.citizen_id or "citizen_id" in (exclude or ()):
            return False
        holders = Person.objects.filter(citizen_id=self.citizen_id).exclude(pk=self.pk)
        return scope_of(current_user()).rows_outside(holders).exists()

    def clean(self):
        errors = {}
        self.full_name = nfc(self.full_name or "")
        if self.birth_date and self.birth_year is None:
            self.birth_year = self.birth_date.year
        if self.birth_year is None:
            errors["birth_year"] = _("Give the date or the year of birth.")
        elif self.birth_date and self.birth_date.year != self.birth_year:
            errors["birth_year"] = _("The year of birth does not match the date of birth.")
        if self.birth_date and self.birth_date > datetime.date.today():
            errors["birth_date"] = _("The date of birth is in the future.")
        if self.citizen_id:
            problems = citizen_id_problems(
                self.citizen_id,
                female=self.gender == Gender.FEMALE if self.gender else None,
                birth_year=self.birth_year,
            )
            if problems:
                errors["citizen_id"] = problems
        if self.household_id and self.commune_id and self.household.commune_id != self.commune_id:
            errors["household"] = _("The household lives in another commune.")
        if errors:
            raise ValidationError(errors)

    def age_in(self, year):
        """Age by calendar year, as longevity celebrations count it."""
        return year - self.birth_year
