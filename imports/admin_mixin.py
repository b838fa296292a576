"""ImportExportMixin: Import and Export buttons on a changelist, for the users allowed to use them."""

from django.urls import path

from imports import admin_views
from imports.kinds import get_kind, kind_for_model


class ImportExportMixin:
    """Import and export for the model's kind of file (see imports.kinds): found from the model,
    or named by `import_kind`. A ModelAdmin whose model has no kind gets no buttons.

    Import and export are permissions of their own (import_<model>, export_<model>); a user
    who may only view the list can do neither. Superusers have both.
    """

    import_kind = ""
    # A ModelAdmin with a changelist template of its own makes it extend this one.
    change_list_template = "admin/imports/change_list.html"

    @property
    def import_kind_object(self):
        return get_kind(self.import_kind) if self.import_kind else kind_for_model(self.model)

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
            view(admin_views.failed_rows_view, "import_failed_rows", "import/<int:log_id>/failed-rows/"),
            view(admin_views.export_view, "export", "export/"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import": self.has_import_permission(request),
            "can_export": self.has_export_permission(request),
            "export_query": request.GET.urlencode(),
        }
        return super().changelist_view(request, extra_context)
