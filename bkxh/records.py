"""The base of every data model: versioned, audited, scoped by area, locked by approved years.

A model declares where its rows belong:

    class IndicatorValue(Record):
        area_path = "area"   # lookup path to its AdminUnit; None for province-wide catalogue data
        year_path = "year"   # lookup path to its year; None when its rows do not belong to a year

and gets, on every path that writes (save(), delete(), the admin, imports, and its QuerySet's
update(), delete(), bulk_create() and bulk_update()):
- a refusal of a row that breaks one of the model's own rules no database constraint can hold
  (Record.problems_of_row: a rice line's ceiling reads its round);
- a refusal when the row's year is approved for its unit (approvals.locking) or when the acting
  user (audit.context) works for other units (accounts.scope);
- one history row per changed row, with the user and the path of the change (simple-history);
- a `version` checked on save, so that of two people editing the same row the second is refused
  instead of overwriting the first;
- text fields without their invisible format characters, and refused when one holds a
  character that turns the direction of the text around (clean_texts);
- the years written told, in the writing transaction, to the write observers (note_writes:
  the report's cache, reports.generations).
A save that changes nothing writes nothing, and so leaves no history.

Rows of other models may take something from a row through a foreign key: a rice line its year
from its round (year_path "round__year"), every row its lock from the units above its own
(approvals.locking), a register what it prints of a person (`read_by_dependents`). A write that
changes what they take is a write to them too (dependents_of, guard_dependents): it is refused
when they are in an approved year, before the write and after it, or in units outside the
acting user's.
"""

import contextlib
import contextvars
import functools
import itertools
from operator import attrgetter

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.db import models, router, transaction
from django.db.models import F, Q, prefetch_related_objects
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.context import current_user, history_user
from audit.history import RowHistory
from audit.models import HistoricalContext
from bkxh.per_object import PerObject
from bkxh.text import direction_control, has_format_characters, without_format_characters

# Set while bulk_update() runs Django's own bulk_update, which calls QuerySet.update() back.
_inside_bulk_update = contextvars.ContextVar("bkxh_inside_bulk_update", default=False)
# The rows a delete() has already checked, so that pre_delete checks only those it cascades to.
_checked_deletes = contextvars.ContextVar("bkxh_checked_deletes", default=frozenset())
# The (unit id, year) of the rows a delete() cascades to, noted once with its own (note_writes).
_cascaded = contextvars.ContextVar("bkxh_cascaded", default=None)


@contextlib.contextmanager
def _setting(variable, value):
    token = variable.set(value)
    try:
        yield
    finally:
        variable.reset(token)


class VersionConflict(ValidationError):
    """Someone else saved the row after this copy of it was read."""

    def __init__(self, instance):
        last = instance.history.order_by("-history_date").select_related("history_user").first()
        if last is None or last.history_type == "-":
            message = _("This row was deleted by someone else after you opened it. Nothing was saved.")
        else:
            user = last.history_user
            message = _(
                "This row was changed by %(user)s at %(time)s, after you opened it. Nothing was saved: "
                "open it again to see the current figures, then make your change again."
            ) % {
                "user": (user.get_full_name() or user.get_username()) if user else _("another process"),
                "time": formats.date_format(timezone.localtime(last.history_date), "H:i d/m/Y"),
            }
        super().__init__(message, code="version_conflict")


def value_at(instance, path):
    """The value at lookup `path` from `instance`; the id for a relation at its end."""
    if path is None:
        return None
    *through, last = path.split("__")
    target = instance
    for name in through:
        try:
            target = getattr(target, name)
        except ObjectDoesNotExist:
            # A required relation not set yet (a form sent without it): the form says so.
            return None
        if target is None:
            return None
    if last == "pk":
        return target.pk
    field = target._meta.get_field(last)
    return getattr(target, field.attname)


def unit_year_of(instance):
    return (value_at(instance, instance.area_path), value_at(instance, instance.year_path))


