"""Inserting many new records fast: COPY on PostgreSQL, one executemany on SQLite.

Django's bulk_create builds one INSERT … VALUES statement per batch, which on PostgreSQL costs
about 60 µs a row; COPY takes about 14 (reference/performance.md). Ids are drawn first (from the
sequence on PostgreSQL; after the largest id, under the write lock, on SQLite) so that records
pointing at the new ones (a gift at its new person) get them too. Each value goes through its
field's own pre_save() and get_db_prep_save(), as bulk_create does, so auto_now fields are set
and values reach the database as Django would send them. Other databases use bulk_create.

A data model (bkxh.records.Record) gets what its own bulk_create gives it: the write is refused
for a locked year or a unit outside the acting user's scope, and each new row gets its history
row (written the same fast way), stamped with the user, the path and the import log.
"""

from django.db import connections, models, router
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

from bkxh.records import Record, guard_writes, pair_of


def insert(model, instances):
    """Insert `instances` (all new) of `model`, give each its primary key, and its history."""
    if not instances:
        return
    if issubclass(model, Record):
        guard_writes(model, [pair_of(instance) for instance in instances])
    _insert_rows(model, instances)
    history = getattr(model, "history", None)
    if history is not None:
        _insert_rows(history.model, _history_rows(history.model, instances))
    if issubclass(model, Record):
        for instance in instances:
            instance._remember_stored_values()


def _history_rows(history_model, instances):
    """The "+" history rows simple-history's bulk_history_create would make for `instances`."""
    now = timezone.now()
    user = history_model.get_default_history_user(instances[0])
    tracked = [field.attname for field in history_model.tracked_fields]
    rows = []
    for instance in instances:
        row = history_model(
            history_date=now,
            history_user=user,
            history_change_reason="",
            history_type="+",
            **{name: getattr(instance, name) for name in tracked},
        )
        if hasattr(history_model, "history_relation"):
            row.history_relation_id = instance.pk
        rows.append(row)
    return rows


def _insert_rows(model, instances):
    # The connection itself, not django.db.connection: that proxy costs a thread-local look-up on
    # every use, and a value is prepared for it millions of times.
    connection = connections[router.db_for_write(model)]
    if connection.vendor not in ("postgresql", "sqlite") or not model._meta.pk.get_internal_type().endswith(
        "AutoField"
    ):
        # Django's own bulk_create, not a Record's: insert() has done what a Record's adds.
        models.QuerySet(model).bulk_create(instances, batch_size=1000)
        return
    opts = model._meta
    fields = [field for field in opts.concrete_fields if not field.generated]
    for instance, pk in zip(instances, _reserve_ids(connection, model, len(instances)), strict=True):
        setattr(instance, opts.pk.attname, pk)
        instance._state.adding = False
        instance._state.db = connection.alias
    relations = [field for field in fields if field.is_relation]
    table = connection.ops.quote_name(opts.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    values = [_value_of(field, connection) for field in fields]
    rows = (_row(instance, relations, values) for instance in instances)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


def _row(instance, relations, values):
    for field in relations:
        # A record pointed at that was itself inserted after being assigned: take its new id.
        if getattr(instance, field.attname) is None and field.is_cached(instance):
            related = field.get_cached_value(instance)
            if related is not None:
                setattr(instance, field.attname, related.pk)
    return [value(instance) for value in values]


# Fields whose preparation leaves a str, an int or a bool as it is, when the field class does not
# change how it prepares values: their values are sent as they are (a few million calls saved).
_PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)
_PLAIN_TYPES = (str, int, bool, type(None))


def _value_of(field, connection):
    """A function giving `field`'s value of an instance as the database takes it."""
    target = field.target_field if field.is_relation else field
    base = next((plain for plain in _PLAIN if isinstance(target, plain)), None)
    unchanged = base is not None and all(
        getattr(type(target), method) in (getattr(base, method), getattr(AutoFieldMixin, method, None))
        for method in ("get_prep_value", "get_db_prep_value", "get_db_prep_save", "pre_save")
    )
    attname = field.attname

    def prepared(instance):
        return field.get_db_prep_save(field.pre_save(instance, True), connection)

    if not unchanged:
        return prepared

    def plain(instance):
        value = getattr(instance, attname)
        return value if type(value) in _PLAIN_TYPES else prepared(instance)

    return plain


def _reserve_ids(connection, model, count):
    opts = model._meta
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [opts.db_table, opts.pk.column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite writes one transaction at a time, so the largest id cannot move under us; the
        # sequence table keeps ids of deleted rows from being given again.
        cursor.execute(f"SELECT MAX({connection.ops.quote_name(opts.pk.column)}) FROM {opts.db_table}")
        largest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [opts.db_table])
        sequence = cursor.fetchone()
        start = max(largest, sequence[0] if sequence else 0) + 1
        return list(range(start, start + count))
