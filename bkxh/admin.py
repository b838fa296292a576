"""The admin site's branding and the pieces every bkxh ModelAdmin shares."""

from decimal import Decimal

from django.conf import settings
from django.contrib import admin
from django.contrib.admin import helpers, utils
from django.contrib.admin.templatetags import admin_list
from django.db import models
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


class FoldedSearchMixin:
    """Search that ignores diacritics: "trung hoa" finds "Trung Hòa" and "Trung Hoà".

    Each model keeps a folded copy of its names (`folded_search_fields`); the search term is
    folded the same way and matched against it, besides the ordinary `search_fields`.
    """

    folded_search_fields = ()

    def get_search_results(self, request, queryset, search_term):
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


class VietnameseNumbersMixin:
    """Every decimal field in the form reads and shows figures the Vietnamese way."""

    formfield_overrides = {models.DecimalField: {"form_class": VietnameseDecimalField}}


class BkxhModelAdmin(FoldedSearchMixin, VietnameseNumbersMixin, admin.ModelAdmin):
    """The base of bkxh's ModelAdmins: accent-free search, Vietnamese numbers, and no facet
    counts, which cost a COUNT per filter choice on every page of a register of a million rows."""

    show_facets = admin.ShowFacets.NEVER


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
