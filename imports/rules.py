"""The model's own one-row rules, applied to many rows without a query per row.

`full_clean()` is the single source of the rules, but run on 100.000 rows it would ask the
database about every foreign key, every check constraint and every unique constraint of every
row. Here the same rules run in bulk: the fields' own validation (`clean_fields`, foreign keys
excluded because the import resolved them), the model's `clean()` and, for a Record, its
`problems_of_row()` (the rules save() and bulk_create() refuse too), every CheckConstraint's
condition evaluated in Python on the instance (with SQL's rule that an unknown result passes),
and every unique constraint checked within the file and against the database in a few queries.
The messages are the model's own. A condition this evaluator does not understand falls back to
the constraint's own `validate()`.
"""

from collections import defaultdict

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import F, Q, UniqueConstraint

from bkxh.records import Record, field_of_condition
from imports.kinds import matching


class Unsupported(Exception):
    pass


_OPERATORS = {
    "exact": lambda value, expected: value == expected,
    "gt": lambda value, expected: value > expected,
    "gte": lambda value, expected: value >= expected,
    "lt": lambda value, expected: value < expected,
    "lte": lambda value, expected: value <= expected,
    "in": lambda value, expected: value in expected,
}


class RuleBook:
    """The one-row rules of `model`, for one file. Field validation is remembered per value: a
    file repeats its years, communes and amounts thousands of times, and a field's own checks
    (length, choices, digits, range) depend on the value alone."""

    def __init__(self, model):
        self.model = model
        self.fields = {field.name: field for field in model._meta.concrete_fields}
        self.checks = [
            (constraint, _compile(constraint.condition, model), field_of_condition(constraint.condition))
            for constraint in model._meta.constraints
            if not isinstance(constraint, UniqueConstraint)
        ]
        self.memo = {name: {} for name in self.fields}
        self.lookups = dict.fromkeys(self.fields, 0)
        self.checked = {}

    def row_errors(self, instance, fields):
        """{field name or NON_FIELD_ERRORS: [message, …]} for `instance`, whose `fields` the import set."""
        errors = defaultdict(list)
        for field in self._checked(fields):
            messages = self._clean_field(field, instance)
            if messages:
                errors[field.name].extend(messages)
        try:
            instance.clean()
        except ValidationError as error:
            for name, messages in error.update_error_dict({}).items():
                errors[name].extend(message for message_error in messages for message in message_error.messages)
        if isinstance(instance, Record):
            for name, messages in instance.problems_of_row().items():
                errors[name].extend(messages)
        for constraint, check, field_name in self.checks:
            if _violates(constraint, check, instance):
                errors[field_name].append(constraint.get_violation_error_message())
        return errors

    def _checked(self, fields):
        """The model fields among `fields` whose own validation applies (worked out once per set)."""
        key = tuple(fields)
        checked = self.checked.get(key)
        if checked is None:
            checked = self.checked[key] = [
                field
                for field in map(self.fields.get, key)
                if field is not None and not field.is_relation and not field.generated
            ]
        return checked

    def _clean_field(self, field, instance):
        """What Model.clean_fields() does for one field, remembered per value for fields whose
        values repeat (a name or a citizen ID rarely does: those are checked each time)."""
        raw = instance.__dict__[field.attname]
        if field.blank and raw in field.empty_values:
            return ()
        name = field.name
        memo = self.memo[name]
        outcome = None
        if memo is not None:
            key = (type(raw), raw)
            try:
                outcome = memo.get(key)
            except TypeError:  # an unhashable value is checked every time
                memo = None
        if outcome is None:
            try:
                outcome = (field.clean(raw, instance), ())
            except ValidationError as error:
                outcome = (raw, tuple(message for item in error.error_list for message in item.messages))
            if memo is not None:
                memo[key] = outcome
                if len(memo) > 2000 and len(memo) > self.lookups[name] // 2:
                    # Mostly different values: remembering them costs more than it saves.
                    self.memo[name] = None
        if memo is not None:
            self.lookups[name] += 1
        cleaned, messages = outcome
        if cleaned is not raw:
            setattr(instance, field.attname, cleaned)
        return messages


def _violates(constraint, check, instance):
    if check is not None:
        return check(instance) is False
    try:
        constraint.validate(type(instance), instance)
    except ValidationError:
        return True
    return False


def _compile(node, model):
    """`node` (a Q condition) as a function of an instance giving True, False or None (unknown,
    as SQL's NULL, which a CHECK lets pass); None when it uses what this does not understand."""
    try:
        return _compile_node(node, model)
    except Unsupported:
        return None


