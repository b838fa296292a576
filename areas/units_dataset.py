"""The administrative units of Việt Nam before and after 01/07/2025 as the package
vietnamadminunits ships them (README, "Units of any province"): the 63-province structure
with districts, the 34-province one, and the official mapping of old communes to new ones.

Plain data, no models: areas.loading writes it as units.
"""

import importlib.util
import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path


def package_data_dir():
    # The package's modules import shapely and geopy for address parsing, which bkxh does not
    # use; only its data files are read, from where the package is installed.
    spec = importlib.util.find_spec("vietnamadminunits")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    parent_code: str | None = None


@dataclass
class Province:
    """A province of the 34-province structure and the old provinces it was formed from."""

    province: Unit
    communes: list = field(default_factory=list)
    old_provinces: list = field(default_factory=list)
    old_districts: list = field(default_factory=list)
    old_communes: list = field(default_factory=list)
    # Old commune code (an island district's, for a district without communes) -> the codes of
    # the new communes that took its place; several when it was divided between them.
    successors: dict = field(default_factory=dict)


class Dataset:
    def __init__(self, directory=None):
        directory = Path(directory or package_data_dir())
        self.database = directory / "dataset.db"
        with open(directory / "converter_2025.json", encoding="utf-8") as handle:
            self.mapping = json.load(handle)

    def _rows(self, sql, *params):
        with closing(sqlite3.connect(f"file:{self.database}?mode=ro", uri=True)) as connection:
            connection.row_factory = sqlite3.Row
            return connection.execute(sql, params).fetchall()

    def _new_province_key(self, code):
        """The key of the new province with GSO `code`, else of the one the old province with
        `code` became; None when neither exists."""
        rows = self._rows("SELECT DISTINCT provinceKey FROM admin_units WHERE provinceCode = ?", code)
        if rows:
            return rows[0]["provinceKey"]
        rows = self._rows("SELECT DISTINCT provinceKey FROM admin_units_legacy WHERE provinceCode = ?", code)
        old_keys = {row["provinceKey"] for row in rows}
        return next((new for new, olds in self.mapping["DICT_PROVINCE"].items() if old_keys & set(olds)), None)

    def province(self, code):
        """The new province of `code` (new or old GSO code) with its old provinces, or None."""
        key = self._new_province_key(code)
        if key is None:
            return None
        rows = self._rows(
            "SELECT province, provinceCode, ward, wardCode, wardKey FROM admin_units WHERE provinceKey = ?"
            " ORDER BY wardCode",
            key,
        )
        province = Province(Unit(rows[0]["provinceCode"], rows[0]["province"]))
        new_codes = {}
        for row in rows:
            province.communes.append(Unit(row["wardCode"], row["ward"], province.province.code))
            new_codes[row["wardKey"]] = row["wardCode"]
        old_codes = {}
        for old_key in self.mapping["DICT_PROVINCE"][key]:
            rows = self._rows(
                "SELECT province, provinceCode, provinceKey, district, districtCode, districtKey, ward, wardCode,"
                " wardKey FROM admin_units_legacy WHERE provinceKey = ? ORDER BY districtCode, wardCode",
                old_key,
            )
            province.old_provinces.append(Unit(rows[0]["provinceCode"], rows[0]["province"]))
            districts = {}
            for row in rows:
                districts.setdefault(
                    row["districtCode"], Unit(row["districtCode"], row["district"], row["provinceCode"])
                )
                # An island district without communes (Côn Đảo, Cồn Cỏ…) has one row, without a
                # ward: the mapping names the district itself, which became a special zone.
                if row["wardCode"]:
                    province.old_communes.append(Unit(row["wardCode"], row["ward"], row["districtCode"]))
                old_key = "_".join((row["provinceKey"], row["districtKey"], row["wardKey"] or ""))
                old_codes[old_key] = row["wardCode"] or row["districtCode"]
            province.old_districts += districts.values()
        for new_key, old_keys in self.mapping["DICT_PROVINCE_WARD_NO_DIVIDED"].get(key, {}).items():
            for old_key in old_keys:
                province.successors[old_codes[old_key]] = [new_codes[new_key]]
        for old_key, parts in self.mapping["DICT_PROVINCE_WARD_DIVIDED"].get(key, {}).items():
            province.successors[old_codes[old_key]] = [new_codes[part["newWardKey"]] for part in parts]
        return province