def unit_years_of(model, instances):
    """[unit_year_of(instance) for instance in instances], read at C speed when both paths are fields
    of `model` itself (a bulk insert of 100.000 rows asks for 200.000 values)."""
    paths = (model.area_path, model.year_path)
    if any(path is not None and "__" in path for path in paths):
        return [unit_year_of(instance) for instance in instances]
    opts = model._meta
    attnames = [None if path is None else (opts.pk if path == "pk" else opts.get_field(path)).attname for path in paths]
    columns = [[None] * len(instances) if name is None else list(map(attrgetter(name), instances)) for name in attnames]
    return list(zip(*columns, strict=True))


class WriteGuard:
    """A policy that refuses writes (today the units outside the acting user's, accounts.scope,
    and the approved years, approvals.locking). The kernel imports none of them: each registers
    its guard from its AppConfig.ready() (register_write_guard), and every path that writes asks
    them all, in the order of INSTALLED_APPS."""

    def check(self, model, unit_years, user):
        """Raise a ValidationError if rows of `model` may not be written at the (unit id, year)
        `unit_years` by `user` (None: code or a command, which no user's scope limits)."""

    def refusals(self, model, rows, user):
        """{position in `rows`: [messages]} for the rows (each a list of its (unit id, year)
        unit_years) that check() would refuse, asked for all of them at once (an import names every
        refused row before it writes anything). What it says of a row without a (unit, year) is dropped."""
        return {}


# The registered guards (register_write_guard), asked in this order by every write.
write_guards = []


def register_write_guard(guard):
    """Make every write of a Record ask `guard` (a WriteGuard) first; called from AppConfig.ready(),
    once per kind of guard however often ready() runs."""
    if not any(type(registered) is type(guard) for registered in write_guards):
        write_guards.append(guard)


# The registered write observers (register_write_observer), told of every write.
write_observers = []


def register_write_observer(observer):
    """Tell `observer` of every write of a Record: called as observer(model, years, using) in the
    writing transaction, on every path that writes (the paths guard_writes guards, the import's
    COPY, loaddata, a many-to-many change, a cascaded delete), with the years of the rows written
    (old and new values; None for a model whose rows belong to no year) and the database alias.
    Called from AppConfig.ready(), once per observer however often ready() runs."""
    if observer not in write_observers:
        write_observers.append(observer)


def note_writes(model, unit_years, *, using=None):
    """Tell the write observers that rows of `model` at the (unit id, year) `unit_years` are being
    written, in the writing transaction: what they note is committed or rolled back with the rows.
    A path that writes past the ORM (imports.fast_insert) calls it by name, as it calls guard_writes."""
    if write_observers:
        note_years(model, {None} if model.year_path is None else {year for _unit, year in unit_years}, using=using)


def note_years(model, years, *, using=None):
    """note_writes() for rows of `model` of `years` (None: of no year), for a model that is no
    Record (a year's approval)."""
    if years:
        using = using or router.db_for_write(model)
        for observer in write_observers:
            observer(model, frozenset(years), using)


def guard_writes(model, unit_years, *, user=None):
    """Refuse writing rows of `model` at the (unit id, year) `unit_years` (old and new values), for
    `user` or else the acting user (audit.context): the first write guard that refuses says why."""
    unit_years = list(unit_years)
    if not unit_years:
        return
    user = user or current_user()
    for guard in write_guards:
        guard.check(model, unit_years, user)


def _refusals(model, rows, user):
    """{position in `rows`: [messages]}: every guard's refusals of `rows` (lists of (unit id, year)), each
    message once; rows without a (unit, year) are refused by none."""
    refusals = {}
    for guard in write_guards:
        for position, messages in guard.refusals(model, rows, user).items():
            if rows[position]:
                refusals[position] = list(dict.fromkeys(refusals.get(position, []) + messages))
    return refusals


# `read_by_dependents` of a model every field of which the rows citing it show (a decision).
ALL_FIELDS = "__all__"
# The longest chain of foreign keys from a row of a year to a row whose change it reads: a rice
# line's commune's district's parent (locks reach two units above a row's own, approvals.locking).
DEPENDENT_HOPS = 3


