"""Refusing every write to the rows of an approved year.

`check_years_open(pairs)` takes the (unit id, year) of the rows about to be written and
raises YearLockedError when an approved closure of that unit, or of a unit above it, covers
one of them. ApprovedYearsGuard, registered from ClosuresConfig.ready() as a write guard of
the data models (bkxh.records), has it asked by save(), delete() and their QuerySet's bulk
methods, so the admin, imports and code are all refused alike. A write found
open stays open until it commits: no approval of its year can be given meanwhile
(claim_for_approval, which closures.workflow.approve asks).
"""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from areas.models import AdminUnit
from bkxh.records import WriteGuard
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
        "date": formats.date_format(timezone.localtime(closure.approved_at), "d/m/Y") if closure.approved_at else "?",
        "roles": reopen_roles() or "“Quản trị”",
    }


def closures_by_pair(pairs):
    """{(unit id, year): the approved closure that locks it} for those of `pairs` that are locked."""
    pairs = _known(pairs)
    return _covering(pairs, _lineage(pairs)) if pairs else {}


def _known(pairs):
    return {(unit_id, year) for unit_id, year in pairs if unit_id is not None and year is not None}


def _lineage(pairs):
    """{unit id: (the unit and the units above it)}: the units whose approval covers it."""
    return AdminUnit.objects.filter(pk__in={unit for unit, _year in pairs}).lineages()


def _covering(pairs, lineage):
    approved = list(
        YearClosure.objects.approved()
        .filter(year__in={year for _unit, year in pairs})
        .select_related("area", "approved_by")
    )
    if not approved:
        return {}
    by_key = {(closure.area_id, closure.year): closure for closure in approved}
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
    return _each_once(closures_by_pair(pairs).values())


def _each_once(closures):
    unique = {closure.pk: closure for closure in closures}
    return sorted(unique.values(), key=lambda closure: (closure.year, closure.area.code))


def check_years_open(pairs):
    """Refuse writing at `pairs` if an approval covers one of them; else keep every approval
    that could cover them from being given until the writing transaction ends (hold_open)."""
    pairs = _known(pairs)
    if not pairs:
        return
    lineage = _lineage(pairs)
    _hold_open({(ancestor, year) for unit, year in pairs for ancestor in lineage.get(unit, (unit,)) if ancestor})
    closures = _each_once(_covering(pairs, lineage).values())
    if closures:
        raise YearLockedError(closures)


# An approval given between a write's check and its commit would lock rows it never saw
# (an import of 100.000 rows takes a while to commit): a writer holds its (unit, year) pairs
# and those of the units above, shared, until its transaction ends, and approve() needs the
# pair alone. Advisory locks rather than the closure rows', which a year not yet submitted does
# not have. Two 32-bit keys (unit id, year): a key space of its own, apart from the one-key
# locks of the rules across rows (beneficiaries.models.base.hold_lock). SQLite runs one writing
# transaction at a time (BEGIN IMMEDIATE, see settings), and outside a transaction a write
# commits as it is made: there is nothing to hold.
def _hold_open(keys):
    connection = _locks_connection()
    if connection is None:
        return
    units, years = zip(*sorted(keys), strict=True)
    with connection.cursor() as cursor:
        # Its own statement: the read of the approvals after it then sees an approval it waited for.
        cursor.execute(
            "SELECT pg_advisory_xact_lock_shared(unit, year) FROM unnest(%s::int[], %s::int[]) AS held(unit, year)",
            [list(units), list(years)],
        )


def claim_for_approval(closure):
    """Whether no transaction writes rows of `closure`'s unit (or of a unit below it) and year
    now; if so, none can start until the approval's transaction ends (see _hold_open)."""
    connection = _locks_connection()
    if connection is None:
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [closure.area_id, closure.year])
        return cursor.fetchone()[0]


def _locks_connection():
    connection = transaction.get_connection(router.db_for_write(YearClosure))
    return connection if connection.vendor == "postgresql" and connection.in_atomic_block else None


def closure_covering(area, year):
    """The approved closure that locks `area`'s `year`, or None while its figures are provisional."""
    closures = locking_closures([(area.pk, year)])
    return closures[0] if closures else None


class ApprovedYearsGuard(WriteGuard):
    """Every write to the rows of an approved year refused (check_years_open)."""

    def check(self, model, pairs, user):
        if model.year_path is not None:
            check_years_open(pairs)

    def refusals(self, model, rows, user):
        if model.year_path is None:
            return {}
        # Two queries for the locks, whatever the number of rows.
        locks = closures_by_pair(pair for pairs in rows for pair in pairs)
        refusals = {}
        for position, pairs in enumerate(rows):
            messages = list(dict.fromkeys(locked_message(locks[pair]) for pair in pairs if pair in locks))
            if messages:
                refusals[position] = messages
        return refusals
