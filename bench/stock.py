"""The stock django-import-export path for the longevity gift file, for comparison in the bench.

A plain ModelResource as its documentation writes one, with the library's defaults (row by row,
a savepoint and a diff per row, as the baseline measured before bkxh existed): business keys in
import_id_fields and ForeignKeyWidget for the commune and the person. It cannot add the people a
file brings (the bench creates them first), and the commune must be limited to the 2024 units
(GSO codes are reused after 2025). It does not run the model's rules (clean_model_instances
would add about eight queries a row); ours does.
"""

import datetime

from django.contrib import admin
from django.urls import path
from import_export import fields, resources, widgets
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV

from areas.models import AdminUnit
from beneficiaries.models import LongevityGift, Person
from bkxh import urls as project_urls

BENCH_YEAR = 2024


class CommuneOf2024(widgets.ForeignKeyWidget):
    def get_queryset(self, value, row, *args, **kwargs):
        return AdminUnit.objects.filter(level=AdminUnit.Level.COMMUNE).in_force_on(datetime.date(BENCH_YEAR, 12, 31))


class LongevityGiftResource(resources.ModelResource):
    commune = fields.Field(attribute="commune", column_name="commune_code", widget=CommuneOf2024(AdminUnit, "code"))
    person = fields.Field(
        attribute="person", column_name="citizen_id", widget=widgets.ForeignKeyWidget(Person, "citizen_id")
    )
    gift_date = fields.Field(attribute="gift_date", column_name="gift_date", widget=widgets.DateWidget("%d/%m/%Y"))

    class Meta:
        model = LongevityGift
        fields = ("year", "commune", "person", "milestone", "cash_vnd", "in_kind_vnd", "gift_date", "note")
        import_id_fields = ("person", "milestone")


class StockLongevityGiftAdmin(ImportMixin, admin.ModelAdmin):
    resource_classes = [LongevityGiftResource]
    import_formats = [CSV]


site = admin.AdminSite(name="stock")
site.register(LongevityGift, StockLongevityGiftAdmin)

urlpatterns = [path("stock/", site.urls), *project_urls.urlpatterns]
