"""ImportExportAdmin: the admin of a data model with Import and Export buttons on its list."""

from django.urls import path

from bkxh.record_admin import RecordAdmin
from imports import admin_views
from imports.kinds import kind_for_model


class ImportExportAdmin(RecordAdmin):
    """A RecordAdmin whose list imports and exports the model's kind of file (see imports.kinds).
    A model without a kind gets no buttons.

    Import and export are permissions of their own (import_<model>, export_<model>); a user
    who may only view the list can do neither. Superusers have both.
    """

    @property
    def import_kind_object(self):
        return kind_for_model(self.model)

    def has_import_permission(self, request):
        kind = self.import_kind_object
        return kind is not None and request.user.has_perm(kind.import_permission)

    def has_export_permission(self, request):
        kind = self.import_kind_object
        return kind is not None and request.user.has_perm(kind.export_permission)

    def get_urls(self):
        if self.import_kind_object is None:
            return super().get_urls()
        opts = self.model._meta
        prefix = f"{opts.app_label}_{opts.model_name}"

        def view(function, name, route):
            def bound(request, *args, **kwargs):
                return function(request, self, *args, **kwargs)

            return path(route, self.admin_site.admin_view(bound), name=f"{prefix}_{name}")

        return [
            view(admin_views.import_view, "import", "import/"),
            view(admin_views.template_view, "import_template", "import/template/"),
            view(admin_views.confirm_view, "import_confirm", "import/<int:log_id>/confirm/"),
            view(admin_views.job_view, "import_job", "import/<int:log_id>/job/"),
            view(admin_views.failed_rows_view, "import_failed_rows", "import/<int:log_id>/failed-rows/"),
            view(admin_views.export_view, "export", "export/"),
            view(admin_views.export_job_view, "export_job", "export/<int:export_id>/"),
            view(admin_views.export_file_view, "export_file", "export/<int:export_id>/file/"),
            *super().get_urls(),
        ]

    def changelist_context(self, request, changelist):
        return {
            **super().changelist_context(request, changelist),
            "can_import": self.has_import_permission(request),
            "can_export": self.has_export_permission(request),
            "export_query": request.GET.urlencode(),
        }
