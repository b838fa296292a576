"""The admin site's branding and the pieces every bkxh ModelAdmin shares."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers, utils
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from bkxh.forms import VietnameseDecimalField
from bkxh.numbers import format_decimal
from bkxh.text import fold


class BkxhAdminSite(admin.AdminSite):
    # The list pages are wide (figures, percent, result); the sidebar would squeeze them.
    enable_nav_sidebar = False
    site_title = _("bkxh data entry")
    index_title = _("Data entry and reports")

    @property
    def site_header(self):
        return settings.BKXH_ORGANISATION

    def autocomplete_view(self, request):
        return AutocompleteView.as_view(admin_site=self)(request)


class AutocompleteView(AutocompleteJsonView):
    def process_request(self, request):
        term, model_admin, source_field, to_field_name = super().process_request(request)
        # A reverse relation (a household's members) has no choices to offer; Django's view
        # failed on it with a server error.
        if not source_field.concrete:
            raise PermissionDenied
        return term, model_admin, source_field, to_field_name

    def get_queryset(self):
        return in_choice_order(super().get_queryset())

    def serialize_result(self, obj, to_field_name):
        return {"id": str(getattr(obj, to_field_name)), "text": choice_label(obj)}


def choice_label(obj):
    """How a row is named where a clerk picks one: by its `choice_label` if its model has one
    (a unit, whose name repeats across the 2025 reform, with its code and period), else str()."""
    return getattr(obj, "choice_label", None) or str(obj)


def in_choice_order(queryset):
    """`queryset` in the order its model's `for_choices()` gives (the units in force today first), if any."""
    return queryset.for_choices() if hasattr(queryset, "for_choices") else queryset


class RowChoiceField(forms.ModelChoiceField):
    """A choice of one row, named and ordered as the autocomplete results are (choice_label,
    in_choice_order): a unit with its code and period, the units in force today first."""

    def __init__(self, queryset, **kwargs):
        super().__init__(in_choice_order(queryset), **kwargs)

    def label_from_instance(self, obj):
        return choice_label(obj)


class RowsChoiceField(RowChoiceField, forms.ModelMultipleChoiceField):
    """The same for a choice of several rows (Django's multiple choice, with the naming and order above)."""


# The form fields of every bkxh admin page, its inlines' too: figures read and written the
# Vietnamese way, rows to choose from named and ordered as the autocomplete names them.
FORM_FIELDS = {
    models.DecimalField: {"form_class": VietnameseDecimalField},
    models.ForeignKey: {"form_class": RowChoiceField},
    models.OneToOneField: {"form_class": RowChoiceField},
    models.ManyToManyField: {"form_class": RowsChoiceField},
}


class BkxhModelAdmin(admin.ModelAdmin):
    """The base of bkxh's ModelAdmins: its form fields (FORM_FIELDS), a search that ignores
    diacritics and refuses a pasted page of text, and no facet counts.

    Search: "trung hoa" finds "Trung Hòa" and "Trung Hoà". Each model keeps a folded copy of its
    names (`folded_search_fields`); the search term is folded the same way and matched against
    it, besides the ordinary `search_fields`. Facet counts would cost a COUNT per filter choice
    on every page of a register of a million rows.
    """

    formfield_overrides = FORM_FIELDS
    show_facets = admin.ShowFacets.NEVER
    # What the list is for, in a sentence or two, and the section of the guide (templates/guide.html:
    # "enter", "import", "approve", "report") that explains the task; shown above the list.
    list_help = ""
    guide_section = "enter"
    folded_search_fields = ()
    # Each word adds an OR over every search field: a pasted page of text built megabytes of SQL
    # that kept PostgreSQL busy long after the browser had given up. No name needs more.
    max_search_words = 10
    max_search_characters = 200

    def get_search_results(self, request, queryset, search_term):
        problem = self.search_problem(search_term)
        if problem:
            messages.error(request, problem)
            return queryset.none(), False
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        folded = fold(search_term)
        if not folded or not self.folded_search_fields:
            return results, may_have_duplicates
        matches = models.Q()
        for word in folded.split():
            matches &= models.Q(
                *[(f"{field}__contains", word) for field in self.folded_search_fields], _connector=models.Q.OR
            )
        return results | queryset.filter(matches), may_have_duplicates

    def search_problem(self, search_term):
        """Why `search_term` is not searched for, or None."""
        words, characters = len(search_term.split()), len(search_term)
        if words <= self.max_search_words and characters <= self.max_search_characters:
            return None
        return _(
            "The search is too long (%(words)s words, %(characters)s characters; at most %(max_words)s words "
            "and %(max_characters)s characters): search for a name, a code or an ID number."
        ) % {
            "words": format_decimal(words),
            "characters": format_decimal(characters),
            "max_words": self.max_search_words,
            "max_characters": self.max_search_characters,
        }

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # A form sent back with errors (or refused by the models) keeps what was typed, and the
        # form has already copied it onto `obj`: the heading, the breadcrumb and the access log
        # (which read `original`) would name the row by an edit that was never saved.
        if change and request.method == "POST" and obj is not None:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            if stored is not None:
                context.update(original=stored, subtitle=str(stored))
        return super().render_change_form(request, context, add, change, form_url, obj)


def filters_in_words(changelist):
    """The search and the filters of a list, one line each as the filter panel names them
    ("Năm: 2024", "Xã: Xã Nhạn Môn"), for the export's page and its access-log entry. A lookup
    no filter offers (typed into the address) is written as it was sent."""
    lines = [f"{_('Search')}: “{changelist.query}”"] if changelist.query else []
    named = set()
    for spec in changelist.filter_specs:
        if not spec.used_parameters:
            continue
        named.update(spec.used_parameters)
        chosen = [str(choice["display"]) for choice in spec.choices(changelist) if choice["selected"]]
        lines.append(f"{capfirst(spec.title)}: {', '.join(chosen)}")
    if changelist.date_hierarchy:
        parts = [f"{changelist.date_hierarchy}__{part}" for part in ("day", "month", "year")]
        chosen = [changelist.params[part] for part in parts if part in changelist.params]
        if chosen:
            named.update(parts)
            field = utils.get_fields_from_path(changelist.model, changelist.date_hierarchy)[-1]
            lines.append(f"{capfirst(field.verbose_name)}: {'/'.join(value.zfill(2) for value in chosen)}")
    lines += [
        f"{key}={','.join(values)}" for key, values in changelist.get_filters_params().items() if key not in named
    ]
    return lines


def display_for_field(value, field, *args, **kwargs):
    """Django's display of a field's value, with figures written as in forms, totals, reports and
    history (bkxh.numbers.format_decimal): 23.400.000, 6.400, 109,4.

    Django writes a DecimalField with every decimal place of the column and, since thousands
    grouping is off (USE_THOUSAND_SEPARATOR would also print the year 2024 as 2.024), ungrouped:
    23400000, 6400,00, 109,40.
    """
    if isinstance(field, models.DecimalField) and not field.flatchoices and value is not None:
        return format_decimal(value)
    return utils.display_for_field(value, field, *args, **kwargs)


def display_for_value(value, *args, **kwargs):
    """The same for a Decimal that a list column computes."""
    if isinstance(value, Decimal):
        return format_decimal(value)
    return utils.display_for_value(value, *args, **kwargs)


def write_figures_the_vietnamese_way():
    """Lists and read-only fields call Django's display functions by the names they imported; it
    offers no other hook. Called once, from the admin app's ready()."""
    admin_list.display_for_field = helpers.display_for_field = display_for_field
    admin_list.display_for_value = display_for_value
