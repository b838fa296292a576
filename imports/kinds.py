"""Import kinds: what a file of each kind holds, declared once and used everywhere.

A kind names its model, its columns (canonical name, the Vietnamese header staff write,
whether the column must be there) and its business key. How a cell is read follows from the
model field it fills (a DecimalField is read as a Vietnamese figure, a field with choices as
one of its labels …) unless the column says otherwise, and codes that stand for other records
are turned into those records in bulk by the column's lookup. Import, export, the template,
the admin and the commands all work from this declaration; adding a kind is a new class with
`@register`, in the app's `import_kinds.py`.
"""

from django.db import connections, models
from django.db.models import F, Lookup
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _

from bkxh.per_object import PerObject
from bkxh.text import fold
from imports import cells
from imports.headers import header_key

_REGISTRY = {}


class Column:
    """One column of a kind of file.

    `field` is the model field it fills (default: its name). `of` names another model whose
    field the column describes (a gift file's person columns describe a Person); such a cell
    is kept for the kind's own resolution instead of filling a field of the kind's model.
    """

    def __init__(
        self, name, header, *, field=None, parser=None, lookup=None, required=True, aliases=(), of=None, export=True
    ):
        self.name = name
        self.header = header
        self.field = name if field is None else field
        self.parser = parser
        self.lookup = lookup
        self.required = required
        self.aliases = aliases
        self.of = of
        self.export = export  # False for a column accepted instead of another (birth date for birth year)
        self.blank = False
        self.empty = None

    @property
    def fills_field(self):
        """Whether the parsed cell goes straight into a field of the kind's model."""
        return self.lookup is None and self.of is None and bool(self.field)

    @property
    def accepted_headers(self):
        return (self.name, self.header, *self.aliases)

    def bind(self, model):
        """Fill in what follows from the model field: the parser, and whether a cell may be blank."""
        model = self.of or model
        model_field = model._meta.get_field(self.field) if self.field else None
        self.choices = model_field.choices if model_field is not None and not model_field.is_relation else None
        if model_field is not None:
            self.blank = model_field.blank
            self.empty = None if model_field.null else ""
            if not model_field.blank and model_field.has_default():
                # A blank cell takes the model's default, as a new record would (0 đồng, Kinh).
                self.blank, self.empty = True, model_field.get_default()
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
    if model_field.name == "year":  # every model's year holds to bkxh/years.py
        return cells.year
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
    # The fields a row is matched on: one of the model's unconditional unique constraints (the
    # system check imports.E001 says so otherwise), so that a row can only change its own record.
    key = ()
    # Said by a kind that matches rows in a way of its own (its key_of and stored_records), for
    # a key the model cannot hold unique: how it matches. The system check then leaves the key
    # to the kind's own tests.
    matched_by = ""
    # Groups of columns of which the file must have at least one (birth_year or birth_date).
    one_of = ()
    # Column name -> an example cell, for the template's example row.
    example = {}
    # Resolvers of what several columns say together (the person a row is about), after the
    # columns' own lookups.
    resolvers = ()
    # Model -> the field of the kind's model pointing at it, for columns with `of` (Person: "person").
    related_fields = {}
    # Fields the model derives from others in save(), which bulk writes skip (see prepare()).
    derived_fields = ()
    # Whether check_together() applies the model's rule across rows (RuleAcrossRows) to the
    # file's rows together, so that each row is checked without it (without_rules_across_rows()).
    rows_checked_together = False
    # How a file of this kind is written (imports.writing.writes_while_checking): whether its
    # first parts may be written while the rest is checked (all in one transaction, rolled back
    # if a later row has a problem). A kind whose before_write needs every row says False: the
    # system check imports.E002 holds it to that. (check_together may stay: it runs before the
    # commit is decided.)
    written_while_checked = True

    def __init__(self):
        for column in self.columns:
            column.bind(self.model)
        self._by_name = {column.name: column for column in self.columns}
        self._by_field = {}
        self._fields_by_present = {}
        for column in self.columns:
            self._by_field.setdefault((column.of, column.field), column)

    @property
    def file_stem(self):
        """The kind's name for the files staff download, in Vietnamese without diacritics
        ("qua-mung-tho"): the name travels by e-mail and across Windows folders."""
        return slugify(fold(str(self.label)))

    def column(self, name):
        return self._by_name[name]

    def column_for_field(self, field_name, model=None):
        """The column that fills `field_name` of the kind's model (or of `model`)."""
        return self._by_field.get((None if model in (None, self.model) else model, field_name))

    @property
    def export_columns(self):
        return [column for column in self.columns if column.export]

    def personal_columns(self):
        """The exported columns holding personal data (a citizen ID): the model's, or those of
        the record a column describes (the person of a register file)."""
        return [
            column
            for column in self.export_columns
            if column.field in getattr(column.of or self.model, "personal_fields", ())
        ]

    def requirement(self, column):
        """What a file must give for `column`, in words for the import page: from whether the
        column must be there, whether its cells may be blank, and the groups of which one will do
        (Năm sinh or Ngày sinh)."""
        group = next((group for group in self.one_of if column.name in group), None)
        if group is not None:
            either = f" {_('or')} ".join(self.column(name).header for name in group)
            return _("%(columns)s is needed") % {"columns": either}
        if column.required:
            return _("required") if not column.blank else _("the column is required; its cells may be left blank")
        return _("optional") if column.blank else _("optional; if the column is there, fill in every cell")

    def describe_columns(self):
        return ", ".join(f"{column.header} ({column.name})" for column in self.columns)

    @property
    def known_headers(self):
        return {header_key(text) for column in self.columns for text in column.accepted_headers}

    def key_columns(self):
        """The columns that make up the key: a record pointed at by columns of its own (the
        person of a register file) counts with all of them."""
        related = {field: model for model, field in self.related_fields.items()}
        columns = []
        for name in self.key:
            column = self.column_for_field(name)
            if column is not None:
                columns.append(column)
            elif name in related:
                columns += [column for column in self.columns if column.of is related[name] and column.export]
        return columns

    def key_of(self, row):
        """The row's business key, comparable with stored records'; None when a part is missing."""
        if any(row.by_field.get(name) is None for name in self.key):
            return None
        return tuple(comparable(row.by_field[name]) for name in self.key)

    def stored_records(self, keys):
        """{key: record} for the stored records with these keys, in a few queries."""
        keys = [key for key in keys if not any(isinstance(part, NewRecord) for part in key)]
        if not keys:
            return {}
        attnames = [self.model._meta.get_field(name).attname for name in self.key]
        # Query by the most selective key part, so each query returns few more rows than asked for.
        position = max(range(len(attnames)), key=lambda index: len({key[index] for key in keys}))
        stored = {}
        for record in matching(self.queryset(), attnames[position], {key[position] for key in keys}):
            stored[tuple(comparable(getattr(record, attname)) for attname in attnames)] = record
        return stored

    def prepare(self, instance):
        """Set what the model's save() would derive, before a bulk write (which skips save())."""

    def check_together(self, result):
        """Rules about the rows taken together (a round's lines within its allocation)."""

    def before_write(self, result):
        """What must happen in the import's transaction before the rows are written, knowing them
        all (a lock, and a rule about the locked rounds)."""

    def queryset(self, records=None):
        """Records of this kind (those of `records`, a list's filtered queryset, or all) with
        what the export and the comparison need joined in. A list's own joins and prefetches
        are dropped: its joins made the export build records no column reads (a household's
        head and the head's commune), and for each chunk of rows Django 5.2 writes a prefetch's
        ids as one OR per id on SQLite, past its limit of 1.000 terms."""
        related = [column.field for column in self.columns if column.lookup is not None]
        records = self.model.objects.all() if records is None else records.prefetch_related(None).select_related(None)
        return records.select_related(*related, *self.related_fields.values())

    def resolve(self, rows, present, result):
        """Turn the looked-up columns' codes into records, in bulk; errors go on the rows."""
        for column in self.columns:
            if column.lookup is not None and column.name in present:
                column.lookup.resolve(column, rows)
        for resolver in self.resolvers:
            resolver.resolve(self, rows, present, result)

    def finish_resolving(self, result):
        """Once the file's last part is resolved: what the resolvers tell about the whole file."""
        for resolver in self.resolvers:
            resolver.finish(self, result)

    def field_values(self, row, present):
        """The model field values that `row` sets (only columns present in the file)."""
        fields = self._fields_by_present.get(present)
        if fields is None:
            fields = self._fields_by_present[present] = [
                column.field
                for column in self.columns
                if (column.fills_field or column.lookup is not None) and column.name in present
            ] + list(self.related_fields.values())
        values = row.by_field
        return {name: values[name] for name in fields if name in values}

    def fields_set(self, present):
        """The fields of the kind's model that a file with the `present` columns sets."""
        fields = [column.field for column in self.columns if column.name in present and column.of is None]
        return [name for name in fields if name] + list(self.related_fields.values())

    def export_row(self, instance):
        return [self.export_value(column, instance) for column in self.export_columns]

    def export_value(self, column, instance):
        owner = self.related_of(column, instance) if column.of is not None else instance
        value = getattr(owner, column.field) if owner is not None else None
        if column.lookup is not None:
            return column.lookup.code_of(value, instance)
        if column.choices and value not in (None, ""):
            return capfirst(str(dict(column.choices).get(value, value)))
        return value

    def related_of(self, column, instance):
        """The record of `column.of` that `instance` points at (for columns describing it)."""
        return getattr(instance, self.related_fields[column.of])

    def code_lists(self, units=None, year=None):
        """(title, [(code, name), …]) tables of valid codes, for the template's other sheets; codes
        of administrative units (and of what lies in them) only for `units`, and of records of a
        year only for `year`, when given."""
        lists = [
            column.lookup.code_list(column, units=units, year=year)
            for column in self.columns
            if column.lookup is not None
        ]
        lists += [
            (column.header, [(capfirst(str(label)), "") for _value, label in column.choices])
            for column in self.export_columns
            if column.choices
        ]
        return lists

    @property
    def import_permission(self):
        return f"{self.model._meta.app_label}.import_{self.model._meta.model_name}"

    @property
    def export_permission(self):
        return f"{self.model._meta.app_label}.export_{self.model._meta.model_name}"


