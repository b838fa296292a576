"""Finding administrative units by GSO code in files, where a code alone is not a key: a
column the kinds of indicators and registers declare (imports.kinds.ByCode)."""

from django.utils.translation import gettext as _

from areas.models import AdminUnit, unit_for_year
from imports.kinds import ByCode, matching


class UnitOfYear(ByCode):
    """A column holding a GSO code, read as the unit that code meant in the row's year. The year
    is the row's `year` value (or cell), or what `year_of(row)` says (a rice relief line takes
    its round's year). All codes of a file are looked up in a few queries."""

    def __init__(self, *, year_field="year", year_of=None, levels=None):
        super().__init__(AdminUnit, "code")
        self.year_of = year_of or (lambda row: row.by_field.get(year_field, row.by_column.get(year_field)))
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
        meant = {}  # (code, year) -> unit: a file names the same few communes in the same year
        for row in rows:
            code, year = row.by_column.get(column.name), self.year_of(row)
            if code is None or year is None:
                continue
            try:
                unit = meant[code, year]
            except KeyError:
                unit = meant[code, year] = unit_for_year(by_code.get(code, ()), year)
            if unit is None:
                row.add_error(column, self.unknown_message(code, year, by_code.get(code, ())))
            else:
                row.by_field[column.field] = unit

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
