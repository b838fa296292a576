"""The admin of a data model (bkxh.records.Record): scope, locked years, versions and history.

    @admin.register(Sector)
    class SectorAdmin(RecordAdmin): ...   # also a BkxhModelAdmin

- rows outside the user's units are invisible (accounts.scoped_admin);
- the change form and every list-edit row carry the version they were read at, and a save
  after someone else's is refused with a message naming them;
- a row of an approved year opens read-only, saying who approved it and who can reopen it, and
  offers no delete; on a list it has no inputs and no checkbox, under a banner naming the
  approved years; a write that reaches the model anyway (a stale form, an action, an inline)
  is refused with that message and rolls back whole (a change form is shown again as it was
  filled in, the message above it);
- every change is stamped with its path (form, list edit, action) in the row's history,
  which the "History" button shows; reverting from history is off;
- personal fields (a citizen ID) show masked and read-only to a user without the permission,
  in the form and the history; a page showing them whole is written to the access log.
"""

import contextvars
import dataclasses

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from simple_history.admin import SimpleHistoryAdmin

from accounts.scope import scope_of
from accounts.scoped_admin import AreaScopedAdmin
from approvals.locking import approvals_by_unit_year, locked_message
from approvals.steps import years_of_units
from areas.models import AdminUnit
from areas.territory import territory_of
from audit.context import Source, changes_by
from audit.personal_data import (
    MaskingHistoryHelper,
    log_full_view,
    log_if_shown_whole,
    lookup_reads_personal_data,
    masked_id_column,
    may_see_full_ids,
    personal_fields_of,
)
from bkxh.admin import BkxhModelAdmin
from bkxh.per_object import PerObject
from bkxh.records import unit_year_of
from bkxh.years import is_kept_year

# The messages of a save the models refused after the form had passed (a round moved into an
# approved year shows only once the lines have moved): the form is shown again with them, as
# the user filled it in (RecordAdmin.changeform_view).
_refused_save = contextvars.ContextVar("refused_save", default=())


@dataclasses.dataclass
class Locks:
    """The approvals that lock the rows one request shows: asked once per request and row."""

    by_row: dict = dataclasses.field(default_factory=dict)  # (model label, pk) -> the approval, or None
    # Every row of the list page is locked: it offers no action (RecordAdmin.get_actions).
    whole_page: bool = False


_locks_of_request = PerObject("locks of a request")
# The lock of each row of a list page, for what Django asks without the request: the row's
# checkbox (RecordAdmin.action_checkbox) and its list-edit form (RecordForm), given those rows.
_lock_of_listed_row = PerObject("lock of a listed row")


def locks_of(request):
    locks = _locks_of_request.get(request)
    if locks is None:
        locks = Locks()
        _locks_of_request.set(request, locks)
    return locks


class RecordForm(forms.ModelForm):
    """Carries the row's version through the browser, so a stale save is caught on return."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["version"].required = True
            self.initial.setdefault("version", self.instance.version)
        if _lock_of_listed_row.get(self.instance) is not None:
            self.show_read_only()

    def clean(self):
        cleaned = super().clean()
        for message in _refused_save.get():
            self.add_error(None, message)
        if cleaned.get("version") is None:
            # A new row: the add form sends its hidden version empty.
            cleaned["version"] = self.instance.version
        self.instance.version = cleaned["version"]
        return cleaned

    def show_read_only(self):
        """Its values as text, for a row of an approved year on a list page."""
        for field in self.fields.values():
            if not field.widget.is_hidden:
                field.widget = ShownValue()


class ShownValue(forms.HiddenInput):
    """A list-edit cell of a locked row: the value as the input would have shown it, as text,
    and sent back as it is, so that saving the page's open rows leaves the locked ones alone."""

    def render(self, name, value, attrs=None, renderer=None):
        return format_html("{}{}", super().render(name, value, attrs, renderer), self.format_value(value) or "")


