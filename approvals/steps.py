"""The steps of a year's approval as buttons: what each does, who may take it, and when.

The home page's board and the lists of a year's rows offer them; the confirmation page
(reports.home.approval_step) takes them, through approvals.workflow, which holds who may take the
step and the lock of an approved year.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from approvals import workflow
from approvals.locking import approvals_by_unit_year, reopen_roles
from approvals.models import YearApproval

State = YearApproval.State


class Step:
    """A step of the workflow as a button: its label, what it does, its permission and states."""

    def __init__(self, name, label, permission, states, run, explanation, done):
        self.name, self.label, self.permission, self.states = name, label, permission, states
        self.run, self.explanation, self.done = run, explanation, done

    def offered_to(self, user, state):
        return state in self.states and user.has_perm(f"approvals.{self.permission}")


STEPS = {
    step.name: step
    for step in (
        Step(
            "submit",
            gettext_lazy("Submit for approval"),
            "submit_yearapproval",
            [State.DRAFT],
            workflow.submit,
            gettext_lazy(
                "Sends the %(year)s figures of %(unit)s to the reviewers for approval. Until it is approved, "
                "a user who may reopen a year (role %(roles)s) can send it back to a draft."
            ),
            gettext_lazy("The %(year)s figures of %(unit)s were submitted for approval."),
        ),
        Step(
            "approve",
            gettext_lazy("Approve"),
            "approve_yearapproval",
            [State.SUBMITTED],
            workflow.approve,
            gettext_lazy(
                "Approves the %(year)s figures of %(unit)s and locks them: no figure of the unit, or of the "
                "units below it, can then be added, changed or deleted. A user who may reopen a year "
                "(role %(roles)s) can reopen it, giving a written reason."
            ),
            gettext_lazy("The %(year)s figures of %(unit)s were approved and are now locked."),
        ),
        Step(
            "reopen",
            gettext_lazy("Reopen (with a reason)"),
            "reopen_yearapproval",
            [State.SUBMITTED, State.APPROVED],
            workflow.reopen,
            gettext_lazy(
                "Reopens the %(year)s figures of %(unit)s: the year goes back to a draft and its figures can be "
                "changed again; the reason is kept in the approval's history. A clerk then submits it again "
                "and a reviewer approves it again."
            ),
            gettext_lazy("The %(year)s figures of %(unit)s were reopened; they can be changed again."),
        ),
    )
}


def reopening_roles():
    """The roles that may reopen a year, as a button's explanation names them."""
    return reopen_roles() or "“Quản trị”"


def named(unit, year, roles=None):
    """What a step's explanation and message name: the unit, the year and who can undo it (`roles`,
    reopening_roles(), which a page of many units asks once)."""
    return {"year": year, "unit": unit, "roles": roles or reopening_roles()}


def offered_steps(user, unit, year, state, *, roles, locked_with=None):
    """[(Step, what it will do and who can undo it)] that `user` may take on `unit`'s `year` in
    `state`; a year locked by the approval of the unit above it is not submitted on its own."""
    return [
        (step, step.explanation % named(unit, year, roles))
        for step in STEPS.values()
        if step.offered_to(user, state) and not (locked_with is not None and step.name == "submit")
    ]


class ApprovalState:
    """What a unit's year says of its approval, for an object with `unit`, `year` and `approval`
    (the unit's own approval row, or None): the home page's board rows and UnitYear."""

    @property
    def label(self):
        """The unit's name in the year, with its part of it (areas.models.AdminUnit.name_in)."""
        return self.unit.name_in(self.year)

    @property
    def state(self):
        return self.approval.state if self.approval else State.DRAFT

    @property
    def state_label(self):
        return State(self.state).label


@dataclass
class UnitYear(ApprovalState):
    """A unit's year as the lists of its rows show it: its state, who moved it and the buttons."""

    unit: object  # areas.models.AdminUnit
    year: int
    approval: YearApproval | None  # the unit's own approval row, if any
    locked_by: YearApproval | None  # the approval of a unit above that locks this year too
    buttons: list


def years_of_units(user, units, year):
    """[UnitYear] of `units` in `year`, with the steps `user` may take (a fixed number of queries)."""
    own = {
        approval.area_id: approval
        for approval in YearApproval.objects.filter(year=year, area__in=units).select_related(
            "submitted_by", "approved_by", "reopened_by"
        )
    }
    covering = approvals_by_unit_year([(unit.pk, year) for unit in units])
    roles = reopening_roles()
    rows = []
    for unit in units:
        approval, lock = own.get(unit.pk), covering.get((unit.pk, year))
        locked_by = lock if lock is not None and lock.area_id != unit.pk else None
        state = approval.state if approval else State.DRAFT
        buttons = offered_steps(user, unit, year, state, roles=roles, locked_with=locked_by and locked_by.area)
        rows.append(UnitYear(unit, year, approval, locked_by, buttons))
    return rows
