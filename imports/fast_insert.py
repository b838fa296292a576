"""What the import does in Django's place, for speed: every shortcut past the ORM, in one module.

A file of 100.000 rows would spend most of its time in Django's per-row machinery. Three steps
bypass it, each re-doing what it skips:

1. Building instances (`InstanceBuilder`): Model(**values) costs twice what setting the
   attributes does. The builder sets them as Model.from_db() leaves them, with each missing
   field's default and each foreign key's id and cached record. Safe because Model.__init__
   does nothing more for these models; the builder uses Model(**values) instead when the model
   defines its own __init__ or something listens to pre_init/post_init.
2. Inserting (`prepare`, then `send`): bulk_create builds one INSERT … VALUES a batch, about
   60 µs a row on PostgreSQL; COPY takes about 14 (SQLite: one executemany). Ids are drawn
   first (`_reserve_ids`: from the sequence on PostgreSQL, which never gives an id twice; after
   the largest id on SQLite, which writes one transaction at a time) so that records pointing at
   the new ones (a gift at its new person) get them too. Each value goes through its field's
   own pre_save() and get_db_prep_save(), as bulk_create does (auto_now fields are set), unless
   the field would send it as it is. A data model (bkxh.records.Record) gets what its own
   bulk_create gives it, called here by name: texts without format characters (clean_texts);
   the write refused for a locked year or a unit outside the acting user's scope (guard_writes)
   and for a row breaking the model's problems_of_row() (refuse_broken_rules); the years
   written told to the write observers (note_writes: the report's cache). Like
   bulk_create, no save() and no pre_save/post_save signal: the import sets what save() would
   derive (Kind.prepare, imports.writing). Other databases, and models whose ids are not drawn
   from a sequence, use bulk_create.
3. History rows (`_copy_to_history`): simple-history's bulk_history_create builds a history
   instance per row; here the database copies the "+" rows itself (INSERT … SELECT) from the
   rows just written, stamped with the user, the path and the import log of the audit context,
   in the same transaction: no round trip per row, and the same columns as the library writes.

`prepare` is Python's work (the ids, the rows) and `send` the database's.
"""

import datetime
from decimal import Decimal
from operator import attrgetter

from django.db import connections, models, router
from django.db.models.base import ModelState
from django.db.models.fields import AutoFieldMixin
from django.db.models.signals import post_init, pre_init
from django.utils import timezone

from bkxh.records import Record, clean_texts, guard_writes, note_writes, refuse_broken_rules, unit_years_of


class Prepared:
    """New records of one model, ready to be sent: ids drawn, rows built."""

    def __init__(self, model, instances, ids=None, rows=None):
        self.model, self.instances, self.ids, self.rows = model, instances, ids, rows


def prepare(model, instances):
    """All of inserting `instances` but the writing, which send() does: each gets its id, and
    the ids of the new records it points at; the rows are built. On PostgreSQL this may run on
    another connection than send(): ids drawn from a sequence are the caller's whichever
    connection draws them. None when there is nothing to do."""
    if not instances:
        return None
    if issubclass(model, Record):
        clean_texts(model, instances)  # before the rows are built from them
    # The connection itself, not django.db.connection: that proxy costs a thread-local look-up on
    # every use, and a value is prepared for it millions of times.
    connection = connections[router.db_for_write(model)]
    if not _copied(connection, model):
        return Prepared(model, instances)
    opts = model._meta
    ids = _reserve_ids(connection, model, len(instances))
    for instance, pk in zip(instances, ids, strict=True):
        setattr(instance, opts.pk.attname, pk)
        instance._state.adding = False
        instance._state.db = connection.alias
    fields = _fields(model)
    for field in fields:
        if field.is_relation:
            _take_new_ids(field, instances)
    # Column by column: a column's values are read and their types checked at C speed.
    rows = list(zip(*[_column(field, connection, instances) for field in fields], strict=True))
    return Prepared(model, instances, ids, rows)


def send(prepared):
    """Write what prepare() made ready (COPY or executemany), and the history rows."""
    if prepared is None:
        return
    model = prepared.model
    if prepared.rows is None:
        model.objects.bulk_create(prepared.instances, batch_size=1000)
        return
    unit_years = None
    if issubclass(model, Record):
        # In the writing transaction, as late as can be: a year approved while the file was
        # being checked still stops it.
        unit_years = unit_years_of(model, prepared.instances)
        guard_writes(model, unit_years)
        refuse_broken_rules(model, prepared.instances)
    connection = connections[router.db_for_write(model)]
    fields = _fields(model)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # psycopg's own cursor, whose errors Django has not wrapped in its own classes yet.
            with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in prepared.rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", prepared.rows)
    history = getattr(model, "history", None)
    if history is not None:
        _copy_to_history(connection, model, history.model, prepared.ids, prepared.instances[0])
    if unit_years is not None:
        # What bulk_create tells the write observers (the report's cache), past which COPY goes.
        note_writes(model, unit_years, using=connection.alias)


def _copied(connection, model):
    """Whether `model` goes in by COPY or executemany (else by bulk_create)."""
    return connection.vendor in ("postgresql", "sqlite") and model._meta.pk.get_internal_type().endswith("AutoField")


def _fields(model):
    return [field for field in model._meta.concrete_fields if not field.generated]


