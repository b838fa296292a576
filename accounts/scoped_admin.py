"""Area scope in the admin, declared once per ModelAdmin by the model's `area_path`.

Every page that lists or opens rows goes through get_queryset(): changelists, change and
delete views, history, autocomplete (which asks the admin of the related model), list
filters and exports. Foreign-key choices are limited to rows in scope, so a unit outside it
cannot be posted either. A model without an area (the catalogue) is read by everyone who may
view it and changed only by users who work for the whole province.
"""

from django.contrib.admin.utils import unquote
from django.http import Http404

from accounts.scope import area_path_of, province_writes_only, scope_of
from bkxh.records import value_at


class AreaScopedAdmin:
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
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404
        return super().history_view(request, object_id, extra_context)