def _read_attnames(model):
    names = model.read_by_dependents
    if names == ALL_FIELDS:
        return frozenset(
            field.attname for field in model._meta.concrete_fields if not field.primary_key and field.name != "version"
        )
    return frozenset(model._meta.get_field(name).attname for name in names)


@functools.cache
def dependents_of(model):
    """((dependent model, its foreign key to `model`, the attnames of `model` its rows read), …):
    the rows that take their year or unit from a row of `model` (the rest of their year_path or
    area_path past that foreign key), or what `model.read_by_dependents` declares they show of it.
    Only rows of a year can be locked; a model without years is one only when it passes what it
    reads on (its own read_by_dependents names the foreign key: a household shows its head)."""
    found = []
    for dependent in apps.get_models():
        if not issubclass(dependent, Record):
            continue
        passed_on = _read_attnames(dependent)
        for field in dependent._meta.concrete_fields:
            if not field.many_to_one or field.related_model is not model:
                continue
            if dependent.year_path is None and field.attname not in passed_on:
                continue
            read = set(_read_attnames(model))
            for path in (dependent.area_path, dependent.year_path):
                head, _sep, rest = (path or "").partition("__")
                if head == field.name and rest:
                    read.add(model._meta.get_field(rest.split("__")[0]).attname)
            if read:
                found.append((dependent, field.name, frozenset(read)))
    return tuple(found)


@functools.cache
def reading_paths(model, attnames, hops=DEPENDENT_HOPS):
    """((model of a year, lookup from it to `model`), …) for the rows of a year that read one of
    `attnames` of a row of `model`, directly or through rows that pass it on."""
    paths = []
    for dependent, fk, read in dependents_of(model):
        if not read & attnames:
            continue
        if dependent.year_path is not None:
            paths.append((dependent, fk))
        if hops > 1 and dependent._meta.get_field(fk).attname in _read_attnames(dependent):
            attname = frozenset({dependent._meta.get_field(fk).attname})
            paths += [(further, f"{path}__{fk}") for further, path in reading_paths(dependent, attname, hops - 1)]
    return tuple(paths)


def guard_dependents(model, rows, attnames, *, user=None):
    """Refuse changing `attnames` of `rows` of `model` (primary keys, or a query of them) when
    rows of other models read them (dependents_of) and may not be written: guard_writes() with
    their (unit, year). Called before the write and again after it, in its transaction, so that
    rows moved out of an approved year and rows moved into one are refused alike."""
    if isinstance(rows, list | tuple):
        for start in range(0, len(rows), VERSION_BATCH):
            _guard_reading_rows(model, rows[start : start + VERSION_BATCH], attnames, user)
    else:
        _guard_reading_rows(model, rows, attnames, user)


def read_by_any_dependent(model):
    """Every attname of `model` some rows of other models read: all that a delete takes from them."""
    return frozenset().union(*(read for _dependent, _fk, read in dependents_of(model)))


def _guard_reading_rows(model, rows, attnames, user):
    for dependent, path in reading_paths(model, frozenset(attnames)):
        # Unordered: an ordering by related fields would join them and select their columns.
        unit_years = RecordQuerySet(dependent).filter(**{f"{path}__in": rows}).order_by()._stored_unit_years()
        guard_writes(dependent, unit_years, user=user)