def _copy_to_history(connection, model, history_model, ids, sample):
    """The "+" history rows simple-history's bulk_history_create would make, copied by the
    database from the rows just inserted: each takes its row's tracked columns, and all share
    the date, the user, the type and the audit context (path, import log)."""
    user = history_model.get_default_history_user(sample)
    given = {
        "history_date": timezone.now(),
        "history_user": getattr(user, "pk", None),
        "history_change_reason": "",
        "history_type": "+",
    }
    tracked = {field.attname for field in history_model.tracked_fields}
    quote = connection.ops.quote_name
    columns, selected, params = [], [], []
    for field in history_model._meta.concrete_fields:
        if field.primary_key:
            continue  # numbered by the history table's own sequence
        columns.append(quote(field.column))
        if field.attname in tracked:
            selected.append(quote(model._meta.get_field(field.name).column))
        else:
            selected.append("%s")
            value = given[field.name] if field.name in given else field.get_default()
            params.append(field.get_db_prep_save(value, connection))
    pk = quote(model._meta.pk.column)
    sql = (
        f"INSERT INTO {quote(history_model._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(selected)} FROM {quote(model._meta.db_table)} WHERE "
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The ids as one array literal: psycopg would adapt each of them in Python.
            cursor.execute(sql + f"{pk} = ANY(%s::bigint[])", [*params, f"{{{','.join(map(str, ids))}}}"])
        else:
            # SQLite's ids were drawn as one run (see _reserve_ids).
            cursor.execute(sql + f"{pk} BETWEEN %s AND %s", [*params, ids[0], ids[-1]])


def _take_new_ids(field, instances):
    """A record pointed at that was itself inserted after being assigned: take its new id."""
    attname, cache_name = field.attname, field.cache_name
    values = list(map(attrgetter(attname), instances))
    if None not in values:
        return
    for instance, value in zip(instances, values, strict=True):
        if value is None:
            related = instance._state.fields_cache.get(cache_name)
            if related is not None:
                setattr(instance, attname, related.pk)


# Fields whose preparation leaves a str, an int or a bool as it is, when the field class does not
# change how it prepares values: their values are sent as they are (a few million calls saved).
# psycopg takes dates and Decimals as they are too (Django's SQLite backend turns them into text).
_PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)
_PLAIN_TYPES = frozenset((str, int, bool, type(None)))
_PLAIN_POSTGRESQL = (*_PLAIN, models.DateField, models.DecimalField)
_PLAIN_TYPES_POSTGRESQL = _PLAIN_TYPES | {datetime.date, Decimal}


def _column(field, connection, instances):
    """`field`'s values of `instances` as the database takes them: as they are when the field
    would send them so, else through the field's own pre_save() and get_db_prep_save()."""
    values = list(map(attrgetter(field.attname), instances))
    postgresql = connection.vendor == "postgresql"
    if _sent_as_is(field, postgresql) and set(map(type, values)) <= (
        _PLAIN_TYPES_POSTGRESQL if postgresql else _PLAIN_TYPES
    ):
        return values
    return [field.get_db_prep_save(field.pre_save(instance, True), connection) for instance in instances]


def _sent_as_is(field, postgresql):
    target = field.target_field if field.is_relation else field
    base = next((plain for plain in (_PLAIN_POSTGRESQL if postgresql else _PLAIN) if isinstance(target, plain)), None)
    return base is not None and all(
        getattr(type(target), method) in (getattr(base, method), getattr(AutoFieldMixin, method, None))
        for method in ("get_prep_value", "get_db_prep_value", "get_db_prep_save", "pre_save")
    )


def _reserve_ids(connection, model, count):
    opts = model._meta
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence named once (looked up in every row, its name would cost five times the
            # numbers themselves), and one row of text rather than `count` rows, read at C speed.
            cursor.execute(
                "WITH named AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, %s)::regclass AS sequence) "
                "SELECT string_agg(nextval(sequence)::text, ',') FROM named, generate_series(1, %s)",
                [opts.db_table, opts.pk.column, count],
            )
            return list(map(int, cursor.fetchone()[0].split(",")))
        # SQLite writes one transaction at a time, so the largest id cannot move under us; the
        # sequence table keeps ids of deleted rows from being given again.
        cursor.execute(f"SELECT MAX({connection.ops.quote_name(opts.pk.column)}) FROM {opts.db_table}")
        largest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [opts.db_table])
        sequence = cursor.fetchone()
        start = max(largest, sequence[0] if sequence else 0) + 1
        return list(range(start, start + count))


class InstanceBuilder:
    """Makes `model` instances from {field name: value}, as Model(**values) does but in half the
    time (see the module's docstring): the attributes are set as Model.from_db() leaves them,
    each missing field gets its default, and a foreign key gets its id and the record itself (so
    clean() can follow it, and a record still to be inserted gives its id once it has one)."""

    def __init__(self, model):
        self.model = model
        self.fields = model._meta.concrete_fields
        self.plain = model.__init__ is models.Model.__init__ and not (
            pre_init.has_listeners(model) or post_init.has_listeners(model)
        )
        self.plans = {}

    def _plan(self, names):
        """For values with these field names: the defaults of the other fields (constants, and
        those computed each time), the (name, attname) pairs of the plain values, and those of
        the relations."""
        constants, computed, plain, relations = {}, [], [], []
        for field in self.fields:
            if field.name in names:
                (relations if field.is_relation else plain).append((field.name, field.attname))
            elif field.has_default() and callable(field.default):
                computed.append((field.attname, field.get_default))
            else:
                constants[field.attname] = field.get_default()
        return constants, computed, plain, relations

    def __call__(self, values):
        if not self.plain:
            return self.model(**values)
        names = frozenset(values)
        plan = self.plans.get(names)
        if plan is None:
            plan = self.plans[names] = self._plan(names)
        constants, computed, plain, relations = plan
        instance = self.model.__new__(self.model)
        instance._state = state = ModelState()
        attributes = instance.__dict__
        attributes.update(constants)
        for attname, default in computed:
            attributes[attname] = default()
        for name, attname in plain:
            attributes[attname] = values[name]
        for name, attname in relations:
            record = values[name]
            attributes[attname] = None if record is None else record.pk
            state.fields_cache[name] = record
        return instance