class RecordAdmin(AreaScopedAdmin, SimpleHistoryAdmin, BkxhModelAdmin):
    """The admin of a data model: its rows in the user's scope (AreaScopedAdmin), with their
    history (SimpleHistoryAdmin), versions, locked years and masked personal fields; see above.

    Its subclasses add to a list page through changelist_context(), the one hook of the list.
    """

    form = RecordForm
    object_history_template = "admin/records/object_history.html"
    # The change form shows a personal field the user may not see whole as `masked_<field>`.
    masked_citizen_id = masked_id_column()
    # The list's parameters that choose one unit by id, the most precise first (listed_units).
    unit_id_parameters = ("area__id__exact",)

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", RecordForm)
        return super().get_changelist_form(request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if "version" not in flatten_fieldsets(fieldsets):
            (name, options), *rest = fieldsets
            fieldsets = [(name, {**options, "fields": [*options["fields"], "version"]}), *rest]
        masked = self._masked_fields(request, obj)
        if not masked:
            return fieldsets

        def swap(fields):
            return [
                swap(field) if isinstance(field, list | tuple) else (f"masked_{field}" if field in masked else field)
                for field in fields
            ]

        return [(name, {**options, "fields": swap(options["fields"])}) for name, options in fieldsets]

    def _masked_fields(self, request, obj):
        """The personal fields of `obj` its form shows masked and read-only: those filled in, to a
        user without the permission. A blank one stays an input: filling in a missing ID reveals
        nothing."""
        if obj is None or obj.pk is None or may_see_full_ids(request.user):
            return ()
        return tuple(name for name in personal_fields_of(self.model) if getattr(obj, name))

    def lock_of(self, request, obj):
        """The approval (given) that locks `obj`, or None; asked once per request and row."""
        if obj is None or self.model.year_path is None:
            return None
        locks = locks_of(request)
        key = (self.model._meta.label, obj.pk)
        if key not in locks.by_row:
            self.remember_locks(request, [obj])
        return locks.by_row[key]

    def has_change_permission(self, request, obj=None):
        # A row of an approved year opens as Django opens a row the user may only view: every
        # field read-only, no save button. A POST still reaches the model, which refuses it with
        # the approval's message (a form opened before the year was approved).
        if request.method != "POST" and self.lock_of(request, obj) is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if request.method != "POST" and self.lock_of(request, obj) is not None:
            return False
        return super().has_delete_permission(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        lock = self.lock_of(request, obj)
        if lock is not None and request.method != "POST":
            self.message_user(request, locked_message(lock), messages.WARNING)
        with changes_by(source=Source.FORM):
            try:
                with transaction.atomic():
                    return super().changeform_view(request, object_id, form_url, extra_context)
            except ValidationError as error:
                if request.method != "POST":
                    raise
                # Rolled back whole; the form again, with what was typed and why it was refused.
                token = _refused_save.set(error.messages)
                try:
                    return super().changeform_view(request, object_id, form_url, extra_context)
                finally:
                    _refused_save.reset(token)

    def get_changelist_instance(self, request):
        """The list, with the rows of approved years shown as they are: read-only.

        A locked row of the page has no list-edit inputs and no action checkbox, and a page
        whose every row is locked offers neither list edit nor actions (all of which write).
        A POST is left alone: sent from a page shown before the approval, it reaches the
        model, which refuses it with the approval's message.
        """
        changelist = super().get_changelist_instance(request)
        if request.method == "POST" or self.model.year_path is None:
            return changelist
        rows = list(changelist.result_list)
        locks = self.remember_locks(request, rows)
        for row, lock in zip(rows, locks, strict=True):
            _lock_of_listed_row.set(row, lock)
        if rows and all(locks):
            changelist.list_editable = ()
            changelist.list_display = [name for name in changelist.list_display if name != "action_checkbox"]
            locks_of(request).whole_page = True
        return changelist

    def remember_locks(self, request, rows):
        """lock_of() each of `rows`, asked for all of them at once (two queries)."""
        unit_years = [unit_year_of(row) for row in rows]
        found = approvals_by_unit_year(unit_years)
        locks = [found.get(unit_year) for unit_year in unit_years]
        by_row = locks_of(request).by_row
        for row, lock in zip(rows, locks, strict=True):
            by_row[(self.model._meta.label, row.pk)] = lock
        return locks

    def get_actions(self, request):
        if locks_of(request).whole_page:
            return {}
        return super().get_actions(request)

    def action_checkbox(self, obj):
        # Blank, not the list's "-" for an empty value.
        return mark_safe("&nbsp;") if _lock_of_listed_row.get(obj) is not None else super().action_checkbox(obj)

    def changelist_view(self, request, extra_context=None):
        # Django's list sends its action menu with every submit, empty unless an action is
        # chosen; a list edit is the "Save" button.
        is_action = request.POST.get("action") and "_save" not in request.POST
        with changes_by(source=Source.ACTION if is_action else Source.LIST_EDIT):
            response = self._refusing_writes(request, super().changelist_view, request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            response.context_data.update(self.changelist_context(request, changelist))
        return response

    def changelist_context(self, request, changelist):
        """What a list page shows besides Django's list (templates/admin/change_list.html): here
        the approved years that lock its rows and the link to the deleted rows. A subclass adds
        its own (import and export, totals) to super()'s."""
        locks = {_lock_of_listed_row.get(row) for row in changelist.result_list} - {None}
        context = {
            "locked_years": locked_years(locks),
            "deleted_rows_url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_deleted"),
        }
        year = self.listed_year(request)
        if year is not None:
            # The year's state and its approval buttons where its rows are; each button comes back here.
            context["years_of_units"] = years_of_units(request.user, self.listed_units(request, year), year)
            context["years_of_units_back"] = request.get_full_path()
        return context

    def listed_year(self, request):
        """The one year the list is filtered to, or None (also for a model whose rows have no year)."""
        if self.model.year_path is None:
            return None
        raw = request.GET.get("year") or request.GET.get("year__exact") or ""
        return int(raw) if raw.isdigit() and is_kept_year(int(raw)) else None

    def listed_units(self, request, year):
        """The units whose `year` the list is about: the unit its filters choose (the most precise
        of `unit_id_parameters`, else the report's area), else the highest units of the user's.
        A unit chosen has a year to approve only if it was in force in it, and is not the country
        (as Scope.units_in_force)."""
        scope = scope_of(request.user)
        in_force = AdminUnit.objects.in_force_during(year).exclude(level=AdminUnit.Level.COUNTRY)
        for parameter in self.unit_id_parameters:
            raw = request.GET.get(parameter, "")
            if raw.isdigit() and scope.allows(int(raw)):
                return list(in_force.filter(pk=int(raw)))
        code = request.GET.get(ReportAreaFilter.parameter_name, "")
        if code:
            try:
                unit = in_force.for_code(code, year)
            except AdminUnit.DoesNotExist:
                return []
            return [unit] if scope.allows(unit.pk) else []
        return scope.top_units(year)

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if request.method != "POST" and self.lock_of(request, obj) is not None:
            # Nothing to confirm: the row's own page, read-only, says why it stays.
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
            )
        with changes_by(source=Source.FORM):
            return self._refusing_writes(request, super().delete_view, request, object_id, extra_context)

    def lookup_allowed(self, lookup, value, request=None):
        # Filtering by a citizen ID tells it digit by digit (?citizen_id__startswith=0060…) to
        # someone who may not see it: refused (HTTP 400), on the list and on its export.
        if lookup_reads_personal_data(self.model, lookup) and not may_see_full_ids(request.user):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_historical_record_context_helper(self, request, historical_record):
        masked = () if may_see_full_ids(request.user) else personal_fields_of(self.model)
        return MaskingHistoryHelper(self.model, historical_record, masked_fields=masked)

    def history_view(self, request, object_id, extra_context=None):
        pk = unquote(object_id)
        row = self.model._default_manager.filter(pk=pk).first()
        extra_context = {**(extra_context or {}), "row_deleted": row is None}
        response = super().history_view(request, object_id, extra_context)
        if personal_fields_of(self.model) and may_see_full_ids(request.user):
            log_full_view(request, row or self.model.history.filter(id=pk).latest())
        return response

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj)]
        if self._is_past_version_page(request):
            # A past version is read, never edited (reverting is off): every field as text, as
            # Django shows a row the user may only view.
            fields = [field.name for field in self.model._meta.fields if field.editable and field.name != "version"]
            readonly += [name for name in fields if name not in readonly]
        return [*readonly, *(f"masked_{field}" for field in self._masked_fields(request, obj))]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = getattr(response, "context_data", {}).get("original")
        if obj is not None:
            log_if_shown_whole(request, obj)
        return response

    def _is_past_version_page(self, request):
        match = getattr(request, "resolver_match", None)
        return match is not None and match.url_name == f"{self.opts.app_label}_{self.opts.model_name}_simple_history"

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """One past version, to read: reverting is a write no lock or version check would expect."""
        if request.method == "POST":
            raise PermissionDenied
        if not self.history_visible(request, unquote(object_id)):
            raise Http404
        response = super().history_form_view(request, object_id, version_id, extra_context)
        # Rendered as the change form is (whole to a user with the permission), and logged as it is.
        version = self.model.history.get(id=unquote(object_id), history_id=version_id)
        log_if_shown_whole(request, version.instance)
        return response

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_deleted"
        return [path("deleted/", self.admin_site.admin_view(self.deleted_view), name=name), *super().get_urls()]

    def deleted_view(self, request):
        """The rows deleted from this list (in the user's units): when, by whom, and their history."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        page = Paginator(self.deleted_rows(request).select_related("history_user"), self.list_per_page).get_page(
            request.GET.get("p")
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": capfirst(_("Deleted %(name)s") % {"name": self.opts.verbose_name_plural}),
            "page": page,
            "rows": [(record, _described(record)) for record in page.object_list],
        }
        return TemplateResponse(request, "admin/records/deleted.html", context)

    def _refusing_writes(self, request, view, *args):
        """Run `view` in one transaction; a write the models refuse undoes it all and says why."""
        try:
            with transaction.atomic():
                return view(*args)
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def locked_years(approvals):
    """One line per year for the approvals that lock rows of a list: whose year, approved."""
    areas = {}
    for approval in sorted(approvals, key=lambda approval: (approval.year, approval.area.code)):
        areas.setdefault(approval.year, []).append(str(approval.area))
    return [
        _("The year %(year)s of %(areas)s has been approved and cannot be changed.")
        % {"year": year, "areas": ", ".join(names)}
        for year, names in areas.items()
    ]


def _described(record):
    """How a deleted row was shown; a row whose own description names other rows deleted since
    (a gift naming its person) is described by its id."""
    try:
        return str(record.instance)
    except ObjectDoesNotExist:
        return f"#{record.id}"


class ReportAreaFilter(admin.SimpleListFilter):
    """The rows a report on an area counts: `?report_area=<GSO code>` in the list's year (a code
    names one unit in a year: codes are reused after the 2025 reform), or in `report_year` when
    the report is of another year than the rows (the year before's column of a 2025 report on the
    new Thái Nguyên lists 2024 rows of its territory). The area's territory (areas.territory: its
    units and, across the reform, its predecessors') is what the report adds up; a subclass says
    which of its rows (`rows_of`). Only the area chosen is offered, as the report's links choose it."""

    title = _lazy("the report on an area")
    parameter_name = "report_area"
    report_year_parameter = "report_year"
    # The list's parameter that names the year.
    year_parameter = "year"

    def __init__(self, request, params, model, model_admin):
        self.model_admin_area_field = model.area_path
        # Read here, or the list would take it for a lookup on a field.
        self.report_year_value = (params.pop(self.report_year_parameter, None) or [None])[-1]
        super().__init__(request, params, model, model_admin)
        if self.report_year_value is not None:
            self.used_parameters[self.report_year_parameter] = self.report_year_value

    def expected_parameters(self):
        return [self.parameter_name, self.report_year_parameter]

    def lookups(self, request, model_admin):
        area = self.area(request)
        return [(self.value(), f"{area.name} ({area.code})")] if area is not None else []

    def has_output(self):
        return self.value() is not None

    def year(self, request):
        """The list's year, or None."""
        year = request.GET.get(self.year_parameter, "")
        return int(year) if year.isdigit() else None

    def area(self, request):
        """The unit the code names in the report's year (else the latest with that code), or None."""
        if not self.value():
            return None
        units = AdminUnit.objects.filter(code=self.value())
        year = self.report_year_value or request.GET.get(self.year_parameter, "")
        if not year:
            # The latest, a unit without a start (the oldest) last on every database.
            return units.order_by(F("valid_from").desc(nulls_last=True)).first()
        if not str(year).isdigit():
            return None
        try:
            return units.for_code(self.value(), int(year))
        except AdminUnit.DoesNotExist:
            return None

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        area = self.area(request)
        if area is None:
            raise IncorrectLookupParameters(self.value())
        return self.rows_of(request, queryset, area, territory_of(area))

    def rows_of(self, request, queryset, area, territory):
        return queryset.filter(**{f"{self.model_admin_area_field}__in": list(territory.unit_ids)})