def dependent_refusals(model, instances, *, user=None):
    """{position in `instances`: [messages]} for the rows read from the database whose changes
    rows of other models read and may not be written (guard_dependents), one query per model
    that reads them, whatever the number of rows."""
    if not dependents_of(model):
        return {}
    changed = {
        position: frozenset(instance.changed_fields())
        for position, instance in enumerate(instances)
        if not instance._state.adding and instance.pk is not None
    }
    refusals = {}
    for dependent, path in reading_paths(model, frozenset().union(*changed.values())):
        fields = [field for field in (dependent.area_path, dependent.year_path) if field is not None]
        unit_years_by_pk = {}
        pks = [instances[position].pk for position in changed]
        for start in range(0, len(pks), VERSION_BATCH):
            rows = RecordQuerySet(dependent).filter(**{f"{path}__in": pks[start : start + VERSION_BATCH]})
            for pk, *unit_year in rows.order_by().values_list(path, *fields).distinct():
                unit_years_by_pk.setdefault(pk, set()).add(
                    tuple(unit_year) if dependent.area_path else (None, *unit_year)
                )
        positions = [position for position, read in changed.items() if (dependent, path) in reading_paths(model, read)]
        rows = [sorted(unit_years_by_pk.get(instances[position].pk, ()), key=repr) for position in positions]
        for index, messages in _refusals(dependent, rows, user).items():
            position = positions[index]
            refusals[position] = list(dict.fromkeys(refusals.get(position, []) + messages))
    return refusals


@functools.cache
def text_fields(model):
    text = models.CharField | models.TextField
    return tuple(field for field in model._meta.concrete_fields if isinstance(field, text))


def cleaned_text(field, value):
    """(`value` without format characters, None) for text `field`, or (`value`, the message
    refusing it) when it holds a direction control (bkxh.text). Names, codes and notes alike:
    an invisible character in a code or a name makes another household or person of it."""
    if value.__class__ is not str or not has_format_characters(value):
        return value, None
    control = direction_control(value)
    if control is not None:
        return value, _(
            "%(field)s holds an invisible character (%(code)s) that changes the direction of the text around it: "
            "delete it (write the text again)."
        ) % {"field": capfirst(field.verbose_name), "code": control}
    return without_format_characters(value), None


def text_problems(instance, exclude=()):
    """Take the format characters out of `instance`'s text fields; {field name: [message]} for
    those that hold a direction control, left as they are."""
    problems = {}
    values = instance.__dict__
    for field in text_fields(type(instance)):
        if field.name in exclude or field.attname not in values:
            continue
        cleaned, problem = cleaned_text(field, values[field.attname])
        if problem is not None:
            problems[field.name] = [problem]
        else:
            values[field.attname] = cleaned
    return problems


def clean_texts(model, instances):
    """text_problems() for many rows, a column at a time (an import inserts 100.000); raises the
    first refusal."""
    for field in text_fields(model):
        attname = field.attname
        # A column without a format character anywhere (nearly always) is told at C speed.
        values = list(map(dict.get, map(vars, instances), itertools.repeat(attname)))
        try:
            if not has_format_characters("".join(values)):
                continue
        except TypeError:  # a None (a nullable text) or a value not yet a str: each is looked at
            pass
        for instance, value in zip(instances, values, strict=True):
            cleaned, problem = cleaned_text(field, value)
            if problem is not None:
                raise ValidationError({field.name: [problem]})
            if cleaned is not value:
                instance.__dict__[attname] = cleaned


def has_row_rules(model):
    return model.problems_of_row is not Record.problems_of_row


def refuse_broken_rules(model, instances):
    """Raise the problems of the first of `instances` that breaks a rule of the model's
    problems_of_row(); the rows its rules read (model.read_by_row_rules) are read in one query
    each rather than one per row."""
    if not has_row_rules(model) or not instances:
        return
    prefetch_related_objects(instances, *model.read_by_row_rules)
    for instance in instances:
        problems = instance.problems_of_row()
        if problems:
            raise ValidationError(problems)


def write_refusals(model, instances, *, user=None):
    """Why each of `instances` (new, or read from the database and perhaps changed) could not be
    written: {position in `instances`: [messages]}, for an import to name its rows before it
    writes anything. Two queries for the locks whatever the number of rows."""
    rows = [
        [unit_year_of(instance), *([] if instance._state.adding else instance._old_unit_years())]
        for instance in instances
    ]
    refusals = _refusals(model, rows, user)
    for position, messages in dependent_refusals(model, instances, user=user).items():
        refusals[position] = list(dict.fromkeys(refusals.get(position, []) + messages))
    return refusals


VERSION_BATCH = 2000


