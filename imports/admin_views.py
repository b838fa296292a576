"""The admin pages of an import (upload → preview → confirm) and of an export.

They are thin: the work is in imports.process and imports.exporting. Each view takes the
ModelAdmin it serves (an ImportExportAdmin) and checks the import or export permission itself.
"""

import io

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.scope import scope_of
from audit.models import AccessLog, log_access
from audit.personal_data import may_see_full_ids
from bkxh.admin import filters_in_words
from imports import export_jobs, jobs, process, storage
from imports.checking import check_file
from imports.exporting import export_records, write_template
from imports.models import ExportFile, ImportLog
from imports.preview import preview_summary
from imports.reading import DELIMITER_NAMES, ENCODING_NAMES, describe_size

JOB_REFRESH_SECONDS = 2
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.BKXH_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s. Split it into smaller files.")
                % {"size": describe_size(upload.size), "limit": describe_size(settings.BKXH_IMPORT_MAX_BYTES)}
            )
        return upload


def import_view(request, model_admin):
    _require(model_admin.has_import_permission(request))
    kind = model_admin.import_kind_object
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if jobs.runs_as_job(upload.size):
            log = jobs.start_check(kind, upload.read(), upload.name, request.user)
            return HttpResponseRedirect(_url(model_admin, "import_job", log.pk))
        log, result = process.preview_upload(kind, upload.read(), upload.name, request.user)
        return _preview_page(request, model_admin, log, result)
    context = _context(request, model_admin, _("Import %(kind)s") % {"kind": kind.label})
    context.update(
        form=form,
        kind=kind,
        columns=[(column, kind.requirement(column)) for column in kind.columns],
        max_size=describe_size(settings.BKXH_IMPORT_MAX_BYTES),
        template_year=_template_year(request),
    )
    return TemplateResponse(request, "admin/imports/import.html", context)


def confirm_view(request, model_admin, log_id):
    _require(model_admin.has_import_permission(request))
    log = _own_log(request, model_admin, log_id)
    if request.method != "POST":
        return HttpResponseRedirect(_url(model_admin, "import"))
    if log.outcome != ImportLog.Outcome.PREVIEWED:
        return _already_done(request, model_admin)
    if "cancel" in request.POST:
        process.cancel_upload(log)
        messages.info(request, _("Import cancelled; nothing was written."))
        return HttpResponseRedirect(_url(model_admin, "changelist"))
    if jobs.runs_as_job(log.file_size):
        if not jobs.start_import(log):
            return _already_done(request, model_admin)
        return HttpResponseRedirect(_url(model_admin, "import_job", log.pk))
    result = process.confirm_upload(log, model_admin.import_kind_object)
    if result is None:
        return _already_done(request, model_admin)
    return _confirmed_page(
        request, model_admin, log, preview_summary(model_admin.import_kind_object, result, request.user)
    )


@require_http_methods(["GET", "POST"])
def job_view(request, model_admin, log_id):
    """The page that follows a big upload's job (imports.jobs): its counters, refreshed every two
    seconds, then the page a small file gets at once: the preview, or the import's message, or
    its problems. A job that stopped is offered to be run again (a POST)."""
    _require(model_admin.has_import_permission(request))
    log = _own_log(request, model_admin, log_id)
    if not log.job:
        return HttpResponseRedirect(_url(model_admin, "import"))
    if request.method == "POST":
        if jobs.run_again(log):
            messages.info(request, _("The job was queued again."))
        return HttpResponseRedirect(_url(model_admin, "import_job", log.pk))
    if log.outcome == ImportLog.Outcome.IMPORTED or log.job_state == ImportLog.JobState.DONE:
        if log.job == ImportLog.Job.CHECK:
            return summary_page(request, model_admin, log, log.summary)
        return _confirmed_page(request, model_admin, log, log.summary)
    context = _context(request, model_admin, _("Import of %(file)s") % {"file": log.file_name})
    context.update(log=log, stopped=jobs.has_stopped(log), refresh_seconds=JOB_REFRESH_SECONDS)
    return TemplateResponse(request, "admin/imports/job.html", context)


def _confirmed_page(request, model_admin, log, summary):
    """After a confirmation: the list with what was written, or the problems and nothing written."""
    if log.outcome == ImportLog.Outcome.IMPORTED:
        messages.success(
            request,
            _("Imported %(file)s: %(new)s new, %(changed)s changed, %(unchanged)s unchanged rows.")
            % {"file": log.file_name, "new": log.created, "changed": log.changed, "unchanged": log.unchanged},
        )
        return HttpResponseRedirect(_url(model_admin, "changelist"))
    if summary["has_failed_rows"]:
        messages.error(request, _("Nothing was written: checked again, the file has the problems below."))
    else:  # the database refused, or the kept file was gone: nothing wrong with the rows themselves
        messages.error(request, _("Nothing was written, for the reason below."))
    return summary_page(request, model_admin, log, summary)


