"""The Bắc Kạn 2024 demo: the province's units, the article's catalogue and figures, and
beneficiary registers of synthetic people whose totals are the article's; and Thái Nguyên, which
Bắc Kạn became part of on 01/07/2025, whole in both structures, with illustrative (made-up, never
published) figures of old Thái Nguyên's 2024, of 2025 on both sides of the reform and of 2026.

Everything goes through the models' own validation (full_clean), as staff input does,
and is keyed on business keys, so loading twice changes nothing.
"""

import csv
import datetime
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import UserArea
from accounts.roles import ADMINISTRATOR, CLERK, REVIEWER, VIEWER, grant_role_permissions
from agencies.models import Agency
from areas.loading import NEW_STRUCTURE_START, OLD_STRUCTURE_END, load_admin_units, load_units
from areas.models import AdminUnit
from demo.registers import load_registers
from demo.registers.reform import load_reform_dossiers
from imports.kinds import get_kind
from imports.process import run_import
from indicators.models import Indicator, IndicatorValue, Sector

DATA = Path(__file__).resolve().parent / "data"
DEMO_YEAR = 2024
# The province Bắc Kạn became part of on 01/07/2025, loaded whole in both structures.
DEMO_PROVINCE = "19"
DEMO_USERNAME = "admin"
DEMO_PASSWORD = "bkxh-demo-2024"
# One user of each role for old Bắc Kạn, for one of its districts (Huyện Pác Nặm) and for the new
# Thái Nguyên; a code names the unit it meant in the year given.
DEMO_ROLE_USERS = [
    (f"{place}.{role_key}", role, area_code, year)
    for place, area_code, year in (("tinh", "06", DEMO_YEAR), ("pacnam", "060", DEMO_YEAR), ("thainguyen", "19", 2026))
    for role_key, role in (("quantri", ADMINISTRATOR), ("nhaplieu", CLERK), ("duyet", REVIEWER), ("xem", VIEWER))
]


def _rows(name):
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _decimal(text):
    return Decimal(text) if text else None


def _save(instance):
    instance.full_clean()
    instance.save()
    return instance


def load_catalogue():
    for row in _rows("sectors.csv"):
        Sector.objects.update_or_create(code=row["code"], defaults={"name": row["name"], "order": int(row["order"])})
    sectors = {sector.code: sector for sector in Sector.objects.all()}
    for order, row in enumerate(_rows("indicator-catalogue.csv"), start=1):
        indicator = Indicator.objects.filter(code=row["code"]).first() or Indicator(code=row["code"])
        indicator.sector = sectors[row["sector"]]
        indicator.parent = Indicator.objects.get(code=row["parent_code"]) if row["parent_code"] else None
        indicator.relation = row["relation"]
        indicator.name = row["name_vi"]
        indicator.short_name = row["short_name"]
        indicator.phrase = row["phrase"]
        indicator.unit = row["unit"]
        indicator.has_plan = row["has_plan"] == "yes"
        indicator.at_year_end = row["at_year_end"] == "yes"
        indicator.source = row["source"]
        indicator.order = order
        _save(indicator)
    return Indicator.objects.count()


def load_values():
    """The article's figures, read by the real importer from a file in the import format, with
    the percentages the article printed and the decisions that set the plans added to the
    checked rows before they are written (each value is written once)."""
    details = {
        (row["indicator_code"], int(row["year"]), row["area_code"]): row
        for row in _rows("bac-kan-2024-printed-percent.csv")
    }

    def add_details(result):
        for value in [instance for _number, instance in result.new] + [change.instance for change in result.changed]:
            detail = details.get((value.indicator.code, value.year, value.area.code))
            if detail:
                value.reported_percent = _decimal(detail["reported_percent"])
                value.plan_decision = detail["plan_decision"]
                value.full_clean(validate_unique=False)

    path = DATA / "bac-kan-2024.csv"
    _log, result = run_import(get_kind("indicator_values"), path.read_bytes(), path.name, before_write=add_details)
    if not result.ok:
        raise ValueError("; ".join(str(problem) for problem in result.problems))
    return len(result.rows)