class RecordQuerySet(models.QuerySet):
    def _stored_unit_years(self):
        area, year = self.model.area_path, self.model.year_path
        paths = [path for path in (area, year) if path is not None]
        if not paths:
            return [(None, None)] if self.exists() else []
        rows = self.values_list(*paths).distinct()
        if area is None:
            return [(None, row[0]) for row in rows]
        if year is None:
            return [(row[0], None) for row in rows]
        return list(rows)

    def _history(self, objs, update):
        history = getattr(self.model, "history", None)
        if history is not None and objs:
            history.bulk_history_create(objs, update=update)

    def update(self, **kwargs):
        if _inside_bulk_update.get():
            return super().update(**kwargs)
        for field in text_fields(self.model):
            if field.name in kwargs:
                kwargs[field.name], problem = cleaned_text(field, kwargs[field.name])
                if problem is not None:
                    raise ValidationError({field.name: [problem]})
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            if not pks:
                return 0
            rows = RecordQuerySet(self.model, using=self.db).filter(pk__in=pks)
            unit_years = rows._stored_unit_years()
            new_area = kwargs.get(self.model.area_path, kwargs.get(f"{self.model.area_path}_id", ...))
            new_year = kwargs.get(self.model.year_path, ...)
            guard_writes(
                self.model,
                unit_years
                + [
                    (
                        unit if new_area is ... else getattr(new_area, "pk", new_area),
                        year if new_year is ... else new_year,
                    )
                    for unit, year in unit_years
                ],
            )
            # The fields named, as attnames (round → round_id), that rows of other models may read.
            named = frozenset(self.model._meta.get_field(name).attname for name in kwargs)
            guard_dependents(self.model, rows.values("pk"), named)
            kwargs.setdefault("version", F("version") + 1)
            count = models.QuerySet.update(rows, **kwargs)
            # Where the rows are now, read back: a row also moves through a relation (a rice line
            # given another round), which the arguments above do not show; a refusal rolls the
            # update back. The guard before it names a lock before a constraint can fail.
            moved = rows._stored_unit_years()
            guard_writes(self.model, moved)
            guard_dependents(self.model, rows.values("pk"), named)
            updated = list(rows.all())
            refuse_broken_rules(self.model, updated)
            self._history(updated, update=True)
            note_writes(self.model, unit_years + moved, using=self.db)
        return count

    update.alters_data = True

    def delete(self):
        with transaction.atomic(using=self.db):
            unit_years = self._stored_unit_years()
            guard_writes(self.model, unit_years)
            guard_dependents(self.model, self.values("pk"), read_by_any_dependent(self.model))
            checked = {(self.model._meta.label, pk) for pk in self.values_list("pk", flat=True)}
            with _setting(_checked_deletes, _checked_deletes.get() | checked), _noting_cascades(self.db):
                deleted = super().delete()
            note_writes(self.model, unit_years, using=self.db)
            return deleted

    delete.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if _inside_bulk_update.get() or not objs:
            return super().bulk_create(objs, *args, **kwargs)
        clean_texts(self.model, objs)
        with transaction.atomic(using=self.db):
            # Guarded in the writing transaction, which then holds the year open (approvals.locking).
            unit_years = unit_years_of(self.model, objs)
            guard_writes(self.model, unit_years)
            refuse_broken_rules(self.model, objs)
            created = super().bulk_create(objs, *args, **kwargs)
            self._history(created, update=False)
            note_writes(self.model, unit_years, using=self.db)
        for obj in created:
            obj._remember_stored_values()
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        """Write the rows of `objs` whose `fields` changed since they were read; the others are left alone."""
        if _inside_bulk_update.get():
            return super().bulk_update(objs, fields, *args, **kwargs)
        clean_texts(self.model, objs)
        attnames = {self.model._meta.get_field(name).attname for name in fields}
        objs = [obj for obj in objs if attnames & set(obj.changed_fields())]
        if not objs:
            return 0
        with transaction.atomic(using=self.db):
            stored = RecordQuerySet(self.model, using=self.db).filter(pk__in=[obj.pk for obj in objs])
            _check_versions(RecordQuerySet(self.model, using=self.db), objs)
            unit_years = stored._stored_unit_years() + [unit_year_of(obj) for obj in objs]
            guard_writes(self.model, unit_years)
            refuse_broken_rules(self.model, objs)
            pks = [obj.pk for obj in objs]
            guard_dependents(self.model, pks, attnames)
            with _setting(_inside_bulk_update, True):
                count = super().bulk_update(objs, fields, *args, **kwargs)
            guard_dependents(self.model, pks, attnames)
            # One UPDATE per batch for the versions: a CASE per row, as bulk_update writes
            # fields, would double its cost.
            for start in range(0, len(pks), VERSION_BATCH):
                batch = RecordQuerySet(self.model, using=self.db).filter(pk__in=pks[start : start + VERSION_BATCH])
                models.QuerySet.update(batch, version=F("version") + 1)
            for obj in objs:
                obj.version += 1
            self._history(objs, update=True)
            note_writes(self.model, unit_years, using=self.db)
        for obj in objs:
            obj._remember_stored_values()
        return count

    bulk_update.alters_data = True


