"""A user's area scope: the administrative units whose rows they may see and change.

A model says where its unit is with `area_path`, a lookup path ending at an AdminUnit
("area", "household__area"; "pk" for AdminUnit itself). A model without one is province-wide
reference data (the indicator catalogue): everyone may read it, and only users with the
whole province in scope may change it, unless the model says `province_writes_only = False`
(decisions, which clerks of every unit record).
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from areas.models import AdminUnit
from areas.territory import UnitGraph
from bkxh.per_object import PerObject
from bkxh.records import ALL_FIELDS, WriteGuard, guard_dependents, read_by_any_dependent


class Scope:
    """Everything (`unit_ids` None) or the ids of the units a user is bound to and those below them."""

    def __init__(self, unit_ids=None):
        self.unit_ids = None if unit_ids is None else frozenset(unit_ids)

    @property
    def is_whole_province(self):
        return self.unit_ids is None

    def allows(self, unit_id):
        return self.unit_ids is None or unit_id in self.unit_ids

    def filter(self, queryset, area_path):
        if self.unit_ids is None or area_path is None:
            return queryset
        return queryset.filter(**{f"{area_path}__in": self.unit_ids})

    def exclude(self, queryset, area_path):
        """The rows of `queryset` outside the scope (none for the whole province)."""
        if self.unit_ids is None or area_path is None:
            return queryset.none()
        return queryset.exclude(**{f"{area_path}__in": self.unit_ids})

    def rows_of(self, queryset):
        """The rows of `queryset` in the scope, found by their model's area_path."""
        return self.filter(queryset, area_path_of(queryset.model))

    def rows_outside(self, queryset):
        return self.exclude(queryset, area_path_of(queryset.model))

    def units(self):
        units = AdminUnit.objects.all()
        return units if self.unit_ids is None else units.filter(pk__in=self.unit_ids)

    def units_in_force(self, year):
        """[AdminUnit] of the scope in force in `year`, by code; the country is no one's unit of work."""
        units = self.units().in_force_during(year).exclude(level=AdminUnit.Level.COUNTRY)
        # The older of two units with one code first, on every database (a unit without a start is the older).
        return list(units.order_by("code", F("valid_from").asc(nulls_first=True)))

    def top_units(self, year):
        """The highest units of the scope in force in `year`: the provinces for a user who works
        for all, a district clerk's district."""
        return highest(self.units_in_force(year))

    def users(self):
        """The users whose every unit lies in the scope: those its holder may manage, and whose
        work (their imports) they may hear of. A user bound to no unit works for no one's scope."""
        users = get_user_model().objects.all()
        if self.unit_ids is None:
            return users
        outside = AdminUnit.objects.exclude(pk__in=self.unit_ids)
        return users.filter(areas__area__in=self.unit_ids).exclude(areas__area__in=outside).distinct()


def highest(units):
    """Those of `units` whose parent is not among them."""
    ids = {unit.pk for unit in units}
    return [unit for unit in units if unit.parent_id not in ids]


_scopes = PerObject("scope of user")


def scope_of(user):
    """The scope of `user`, computed once per user object (one query, three for a user bound below the top);
    no user (the command line, code) works for every unit."""
    if user is None:
        return Scope()
    cached = _scopes.get(user)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = Scope()
    else:
        bound = list(AdminUnit.objects.filter(user_links__user=user).values_list("pk", "parent_id"))
        # The top of the tree (the country; the province in a database of one province) is
        # everything; any other unit is itself and the units below it.
        if any(parent_id is None for _pk, parent_id in bound):
            scope = Scope()
        else:
            # A unit's territory (areas.territory): the units below it and, across the 2025
            # reform, the units it was formed from, whose history its staff now keep.
            ids = [pk for pk, _parent_id in bound]
            scope = Scope(UnitGraph().territory_ids(ids)) if ids else Scope(())
    _scopes.set(user, scope)
    return scope


def province_writes_only(model):
    return area_path_of(model) is None and getattr(model, "province_writes_only", True)


def area_path_of(model):
    return getattr(model, "area_path", None)


class OutOfScopeError(ValidationError):
    pass


def check_writes_in_scope(user, model, unit_ids):
    """Refuse `user` writing rows of `model` in units outside their scope, or, for a model
    without units (the catalogue), unless the whole province is in their scope."""
    scope = scope_of(user)
    if scope.is_whole_province:
        return
    if province_writes_only(model):
        raise OutOfScopeError(
            _("Only users who work for the whole province may change %(model)s.")
            % {"model": model._meta.verbose_name_plural}
        )
    if area_path_of(model) is None:
        return
    outside = {unit_id for unit_id in unit_ids if not scope.allows(unit_id)}
    if outside:
        names = ", ".join(str(unit) for unit in AdminUnit.objects.filter(pk__in=outside))
        raise OutOfScopeError(
            _("%(units)s is outside the units you work for; you cannot change its rows.") % {"units": names or "?"}
        )


class ScopeGuard(WriteGuard):
    """Every write refused to a user outside whose units the rows lie (check_writes_in_scope);
    registered from AccountsConfig.ready()."""

    def check(self, model, unit_years, user):
        if user is not None:
            check_writes_in_scope(user, model, {unit for unit, _year in unit_years if unit is not None})

    def refusals(self, model, rows, user):
        refusals = {}
        if user is None:
            return refusals
        for position, unit_years in enumerate(rows):
            try:
                self.check(model, unit_years, user)
            except ValidationError as error:
                refusals[position] = error.messages
        return refusals


def may_write_dependents(user, instance):
    """Whether `user` may change a row every field of which the rows citing it show (a decision,
    read_by_dependents = ALL_FIELDS): only when they may write each of those rows, and none is
    in an approved year. A row cited by none is anyone's who may add one."""
    model = type(instance)
    if getattr(model, "read_by_dependents", ()) != ALL_FIELDS or instance.pk is None:
        return True
    try:
        guard_dependents(model, [instance.pk], read_by_any_dependent(model), user=user)
    except ValidationError:
        return False
    return True


_homes = PerObject("home unit of user")


def home_unit(user):
    """The unit a user's pages open on: the first unit they are bound to, or None; read once per
    user object, as scope_of (the report's cache and the report both ask it)."""
    kept = _homes.get(user)
    if kept is None:
        kept = (AdminUnit.objects.filter(user_links__user=user).order_by("code", "valid_from").first(),)
        _homes.set(user, kept)
    return kept[0]