def _illustrative(value):
    """Mark `value` as one of the demo's made-up figures; those of 2026, the running year (the demo
    is set in December 2026), are estimates, the earlier years' final."""
    value.illustrative = True
    value.status = IndicatorValue.Status.ESTIMATE if value.year >= 2026 else IndicatorValue.Status.FINAL


def load_illustrative_values():
    """Made-up figures of Thái Nguyên, marked illustrative, never published ones: old Thái Nguyên's
    2024; in 2025 old Bắc Kạn's and old Thái Nguyên's from January to June, the new province's from
    July to December and its plans for the year; 2026's plans and estimates. Returns how many.

    The file goes through the real importer. Old Thái Nguyên's January–June 2025 cannot: in a file
    code 19 of 2025 means the new province (the unit in force at the year's end), so those rows
    name no code and are saved through the model's validation, as the admin form saves a value
    of the old unit."""

    def mark(result):
        # What is set here, a flag and a status from code, needs no validation; the importer has
        # validated the rest of each row, and guards the write.
        for value in [instance for _number, instance in result.new] + [change.instance for change in result.changed]:
            _illustrative(value)

    path = DATA / "thai-nguyen-illustrative.csv"
    _log, result = run_import(get_kind("indicator_values"), path.read_bytes(), path.name, before_write=mark)
    if not result.ok:
        raise ValueError("; ".join(str(problem) for problem in result.problems))
    old_thai_nguyen = AdminUnit.objects.get(code=DEMO_PROVINCE, valid_to=OLD_STRUCTURE_END)
    indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
    stored = {(value.indicator_id, value.year): value for value in IndicatorValue.objects.filter(area=old_thai_nguyen)}
    rows = _rows("thai-nguyen-old-2025.csv")
    for row in rows:
        indicator, year = indicators[row["indicator_code"]], int(row["year"])
        value = stored.get((indicator.pk, year)) or IndicatorValue(indicator=indicator, year=year, area=old_thai_nguyen)
        value.plan, value.actual, value.note = _decimal(row["plan"]), _decimal(row["actual"]), row["note"]
        _illustrative(value)
        if value.changed_fields():
            _save(value)
    return len(result.rows) + len(rows)


def load_agencies():
    """The letterheads of each period, and the sectors each agency held. Until 28/02/2025 the
    province department (Sở LĐ-TB&XH, every sector) and the office of each district (Phòng Lao
    động - Thương binh và Xã hội under the district's People's Committee), which issues the
    district's report (old Thái Nguyên's department too; its districts' offices are not in the demo).
    From 01/03/2025 their work was split: in the province between Sở Nội
    vụ, Sở Y tế, Sở GD&ĐT, Công an tỉnh (drug rehabilitation, the one indicator of "phòng,
    chống tệ nạn xã hội") and Sở Nông nghiệp và Môi trường (poverty reduction), first of Bắc
    Kạn and of the old Thái Nguyên, then from 01/07/2025 of the new Thái Nguyên; in a district,
    its Phòng Nội vụ until the districts ended on 30/06/2025. The signers are fictional names,
    like every person in the demo."""
    sectors = {sector.code: sector for sector in Sector.objects.all()}
    agencies = []
    for row in _rows("agencies.csv"):
        valid_from = datetime.date.fromisoformat(row["valid_from"]) if row["valid_from"] else None
        valid_to = datetime.date.fromisoformat(row["valid_to"]) if row["valid_to"] else None
        # The unit the code meant while the agency worked (19: old Thái Nguyên until 30/06/2025, then the new one).
        area = AdminUnit.objects.filter(code=row["area_code"]).in_force_on(valid_from or valid_to).get()
        agency = Agency.objects.filter(
            area=area, abbreviation=row["abbreviation"], valid_from=valid_from
        ).first() or Agency(area=area, valid_from=valid_from)
        for field in ("managing_body", "name", "abbreviation", "place", "signer_title", "signer_name"):
            setattr(agency, field, row[field])
        agency.signer_authority = ""
        # One recipient per line in the model; the file separates them with ";".
        agency.recipients = "\n".join(row["recipients"].split(";"))
        agency.valid_to = valid_to
        held = [sectors[code] for code in row["sectors"].split(";") if code]
        agency.will_hold(held)
        _save(agency)
        agency.sectors.set(held)
        agencies.append(agency)
    return agencies + load_commune_agencies()