def failed_rows_view(request, model_admin, log_id):
    _require(model_admin.has_import_permission(request))
    log = _own_log(request, model_admin, log_id)
    try:
        if log.failed_rows_file:  # made by the job that checked a big file (imports.jobs.job_summary)
            content, file_format = storage.load(log.failed_rows_file), process.file_format_of(log.encoding)
        else:
            data = storage.load(log.stored_file)
            result = check_file(model_admin.import_kind_object, data, log.file_name, user=log.user)
            file_format = process.file_format_of(result.encoding)
            content = process.failed_rows_file(result, file_format)
    except FileNotFoundError:
        messages.error(request, _("The uploaded file is no longer kept (files are kept for a day). Upload it again."))
        return HttpResponseRedirect(_url(model_admin, "import"))
    name = log.file_name.rsplit(".", 1)[0] + f"-loi.{file_format}"
    return _download(content, file_format, name)


def template_view(request, model_admin):
    """The kind's template; its code sheets list the units the user may use that are in force in
    the year asked for (`?year=`), a district clerk's ten communes rather than every unit ever."""
    _require(model_admin.has_import_permission(request))
    kind = model_admin.import_kind_object
    year = _template_year(request)
    handle = io.BytesIO()
    write_template(kind, handle, units=scope_of(request.user).units().in_force_during(year), year=year)
    return _download(handle.getvalue(), "xlsx", f"mau-{kind.file_stem}-{year}.xlsx")


def _template_year(request):
    """The year asked for, or the current year; for a user whose units have all ceased (a
    district before the 2025 reform) the last year they were in force."""
    asked = request.GET.get("year", "")
    if asked.isdigit() and 1900 <= int(asked) <= 2100:
        return int(asked)
    year = timezone.localdate().year
    units = scope_of(request.user).units()
    if units.in_force_during(year).exists():
        return year
    last = units.aggregate(last=Max("valid_to"))["last"]
    return last.year if last is not None else year


@require_http_methods(["GET", "POST"])
def export_view(request, model_admin):
    """The list under its filters (the query string) as a file. Downloading is a POST with the
    CSRF token, the list's buttons: it writes an access-log entry in the user's name, which a
    page elsewhere must not be able to make. A GET (a bookmark, an old link) shows the filters
    and the buttons and downloads nothing."""
    _require(model_admin.has_export_permission(request))
    kind = model_admin.import_kind_object
    # A link from before the export posted carries its format in the address; the button says it now.
    request.GET = request.GET.copy()
    request.GET.pop("_format", None)
    # The changelist's own queryset: its filters, its search and the user's scope (built once:
    # each build reads every filter's choices, every rice round for the rice lines).
    try:
        changelist = model_admin.get_changelist_instance(request)
        queryset = kind.queryset(changelist.queryset)
    except IncorrectLookupParameters:
        messages.error(request, _("The list's filters in the address are not valid; nothing was exported."))
        return HttpResponseRedirect(_url(model_admin, "changelist"))
    filters = filters_in_words(changelist)
    query = f"?{request.GET.urlencode()}" if request.GET else ""
    if request.method == "GET":
        context = _context(
            request, model_admin, _("Download the list of %(name)s") % {"name": model_admin.opts.verbose_name_plural}
        )
        context.update(
            filters=filters,
            row_count=queryset.count(),
            export_url=_url(model_admin, "export") + query,
            changelist_url=_url(model_admin, "changelist") + query,
        )
        return TemplateResponse(request, "admin/imports/export.html", context)
    file_format = "xlsx" if request.POST.get("_format") == "xlsx" else "csv"
    personal = kind.personal_columns()
    name = f"{kind.file_stem}-{timezone.localdate():%Y%m%d}.{file_format}"
    rows = queryset.count()
    if export_jobs.runs_as_job(rows):
        export = export_jobs.start_export(model_admin, request, file_format, name)
        count, response = rows, HttpResponseRedirect(_url(model_admin, "export_job", export.pk))
    else:
        whole = may_see_full_ids(request.user)
        handle = io.BytesIO()
        count = export_records(kind, queryset, file_format, handle, masked=() if whole else personal)
        response = _download(handle.getvalue(), file_format, name)
    # Every export of personal data is logged, masked or not: names and birth years are personal too.
    if personal:
        log_access(
            event=AccessLog.Event.EXPORT,
            request=request,
            subject=kind.label,
            detail="; ".join(filters) or _("The whole list"),
            row_count=count,
        )
    return response