class Resolver:
    """Resolves what several columns say together (see Kind.resolvers)."""

    def resolve(self, kind, rows, present, result):
        """Set the rows' values from their cells, part by part; errors go on the rows."""
        raise NotImplementedError

    def finish(self, kind, result):
        """Once every part is resolved (the notes about the whole file)."""


class ByCode:
    """A column holding the code of another record (Indicator by its `code`)."""

    def __init__(self, model, code_field="code", queryset=None):
        self.model = model
        self.code_field = code_field
        self._queryset = queryset

    def queryset(self):
        return self._queryset() if self._queryset else self.model.objects.all()

    def resolve(self, column, rows):
        codes = {row.by_column[column.name] for row in rows if column.name in row.by_column}
        found = {}
        for record in matching(self.queryset(), self.code_field, codes):
            found[getattr(record, self.code_field)] = record
        for row in rows:
            if column.name not in row.by_column:
                continue
            record = found.get(row.by_column[column.name])
            if record is None:
                row.add_error(column, self.unknown_message(row.by_column[column.name]))
            else:
                row.by_field[column.field] = record

    def unknown_message(self, code):
        return _("There is no %(what)s with the code “%(code)s”.") % {
            "what": self.model._meta.verbose_name,
            "code": code,
        }

    def code_of(self, record, instance):
        return getattr(record, self.code_field) if record is not None else ""

    def code_list(self, column, units=None, year=None):
        """The codes a template lists: of a record placed in a unit (a rice round), those in
        `units` or above them (the province's round serves its districts), and of the year."""
        records = self.queryset()
        area_path, year_path = getattr(self.model, "area_path", None), getattr(self.model, "year_path", None)
        if units is not None and area_path:
            records = records.filter(**{f"{area_path}__in": units.and_above()})
        if year is not None and year_path:
            records = records.filter(**{year_path: year})
        return column.header, [(getattr(record, self.code_field), str(record)) for record in records]


