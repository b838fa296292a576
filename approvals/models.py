"""The approval of a year's figures for an administrative unit: draft → submitted → approved.

An approved year is locked (approvals.locking): no row of that unit, or of a unit below it,
for that year can be added, changed or deleted until a user with the reopen permission
reopens it with a written reason. Changing the state goes through approvals.workflow, which
checks who may do it; the history table keeps every step with its user.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from areas.models import AdminUnit
from audit.context import history_user
from audit.models import HistoricalContext
from bkxh.constraints import rule, year_in_range
from bkxh.records import note_years


class YearApprovalQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(state=YearApproval.State.APPROVED)


class YearApproval(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted for approval")
        APPROVED = "approved", _("approved")

    area = models.ForeignKey(AdminUnit, models.PROTECT, related_name="approvals", verbose_name=_("area"))
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("approved by")
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("reopened by")
    )
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)

    history = HistoricalRecords(
        bases=[HistoricalContext], get_user=history_user, history_change_reason_field=models.TextField(null=True)
    )
    objects = YearApprovalQuerySet.as_manager()

    area_path = "area"

    class Meta:
        verbose_name = _("year approval")
        verbose_name_plural = _("year approvals")
        ordering = ["-year", "area__code"]
        permissions = [
            ("submit_yearapproval", _("Can submit a year for approval")),
            ("approve_yearapproval", _("Can approve a year")),
            ("reopen_yearapproval", _("Can reopen an approved year")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="yearapproval_unique_area_year"),
            year_in_range("yearapproval_year_range"),
            rule(
                "yearapproval_approved_has_approver",
                ~Q(state="approved") | Q(approved_by__isnull=False, approved_at__isnull=False),
                _("An approved year records who approved it and when."),
            ),
        ]

    def __str__(self):
        return f"{self.area} – {self.year}"

    @property
    def is_approved(self):
        return self.state == self.State.APPROVED

    def clean(self):
        """A year is submitted and approved only for a unit in force that year, and not while the
        approval of a unit above (or, across the 2025 reform, of the unit that took its place)
        covers it: its figures are locked with that one's (approvals.locking). Every path holds it:
        the workflow saves through full_clean(), as the admin's form does."""
        super().clean()
        if self.state == self.State.DRAFT or self.area_id is None or self.year is None:
            return
        if not self.area.is_in_force_during(self.year):
            raise ValidationError(
                _("%(area)s was not an administrative unit in %(year)s.") % {"area": self.area, "year": self.year}
            )
        # Imported here: the locks read the approvals this module defines.
        from approvals.locking import approval_covering, locked_message

        above = approval_covering(self.area, self.year)
        if above is not None and above.area_id != self.area_id:
            raise ValidationError(locked_message(above))


@receiver([post_save, post_delete], sender=YearApproval, dispatch_uid="approvals_note_approval")
def note_approval(sender, instance, using, **kwargs):
    """An approval is a write of its year: the year's report says whether its figures are
    approved, and by whom (bkxh.records.note_years; the report's cache). Noted after the write,
    in its transaction when there is one: an approval never changes its year (the admin adds
    drafts, the workflow changes their state)."""
    note_years(sender, {instance.year}, using=using)
