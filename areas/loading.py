"""Loading the administrative units shipped with bkxh (GSO codes, 2024 and after 01/07/2025)."""

import csv
import datetime
from pathlib import Path

from django.db import transaction

from areas.models import AdminUnit

ADMIN_UNITS_CSV = Path(__file__).resolve().parent / "data" / "admin-units-bac-kan.csv"


def _date(text):
    return datetime.date.fromisoformat(text) if text else None


@transaction.atomic
def load_admin_units(path=ADMIN_UNITS_CSV):
    """Create or update every unit of the file; safe to run again. Returns the number of rows.

    A unit's parent is the unit with the parent's code that starts on the same day (the
    file lists each period's structure whole); a successor is the unit with its code that
    starts the day after the old one ends.
    """
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    units = {}
    for row in rows:
        valid_from = _date(row["valid_from"])
        unit = AdminUnit.objects.filter(code=row["code"], valid_from=valid_from).first() or AdminUnit(
            code=row["code"], valid_from=valid_from
        )
        unit.name = row["name"]
        unit.unit_type = row["unit_type"]
        unit.level = row["level"]
        unit.valid_to = _date(row["valid_to"])
        unit.parent = units.get((row["parent_code"], valid_from))
        unit.full_clean()
        unit.save()
        units[(unit.code, valid_from)] = unit
    for row in rows:
        unit = units[(row["code"], _date(row["valid_from"]))]
        if unit.valid_to and row["successor_codes"]:
            next_day = unit.valid_to + datetime.timedelta(days=1)
            unit.successors.set(units[(code, next_day)] for code in row["successor_codes"].split(";"))
    return len(rows)
