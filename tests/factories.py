"""Plain factory functions: each test says what it needs, with defaults for the rest."""

import csv
import datetime
import io
import itertools
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth import get_user_model

from agencies.models import Agency
from areas.models import AdminUnit
from beneficiaries.models import (
    AdmissionDossier,
    Decision,
    ElderlyVisit,
    FuneralAllowance,
    Gender,
    Household,
    HousingSupport,
    LongevityGift,
    MedicalReferral,
    Person,
    PovertyStatus,
    RecordAmendment,
    RiceReliefLine,
    RiceReliefRound,
    TrainingClass,
    WorshipAllowance,
)
from indicators.models import Indicator, IndicatorValue, Sector
from reports.models import ReportNarrative

PASSWORD = "a-long-test-password-2024"


def make_unit(
    *, code, name=None, level=AdminUnit.Level.COMMUNE, unit_type=None, parent=None, valid_from=None, valid_to=None
):
    default_type = {
        AdminUnit.Level.COUNTRY: AdminUnit.UnitType.QUOC_GIA,
        AdminUnit.Level.PROVINCE: AdminUnit.UnitType.TINH,
        AdminUnit.Level.DISTRICT: AdminUnit.UnitType.HUYEN,
        AdminUnit.Level.COMMUNE: AdminUnit.UnitType.XA,
    }[level]
    unit = AdminUnit(
        code=code,
        name=name or f"Đơn vị {code}",
        level=level,
        unit_type=unit_type or default_type,
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    unit.full_clean()
    unit.save()
    return unit


def make_province(*, code="06", name="Tỉnh Bắc Kạn", **kwargs):
    kwargs.setdefault("valid_to", datetime.date(2025, 6, 30))
    return make_unit(code=code, name=name, level=AdminUnit.Level.PROVINCE, **kwargs)


def make_district(*, parent, code="060", name="Huyện Pác Nặm", **kwargs):
    kwargs.setdefault("valid_to", parent.valid_to)
    return make_unit(code=code, name=name, level=AdminUnit.Level.DISTRICT, parent=parent, **kwargs)


def make_commune(*, parent, code="01858", name="Xã Bằng Thành", **kwargs):
    kwargs.setdefault("valid_to", parent.valid_to)
    return make_unit(code=code, name=name, level=AdminUnit.Level.COMMUNE, parent=parent, **kwargs)


def make_sector(*, code="lao_dong_viec_lam", name="Lao động – việc làm", order=1):
    return Sector.objects.get_or_create(code=code, defaults={"name": name, "order": order})[0]


def make_indicator(
    *,
    code="jobs_created",
    name="Giải quyết việc làm",
    unit="người",
    has_plan=True,
    sector=None,
    parent=None,
    relation="",
    **kwargs,
):
    indicator = Indicator(
        code=code,
        name=name,
        unit=unit,
        has_plan=has_plan,
        sector=sector or make_sector(),
        parent=parent,
        relation=relation,
        **kwargs,
    )
    indicator.full_clean()
    indicator.save()
    return indicator


def make_value(*, indicator, area, year=2024, plan=None, actual=None, **kwargs):
    value = IndicatorValue(
        indicator=indicator,
        area=area,
        year=year,
        plan=None if plan is None else Decimal(plan),
        actual=None if actual is None else Decimal(actual),
        **kwargs,
    )
    value.full_clean()
    value.save()
    return value


def make_agency(*, area, sectors=(), **kwargs):
    """An agency of `area`, holding `sectors` (Sector rows; none: every sector)."""
    fields = {
        "managing_body": "UBND TỈNH BẮC KẠN",
        "name": "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
        "abbreviation": "SLĐTBXH",
        "place": "Bắc Kạn",
        "signer_title": "GIÁM ĐỐC",
        "signer_name": "Hoàng Văn Minh",
        "recipients": "UBND tỉnh\nLưu: VT, VP",
        "valid_to": datetime.date(2025, 2, 28),
    }
    fields.update(kwargs)
    agency = Agency(area=area, **fields)
    agency.will_hold(sectors)
    agency.full_clean()
    agency.save()
    agency.sectors.set(sectors)
    return agency


def make_report_narrative(*, agency, year=2024, area=None, **sections):
    """The narrative of `agency`'s `year` report on its area: `sections` among shortcomings,
    directions and recommendations (blank when not given)."""
    narrative = ReportNarrative(agency=agency, area=area or agency.area, year=year, **sections)
    narrative.full_clean()
    narrative.save()
    return narrative


def make_superuser(*, username="admin"):
    return get_user_model().objects.create_superuser(username=username, password=PASSWORD, email="")


def make_staff_user(*, username="staff", permissions=()):
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user(username=username, password=PASSWORD, is_staff=True)
    for codename in permissions:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


# Beneficiary registers ---------------------------------------------------------------------

_serials = itertools.count(1)


def _next():
    return next(_serials)


def _saved(instance):
    instance.full_clean()
    instance.save()
    return instance


def default_commune():
    """Xã Bằng Thành (01858) of Huyện Pác Nặm, 2024: the unit a register entry lives in unless
    the test says otherwise (made once, found again afterwards)."""
    commune = AdminUnit.objects.filter(code="01858", valid_from=None).first()
    if commune is None:
        province = AdminUnit.objects.filter(code="06").first() or make_province()
        district = AdminUnit.objects.filter(code="060").first() or make_district(parent=province)
        commune = make_commune(parent=district)
    return commune


def make_reformed_commune(*, code="01864", name="Xã Bằng Thành"):
    """A commune of Thái Nguyên as reformed on 01/07/2025 (new Xã Bằng Thành took old Xã Bộc
    Bố's code): the unit a 2024 entry must not point at."""
    reform = datetime.date(2025, 7, 1)
    province = AdminUnit.objects.filter(code="19", valid_from=reform).first() or make_province(
        code="19", name="Tỉnh Thái Nguyên", valid_from=reform, valid_to=None
    )
    return make_commune(parent=province, code=code, name=name, valid_from=reform, valid_to=None)


@dataclass
class MergedProvinces:
    """Old Bắc Kạn and old Thái Nguyên (until 30/06/2025) and the new Thái Nguyên formed from
    them, each with a few communes; see make_merged_provinces."""

    bac_kan: AdminUnit
    bac_kan_district: AdminUnit
    merged_commune: AdminUnit
    divided_commune: AdminUnit
    old_thai_nguyen: AdminUnit
    old_thai_nguyen_district: AdminUnit
    old_thai_nguyen_commune: AdminUnit
    thai_nguyen: AdminUnit
    new_commune: AdminUnit
    other_new_commune: AdminUnit


def make_merged_provinces():
    """The 2025 reform in small: Bắc Kạn's Xã Bộc Bố went whole into new Xã Bằng Thành, its Xã
    Nhạn Môn was divided between Bằng Thành and Xã Cổ Linh, old Thái Nguyên's Xã Tân Cương
    went into Cổ Linh; both old provinces went into the new Thái Nguyên (codes as GSO's, the
    new province keeping old Thái Nguyên's 19), under the country as load_units puts them."""
    reform = datetime.date(2025, 7, 1)
    country = make_unit(code="VN", name="Việt Nam", level=AdminUnit.Level.COUNTRY)
    bac_kan = make_province(parent=country)
    bac_kan_district = make_district(parent=bac_kan)
    merged = make_commune(parent=bac_kan_district, code="01864", name="Xã Bộc Bố")
    divided = make_commune(parent=bac_kan_district, code="01867", name="Xã Nhạn Môn")
    old_thai_nguyen = make_province(code="19", name="Tỉnh Thái Nguyên", parent=country)
    old_district = make_district(parent=old_thai_nguyen, code="164", name="Thành phố Thái Nguyên")
    old_commune = make_commune(parent=old_district, code="05536", name="Xã Tân Cương")
    thai_nguyen = make_province(code="19", name="Tỉnh Thái Nguyên", parent=country, valid_from=reform, valid_to=None)
    new_commune = make_commune(parent=thai_nguyen, code="01864", name="Xã Bằng Thành", valid_from=reform)
    other = make_commune(parent=thai_nguyen, code="01870", name="Xã Cổ Linh", valid_from=reform)
    bac_kan.successors.set([thai_nguyen])
    old_thai_nguyen.successors.set([thai_nguyen])
    merged.successors.set([new_commune])
    divided.successors.set([new_commune, other])
    old_commune.successors.set([other])
    return MergedProvinces(
        bac_kan=bac_kan,
        bac_kan_district=bac_kan_district,
        merged_commune=merged,
        divided_commune=divided,
        old_thai_nguyen=old_thai_nguyen,
        old_thai_nguyen_district=old_district,
        old_thai_nguyen_commune=old_commune,
        thai_nguyen=thai_nguyen,
        new_commune=new_commune,
        other_new_commune=other,
    )


def make_citizen_id(*, female=False, birth_year=1950, province="001", serial=None):
    """A well-formed 12-digit citizen ID for a person of that gender and birth year."""
    from beneficiaries.citizen_id import gender_century_digit

    serial = _next() if serial is None else serial
    return f"{province}{gender_century_digit(female=female, birth_year=birth_year)}{birth_year % 100:02d}{serial:06d}"


def make_decision(*, number=None, date=datetime.date(2024, 3, 15), issuer="UBND tỉnh Bắc Kạn", **kwargs):
    return _saved(Decision(number=number or f"{_next()}/QĐ-UBND", date=date, issuer=issuer, **kwargs))


def make_person(
    *,
    full_name="Nguyễn Văn An",
    gender=Gender.MALE,
    birth_year=1950,
    commune=None,
    citizen_id="",
    **kwargs,
):
    return _saved(
        Person(
            full_name=full_name,
            gender=gender,
            birth_year=birth_year,
            commune=commune or default_commune(),
            citizen_id=citizen_id,
            **kwargs,
        )
    )


def make_household(
    *, code=None, commune=None, size=4, poverty_status=PovertyStatus.POOR, certificate_year=None, **kwargs
):
    if certificate_year is None and poverty_status != PovertyStatus.NONE:
        certificate_year = 2024
    return _saved(
        Household(
            code=code or f"H{_next():05d}",
            commune=commune or default_commune(),
            size=size,
            poverty_status=poverty_status,
            certificate_year=certificate_year,
            **kwargs,
        )
    )


def make_round(
    *,
    code=None,
    year=2024,
    occasion=RiceReliefRound.Occasion.TET,
    area=None,
    distribution_date=None,
    months=1,
    kg_allocated=100_000,
    **kwargs,
):
    return _saved(
        RiceReliefRound(
            code=code or f"{year}-round-{_next()}",
            year=year,
            occasion=occasion,
            area=area or default_commune().parent,
            distribution_date=distribution_date or datetime.date(year, 2, 1),
            months=months,
            kg_allocated=Decimal(kg_allocated),
            **kwargs,
        )
    )


def make_rice_line(*, round=None, household=None, commune=None, persons=4, kg=60):
    household = household or make_household(commune=commune, size=max(persons, 1))
    return _saved(
        RiceReliefLine(
            round=round or make_round(),
            household=household,
            commune=commune or household.commune,
            persons=persons,
            kg=Decimal(kg),
        )
    )


def make_longevity_gift(*, person=None, year=2024, milestone=90, commune=None, **kwargs):
    person = person or make_person(birth_year=year - (101 if milestone == 101 else milestone))
    kwargs.setdefault("cash_vnd", Decimal(500_000))
    kwargs.setdefault("in_kind_vnd", Decimal(150_000))
    return _saved(
        LongevityGift(person=person, year=year, milestone=milestone, commune=commune or person.commune, **kwargs)
    )


def make_housing_support(
    *,
    household=None,
    year=2024,
    funding_source=HousingSupport.FundingSource.SPONSOR,
    sponsor="MB Bank",
    amount_vnd=50_000_000,
    commune=None,
    **kwargs,
):
    household = household or make_household(commune=commune)
    return _saved(
        HousingSupport(
            household=household,
            year=year,
            funding_source=funding_source,
            sponsor=sponsor,
            amount_vnd=Decimal(amount_vnd),
            commune=commune or household.commune,
            **kwargs,
        )
    )


def make_funeral_allowance(
    *,
    deceased=None,
    year=2024,
    date_of_death=datetime.date(2024, 5, 10),
    category=FuneralAllowance.Category.MERITORIOUS,
    amount_vnd=23_400_000,
    commune=None,
    **kwargs,
):
    deceased = deceased or make_person(birth_year=1940)
    kwargs.setdefault("recipient_name", "Nguyễn Văn Bình")
    return _saved(
        FuneralAllowance(
            deceased=deceased,
            year=year,
            date_of_death=date_of_death,
            category=category,
            amount_vnd=Decimal(amount_vnd),
            commune=commune or deceased.commune,
            **kwargs,
        )
    )


def make_worship_allowance(
    *,
    martyr_record=None,
    martyr_name="Liệt sĩ Hoàng Văn Thụ",
    worshipper=None,
    year=2024,
    valid_from=datetime.date(2024, 1, 1),
    valid_to=None,
    yearly_amount_vnd=2_789_000,
    commune=None,
    **kwargs,
):
    worshipper = worshipper or make_person(birth_year=1960)
    return _saved(
        WorshipAllowance(
            martyr_record=martyr_record or f"LS-{_next():05d}",
            martyr_name=martyr_name,
            worshipper=worshipper,
            year=year,
            valid_from=valid_from,
            valid_to=valid_to,
            yearly_amount_vnd=Decimal(yearly_amount_vnd),
            commune=commune or worshipper.commune,
            **kwargs,
        )
    )


def make_medical_referral(*, person=None, year=2024, referred_on=datetime.date(2024, 4, 2), commune=None, **kwargs):
    person = person or make_person(birth_year=1948)
    kwargs.setdefault("condition", "Ung thư phổi")
    return _saved(
        MedicalReferral(person=person, year=year, referred_on=referred_on, commune=commune or person.commune, **kwargs)
    )


def make_record_amendment(*, person=None, year=2024, decision=None, commune=None, **kwargs):
    person = person or make_person(birth_year=1945)
    kwargs.setdefault("change", "Sửa năm sinh trong hồ sơ")
    return _saved(
        RecordAmendment(
            person=person, year=year, decision=decision or make_decision(), commune=commune or person.commune, **kwargs
        )
    )


def make_elderly_visit(
    *, person=None, year=2024, visited_on=datetime.date(2024, 10, 5), gift_vnd=500_000, commune=None, **kwargs
):
    person = person or make_person(birth_year=year - 80)
    return _saved(
        ElderlyVisit(
            person=person,
            year=year,
            visited_on=visited_on,
            gift_vnd=Decimal(gift_vnd),
            commune=commune or person.commune,
            **kwargs,
        )
    )


def make_admission_dossier(*, person=None, year=2024, received_on=datetime.date(2024, 6, 3), commune=None, **kwargs):
    person = person or make_person(birth_year=1938)
    return _saved(
        AdmissionDossier(person=person, year=year, received_on=received_on, commune=commune or person.commune, **kwargs)
    )


def make_training_class(
    *,
    title=None,
    year=2024,
    area=None,
    level=TrainingClass.Level.COMMUNE,
    starts_on=datetime.date(2024, 8, 20),
    ends_on=datetime.date(2024, 8, 22),
    place="Hội trường UBND huyện",
    participants=110,
    **kwargs,
):
    return _saved(
        TrainingClass(
            # A unit holds one class of a title a year: each class made here is another one.
            title=title or f"Tập huấn cán bộ làm công tác giảm nghèo, lớp {_next()}",
            year=year,
            area=area or default_commune().parent,
            level=level,
            starts_on=starts_on,
            ends_on=ends_on,
            place=place,
            participants=participants,
            **kwargs,
        )
    )


# Roles and year approval ---------------------------------------------------------------------


def make_resident(*, commune, number, birth_year=1934, full_name=None):
    """A person with a citizen ID."""
    return make_person(
        full_name=full_name or f"Lục Văn Số {number}",
        birth_year=birth_year,
        commune=commune,
        citizen_id=make_citizen_id(birth_year=birth_year, serial=number),
    )


def household_of(person):
    """The person's household, a poor one they head, made the first time it is asked for."""
    if person.household is None:
        make_household(code=f"H-{person.citizen_id[-6:]}", commune=person.commune, head=person)
        person.refresh_from_db()
    return person.household


def _rice_line(person, year):
    round = make_round(year=year, area=person.commune.parent, months=1)
    return make_rice_line(round=round, household=household_of(person), persons=2, kg=30)


# One entry of each register for a person of `commune` in `year`: the rows every test below lists.
ENTRY_MAKERS = {
    Person: lambda person, year: person,
    Household: lambda person, year: household_of(person),
    Decision: lambda person, year: make_decision(date=datetime.date(year, 3, person.pk % 28 + 1)),
    RiceReliefRound: lambda person, year: make_round(year=year, area=person.commune.parent),
    RiceReliefLine: _rice_line,
    LongevityGift: lambda person, year: make_longevity_gift(
        person=person, year=year, milestone=year - person.birth_year
    ),
    HousingSupport: lambda person, year: make_housing_support(household=household_of(person), year=year),
    FuneralAllowance: lambda person, year: make_funeral_allowance(
        deceased=person, year=year, date_of_death=datetime.date(year, 5, 10)
    ),
    WorshipAllowance: lambda person, year: make_worship_allowance(
        worshipper=person, year=year, valid_from=datetime.date(year, 1, 1)
    ),
    MedicalReferral: lambda person, year: make_medical_referral(
        person=person, year=year, referred_on=datetime.date(year, 4, 2)
    ),
    RecordAmendment: lambda person, year: make_record_amendment(person=person, year=year),
    ElderlyVisit: lambda person, year: make_elderly_visit(
        person=person, year=year, visited_on=datetime.date(year, 10, 5)
    ),
    AdmissionDossier: lambda person, year: make_admission_dossier(
        person=person, year=year, received_on=datetime.date(year, 6, 3)
    ),
    TrainingClass: lambda person, year: make_training_class(
        year=year,
        area=person.commune.parent,
        starts_on=datetime.date(year, 8, 20),
        ends_on=datetime.date(year, 8, 22),
    ),
}


def make_role_user(*, username, role, units=()):
    """A staff user in the role group `role` (accounts.roles), bound to `units`."""
    from django.contrib.auth.models import Group

    from accounts.models import UserArea
    from accounts.roles import grant_role_permissions

    if not Group.objects.filter(name=role).exists():
        grant_role_permissions()  # a TransactionTestCase's flush empties the groups the migration made
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    for unit in units:
        UserArea.objects.create(user=user, area=unit)
    return user


def make_approved_year(*, area, year=2024, approver=None):
    """An approved YearApproval, as approvals.workflow leaves it."""
    from django.utils import timezone

    from approvals.models import YearApproval

    approver = approver or get_user_model().objects.create_user(
        username=f"duyet-{area.code}-{year}", first_name="Nguyễn Thị", last_name="Duyệt", password=PASSWORD
    )
    return YearApproval.objects.create(
        area=area, year=year, state=YearApproval.State.APPROVED, approved_by=approver, approved_at=timezone.now()
    )


class DistrictRows:
    """One row of any model, in one district: the unit itself, a user bound to it, its year
    approval (a draft), or a row whose required fields are filled in from the district's commune,
    person and household (2024), made on first asking and kept in `rows`.

    Built from the model's fields, so a model registered later gets its rows without anyone
    editing this; a field it cannot fill fails loudly until someone teaches it.
    """

    def __init__(self, *, province, indicator, code="060", name="Pác Nặm", commune_code="01858", serial=1234):
        self.district = make_district(parent=province, code=code, name=name)
        self.commune = make_commune(parent=self.district, code=commune_code, name=f"Xã {name}")
        self.person = make_person(
            commune=self.commune, full_name=f"Người {name}", citizen_id=make_citizen_id(serial=serial)
        )
        self.household = make_household(commune=self.commune, code=f"HO-{code}")
        self.rows = {Person: self.person, Household: self.household, Indicator: indicator}

    def row(self, model):
        if model not in self.rows:
            self.rows[model] = self._new_row(model)
        return self.rows[model]

    def _new_row(self, model):
        from approvals.models import YearApproval

        if model is AdminUnit:
            return self.commune
        if model is get_user_model():
            from accounts.roles import ADMINISTRATOR

            code = self.district.code
            return make_role_user(username=f"user-{code}", role=ADMINISTRATOR, units=[self.district])
        if model is YearApproval:
            return YearApproval.objects.create(area=self.district, year=2024)
        values = {}
        for field in model._meta.concrete_fields:
            if field.primary_key or field.has_default() or field.null or not field.editable:
                continue
            if field.blank and not field.is_relation and field.empty_strings_allowed:
                continue
            values[field.name] = self._value_for(model, field)
        return model.objects.create(**values)

    def _value_for(self, model, field):
        from django.db import models

        if field.is_relation:
            target = field.related_model
            if target is AdminUnit:
                communes_allowed = AdminUnit.objects.filter(pk=self.commune.pk).complex_filter(
                    field.get_limit_choices_to()
                )
                return self.commune if communes_allowed.exists() else self.district
            return self.row(target)
        if field.choices:
            return field.choices[0][0]
        if field.name == "year" or field.name.endswith("_year"):
            return 2024
        if isinstance(field, models.DateTimeField):
            return datetime.datetime(2024, 6, 1, tzinfo=datetime.UTC)
        if isinstance(field, models.DateField):
            return datetime.date(2024, 6, 1)
        if isinstance(field, models.DecimalField):
            return Decimal(1)
        if isinstance(field, models.IntegerField):
            return 1
        if isinstance(field, models.CharField | models.TextField):
            return f"{model._meta.model_name}-{self.district.code}"[: field.max_length]
        if isinstance(field, models.BooleanField):
            return False
        raise AssertionError(f"Teach DistrictRows to fill {model._meta.label}.{field.name}")


# Files as staff send them, built in code for the import tests.

TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def encode_windows_1258(text):
    """`text` as Excel on Vietnamese Windows saves it in Windows-1258, whose precomposed letters
    carry no tone: "ệ" becomes "ê" followed by a combining dot below."""
    encoded = bytearray()
    for character in text:
        try:
            encoded += character.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", character)
            base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
            encoded += (base + "".join(c for c in decomposed if c in TONE_MARKS)).encode("cp1258")
    return bytes(encoded)


def make_csv_bytes(rows, *, encoding="utf-8-sig", delimiter=",", newline="\r\n"):
    """`rows` (lists of cells) as a CSV file; encoding "windows-1258" writes what Excel writes."""
    handle = io.StringIO()
    csv.writer(handle, delimiter=delimiter, lineterminator=newline).writerows(rows)
    if encoding == "windows-1258":
        return encode_windows_1258(handle.getvalue())
    return handle.getvalue().encode(encoding)


def make_xlsx_bytes(
    rows,
    *,
    number_formats=None,
    sheets_before=(),
    sheets_after=(),
    title="Sheet",
    state="visible",
    written_numbers=None,
):
    """`rows` as the sheet `title` of an Excel workbook; cells keep their Python types (numbers,
    dates, text). `number_formats` maps a cell such as "C2" to its Excel number format.
    `sheets_before` and `sheets_after` are (title, rows, state) of sheets around it ("hidden",
    "veryHidden"); `state` is its own.
    `written_numbers` maps a number cell such as "D2" to the text its XML holds ("NaN", "1e309"),
    as no spreadsheet program writes but a crafted file can."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    sheets = [*sheets_before, (title, rows, state), *sheets_after]
    for sheet_title, sheet_rows, sheet_state in sheets:
        other = workbook.create_sheet(sheet_title)
        for row in sheet_rows:
            other.append(row)
        other.sheet_state = sheet_state
    sheet = workbook[title]
    # Excel opens on a visible sheet; it cannot be the data sheet when that one is hidden.
    workbook.active = next(index for index, (_, _, sheet_state) in enumerate(sheets) if sheet_state == "visible")
    for cell, number_format in (number_formats or {}).items():
        sheet[cell].number_format = number_format
    handle = io.BytesIO()
    workbook.save(handle)
    if not written_numbers:
        return handle.getvalue()

    def write_numbers(xml):
        for cell, written in written_numbers.items():
            number = rf'(<c r="{cell}"[^>]*><v>)[^<]*(</v>)'.encode()
            xml, count = re.subn(number, rf"\g<1>{written}\g<2>".encode(), xml)
            assert count == 1, f"{cell} holds no number"
        return xml

    return rewrite_xlsx_part(handle.getvalue(), f"xl/worksheets/sheet{len(sheets_before) + 1}.xml", write_numbers)


def rewrite_xlsx_part(data, path, rewrite):
    """The workbook `data` with its part at `path` (XML bytes) passed through `rewrite`."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {entry.filename: archive.read(entry) for entry in archive.infolist()}
    parts[path] = rewrite(parts[path])
    handle = io.BytesIO()
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return handle.getvalue()


def export_list(client, changelist, params=(), file_format="csv", **kwargs):
    """The export of the list at `changelist` with the query string `params`, as its button
    sends it: a POST to export/ under the list's filters."""
    query = urlencode(params, doseq=True)
    return client.post(f"{changelist}export/" + (f"?{query}" if query else ""), {"_format": file_format}, **kwargs)
