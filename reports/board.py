"""The home page's board: for a year, the state of each unit a user works for.

`board(user, year)` answers in a fixed number of queries whatever the number of units (one for
the units, one for the typed figures, one per register, one for the communes' lineages, one for
the approvals): the home page is the first page every member of staff opens.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone

from accounts.scope import highest, scope_of
from approvals.locking import approvals_by_unit_year
from approvals.models import YearApproval
from approvals.steps import ApprovalState
from areas.models import AdminUnit
from beneficiaries.registers import register_models
from bkxh.numbers import HUNDRED, round_half_up
from imports.models import ImportLog
from indicators.models import IndicatorValue

State = YearApproval.State


def deadline_of(level, year):
    """The day by which a unit of `level` sends its `year` for approval (settings.BKXH_DATA_DEADLINES), or None."""
    month_day = settings.BKXH_DATA_DEADLINES.get(level)
    return datetime.date(year, *month_day) if month_day else None


@dataclass
class BoardRow(ApprovalState):
    """One unit's year: its typed figures, its registers without entries, its approval."""

    unit: AdminUnit
    year: int
    entered: int = 0
    missing: int = 0
    empty_registers: list = field(default_factory=list)
    register_count: int = 0  # the registers there are, of which empty_registers have no entry
    approval: YearApproval | None = None
    locked_with: AdminUnit | None = None  # the unit above whose approved year locks this one's
    buttons: list = field(default_factory=list)  # [(approvals.steps.Step, what it will do)], set by the home page

    @property
    def deadline(self):
        return deadline_of(self.unit.level, self.year)

    @property
    def is_late(self):
        """Submitted (or approved) after the deadline."""
        submitted_at = self.approval.submitted_at if self.approval else None
        if self.deadline is None or submitted_at is None or self.state == State.DRAFT:
            return False
        return timezone.localtime(submitted_at).date() > self.deadline

    @property
    def is_overdue(self):
        """Still a draft after the deadline."""
        if self.state != State.DRAFT or self.locked_with is not None or self.deadline is None:
            return False
        return timezone.localdate() > self.deadline

    @property
    def has_missing(self):
        return bool(self.missing or self.empty_registers)

    @property
    def registers_with_entries(self):
        return self.register_count - len(self.empty_registers)

    @property
    def registers_share(self):
        """The registers with entries, in percent of all: the length of the board's bar."""
        if not self.register_count:
            return Decimal(0)
        return round_half_up(Decimal(self.registers_with_entries) * HUNDRED / self.register_count, 1)


def board_units(user, year):
    """The units of `user`'s board for `year`: the highest units of their scope in force that
    year (the provinces, for a user who works for all) and the units directly below them."""
    units = scope_of(user).units_in_force(year)
    tops = highest(units)
    top_ids = {unit.pk for unit in tops}
    below = [unit for unit in units if unit.parent_id in top_ids]
    return [row for top in tops for row in [top, *(unit for unit in below if unit.parent_id == top.pk)]]


def board(user, year):
    """[BoardRow] for `user`'s board units in `year`, the top units first, each followed by those below it."""
    units = board_units(user, year)
    rows = {unit.pk: BoardRow(unit=unit, year=year) for unit in units}
    figures = (
        IndicatorValue.objects.filter(year=year, area__in=list(rows))
        .order_by()
        .values("area")
        .annotate(
            entered=Count("pk", filter=Q(actual__isnull=False)),
            missing=Count("pk", filter=Q(plan__isnull=False, actual__isnull=True)),
        )
    )
    for figure in figures:
        rows[figure["area"]].entered, rows[figure["area"]].missing = figure["entered"], figure["missing"]
    _registers_without_entries(user, year, rows)
    approvals = YearApproval.objects.filter(year=year, area__in=list(rows)).select_related(
        "submitted_by", "approved_by", "reopened_by"
    )
    for approval in approvals:
        rows[approval.area_id].approval = approval
    # An approval locks the units below it too, and across the 2025 reform the units a unit took
    # the place of (approvals.locking): their rows say by whose, be it on the board or not.
    for (unit_id, _year), lock in approvals_by_unit_year([(unit_id, year) for unit_id in rows]).items():
        if lock.area_id != unit_id:
            rows[unit_id].locked_with = lock.area
    return list(rows.values())


def _registers_without_entries(user, year, rows):
    """Name on each row the registers with no entry of `year` in its unit or below it."""
    scope = scope_of(user)
    counts = {}
    for model in register_models():
        # COUNT(*), not COUNT(id): a register's (year, commune) index answers it alone (reports.registers).
        entries = scope.rows_of(model.objects.for_year(year)).order_by().values(model.area_path).annotate(n=Count("*"))
        counts[model] = {entry[model.area_path]: entry["n"] for entry in entries}
    communes = {unit_id for per_unit in counts.values() for unit_id in per_unit}
    lineages = AdminUnit.objects.filter(pk__in=communes).lineages() if communes else {}
    for row in rows.values():
        row.register_count = len(counts)
    for model, per_unit in counts.items():
        with_entries = {pk for unit_id in per_unit for pk in lineages.get(unit_id, (unit_id,))}
        for unit_id, row in rows.items():
            if unit_id not in with_entries:
                row.empty_registers.append(model._meta.verbose_name_plural)


def board_years(user, year):
    """The years the picker offers: those with typed figures in `user`'s units, and `year`, newest first."""
    years = set(scope_of(user).rows_of(IndicatorValue.objects.order_by()).values_list("year", flat=True).distinct())
    return sorted(years | {year, timezone.localdate().year}, reverse=True)


def last_imports(user, *, count=5):
    """The last imports of the users whose work `user` hears of (every one for the whole province)."""
    scope = scope_of(user)
    logs = ImportLog.objects.select_related("user").order_by("-started_at")
    if not scope.is_whole_province:
        logs = logs.filter(user__in=scope.users())
    return list(logs[:count])


def failed_imports(user, *, count=5):
    """`user`'s own last imports that wrote nothing: a file refused or an import that failed."""
    outcomes = [ImportLog.Outcome.REJECTED, ImportLog.Outcome.FAILED]
    return list(ImportLog.objects.filter(user=user, outcome__in=outcomes).order_by("-started_at")[:count])


def users_without_units():
    """The accounts bound to no unit, who see nothing: for the administrators who work for the
    whole province, the only ones who manage them (accounts.scope.Scope.users())."""
    return list(get_user_model().objects.filter(areas__isnull=True, is_superuser=False).order_by("username"))
