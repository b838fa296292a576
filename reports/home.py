"""The home page of the admin, per role, and the approval buttons of its board.

The board (reports.board) shows the year of each unit the user works for; its buttons send a
year for approval, approve it or reopen it, each through a confirmation page, and each through
approvals.workflow, which holds who may take the step and the lock of an approved year.
"""

from collections import defaultdict

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from accounts.roles import VIEWER
from accounts.scope import highest, scope_of
from approvals import workflow
from approvals.models import YearApproval
from approvals.steps import STEPS, named, offered_steps, reopening_roles
from areas.models import AdminUnit, unit_for_year
from bkxh.years import is_kept_year
from reports.board import (
    board,
    board_years,
    failed_imports,
    last_imports,
    users_without_units,
)
from reports.charts import planned_progress

State = YearApproval.State


def is_viewer(user):
    """A user whose only role is “Xem”: their work is reading and printing the reports."""
    if user.is_superuser:
        return False
    roles = set(user.groups.values_list("name", flat=True))
    return roles == {VIEWER}


def home_page(request):
    """The admin's home: the year's board of the user's units with its buttons, what waits for
    the user, the last imports and the links to the year's reports. A viewer goes to the reports.

    Template: admin/home.html. Context (besides the admin's): year, years, rows ([reports.board.BoardRow],
    each with its `buttons`), submitted, missing (the rows waiting for a reviewer, a clerk), failed_imports,
    users_without_units, last_imports, report_links ([(label, url)]), plan_charts (_plan_charts's).
    """
    if is_viewer(request.user):
        return redirect("report_index")
    year = _year(request)
    user = request.user
    rows = board(user, year)
    roles = reopening_roles()
    for row in rows:
        # Each button says what it will do and who can undo it (its title; the confirmation page says it again).
        row.buttons = offered_steps(user, row.unit, year, row.state, roles=roles, locked_with=row.locked_with)
    tops = _reported_tops(rows, year)
    may_approve = user.has_perm("approvals.approve_yearapproval")
    may_submit = user.has_perm("approvals.submit_yearapproval")
    may_manage_users = user.has_perm("auth.change_user") and scope_of(user).is_whole_province
    context = {
        **admin.site.each_context(request),
        "title": _("Home"),
        "year": year,
        "years": board_years(user, year),
        "rows": rows,
        "submitted": [row for row in rows if row.state == State.SUBMITTED] if may_approve else [],
        "missing": [row for row in rows if row.has_missing and row.state == State.DRAFT and not row.locked_with]
        if may_submit
        else [],
        "failed_imports": failed_imports(user) if may_submit else [],
        "show_users_without_units": may_manage_users,
        "users_without_units": users_without_units() if may_manage_users else [],
        "last_imports": last_imports(user),
        "report_links": _report_links(tops, year),
        "plan_charts": _plan_charts(tops, year),
        "deadlines": _deadlines(rows),
    }
    return TemplateResponse(request, "admin/home.html", context)


def _year(request):
    raw = request.GET.get("year", "")
    if not raw:
        return timezone.localdate().year
    if not raw.isdigit() or not is_kept_year(int(raw)):
        raise Http404(_("No such year."))
    return int(raw)


def _back(request, *, default):
    """Where the step returns to: the page its button was on (`next`, the list of the year's rows),
    when that is an address of this site, else the home page of the year."""
    asked = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(asked, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return asked if safe else default


def _reported_tops(rows, year):
    """The top units of the board (the province, a district clerk's district) whose report the
    year has: a report names its area by code, and in 2025 code 19 is the new Tỉnh Thái Nguyên,
    not the old one that ended on 30/06 (areas.models.unit_for_year), whose half-year is in the
    new one's report."""
    tops = highest([row.unit for row in rows])
    named = defaultdict(list)
    for unit in AdminUnit.objects.filter(code__in={unit.code for unit in tops}).in_force_during(year):
        named[unit.code].append(unit)
    return [unit for unit in tops if unit_for_year(named[unit.code], year) == unit]


def _query_of(unit):
    # The unit by its code, a province too: without one the report is that of the user's own
    # unit, and a Thái Nguyên user's board of 2024 has Bắc Kạn beside it.
    return f"?area={unit.code}"


def _report_links(tops, year):
    """The year's report of each of `tops` (_reported_tops)."""
    url = reverse("annual_report", args=[year])
    return [
        (_("Report %(year)s – %(unit)s") % {"year": year, "unit": unit.name_in(year)}, url + _query_of(unit))
        for unit in tops
    ]


def _plan_charts(tops, year):
    """[(unit, its name in the year, [reports.charts.IndicatorChart], the address of its charts
    page)]: plan against actual of each of `tops` (_reported_tops) with a planned figure in the year."""
    charts_url = reverse("annual_report_charts", args=[year])
    found = []
    for unit in tops:
        chart = planned_progress(year=year, area=unit)
        if chart:
            found.append((unit, unit.name_in(year), chart, charts_url + _query_of(unit)))
    return found


def _deadlines(rows):
    """[(level name, day)] of the levels on the board."""
    seen = {}
    for row in rows:
        if row.deadline and row.unit.level not in seen:
            seen[row.unit.level] = (AdminUnit.Level(row.unit.level).label, row.deadline)
    return list(seen.values())


def approval_step(request, step, unit_id, year):
    """The confirmation page of a button of the board (GET) and the step itself (POST): through
    approvals.workflow, whose refusals (permission, scope, state, a year being written) come back
    as messages. Template: admin/approval_step.html."""
    step = STEPS.get(step)
    if step is None or not is_kept_year(year):
        raise Http404
    unit = get_object_or_404(AdminUnit, pk=unit_id)
    if not unit.is_in_force_during(year):
        # The unit has no such year: nothing of it to submit, approve or reopen.
        raise Http404
    if not scope_of(request.user).allows(unit.pk):
        raise PermissionDenied
    if not request.user.has_perm(f"approvals.{step.permission}"):
        raise PermissionDenied
    home = f"{reverse('admin:index')}?year={year}"
    back = _back(request, default=home)
    reason = request.POST.get("reason", "")
    if request.method == "POST" and "confirm" in request.POST:
        try:
            # The draft row a first submission creates goes with a refused step.
            with transaction.atomic():
                approval = workflow.approval_for(unit, year)
                kwargs = {"reason": reason} if step.name == "reopen" else {}
                step.run(approval, user=request.user, **kwargs)
        except (PermissionDenied, ValidationError) as error:
            for message in getattr(error, "messages", None) or [str(error)]:
                messages.error(request, message)
            if step.name != "reopen":
                return redirect(back)
        else:
            messages.success(request, step.done % named(unit, year))
            return redirect(back)
    approval = YearApproval.objects.filter(area=unit, year=year).first()
    context = {
        **admin.site.each_context(request),
        "title": f"{step.label}: {unit} – {year}",
        "step": step,
        "unit": unit,
        "year": year,
        "approval": approval,
        "state_label": State(approval.state if approval else State.DRAFT).label,
        "explanation": step.explanation % named(unit, year),
        "reason": reason,
        "home": home,
        "back": back,
    }
    return TemplateResponse(request, "admin/approval_step.html", context)
