"""The system check of the import kinds: a kind's business key is a uniqueness its model holds.

A row of a file is matched to the stored record with the same key and changes it. A key the
model does not hold unique (a person and a milestone, where the model allows an over-100 gift
every year) matches another record than the row's and rewrites it; a key that is one of the
model's unconditional unique constraints cannot. A kind that matches in a way of its own (a
person by citizen ID, or without one by name, year of birth and commune) says so in
`Kind.matched_by`, and its tests answer for it.

A kind whose before_write needs every row of the file must say it is not written while it is
checked (Kind.written_while_checked): the writer of parts never calls before_write.
"""

from django.core import checks

from imports.kinds import Kind, all_kinds
from imports.rules import unique_rules


def check_kind_keys(app_configs=None, **kwargs):
    errors = []
    for kind in all_kinds():
        if app_configs is not None and kind.model._meta.app_config not in app_configs:
            continue
        if kind.matched_by:
            continue
        unique = [fields for fields, _constraint in unique_rules(kind.model, conditional=False)]
        if set(kind.key) in [set(fields) for fields in unique]:
            continue
        named = ", ".join(str(fields) for fields in unique) or "none"
        errors.append(
            checks.Error(
                f"The key {kind.key} of the import kind “{kind.name}” is not one of the unconditional unique "
                f"constraints of {kind.model._meta.label} ({named}): a row would be matched to, and change, "
                "another record than its own.",
                hint="Key the kind on one of the model's unique constraints (or add the constraint to the model), "
                "or say in the kind's matched_by how it matches and test it.",
                obj=type(kind),
                id="imports.E001",
            )
        )
    return errors


def check_kind_write_paths(app_configs=None, **kwargs):
    return [
        checks.Error(
            f"The import kind “{kind.name}” has a before_write but says it may be written while it is checked: "
            "its parts would be written without it.",
            hint="Set written_while_checked = False on the kind.",
            obj=type(kind),
            id="imports.E002",
        )
        for kind in all_kinds()
        if kind.written_while_checked
        and type(kind).before_write is not Kind.before_write
        and (app_configs is None or kind.model._meta.app_config in app_configs)
    ]


checks.register(check_kind_keys)
checks.register(check_kind_write_paths)
