"""Area scope in the admin, declared once per ModelAdmin by the model's `area_path`.

Every page that lists or opens rows goes through get_queryset(): changelists, change and
delete views, history, autocomplete (which asks the admin of the related model), list
filters and exports. Foreign-key choices are limited to rows in scope, so a unit outside it
cannot be posted either. A model without an area (the catalogue) is read by everyone who may
view it and changed only by users who work for the whole province.
"""

from django.contrib.admin.utils import unquote
from django.db.models import Exists, OuterRef
from django.http import Http404

from accounts.scope import area_path_of, may_write_dependents, province_writes_only, scope_of
from bkxh.records import value_at


class AreaScopedAdmin:
    """A ModelAdmin's or an inline's rows, choices and write permissions limited to the user's
    units, by the model's `area_path`; also the history and deleted rows those units may read."""

    @property
    def area_path(self):
        return area_path_of(self.model)

    def get_queryset(self, request):
        return scope_of(request.user).filter(super().get_queryset(request), self.area_path)

    def _scoped_choices(self, db_field, request, kwargs):
        related = db_field.remote_field.model
        path = area_path_of(related)
        if path is not None:
            queryset = kwargs.get("queryset", related._default_manager.all())
            kwargs["queryset"] = scope_of(request.user).filter(queryset, path)
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **self._scoped_choices(db_field, request, kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **self._scoped_choices(db_field, request, kwargs))

    def writes_allowed(self, request, obj=None):
        scope = scope_of(request.user)
        if isinstance(obj, self.model) and not may_write_dependents(request.user, obj):
            return False
        if self.area_path is None:
            return scope.is_whole_province or not province_writes_only(self.model)
        # An inline is asked about its parent row, which its own admin has already scoped.
        if obj is None or not isinstance(obj, self.model):
            return True
        return scope.allows(value_at(obj, self.area_path))

    def has_add_permission(self, request, *args):
        return super().has_add_permission(request, *args) and self.writes_allowed(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.writes_allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.writes_allowed(request, obj)

    def history_view(self, request, object_id, extra_context=None):
        """Django's and simple-history's history views fall back to rows outside get_queryset();
        here a row outside the scope has no history."""
        if not self.history_visible(request, unquote(object_id)):
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_visible(self, request, pk):
        """Whether the user may read the history of row `pk`: a row in their scope, or a deleted
        row whose last recorded unit is."""
        if self.get_queryset(request).filter(pk=pk).exists():
            return True
        if not hasattr(self.model, "history") or self.model._default_manager.filter(pk=pk).exists():
            return False
        return self.deleted_rows(request).filter(id=pk).exists()

    def deleted_rows(self, request):
        """The last history record of each deleted row in the user's scope, newest first."""
        history = self.model.history
        live = self.model._default_manager.filter(pk=OuterRef("id"))
        deleted = history.filter(history_type="-").exclude(Exists(live))
        # The history keeps the row's own id as "id"; its primary key numbers the history records.
        path = "id" if self.area_path == "pk" else self.area_path
        return scope_of(request.user).filter(deleted, path).order_by("-history_date")


class WholeProvinceLogAdmin:
    """A log the system writes (access log, import log): read by users who work for the whole
    province, written by no one through the admin."""

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and scope_of(request.user).is_whole_province

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
