"""Loading administrative units: those shipped with bkxh (Bắc Kạn's, GSO codes, 2024 and after
01/07/2025) and those of any province from the dataset of areas.units_dataset."""

import csv
import datetime
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from areas.models import AdminUnit
from areas.units_dataset import Dataset
from bkxh.text import fold

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
        # A unit the file puts at the top keeps what load_units put above it (the country).
        if row["parent_code"]:
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


# The 2025 reform: the old structure (63 provinces, with districts) ends on 30/06/2025, the new
# one (34 provinces, communes directly under them) starts the next day.
OLD_STRUCTURE_END = datetime.date(2025, 6, 30)
NEW_STRUCTURE_START = OLD_STRUCTURE_END + datetime.timedelta(days=1)
COUNTRY_CODE = "VN"
COUNTRY_NAME = "Việt Nam"

# The word a unit's name starts with, as GSO spells it, and the type it says, per level.
_TYPE_WORDS = {
    AdminUnit.Level.PROVINCE: (("Thành phố", AdminUnit.UnitType.THANH_PHO_TW), ("Tỉnh", AdminUnit.UnitType.TINH)),
    AdminUnit.Level.DISTRICT: (
        ("Thành phố", AdminUnit.UnitType.THANH_PHO),
        ("Thị xã", AdminUnit.UnitType.THI_XA),
        ("Quận", AdminUnit.UnitType.QUAN),
        ("Huyện", AdminUnit.UnitType.HUYEN),
    ),
    AdminUnit.Level.COMMUNE: (
        ("Phường", AdminUnit.UnitType.PHUONG),
        ("Thị trấn", AdminUnit.UnitType.THI_TRAN),
        ("Xã", AdminUnit.UnitType.XA),
        ("Đặc khu", AdminUnit.UnitType.DAC_KHU),
    ),
}


def typed_name(level, name):
    """(name, unit type) of a unit the dataset names `name`: the type is read from the name,
    which the dataset's type columns contradict in a few rows, and the type word is spelled
    as GSO does (the dataset writes some districts "Thành Phố …")."""
    for word, unit_type in _TYPE_WORDS[level]:
        if name.casefold().startswith(word.casefold() + " "):
            return word + name[len(word) :], unit_type
    raise ValueError(f"{name}: no {level} type in the name")


def same_name(stored, given):
    """Whether two spellings are of one name: they differ at most in the place of the tone mark
    ("Hoà", "Hòa") or in i against y ("Sĩ", "Sỹ"), which both old and new orthography allow."""
    return fold(stored).replace("y", "i") == fold(given).replace("y", "i")


@dataclass
class LoadedUnits:
    """What load_units did, for the command to print."""

    province: AdminUnit
    old_provinces: list
    old_districts: int = 0
    old_communes: int = 0
    communes: int = 0
    created: int = 0
    updated: int = 0
    divided: int = 0


def country():
    """The unit above every province: a user bound to it works for all of them."""
    unit = AdminUnit.objects.filter(code=COUNTRY_CODE, valid_from=None).first() or AdminUnit(code=COUNTRY_CODE)
    unit.name, unit.unit_type, unit.level = COUNTRY_NAME, AdminUnit.UnitType.QUOC_GIA, AdminUnit.Level.COUNTRY
    _save(unit)
    return unit


def _save(unit):
    """Validate and save `unit` if anything in it changed; returns whether it did."""
    changed = bool(unit.changed_fields())
    if changed:
        unit.full_clean()
        unit.save()
    return changed


class _Writer:
    """Creates or updates units keyed on (code, start of validity), counting what it changed."""

    def __init__(self, codes, loaded):
        self.units = {(unit.code, unit.valid_from): unit for unit in AdminUnit.objects.filter(code__in=codes)}
        self.loaded = loaded

    def write(self, source, level, parent, valid_from, valid_to):
        unit = self.units.get((source.code, valid_from))
        created = unit is None
        if created:
            # The period is the dataset's when the unit is new; once stored it is the database's,
            # which a later reform may have ended.
            unit = AdminUnit(code=source.code, valid_from=valid_from, valid_to=valid_to)
        name, unit.unit_type = typed_name(level, source.name)
        if created or not same_name(unit.name, name):
            unit.name = name
        unit.level, unit.parent = level, parent
        if _save(unit):
            self.loaded.created += created
            self.loaded.updated += not created
        self.units[(unit.code, valid_from)] = unit
        return unit


@transaction.atomic
def load_units(code, dataset=None):
    """Load the province of GSO `code` (new, or an old one it was formed from) in both
    structures: its old provinces, their districts and communes until 30/06/2025; the new
    province and its communes from 01/07/2025; and who succeeded whom. Never deletes a unit:
    a newer dataset adds units, renames and re-parents them, and corrects successions.
    Returns a LoadedUnits, or None when the dataset has no province of that code."""
    data = (dataset or Dataset()).province(code)
    if data is None:
        return None
    root = country()
    everything = [data.province, *data.communes, *data.old_provinces, *data.old_districts, *data.old_communes]
    loaded = LoadedUnits(province=None, old_provinces=[])
    writer = _Writer({unit.code for unit in everything}, loaded)
    new_province = writer.write(data.province, AdminUnit.Level.PROVINCE, root, NEW_STRUCTURE_START, None)
    loaded.province = new_province
    for commune in data.communes:
        writer.write(commune, AdminUnit.Level.COMMUNE, new_province, NEW_STRUCTURE_START, None)
    old = {}
    for level, units in (
        (AdminUnit.Level.PROVINCE, data.old_provinces),
        (AdminUnit.Level.DISTRICT, data.old_districts),
        (AdminUnit.Level.COMMUNE, data.old_communes),
    ):
        for source in units:
            parent = old[source.parent_code] if source.parent_code else root
            old[source.code] = writer.write(source, level, parent, None, OLD_STRUCTURE_END)
    new = {commune.code: writer.units[(commune.code, NEW_STRUCTURE_START)] for commune in data.communes}
    successions = {code: [new[new_code] for new_code in codes] for code, codes in data.successors.items()}
    successions.update({province.code: [new_province] for province in data.old_provinces})
    for code, successors in successions.items():
        old[code].successors.set(successors)
    loaded.old_provinces = [old[province.code] for province in data.old_provinces]
    loaded.old_districts, loaded.old_communes = len(data.old_districts), len(data.old_communes)
    loaded.communes = len(data.communes)
    loaded.divided = sum(len(successors) > 1 for successors in successions.values())
    return loaded
