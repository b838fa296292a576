"""What every register's admin shares: filters by year, district and commune, accent-free
search, Vietnamese numbers, masked citizen IDs and the totals of what is filtered."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scope import scope_of
from areas.models import AdminUnit
from audit.personal_data import masked_id_column
from bkxh.record_admin import ReportAreaFilter
from imports.record_admin import ImportExportAdmin


class YearFilter(admin.SimpleListFilter):
    """The years from the first to the last entry the user may see: two index look-ups, not a
    scan for distinct years.

    A year kept on a related row (a rice line's year is its round's) is looked up on that
    row's small table: the bounds there, and the chosen year as the list of its rows' ids,
    so the entries are found through their (round, commune) index rather than by a join.
    """

    title = _("year")
    parameter_name = "year"

    def __init__(self, request, params, model, model_admin):
        *path, self.year_field = model_admin.year_field.split("__")
        self.relation = "__".join(path)
        self.year_model = model
        for name in path:
            self.year_model = self.year_model._meta.get_field(name).related_model
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        if self.relation:
            # Years only, from the related table; a year with no entry in the user's scope
            # simply lists nothing.
            bounds = self.year_model.objects.aggregate(first=Min(self.year_field), last=Max(self.year_field))
        else:
            bounds = model_admin.get_queryset(request).aggregate(first=Min(self.year_field), last=Max(self.year_field))
        if bounds["first"] is None:
            return []
        return [(str(year), str(year)) for year in range(bounds["last"], bounds["first"] - 1, -1)]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        if not self.value().isdigit():
            raise IncorrectLookupParameters(self.value())
        if not self.relation:
            return queryset.filter(**{self.year_field: self.value()})
        rows = self.year_model.objects.filter(**{self.year_field: self.value()}).values_list("pk", flat=True)
        return queryset.filter(**{f"{self.relation}__in": list(rows)})


class DistrictFilter(admin.SimpleListFilter):
    title = _("district")
    parameter_name = "district"

    def lookups(self, request, model_admin):
        districts = scope_of(request.user).units().filter(level=AdminUnit.Level.DISTRICT).order_by("code")
        return [(district.pk, f"{district.code} {district.name}") for district in districts]

    def queryset(self, request, queryset):
        # A register by area may name the district itself (a round allocated to it).
        if self.value():
            if not self.value().isdigit():
                raise IncorrectLookupParameters(self.value())
            # The district and its communes as a list of ids: the database then finds the
            # entries through the (year, commune) index instead of scanning the register.
            units = AdminUnit.objects.within(self.value()).values_list("pk", flat=True)
            return queryset.filter(**{f"{self.area_field}__in": list(units)})
        return queryset

    def __init__(self, request, params, model, model_admin):
        self.area_field = model_admin.area_field
        super().__init__(request, params, model, model_admin)


class CommuneFilter(admin.SimpleListFilter):
    """Lists the communes of the district chosen first: 108 links at once would help nobody."""

    title = _("commune")
    parameter_name = "commune"

    def lookups(self, request, model_admin):
        district = request.GET.get(DistrictFilter.parameter_name)
        communes = scope_of(request.user).units()
        if district and district.isdigit():
            communes = communes.filter(parent=district)
        elif self.value() and self.value().isdigit():
            # Chosen without a district (a link, a bookmark): the commune alone, so the panel,
            # the export's page and its access-log entry name what filters the list.
            communes = communes.filter(pk=self.value())
        else:
            return []
        return [(commune.pk, commune.name) for commune in communes.order_by("code")]

    def has_output(self):
        # Chosen without a district (a link, a bookmark), the commune still filters the list.
        return super().has_output() or self.value() is not None

    def queryset(self, request, queryset):
        if self.value():
            if not self.value().isdigit():
                raise IncorrectLookupParameters(self.value())
            return queryset.filter(**{self.area_field: self.value()})
        return queryset

    def __init__(self, request, params, model, model_admin):
        self.area_field = model_admin.area_field
        super().__init__(request, params, model, model_admin)


class RegisterReportAreaFilter(ReportAreaFilter):
    """The entries the report on an area counts in the list's year: those of its territory's
    units, less those the register does not count (`uncounted`: a cancelled housing support), so
    that the list's totals are the report's figures (its links lead here)."""

    def rows_of(self, request, queryset, area, territory):
        # The units as a list of ids: the entries are found through the (year, commune) index.
        rows = queryset.filter(**{f"{self.model_admin_area_field}__in": list(territory.unit_ids)})
        uncounted = getattr(queryset.model, "uncounted", None)
        return rows if uncounted is None else rows.exclude(uncounted)


class RegisterAdmin(ImportExportAdmin):
    """A register's changelist: filtered by year, district and commune, with the totals of the
    filtered entries above the list (one aggregate query, whatever the page), and import and
    export of the register's kind of file."""

    area_filters = (DistrictFilter, CommuneFilter, RegisterReportAreaFilter)
    unit_id_parameters = (CommuneFilter.parameter_name, DistrictFilter.parameter_name)
    changelist_totals = ()
    list_per_page = 50
    show_full_result_count = False

    # Where a row belongs, read from its model (area_path, year_path), where it is declared once.
    @property
    def area_field(self):
        return self.model.area_path

    @property
    def year_field(self):
        return self.model.year_path

    def get_changeform_initial_data(self, request):
        """A new entry is for the current year unless the link says otherwise."""
        initial = super().get_changeform_initial_data(request)
        if self.year_field == "year":
            initial.setdefault("year", timezone.localdate().year)
        return initial

    def get_list_filter(self, request):
        filters = [*self.area_filters, *self.list_filter]
        return [YearFilter, *filters] if self.year_field else filters

    def changelist_context(self, request, changelist):
        context = super().changelist_context(request, changelist)
        if self.changelist_totals:
            sums = changelist.queryset.aggregate(
                **{f"total_{i}": agg for i, (_label, agg) in enumerate(self.changelist_totals)}
            )
            context["register_totals"] = [
                (label, sums[f"total_{i}"] or 0) for i, (label, _agg) in enumerate(self.changelist_totals)
            ]
        return context


class HouseholdRegisterAdmin(RegisterAdmin):
    """A register about households, listed beside their commune: the household is named by its
    code and head without the commune again, which made the column twice as wide."""

    @admin.display(description=_("household"), ordering="household__code")
    def household_label(self, entry):
        household = entry.household
        return f"{household.code} – {household.head.full_name}" if household.head_id else household.code


class PersonRegisterAdmin(RegisterAdmin):
    """A register about people: the person's name and masked citizen ID as columns, searchable
    by name (accents optional) or by the whole citizen ID."""

    search_fields = ("person__full_name", "=person__citizen_id")
    folded_search_fields = ("person__search_name",)
    autocomplete_fields = ("person", "commune", "decision")

    @admin.display(description=_("full name"), ordering="person__search_name")
    def person_name(self, entry):
        return entry.person.full_name

    person_citizen_id = masked_id_column("person__citizen_id")

    @admin.display(description=_("year of birth"), ordering="person__birth_year")
    def person_birth_year(self, entry):
        return entry.person.birth_year
