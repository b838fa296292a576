"""The Bắc Kạn 2024 demo: the province's units, the article's catalogue and figures, and
beneficiary registers of synthetic people whose totals are the article's.

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
from areas.loading import load_admin_units
from areas.models import AdminUnit, Agency
from demo.registers import load_registers
from imports.kinds import get_kind
from imports.process import run_import
from indicators.models import Indicator, Sector

DATA = Path(__file__).resolve().parent / "data"
DEMO_YEAR = 2024
DEMO_USERNAME = "admin"
DEMO_PASSWORD = "bkxh-demo-2024"
# One user of each role for the province and for one district (Huyện Pác Nặm).
DEMO_ROLE_USERS = [
    (f"{place}.{role_key}", role, area_code)
    for place, area_code in (("tinh", "06"), ("pacnam", "060"))
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


def load_agencies():
    """The 2024 letterheads: the province department and the office of each district
    (Phòng Lao động - Thương binh và Xã hội under the district's People's Committee), which
    issues the district's report. Both ceased on 28/02/2025, when their work went to other
    departments and offices. The signers are fictional names, like every person in the demo."""
    agencies = []
    for row in _rows("agencies.csv"):
        area = AdminUnit.objects.for_code(row["area_code"], DEMO_YEAR)
        agency = Agency.objects.filter(area=area, abbreviation=row["abbreviation"]).first() or Agency(area=area)
        for field in ("managing_body", "name", "abbreviation", "place", "signer_title", "signer_name"):
            setattr(agency, field, row[field])
        agency.signer_authority = ""
        # One recipient per line in the model; the file separates them with ";".
        agency.recipients = "\n".join(row["recipients"].split(";"))
        agency.valid_to = datetime.date.fromisoformat(row["valid_to"])
        agencies.append(_save(agency))
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
    for username, role, area_code in DEMO_ROLE_USERS:
        user, _created = get_user_model().objects.get_or_create(username=username)
        user.is_staff, user.is_superuser = True, False
        user.password = password_hash
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        area = AdminUnit.objects.for_code(area_code, DEMO_YEAR)
        UserArea.objects.filter(user=user).exclude(area=area).delete()
        UserArea.objects.get_or_create(user=user, area=area)
        users.append((user, role, area))
    return users


@transaction.atomic
def load_demo_data():
    """Load the whole demo; returns what was loaded, for the command to print."""
    # The nine demo users share the published demo password, so they share one hash: hashing
    # it once per user cost PBKDF2's million iterations nine times, a sixth of the whole load.
    password_hash = make_password(DEMO_PASSWORD)
    return {
        "admin_units": load_admin_units(),
        "indicators": load_catalogue(),
        "values": load_values(),
        "agencies": load_agencies(),
        "registers": load_registers(),
        "user": ensure_demo_user(password_hash),
        "role_users": ensure_role_users(password_hash),
    }
