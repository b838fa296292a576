"""Plain factory functions: each test says what it needs, with defaults for the rest."""

import csv
import datetime
import io
import unicodedata
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


def make_xlsx_bytes(rows, *, number_formats=None):
    """`rows` as the first sheet of an Excel workbook; cells keep their Python types (numbers,
    dates, text). `number_formats` maps a cell such as "C2" to its Excel number format."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cell, number_format in (number_formats or {}).items():
        sheet[cell].number_format = number_format
    handle = io.BytesIO()
    workbook.save(handle)
    return handle.getvalue()
