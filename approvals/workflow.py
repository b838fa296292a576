"""Moving a year through draft → submitted → approved, and reopening it.

Each step checks the user's permission and area scope, saves the approval under the user's
name (its history keeps every step) and returns it. A refused step raises ValidationError
with a message for staff.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import scope_of
from approvals.locking import claim_for_approval
from approvals.models import YearApproval
from audit.context import changes_by
from bkxh.text import visible

State = YearApproval.State


def approval_for(area, year):
    """The approval row of `area`'s `year`, a draft when nobody has submitted it yet."""
    return YearApproval.objects.get_or_create(area=area, year=year)[0]


def _check(user, approval, permission, allowed_states, refusal):
    if not user.has_perm(f"approvals.{permission}"):
        raise PermissionDenied(refusal)
    if not scope_of(user).allows(approval.area_id):
        raise PermissionDenied(_("%(area)s is outside the units you work for.") % {"area": approval.area})
    if approval.state not in allowed_states:
        raise ValidationError(
            _("%(approval)s is %(state)s; this step is not possible now.")
            % {"approval": approval, "state": approval.get_state_display()}
        )


def _save(approval, user, reason=""):
    approval._change_reason = reason
    with changes_by(user=user):
        approval.full_clean()
        approval.save()
    return approval


@transaction.atomic
def submit(approval, *, user):
    approval = YearApproval.objects.select_for_update().get(pk=approval.pk)
    _check(user, approval, "submit_yearapproval", [State.DRAFT], _("You may not submit a year for approval."))
    approval.state, approval.submitted_by, approval.submitted_at = State.SUBMITTED, user, timezone.now()
    return _save(approval, user)


@transaction.atomic
def approve(approval, *, user):
    approval = YearApproval.objects.select_for_update().get(pk=approval.pk)
    _check(user, approval, "approve_yearapproval", [State.SUBMITTED], _("You may not approve a year."))
    if not claim_for_approval(approval):
        # Refused rather than waited for: the rows being written are figures the approver has
        # not seen, and an import may take minutes to commit.
        raise ValidationError(
            _(
                "%(approval)s was not approved: rows of that year are being written right now (an import or "
                "a change being saved). Look at the figures again once they are saved, then approve."
            )
            % {"approval": approval},
            code="year_being_written",
        )
    approval.state, approval.approved_by, approval.approved_at = State.APPROVED, user, timezone.now()
    return _save(approval, user)


@transaction.atomic
def reopen(approval, *, user, reason):
    """Back to draft, unlocking the year; `reason` is required and kept in the history."""
    approval = YearApproval.objects.select_for_update().get(pk=approval.pk)
    _check(user, approval, "reopen_yearapproval", [State.APPROVED, State.SUBMITTED], _("You may not reopen a year."))
    reason = visible(reason or "")
    if not reason:
        raise ValidationError(_("Write the reason for reopening the year."))
    approval.state = State.DRAFT
    approval.approved_by = approval.approved_at = None
    approval.reopened_by, approval.reopened_at, approval.reopen_reason = user, timezone.now(), reason
    return _save(approval, user, reason=reason)