class StaleRows(ValidationError):
    """Rows of a bulk update that someone else saved or deleted after they were read."""

    def __init__(self, pks):
        self.pks = pks
        super().__init__(
            _(
                "%(count)s of the rows were changed or deleted by someone else after they were read. "
                "Nothing was saved: read them again, then make the change again."
            )
            % {"count": len(pks)},
            code="version_conflict",
        )


def _check_versions(rows, objs):
    """Lock the stored rows of `objs` until the end of the transaction and refuse the update if
    any of them is no longer the version that was read, as save() does for one row."""
    current = {}
    for start in range(0, len(objs), VERSION_BATCH):
        batch = [obj.pk for obj in objs[start : start + VERSION_BATCH]]
        current.update(rows.filter(pk__in=batch).select_for_update().values_list("pk", "version"))
    stale = [obj.pk for obj in objs if current.get(obj.pk) != obj.version]
    if stale:
        raise StaleRows(stale)


def field_of_condition(condition):
    """The one field a check constraint's condition is about, or NON_FIELD_ERRORS: where its
    error is reported, by the import and by the model's full_clean() alike."""
    referenced = condition_fields(condition)
    return referenced.pop() if len(referenced) == 1 else NON_FIELD_ERRORS


def condition_fields(node):
    if isinstance(node, Q):
        return set().union(*(condition_fields(child) for child in node.children)) if node.children else set()
    return {node[0].split("__")[0]} if isinstance(node, tuple) else set()


