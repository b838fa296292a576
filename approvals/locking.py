"""Refusing every write to the rows of an approved year.

`check_years_open(unit_years)` takes the (unit id, year) of the rows about to be written and
raises YearLockedError when an approval given to that unit, or to a unit above it, covers
one of them. ApprovedYearsGuard, registered from ApprovalsConfig.ready() as a write guard of
the data models (bkxh.records), has it asked by save(), delete() and their QuerySet's bulk
methods, so the admin, imports and code are all refused alike. A write found
open stays open until it commits: no approval of its year can be given meanwhile
(claim_for_approval, which approvals.workflow.approve asks).
"""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from approvals.models import YearApproval
from areas.territory import UnitGraph
from bkxh.records import WriteGuard


class YearLockedError(ValidationError):
    """A write to an approved year; `approvals` are the approvals that lock it."""

    def __init__(self, approvals):
        self.approvals = approvals
        super().__init__([locked_message(approval) for approval in approvals], code="year_locked")


def reopen_roles():
    """The names of the roles whose members may reopen an approved year."""
    groups = Group.objects.filter(
        Q(permissions__codename="reopen_yearapproval", permissions__content_type__app_label="approvals")
    ).order_by("name")
    return ", ".join(f"“{name}”" for name in groups.values_list("name", flat=True).distinct())


def locked_message(approval):
    approver = approval.approved_by
    return _(
        "The %(year)s figures of %(area)s were approved by %(approver)s on %(date)s and are locked: "
        "they cannot be added to, changed or deleted. A user who may reopen a year (role %(roles)s) "
        "can reopen it, giving a written reason."
    ) % {
        "year": approval.year,
        "area": approval.area,
        "approver": (approver.get_full_name() or approver.get_username()) if approver else "?",
        "date": formats.date_format(timezone.localtime(approval.approved_at), "d/m/Y") if approval.approved_at else "?",
        "roles": reopen_roles() or "“Quản trị”",
    }


def approvals_by_unit_year(unit_years):
    """{(unit id, year): the approval that locks it} for those of `unit_years` that are locked."""
    unit_years = _known(unit_years)
    return _covering(unit_years, lambda: _lineage(unit_years)) if unit_years else {}


def _known(unit_years):
    return {(unit_id, year) for unit_id, year in unit_years if unit_id is not None and year is not None}


def _lineage(unit_years):
    """{unit id: (the unit and the units above it)}: the units whose approval covers it. Across
    the 2025 reform these include the units that took its place (areas.territory): an approval of
    the new Thái Nguyên's 2025 covers the first half-year of Bắc Kạn, which its report adds up."""
    return UnitGraph().covering({unit for unit, _year in unit_years})


def _covering(unit_years, lineage):
    """{(unit id, year): the approval covering it}; `lineage` is a function giving _lineage's
    answer, asked only when some approval of the years exists."""
    approved = list(
        YearApproval.objects.approved()
        .filter(year__in={year for _unit, year in unit_years})
        .select_related("area", "approved_by")
    )
    if not approved:
        return {}
    by_key = {(approval.area_id, approval.year): approval for approval in approved}
    lineage = lineage()
    found = {}
    for unit_id, year in unit_years:
        for ancestor in lineage.get(unit_id, (unit_id,)):
            approval = by_key.get((ancestor, year))
            if approval is not None:
                found[(unit_id, year)] = approval
                break
    return found


def locking_approvals(unit_years):
    """The approvals (given) that cover any of the (unit id, year) `unit_years`, each once."""
    return _each_once(approvals_by_unit_year(unit_years).values())


def _each_once(approvals):
    unique = {approval.pk: approval for approval in approvals}
    return sorted(unique.values(), key=lambda approval: (approval.year, approval.area.code))


def check_years_open(unit_years):
    """Refuse writing at `unit_years` if an approval covers one of them; else keep every approval
    that could cover them from being given until the writing transaction ends (hold_open)."""
    unit_years = _known(unit_years)
    if not unit_years:
        return
    lineage = _lineage(unit_years)
    _hold_open({(ancestor, year) for unit, year in unit_years for ancestor in lineage.get(unit, (unit,)) if ancestor})
    approvals = _each_once(_covering(unit_years, lambda: lineage).values())
    if approvals:
        raise YearLockedError(approvals)


# An approval given between a write's check and its commit would lock rows it never saw
# (an import of 100.000 rows takes a while to commit): a writer holds its (unit, year) unit_years
# and those of the units above, shared, until its transaction ends, and approve() needs the
# unit_year alone. Advisory locks rather than the approval rows', which a year not yet submitted does
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


def claim_for_approval(approval):
    """Whether no transaction writes rows of `approval`'s unit (or of a unit below it) and year
    now; if so, none can start until the approval's transaction ends (see _hold_open)."""
    connection = _locks_connection()
    if connection is None:
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [approval.area_id, approval.year])
        return cursor.fetchone()[0]


def _locks_connection():
    connection = transaction.get_connection(router.db_for_write(YearApproval))
    return connection if connection.vendor == "postgresql" and connection.in_atomic_block else None


def approval_covering(area, year):
    """The approval (given) that locks `area`'s `year`, or None while its figures are provisional."""
    approvals = locking_approvals([(area.pk, year)])
    return approvals[0] if approvals else None


class ApprovedYearsGuard(WriteGuard):
    """Every write to the rows of an approved year refused (check_years_open)."""

    def check(self, model, unit_years, user):
        if model.year_path is not None:
            check_years_open(unit_years)

    def refusals(self, model, rows, user):
        if model.year_path is None:
            return {}
        # Two queries for the locks, whatever the number of rows.
        locks = approvals_by_unit_year(unit_year for unit_years in rows for unit_year in unit_years)
        refusals = {}
        for position, unit_years in enumerate(rows):
            messages = list(
                dict.fromkeys(locked_message(locks[unit_year]) for unit_year in unit_years if unit_year in locks)
            )
            if messages:
                refusals[position] = messages
        return refusals
