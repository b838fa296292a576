"""Finding administrative units by GSO code in files, where a code alone is not a key: a
column the kinds of indicators and registers declare (imports.kinds.ByCode)."""

from django.utils.translation import gettext as _

from areas.models import AdminUnit, day_of_year, not_in_force_on_message, unit_for_year, unit_on
from imports.kinds import ByCode, matching


class UnitOfYear(ByCode):
    """A column holding a GSO code, read as the unit that code meant on the row's date, or, for a
    row without one (or one outside its year), in the row's year. The date is what `date_of(row)` says (the register's
    `event_date_field`: the day a gift was given); the year is the row's `year` value (or cell),
    or what `year_of(row)` says (a rice relief line takes its round's year). In 2025 a code may
    mean an old commune until 30/06 and a new one from 01/07 (01864: Xã Bộc Bố, then Xã Bằng
    Thành), so a file of that year may mix both structures by date. All codes of a file are
    looked up in a few queries."""

    def __init__(self, *, year_field="year", year_of=None, date_of=None, levels=None):
        super().__init__(AdminUnit, "code")
        self.year_of = year_of or (lambda row: row.by_field.get(year_field, row.by_column.get(year_field)))
        self.date_of = date_of or (lambda row: None)
        self.levels = levels

    def queryset(self):
        units = AdminUnit.objects.all()
        return units.filter(level__in=self.levels) if self.levels else units

    def resolve(self, column, rows):
        codes = {row.by_column[column.name] for row in rows if column.name in row.by_column}
        by_code = {}
        # With the units above it and those that succeeded it: a row's rules ask whether its
        # unit lies in another (is_within), a unit that had ended names its successors; either
        # would otherwise cost a query for each commune of the file.
        for unit in matching(self.queryset().with_lineage().prefetch_related("successors"), "code", codes):
            by_code.setdefault(unit.code, []).append(unit)
        meant = {}  # (code, day, year) -> (unit, message): a file names the same few communes on the same days
        for row in rows:
            code, day, year = row.by_column.get(column.name), self.date_of(row), self.year_of(row)
            # The day counts within the row's year, as in the model (areas.models.check_in_force).
            day = day if day_of_year(day, year) else None
            if code is None or year is None:
                continue
            try:
                unit, message = meant[code, day, year]
            except KeyError:
                unit, message = meant[code, day, year] = self.meaning(code, day, year, by_code.get(code, ()))
            if unit is None:
                row.add_error(column, message)
            else:
                row.by_field[column.field] = unit

    def meaning(self, code, day, year, units):
        """(The unit `code` meant on `day`, or without a day in `year`, ""), or (None, why it meant
        none), in the model's words (areas.models.check_in_force): for a code that meant nothing in
        the row's year the year's message, else the day's."""
        unit = unit_on(units, day) if day is not None else unit_for_year(units, year)
        if unit is not None:
            return unit, ""
        if day is None or unit_for_year(units, year) is None:
            return None, self.unknown_message(code, year, units)
        # A unit of the code was in force in the year, but not on the day: the one that had ended
        # last before it, else the first to begin after it.
        ended = [unit for unit in units if unit.valid_to and unit.valid_to < day]
        later = [unit for unit in units if unit.valid_from and unit.valid_from > day]
        named = max(ended, key=lambda u: u.valid_to) if ended else min(later, key=lambda u: u.valid_from)
        return None, not_in_force_on_message(named, day)

    def unknown_message(self, code, year, units=()):
        """Why `code` names no unit in `year`; of `units` (those with that code) one that had
        ended says who took its place."""
        words = {"code": code, "year": year}
        for unit in units:
            if replaced := unit.replaced_phrase(year):
                return _(
                    "“%(code)s” was not the code of an administrative unit in %(year)s: "
                    "%(unit)s had ended; %(replaced)s."
                ) % {**words, "unit": unit.name, "replaced": replaced}
        message = _("“%(code)s” was not the code of an administrative unit in %(year)s.") % words
        if code.isdigit() and len(code) in (1, 2, 4):
            message += " " + _("If Excel dropped a leading zero, format the column as Text and type the code again.")
        return message

    def code_list(self, column, units=None, year=None):
        listed = self.queryset() if units is None else self.queryset().filter(pk__in=units)
        units = listed.order_by("code", "valid_from")
        return column.header, [(unit.code, _describe(unit)) for unit in units]


def _describe(unit):
    return f"{unit.name} ({unit.period})" if unit.period else unit.name