class Record(models.Model):
    area_path = "area"
    year_path = None
    # The fields that rows pointing at this one show of it (beyond those their area_path and
    # year_path pass through, found by dependents_of), or ALL_FIELDS: what an approved year
    # prints of a person. Changing one is changing those rows (guard_dependents).
    read_by_dependents = ()
    # The foreign keys problems_of_row() follows.
    read_by_row_rules = ()

    version = models.PositiveIntegerField(
        gettext_lazy("version"), default=0, help_text=gettext_lazy("Raised by one at every change of the row.")
    )

    history = RowHistory(inherit=True, bases=[HistoricalContext], get_user=history_user)
    objects = RecordQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        clean_texts(type(self), [self])
        if not self._state.adding and not self.changed_fields():
            return
        with transaction.atomic(using=kwargs.get("using")):
            unit_years = self._unit_years_written()
            guard_writes(type(self), unit_years)
            refuse_broken_rules(type(self), [self])
            if not self._is_stored():
                super().save(*args, **kwargs)
            else:
                changed = frozenset(self.changed_fields())
                guard_dependents(type(self), [self.pk], changed)
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
                self._expected_version = self.version
                self.version += 1
                try:
                    super().save(*args, **kwargs)
                    guard_dependents(type(self), [self.pk], changed)
                except BaseException:
                    self.version = self._expected_version
                    raise
                finally:
                    del self._expected_version
            # Where the row is now: a save may move it (another year, another unit).
            note_writes(type(self), [*unit_years, unit_year_of(self)], using=kwargs.get("using"))
        self._remember_stored_values()

    save.alters_data = True

    def problems_of_row(self):
        """{field name: [message, …]} for the model's rules about one row that no database
        constraint can hold, because they read a row it points at (a rice line's ceiling depends
        on its round's months). Defined here once, they are reported by full_clean() (the admin
        form) and by the import's rule book (imports.rules), and refused by every write: save(),
        bulk_create(), bulk_update() and update(). They may read only the row and the rows its
        foreign keys point at."""
        return {}

    def delete(self, *args, **kwargs):
        with transaction.atomic(using=kwargs.get("using")):
            unit_years = self._old_unit_years()
            guard_writes(type(self), unit_years)
            guard_dependents(type(self), [self.pk], read_by_any_dependent(type(self)))
            checked = _checked_deletes.get() | {(self._meta.label, self.pk)}
            with _setting(_checked_deletes, checked), _noting_cascades(kwargs.get("using")):
                deleted = super().delete(*args, **kwargs)
            note_writes(type(self), unit_years, using=kwargs.get("using"))
            return deleted

    delete.alters_data = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._remember_stored_values()
        return instance

    def _remember_stored_values(self):
        self._stored_values = {
            field.attname: getattr(self, field.attname)
            for field in self._meta.concrete_fields
            if field.attname in self.__dict__
        }

    def changed_fields(self):
        """The attnames whose values differ from those read from the database (all, for a new row)."""
        stored = getattr(self, "_stored_values", None)
        names = [
            field.attname
            for field in self._meta.concrete_fields
            if field.attname != "version" and not getattr(field, "auto_now", False) and field.attname in self.__dict__
        ]
        if self._state.adding or stored is None:
            return names
        return [name for name in names if name not in stored or stored[name] != getattr(self, name)]

    def _old_unit_years(self):
        """The (unit id, year) the row has in the database: from what was read when the paths are
        the row's own fields (the version check vouches for them), else from the database."""
        stored = getattr(self, "_stored_values", None)
        paths = [path for path in (self.area_path, self.year_path) if path is not None]
        if stored is not None and all("__" not in path for path in paths):
            return [tuple(self._stored_value(path) for path in (self.area_path, self.year_path))]
        return RecordQuerySet(type(self)).filter(pk=self.pk)._stored_unit_years()

    def _stored_value(self, path):
        if path is None:
            return None
        attname = self._meta.pk.attname if path == "pk" else self._meta.get_field(path).attname
        return self._stored_values.get(attname)

    def _is_stored(self):
        """Whether save() will update a row: one read from the database, or a new object given
        the primary key of a stored row, which must not overwrite it unchecked."""
        if not self._state.adding:
            return True
        return self.pk is not None and type(self)._base_manager.filter(pk=self.pk).exists()

    def _unit_years_written(self):
        return (self._old_unit_years() if self._is_stored() else []) + [unit_year_of(self)]

    def validate_constraints(self, exclude=None):
        """Django's, except that a check constraint about one field reports on that field (as the
        import reports it on that field's column), so the form shows the error beside its input
        rather than above the form."""
        using = router.db_for_write(type(self), instance=self)
        errors = {}
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    if isinstance(constraint, models.CheckConstraint):
                        key = field_of_condition(constraint.condition)
                    elif getattr(error, "code", None) == "unique" and len(constraint.fields) == 1:
                        key = constraint.fields[0]  # as Django does
                    else:
                        key = NON_FIELD_ERRORS
                    errors.setdefault(key, []).append(error)
        if errors:
            raise ValidationError(errors)

    def full_clean(self, exclude=None, validate_unique=True, validate_constraints=True):
        """Django's checks, and those of a write: the row is current, its year open, its unit ours;
        its texts first without their format characters (clean_texts)."""
        errors = text_problems(self, exclude or ())
        try:
            super().full_clean(exclude, validate_unique, validate_constraints)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        problems = self.problems_of_row()
        if problems:
            errors = ValidationError(problems).update_error_dict(errors)
        if not self._state.adding:
            stored_version = type(self)._base_manager.filter(pk=self.pk).values_list("version", flat=True).first()
            if stored_version != self.version:
                errors = VersionConflict(self).update_error_dict(errors)
        if self.changed_fields():
            try:
                guard_writes(type(self), self._unit_years_written())
                if self._is_stored():
                    guard_dependents(type(self), [self.pk], frozenset(self.changed_fields()))
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        expected = getattr(self, "_expected_version", None)
        if expected is None:
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        updated = super()._do_update(
            base_qs.filter(version=expected), using, pk_val, values, update_fields, forced_update
        )
        if not updated and base_qs.filter(pk=pk_val).exists():
            raise VersionConflict(self)
        return updated


