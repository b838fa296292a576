"""Plain factory functions: each test says what it needs, with defaults for the rest."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from areas.models import AdminUnit, Agency
from indicators.models import Indicator, IndicatorValue, Sector

PASSWORD = "a-long-test-password-2024"


def make_unit(
    *, code, name=None, level=AdminUnit.Level.COMMUNE, unit_type=None, parent=None, valid_from=None, valid_to=None
):
    default_type = {
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


def make_agency(*, area, **kwargs):
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
    agency.full_clean()
    agency.save()
    return agency


def make_superuser(*, username="admin"):
    return get_user_model().objects.create_superuser(username=username, password=PASSWORD, email="")


def make_staff_user(*, username="staff", permissions=()):
    from django.contrib.auth.models import Permission

    user = get_user_model().objects.create_user(username=username, password=PASSWORD, is_staff=True)
    for codename in permissions:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


def make_role_user(*, username, role, units=()):
    """A staff user in the role group `role` (accounts.roles), bound to `units`."""
    from django.contrib.auth.models import Group

    from accounts.models import UserArea

    user = get_user_model().objects.create_user(username=username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    for unit in units:
        UserArea.objects.create(user=user, area=unit)
    return user


def make_approved_year(*, area, year=2024, approver=None):
    """An approved YearClosure, as closures.workflow leaves it."""
    from django.utils import timezone

    from closures.models import YearClosure

    approver = approver or get_user_model().objects.create_user(
        username=f"duyet-{area.code}-{year}", first_name="Nguyễn Thị", last_name="Duyệt", password=PASSWORD
    )
    return YearClosure.objects.create(
        area=area, year=year, state=YearClosure.State.APPROVED, approved_by=approver, approved_at=timezone.now()
    )


def make_person(*, commune, full_name="Hoàng Thị Lan", birth_year=1990, serial="001234", citizen_id=None, **kwargs):
    """A woman born in Bắc Kạn; her citizen ID agrees with her birth year, ending in `serial`."""
    from beneficiaries.citizen_id import gender_century_digit
    from beneficiaries.models import Gender, Person

    gender = kwargs.pop("gender", Gender.FEMALE)
    if citizen_id is None:
        century = gender_century_digit(female=gender == Gender.FEMALE, birth_year=birth_year)
        citizen_id = f"006{century}{birth_year % 100:02d}{serial}"
    person = Person(
        full_name=full_name,
        gender=gender,
        birth_year=birth_year,
        citizen_id=citizen_id,
        commune=commune,
        **kwargs,
    )
    person.full_clean()
    person.save()
    return person


def make_household(*, commune, code="HO-001", size=3, **kwargs):
    from beneficiaries.models import Household

    household = Household(code=code, commune=commune, size=size, **kwargs)
    household.full_clean()
    household.save()
    return household


def make_longevity_gift(*, person, year=2024, milestone=90, cash_vnd=500000, **kwargs):
    from beneficiaries.models import LongevityGift

    gift = LongevityGift(
        person=person, commune=person.commune, year=year, milestone=milestone, cash_vnd=Decimal(cash_vnd), **kwargs
    )
    gift.full_clean()
    gift.save()
    return gift
