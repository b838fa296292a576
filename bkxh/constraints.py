"""Database constraints, each with the message staff read when a row breaks it.

A constraint is the rule itself: the database holds it for every writer, and full_clean()
(Model.validate_constraints) checks it first for the admin's forms, list edits and the import,
which then show its message on the field or the row. Written through these two functions so
that a model's rules read as a list of rules, one line each where they fit.
"""

from django.db import models

from bkxh.years import MAX_YEAR, MIN_YEAR, YEAR_RANGE_MESSAGE


def rule(name, condition, message):
    """A check constraint: rows must satisfy `condition` (a Q), else `message`."""
    return models.CheckConstraint(condition=condition, name=name, violation_error_message=message)


def unique(name, fields, message, **options):
    """A unique constraint on `fields` (UniqueConstraint's `options`, e.g. a condition)."""
    return models.UniqueConstraint(fields=fields, name=name, violation_error_message=message, **options)


def year_in_range(name):
    """The range of years every model with a year holds to (bkxh.years)."""
    return rule(name, models.Q(year__gte=MIN_YEAR, year__lte=MAX_YEAR), YEAR_RANGE_MESSAGE)