# Fictional signers of the communes' People's Committees, like every person in the demo.
_FAMILY_NAMES = ("Nguyễn", "Hoàng", "Nông", "Ma", "Lý", "Hà", "Triệu", "Lục", "Bế", "Đàm", "Dương")
_GIVEN_NAMES = ("Văn An", "Thị Bình", "Văn Cường", "Thị Dung", "Văn Hùng", "Thị Lan", "Văn Minh", "Thị Nga")


def load_commune_agencies():
    """From 01/07/2025 a commune's report is its People's Committee's, on every sector: one for
    each commune of the new Thái Nguyên. Under Decree 30 a People's Committee's letterhead has no
    managing body above it: its own name, "ỦY BAN NHÂN DÂN" over the commune's."""
    communes = AdminUnit.objects.filter(
        level=AdminUnit.Level.COMMUNE, parent__code="19", valid_from=NEW_STRUCTURE_START
    ).order_by("code")
    existing = {agency.area_id: agency for agency in Agency.objects.filter(area__in=communes, abbreviation="UBND")}
    agencies = []
    for number, commune in enumerate(communes):
        agency = existing.get(commune.pk) or Agency(area=commune, abbreviation="UBND", valid_from=NEW_STRUCTURE_START)
        agency.managing_body, agency.name = "", f"ỦY BAN NHÂN DÂN {commune.name.upper()}"
        agency.place = commune.name.split(" ", 1)[1]
        agency.signer_authority, agency.signer_title = "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"
        family, given = _FAMILY_NAMES[number % len(_FAMILY_NAMES)], _GIVEN_NAMES[number % len(_GIVEN_NAMES)]
        agency.signer_name = f"{family} {given}"
        agency.recipients = "UBND tỉnh Thái Nguyên\nSở Nội vụ tỉnh Thái Nguyên\nSở Y tế tỉnh Thái Nguyên\nLưu: VT"
        if agency.pk is None or agency.changed_fields():
            _save(agency)
        agencies.append(agency)
    return agencies


def ensure_demo_user(password_hash):
    user, _created = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
    user.is_staff = user.is_superuser = True
    user.password = password_hash
    user.save()
    return user


def ensure_role_users(password_hash):
    """The demo's staff: [(user, role, unit)], all with the demo password."""
    grant_role_permissions()  # the groups themselves, should a test have flushed them
    users = []
    for username, role, area_code, year in DEMO_ROLE_USERS:
        user, _created = get_user_model().objects.get_or_create(username=username)
        user.is_staff, user.is_superuser = True, False
        user.password = password_hash
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        area = AdminUnit.objects.for_code(area_code, year)
        UserArea.objects.filter(user=user).exclude(area=area).delete()
        UserArea.objects.get_or_create(user=user, area=area)
        users.append((user, role, area))
    return users


@transaction.atomic
def load_demo_data():
    """Load the whole demo; returns what was loaded, for the command to print."""
    # The demo users share the published demo password, so they share one hash: hashing it for
    # each user cost PBKDF2's million iterations each time, a sixth of the whole load.
    password_hash = make_password(DEMO_PASSWORD)
    # Bắc Kạn's units first: load_units keeps a stored name that is a spelling variant of the
    # dataset's, and the shipped file's are the ones the 2024 documents print.
    load_admin_units()
    thai_nguyen = load_units(DEMO_PROVINCE)
    return {
        "admin_units": AdminUnit.objects.count(),
        "thai_nguyen": thai_nguyen,
        "indicators": load_catalogue(),
        "values": load_values(),
        "illustrative_values": load_illustrative_values(),
        "agencies": load_agencies(),
        "registers": load_registers(),
        "reform_dossiers": load_reform_dossiers(),
        "user": ensure_demo_user(password_hash),
        "role_users": ensure_role_users(password_hash),
    }