@require_http_methods(["GET", "POST"])
def export_job_view(request, model_admin, export_id):
    """The page that follows a big export's job (imports.export_jobs), refreshed every two
    seconds until the file is ready, then its link; a job that stopped is offered to be run
    again (a POST)."""
    _require(model_admin.has_export_permission(request))
    export = _own_export(request, model_admin, export_id)
    if request.method == "POST":
        if export_jobs.run_again(export):
            messages.info(request, _("The job was queued again."))
        return HttpResponseRedirect(_url(model_admin, "export_job", export.pk))
    context = _context(
        request, model_admin, _("Download the list of %(name)s") % {"name": model_admin.opts.verbose_name_plural}
    )
    context.update(
        export=export,
        done=export.state == ExportFile.State.DONE,
        failed=export.state == ExportFile.State.FAILED,
        stopped=export_jobs.has_stopped(export),
        refresh_seconds=JOB_REFRESH_SECONDS,
        changelist_url=_url(model_admin, "changelist") + (f"?{export.query}" if export.query else ""),
    )
    return TemplateResponse(request, "admin/imports/export_job.html", context)


def export_file_view(request, model_admin, export_id):
    _require(model_admin.has_export_permission(request))
    export = _own_export(request, model_admin, export_id)
    try:
        data = storage.load(export.stored_file)
    except FileNotFoundError:
        messages.error(
            request, _("The exported file is no longer kept (files are kept for a day). Export the list again.")
        )
        return HttpResponseRedirect(_url(model_admin, "changelist"))
    return _download(data, export.file_format, export.file_name)


def _preview_page(request, model_admin, log, result):
    summary = preview_summary(model_admin.import_kind_object, result, request.user)
    return summary_page(request, model_admin, log, summary)


def summary_page(request, model_admin, log, summary):
    """The preview of a checked file (imports.preview), made in this request or by a job."""
    kind = model_admin.import_kind_object
    context = _context(request, model_admin, _("Check the import of %(file)s") % {"file": log.file_name})
    context.update(
        kind=kind,
        log=log,
        summary=summary,
        is_workbook=summary["encoding"] == "xlsx",
        encoding=ENCODING_NAMES.get(summary["encoding"], summary["encoding"]),
        delimiter=DELIMITER_NAMES.get(summary["delimiter"], ""),
        hidden_problems=summary["problem_count"] - len(summary["problems"]),
        hidden_changes=summary["changed_count"] - len(summary["changes"]),
        hidden_new=summary["new_count"] - len(summary["new_rows"]),
        headers=[column.header for column in kind.export_columns],
        # Only imports of colleagues in the user's units: another district's work is not theirs to know.
        earlier=list(ImportLog.objects.earlier_imports_of(log).filter(user__in=scope_of(request.user).users())[:3]),
        can_confirm=log.outcome == ImportLog.Outcome.PREVIEWED,
        # The download checks the kept upload again, or serves the file a job made of the failed rows.
        has_failed_rows=summary["has_failed_rows"] and bool(log.stored_file or log.failed_rows_file),
    )
    return TemplateResponse(request, "admin/imports/preview.html", context)


def _already_done(request, model_admin):
    messages.error(request, _("This upload was already confirmed or cancelled; upload the file again."))
    return HttpResponseRedirect(_url(model_admin, "import"))


def _context(request, model_admin, title):
    opts = model_admin.model._meta
    return {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": opts,
        "app_label": opts.app_label,
        "import_url": _url(model_admin, "import"),
        "template_url": _url(model_admin, "import_template"),
    }


def _own_log(request, model_admin, log_id):
    log = get_object_or_404(ImportLog, pk=log_id, kind=model_admin.import_kind_object.name)
    if log.user_id != request.user.pk:
        raise PermissionDenied
    return log


def _own_export(request, model_admin, export_id):
    return get_object_or_404(
        ExportFile, pk=export_id, kind=model_admin.import_kind_object.name, user_id=request.user.pk
    )


def _url(model_admin, name, *args):
    opts = model_admin.model._meta
    return reverse(f"{model_admin.admin_site.name}:{opts.app_label}_{opts.model_name}_{name}", args=args)


def _require(allowed):
    if not allowed:
        raise PermissionDenied


def _download(content, file_format, file_name):
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    # Django's header quotes or encodes the name: an uploaded name may hold Vietnamese or a quote.
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=file_name)
    return response
