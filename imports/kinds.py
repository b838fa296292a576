"""Import kinds: what a file of each kind holds, declared once and used everywhere.

A kind names its model, its columns (canonical name, the Vietnamese header staff write,
whether the column must be there) and its business key. How a cell is read follows from the
model field it fills (a DecimalField is read as a Vietnamese figure, a field with choices as
one of its labels …) unless the column says otherwise, and codes that stand for other records
are turned into those records in bulk by the column's lookup. Import, export, the template,
the admin and the commands all work from this declaration; adding a kind is a new class with
`@register`, in the app's `import_kinds.py`.
"""

from django.db import models
from django.utils.translation import gettext as _

from imports import cells

_REGISTRY = {}


class Column:
    def __init__(self, name, header, *, field=None, parser=None, lookup=None, required=True, aliases=()):
        self.name = name
        self.header = header
        self.field = name if field is None else field
        self.parser = parser
        self.lookup = lookup
        self.required = required
        self.aliases = aliases
        self.blank = False
        self.empty = None

    @property
    def accepted_headers(self):
        return (self.name, self.header, *self.aliases)

    def bind(self, model):
        """Fill in what follows from the model field: the parser, and whether a cell may be blank."""
        model_field = model._meta.get_field(self.field) if self.field else None
        if model_field is not None:
            self.blank = model_field.blank
            self.empty = None if model_field.null else ""
        if self.parser is None:
            self.parser = parser_for(model_field)

    def __repr__(self):
        return f"<Column {self.name}>"


def parser_for(model_field):
    if model_field is None or model_field.is_relation:
        return cells.text
    if model_field.choices:
        return cells.choice(model_field.choices)
    if isinstance(model_field, models.DecimalField):
        return cells.decimal
    if isinstance(model_field, models.IntegerField):
        return cells.integer
    if isinstance(model_field, models.DateField):
        return cells.date
    if isinstance(model_field, models.BooleanField):
        return cells.boolean
    return cells.text


class Kind:
    """One kind of file. Subclasses set name, label, model, columns and key (model field names)."""

    name = ""
    label = ""
    model = None
    columns = ()
    key = ()
    # Groups of columns of which the file must have exactly one (birth_year or birth_date).
    one_of = ()
    # Column name -> an example cell, for the template's example row.
    example = {}

    def __init__(self):
        for column in self.columns:
            column.bind(self.model)
        self._by_name = {column.name: column for column in self.columns}

    def column(self, name):
        return self._by_name[name]

    def column_for_field(self, field_name):
        return next((column for column in self.columns if column.field == field_name), None)

    def describe_columns(self):
        return ", ".join(f"{column.header} ({column.name})" for column in self.columns)

    @property
    def known_headers(self):
        from imports.headers import header_key

        return {header_key(text) for column in self.columns for text in column.accepted_headers}

    def queryset(self):
        """Records of this kind with what the export and the comparison need."""
        related = [column.field for column in self.columns if column.lookup is not None]
        return self.model.objects.select_related(*related)

    def resolve(self, rows, present):
        """Turn the looked-up columns' codes into records, in bulk; errors go on the rows."""
        for column in self.columns:
            if column.lookup is not None and column.name in present:
                column.lookup.resolve(column, rows)

    def field_values(self, row, present):
        """The model field values that `row` sets (only columns present in the file)."""
        return {
            column.field: row.values[column.field]
            for column in self.columns
            if column.name in present and column.field in row.values
        }

    def export_row(self, instance):
        return [self.export_value(column, instance) for column in self.columns]

    def export_value(self, column, instance):
        value = getattr(instance, column.field)
        return column.lookup.code_of(value, instance) if column.lookup is not None else value

    def code_lists(self):
        """(title, [(code, name), …]) tables of valid codes, for the template's second sheet."""
        return [column.lookup.code_list(column) for column in self.columns if column.lookup is not None]

    @property
    def import_permission(self):
        return f"{self.model._meta.app_label}.import_{self.model._meta.model_name}"

    @property
    def export_permission(self):
        return f"{self.model._meta.app_label}.export_{self.model._meta.model_name}"


class ByCode:
    """A column holding the code of another record (Indicator by its `code`)."""

    def __init__(self, model, code_field="code", queryset=None):
        self.model = model
        self.code_field = code_field
        self._queryset = queryset

    def queryset(self):
        return self._queryset() if self._queryset else self.model.objects.all()

    def resolve(self, column, rows):
        codes = {row.cells[column.name] for row in rows if column.name in row.cells}
        found = {}
        for chunk in chunks(sorted(codes)):
            for record in self.queryset().filter(**{f"{self.code_field}__in": chunk}):
                found[getattr(record, self.code_field)] = record
        for row in rows:
            if column.name not in row.cells:
                continue
            record = found.get(row.cells[column.name])
            if record is None:
                row.add_error(column, self.unknown_message(row.cells[column.name]))
            else:
                row.values[column.field] = record

    def unknown_message(self, code):
        return _("There is no %(what)s with the code “%(code)s”.") % {
            "what": self.model._meta.verbose_name,
            "code": code,
        }

    def code_of(self, record, instance):
        return getattr(record, self.code_field) if record is not None else ""

    def code_list(self, column):
        return column.header, [(getattr(record, self.code_field), str(record)) for record in self.queryset()]


def chunks(values, size=900):
    """Slices small enough for one IN (…) on any database (SQLite allows 999 parameters)."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def register(kind_class):
    kind = kind_class()
    _REGISTRY[kind.name] = kind
    return kind_class


def get_kind(name):
    return _REGISTRY[name]


def all_kinds():
    return sorted(_REGISTRY.values(), key=lambda kind: kind.name)


def kind_for_model(model):
    return next((kind for kind in _REGISTRY.values() if kind.model is model), None)