def _compile_node(node, model):
    if isinstance(node, Q):
        parts = [_compile_node(child, model) for child in node.children]
        if node.connector not in (Q.AND, Q.OR):
            raise Unsupported(node.connector)
        deciding = node.connector == Q.OR  # one False decides an AND, one True an OR

        def combined(instance):
            unknown = False
            for part in parts:
                result = part(instance)
                if result is deciding:
                    return deciding
                unknown = unknown or result is None
            return None if unknown else not deciding

        if not node.negated:
            return combined
        return lambda instance: None if (result := combined(instance)) is None else not result
    if not isinstance(node, tuple):
        raise Unsupported(node)
    lookup, expected = node
    name, _sep, operator = lookup.partition("__")
    attname = _attname(model, name)
    if isinstance(expected, F):
        other = _attname(model, expected.name)

        def expected_of(instance):
            return getattr(instance, other)

    elif hasattr(expected, "resolve_expression"):
        raise Unsupported(expected)
    else:

        def expected_of(instance):
            return expected

    if operator == "isnull":
        return lambda instance: (getattr(instance, attname) is None) == bool(expected)
    if operator not in ("", *_OPERATORS):
        raise Unsupported(lookup)
    compare = _OPERATORS[operator or "exact"]

    def check(instance):
        value, wanted = getattr(instance, attname), expected_of(instance)
        return None if value is None or wanted is None else compare(value, wanted)

    return check


def _attname(model, name):
    try:
        return model._meta.get_field(name).attname
    except FieldDoesNotExist:
        raise Unsupported(name) from None


def unique_errors(model, instances, skip=(), claimed=None):
    """{id(instance): [(field names, message)]} for the unique rules `instances` break among
    themselves, against the instances of earlier calls sharing `claimed` (a file checked in
    parts), or against stored rows (other than themselves). `skip` lists field sets already
    handled (the business key). A rule with a condition (one current worshipper per martyr)
    holds among the instances and the stored rows that meet it, as its partial index does."""
    errors = defaultdict(list)
    claimed = {} if claimed is None else claimed
    for fields, constraint in unique_rules(model):
        if set(fields) in [set(handled) for handled in skip]:
            continue
        condition = None if constraint is None else constraint.condition
        applies = _compile(condition, model) if condition is not None else None
        if condition is not None and applies is None:
            # A condition the evaluator does not understand: the constraint's own query, row by row.
            for instance in instances:
                if _violates(constraint, None, instance):
                    errors[id(instance)].append((fields, _unique_message(model, instance, fields, constraint)))
            continue
        attnames = [model._meta.get_field(name).attname for name in fields]
        earlier = claimed.setdefault(fields, set())
        fresh = {}
        for instance in instances:
            if applies is not None and applies(instance) is not True:
                continue  # outside the partial index (an unknown condition leaves the row out too)
            value = tuple(getattr(instance, attname) for attname in attnames)
            if None in value:
                continue
            if value in earlier or value in fresh:
                errors[id(instance)].append((fields, _unique_message(model, instance, fields, constraint)))
            else:
                fresh[value] = instance
        stored = {}
        first = attnames[0]
        candidates = model._default_manager.all() if condition is None else model._default_manager.filter(condition)
        for row in matching(candidates.values_list("pk", *attnames), first, {value[0] for value in fresh}):
            stored[tuple(row[1:])] = row[0]
        for value, instance in fresh.items():
            if value in stored and stored[value] != instance.pk:
                errors[id(instance)].append((fields, _unique_message(model, instance, fields, constraint)))
        earlier.update(fresh)
    return errors


def unique_rules(model, *, conditional=True):
    """(field names, UniqueConstraint or None) for each unique rule of `model`: unique fields,
    unique constraints on fields (with a condition too, unless not `conditional`) and
    unique_together."""
    for field in model._meta.concrete_fields:
        if field.unique and not field.primary_key:
            yield (field.name,), None
    for constraint in model._meta.constraints:
        if isinstance(constraint, UniqueConstraint) and constraint.fields and (conditional or not constraint.condition):
            yield tuple(constraint.fields), constraint
    for together in model._meta.unique_together:
        yield tuple(together), None


def _unique_message(model, instance, fields, constraint):
    if constraint is not None and constraint.violation_error_message != constraint.default_violation_error_message:
        return constraint.get_violation_error_message()
    return instance.unique_error_message(model, list(fields)).messages[0]
