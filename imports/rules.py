"""The model's own one-row rules, applied to many rows without a query per row.

`full_clean()` is the single source of the rules, but run on 100.000 rows it would ask the
database about every foreign key, every check constraint and every unique constraint of every
row. Here the same rules run in bulk: the fields' own validation (`clean_fields`, foreign keys
excluded because the import resolved them), the model's `clean()`, every CheckConstraint's
condition evaluated in Python on the instance (with SQL's rule that an unknown result passes),
and every unique constraint checked within the file and against the database in a few queries.
The messages are the model's own. A condition this evaluator does not understand falls back to
the constraint's own `validate()`.
"""

from collections import defaultdict

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db.models import F, Q, UniqueConstraint

from imports.kinds import chunks


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


def row_errors(instance, fields):
    """{field name or NON_FIELD_ERRORS: [message, …]} for `instance`, whose `fields` the import set."""
    model = type(instance)
    errors = defaultdict(list)
    exclude = {field.name for field in model._meta.concrete_fields if field.name not in fields or field.is_relation}
    for method in (lambda: instance.clean_fields(exclude=exclude), instance.clean):
        try:
            method()
        except ValidationError as error:
            for name, messages in error.update_error_dict({}).items():
                errors[name].extend(message for message_error in messages for message in message_error.messages)
    for constraint in model._meta.constraints:
        if isinstance(constraint, UniqueConstraint):
            continue
        if violates(constraint, instance):
            referenced = condition_fields(constraint.condition)
            name = referenced.pop() if len(referenced) == 1 else NON_FIELD_ERRORS
            errors[name].append(constraint.get_violation_error_message())
    return dict(errors)


def violates(constraint, instance):
    try:
        return evaluate(constraint.condition, instance) is False
    except Unsupported:
        try:
            constraint.validate(type(instance), instance)
        except ValidationError:
            return True
        return False


def evaluate(node, instance):
    """True, False or None (unknown, as SQL's NULL) for a Q condition on `instance`."""
    if isinstance(node, Q):
        results = [evaluate(child, instance) for child in node.children]
        if node.connector == Q.AND:
            result = False if False in results else (None if None in results else True)
        elif node.connector == Q.OR:
            result = True if True in results else (None if None in results else False)
        else:
            raise Unsupported(node.connector)
        return result if result is None or not node.negated else not result
    if not isinstance(node, tuple):
        raise Unsupported(node)
    lookup, expected = node
    name, _sep, operator = lookup.partition("__")
    value = _attribute(instance, name)
    if isinstance(expected, F):
        expected = _attribute(instance, expected.name)
    elif hasattr(expected, "resolve_expression"):
        raise Unsupported(expected)
    if operator == "isnull":
        return (value is None) == bool(expected)
    if operator not in ("", *_OPERATORS) or "__" in operator:
        raise Unsupported(lookup)
    if value is None or expected is None:
        return None
    return _OPERATORS[operator or "exact"](value, expected)


def _attribute(instance, name):
    try:
        field = type(instance)._meta.get_field(name)
    except FieldDoesNotExist:
        raise Unsupported(name) from None
    return getattr(instance, field.attname)


def condition_fields(node):
    if isinstance(node, Q):
        return set().union(*(condition_fields(child) for child in node.children)) if node.children else set()
    return {node[0].split("__")[0]} if isinstance(node, tuple) else set()


def unique_errors(model, instances, skip=()):
    """{id(instance): [(field name, message)]} for the unique rules `instances` break among
    themselves or against stored rows (other than themselves). `skip` lists field sets already
    handled (the business key)."""
    errors = defaultdict(list)
    for fields, constraint in _unique_rules(model):
        if set(fields) in [set(handled) for handled in skip]:
            continue
        attnames = [model._meta.get_field(name).attname for name in fields]

        def key(instance, attnames=attnames):
            values = tuple(getattr(instance, attname) for attname in attnames)
            return None if None in values else values

        claimed = {}
        for instance in instances:
            value = key(instance)
            if value is None:
                continue
            if value in claimed:
                errors[id(instance)].append((fields[0], _unique_message(model, instance, fields, constraint)))
            else:
                claimed[value] = instance
        stored = {}
        first = attnames[0]
        for chunk in chunks({value[0] for value in claimed}):
            for row in model._default_manager.filter(**{f"{first}__in": chunk}).values_list("pk", *attnames):
                stored[tuple(row[1:])] = row[0]
        for value, instance in claimed.items():
            if value in stored and stored[value] != instance.pk:
                errors[id(instance)].append((fields[0], _unique_message(model, instance, fields, constraint)))
    return errors


def _unique_rules(model):
    for field in model._meta.concrete_fields:
        if field.unique and not field.primary_key:
            yield (field.name,), None
    for constraint in model._meta.constraints:
        if isinstance(constraint, UniqueConstraint) and constraint.fields and constraint.condition is None:
            yield tuple(constraint.fields), constraint
    for together in model._meta.unique_together:
        yield tuple(together), None


def _unique_message(model, instance, fields, constraint):
    if constraint is not None and constraint.violation_error_message != constraint.default_violation_error_message:
        return constraint.get_violation_error_message()
    return instance.unique_error_message(model, list(fields)).messages[0]