class NewRecord(tuple):
    """The key part standing for a record the import will create: the same object, the same key."""


# The records a file brings (brought_by_file), kept beside them rather than marked on them.
_brought = PerObject("record brought by a file")


def brought_by_file(instance):
    """Mark `instance` as a record the file brings (a new person of a register file): it keeps
    the same key once it has an id, which it gets while later parts of the file are checked."""
    _brought.set(instance, True)
    return instance


def comparable(value):
    """A value as comparisons see it: a record by its primary key (a record the import will
    create by its identity), text with "\n" line breaks (a note typed in the admin has "\r\n",
    the same note read back from a file "\n")."""
    if hasattr(value, "_meta"):
        if value.pk is None or _brought.get(value, False):
            return NewRecord(("new", id(value)))
        return value.pk
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def matching(queryset, field, values):
    """The rows of `queryset` whose `field` is one of `values`, in as few queries as the
    database allows: one on PostgreSQL (= ANY of one array parameter), one per 900 values
    elsewhere (SQLite allows 999 parameters)."""
    values = list(values)
    if not values:
        return
    if connections[queryset.db].vendor == "postgresql":
        yield from queryset.filter(_AnyOf(F(field), values))
        return
    for start in range(0, len(values), 900):
        yield from queryset.filter(**{f"{field}__in": values[start : start + 900]})


class _AnyOf(Lookup):
    """`field = ANY(%s)` with the values as one array: a query of thousands of values is planned
    and sent as fast as one of a few (psycopg types the array by its values)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [field.get_db_prep_value(value, connection) for value in self.rhs]
        return f"{lhs} = ANY(%s)", [*params, values]


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
