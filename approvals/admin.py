from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from accounts.scoped_admin import AreaScopedAdmin
from approvals import workflow
from approvals.models import YearApproval
from audit.personal_data import MaskingHistoryHelper
from bkxh.admin import BkxhModelAdmin
from bkxh.text import visible


def person_named(user):
    """A user as the approval pages name them: their full name, else their user name."""
    return (user.get_full_name() or user.get_username()) if user is not None else None


@admin.register(YearApproval)
class YearApprovalAdmin(AreaScopedAdmin, SimpleHistoryAdmin, BkxhModelAdmin):
    """The year approvals: created as drafts, moved on only by the actions, never deleted."""

    list_help = gettext_lazy(
        "The state of each unit's year: submitted, approved or reopened; an approved year is locked."
    )
    guide_section = "approve"

    def get_historical_record_context_helper(self, request, historical_record):
        # The states and times of the approval written as the rows' are (Đã duyệt, 01/12/2026 18:04).
        return MaskingHistoryHelper(self.model, historical_record, masked_fields=())

    list_display = ("area", "year", "state", "submitter", "approver", "approved_at", "reopen_reason")
    list_filter = ("year", "state")
    list_select_related = ("area", "submitted_by", "approved_by")
    search_fields = ("area__code", "area__name")
    autocomplete_fields = ("area",)
    actions = ("submit_years", "approve_years", "reopen_years")
    # Who took each step is shown by name, not as Django's link to the user's page, which only
    # those who manage users may open (a viewer would meet a refusal).
    readonly_fields = (
        "state",
        "submitter",
        "submitted_at",
        "approver",
        "approved_at",
        "reopener",
        "reopened_at",
        "reopen_reason",
    )
    fields = ("area", "year", *readonly_fields)

    @admin.display(description=gettext_lazy("submitted by"), ordering="submitted_by__username")
    def submitter(self, approval):
        return person_named(approval.submitted_by)

    @admin.display(description=gettext_lazy("approved by"), ordering="approved_by__username")
    def approver(self, approval):
        return person_named(approval.approved_by)

    @admin.display(description=gettext_lazy("reopened by"), ordering="reopened_by__username")
    def reopener(self, approval):
        return person_named(approval.reopened_by)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields + (("area", "year") if obj else ())

    def has_delete_permission(self, request, obj=None):
        return False

    def has_submit_permission(self, request):
        return request.user.has_perm("approvals.submit_yearapproval")

    def has_approve_permission(self, request):
        return request.user.has_perm("approvals.approve_yearapproval")

    def has_reopen_permission(self, request):
        return request.user.has_perm("approvals.reopen_yearapproval")

    def _each(self, request, queryset, step, **kwargs):
        done = 0
        for approval in queryset:
            try:
                step(approval, user=request.user, **kwargs)
                done += 1
            except (PermissionDenied, ValidationError) as error:
                for message in getattr(error, "messages", None) or [str(error)]:
                    self.message_user(request, f"{approval}: {message}", messages.ERROR)
        if done:
            self.message_user(request, _("%(count)s year(s) updated.") % {"count": done}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Submit the selected years for approval"), permissions=["submit"])
    def submit_years(self, request, queryset):
        self._each(request, queryset, workflow.submit)

    @admin.action(description=gettext_lazy("Approve the selected years (locks their figures)"), permissions=["approve"])
    def approve_years(self, request, queryset):
        self._each(request, queryset, workflow.approve)

    @admin.action(description=gettext_lazy("Reopen the selected years (with a reason)"), permissions=["reopen"])
    def reopen_years(self, request, queryset):
        reason = visible(request.POST.get("reason", ""))
        if "confirm" in request.POST and reason:
            self._each(request, queryset, workflow.reopen, reason=reason)
            return None
        if "confirm" in request.POST:
            self.message_user(request, _("Write the reason for reopening the year."), messages.ERROR)
        return TemplateResponse(
            request,
            "admin/approvals/yearapproval/reopen.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Reopen approved years"),
                "approvals": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "reason": reason,
            },
        )
