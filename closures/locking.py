"""Refusing every write to the rows of an approved year.

`check_years_open(pairs)` takes the (unit id, year) of the rows about to be written and
raises YearLockedError when an approved closure of that unit, or of a unit above it, covers
one of them. The data models call it from save(), delete() and their QuerySet's bulk
methods (bkxh.records), so the admin, imports and code are all refused alike.
"""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _

from areas.models import AdminUnit
from closures.models import YearClosure


class YearLockedError(ValidationError):
    """A write to an approved year; `closures` are the approvals that lock it."""

    def __init__(self, closures):
        self.closures = closures
        super().__init__([locked_message(closure) for closure in closures], code="year_locked")


def reopen_roles():
    """The names of the roles whose members may reopen an approved year."""
    groups = Group.objects.filter(
        Q(permissions__codename="reopen_yearclosure", permissions__content_type__app_label="closures")
    ).order_by("name")
    return ", ".join(f"“{name}”" for name in groups.values_list("name", flat=True).distinct())


def locked_message(closure):
    approver = closure.approved_by
    return _(
        "The %(year)s figures of %(area)s were approved by %(approver)s on %(date)s and are locked: "
        "they cannot be added to, changed or deleted. A user who may reopen a year (role %(roles)s) "
        "can reopen it, giving a written reason."
    ) % {
        "year": closure.year,
        "area": closure.area,
        "approver": (approver.get_full_name() or approver.get_username()) if approver else "?",
        "date": formats.date_format(closure.approved_at, "d/m/Y") if closure.approved_at else "?",
        "roles": reopen_roles() or "“Quản trị”",
    }


def closures_by_pair(pairs):
    """{(unit id, year): the approved closure that locks it} for those of `pairs` that are locked."""
    pairs = {(unit_id, year) for unit_id, year in pairs if unit_id is not None and year is not None}
    if not pairs:
        return {}
    approved = list(
        YearClosure.objects.approved()
        .filter(year__in={year for _unit, year in pairs})
        .select_related("area", "approved_by")
    )
    if not approved:
        return {}
    by_key = {(closure.area_id, closure.year): closure for closure in approved}
    lineage = {
        pk: (pk, parent, grandparent)
        for pk, parent, grandparent in AdminUnit.objects.filter(pk__in={unit for unit, _year in pairs}).values_list(
            "pk", "parent_id", "parent__parent_id"
        )
    }
    found = {}
    for unit_id, year in pairs:
        for ancestor in lineage.get(unit_id, (unit_id,)):
            closure = by_key.get((ancestor, year))
            if closure is not None:
                found[(unit_id, year)] = closure
                break
    return found


def locking_closures(pairs):
    """The approved closures that cover any of the (unit id, year) `pairs`, each once."""
    unique = {closure.pk: closure for closure in closures_by_pair(pairs).values()}
    return sorted(unique.values(), key=lambda closure: (closure.year, closure.area.code))


def check_years_open(pairs):
    closures = locking_closures(pairs)
    if closures:
        raise YearLockedError(closures)


def closure_covering(area, year):
    """The approved closure that locks `area`'s `year`, or None while its figures are provisional."""
    closures = locking_closures([(area.pk, year)])
    return closures[0] if closures else None
