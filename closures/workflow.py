"""Moving a year through draft → submitted → approved, and reopening it.

Each step checks the user's permission and area scope, saves the closure under the user's
name (its history keeps every step) and returns it. A refused step raises ValidationError
with a message for staff.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import scope_of
from audit.context import changes_by
from bkxh.text import visible
from closures.locking import claim_for_approval
from closures.models import YearClosure

State = YearClosure.State


def closure_for(area, year):
    """The closure row of `area`'s `year`, a draft when nobody has submitted it yet."""
    return YearClosure.objects.get_or_create(area=area, year=year)[0]


def _check(user, closure, permission, allowed_states, refusal):
    if not user.has_perm(f"closures.{permission}"):
        raise PermissionDenied(refusal)
    if not scope_of(user).allows(closure.area_id):
        raise PermissionDenied(_("%(area)s is outside the units you work for.") % {"area": closure.area})
    if closure.state not in allowed_states:
        raise ValidationError(
            _("%(closure)s is %(state)s; this step is not possible now.")
            % {"closure": closure, "state": closure.get_state_display()}
        )


def _save(closure, user, reason=""):
    closure._change_reason = reason
    with changes_by(user=user):
        closure.full_clean()
        closure.save()
    return closure


@transaction.atomic
def submit(closure, *, user):
    closure = YearClosure.objects.select_for_update().get(pk=closure.pk)
    _check(user, closure, "submit_yearclosure", [State.DRAFT], _("You may not submit a year for approval."))
    closure.state, closure.submitted_by, closure.submitted_at = State.SUBMITTED, user, timezone.now()
    return _save(closure, user)


@transaction.atomic
def approve(closure, *, user):
    closure = YearClosure.objects.select_for_update().get(pk=closure.pk)
    _check(user, closure, "approve_yearclosure", [State.SUBMITTED], _("You may not approve a year."))
    if not claim_for_approval(closure):
        # Refused rather than waited for: the rows being written are figures the approver has
        # not seen, and an import may take minutes to commit.
        raise ValidationError(
            _(
                "%(closure)s was not approved: rows of that year are being written right now (an import or "
                "a change being saved). Look at the figures again once they are saved, then approve."
            )
            % {"closure": closure},
            code="year_being_written",
        )
    closure.state, closure.approved_by, closure.approved_at = State.APPROVED, user, timezone.now()
    return _save(closure, user)


@transaction.atomic
def reopen(closure, *, user, reason):
    """Back to draft, unlocking the year; `reason` is required and kept in the history."""
    closure = YearClosure.objects.select_for_update().get(pk=closure.pk)
    _check(user, closure, "reopen_yearclosure", [State.APPROVED, State.SUBMITTED], _("You may not reopen a year."))
    reason = visible(reason or "")
    if not reason:
        raise ValidationError(_("Write the reason for reopening the year."))
    closure.state = State.DRAFT
    closure.approved_by = closure.approved_at = None
    closure.reopened_by, closure.reopened_at, closure.reopen_reason = user, timezone.now(), reason
    return _save(closure, user, reason=reason)