@contextlib.contextmanager
def _noting_cascades(using):
    """Note the rows a delete cascades to (guard_cascaded_delete) once per model at its end,
    rather than once per row."""
    cascaded = {}
    with _setting(_cascaded, cascaded):
        yield
    for model, unit_years in cascaded.items():
        note_writes(model, unit_years, using=using)


@receiver(pre_delete, dispatch_uid="records_guard_cascaded_delete")
def guard_cascaded_delete(sender, instance, using, **kwargs):
    """Rows deleted along with another (on_delete=CASCADE) are guarded and noted like rows deleted
    directly."""
    if isinstance(instance, Record) and (sender._meta.label, instance.pk) not in _checked_deletes.get():
        unit_year = unit_year_of(instance)
        guard_writes(sender, [unit_year])
        cascaded = _cascaded.get()
        if cascaded is None:  # the delete of a model that is no Record
            note_writes(sender, [unit_year], using=using)
        else:
            cascaded.setdefault(sender, set()).add(unit_year)


@receiver(m2m_changed, dispatch_uid="records_note_many_to_many")
def note_many_to_many(sender, instance, action, model, pk_set, using, **kwargs):
    """A many-to-many change (an agency's sectors) writes the rows on both of its sides."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, Record):
        note_writes(type(instance), [unit_year_of(instance)], using=using)
    if issubclass(model, Record):
        if pk_set is None:  # a clear names no rows of the other side: every year
            others = [(None, None)]
        else:
            others = RecordQuerySet(model, using=using).filter(pk__in=pk_set)._stored_unit_years()
        note_writes(model, others, using=using)


# What a raw save changes of what other rows read, from its pre_save to its post_save.
_raw_changed = PerObject("fields changed by a raw save")


@receiver(pre_save, dispatch_uid="records_guard_raw_save")
def guard_raw_save(sender, instance, raw, **kwargs):
    """loaddata saves with raw=True, past save(): it is guarded all the same."""
    if raw and isinstance(instance, Record):
        clean_texts(sender, [instance])
        stored = RecordQuerySet(sender).filter(pk=instance.pk)._stored_unit_years() if instance.pk else []
        guard_writes(sender, [*stored, unit_year_of(instance)])
        note_writes(sender, [*stored, unit_year_of(instance)], using=kwargs.get("using"))
        changed = _raw_changes(sender, instance)
        _raw_changed.set(instance, changed)
        guard_dependents(sender, [instance.pk], changed)


@receiver(post_save, dispatch_uid="records_guard_raw_save_dependents")
def guard_raw_save_dependents(sender, instance, raw, **kwargs):
    """The rows a raw save moved (into an approved year), as save() checks after writing."""
    changed = _raw_changed.pop(instance) if raw else None
    if changed:
        guard_dependents(sender, [instance.pk], changed)


def _raw_changes(model, instance):
    """The attnames of a fixture's row that differ from the stored row's, of those other rows
    read: a fixture loaded again changes nothing and is not refused."""
    read = read_by_any_dependent(model)
    if instance.pk is None or not read:
        return frozenset()
    stored = model._base_manager.filter(pk=instance.pk).values(*read).first()
    if stored is None:
        return frozenset()
    return frozenset(name for name in read if stored[name] != getattr(instance, name))
