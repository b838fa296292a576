import posixpath

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import Count, Q, Sum
from django.http import FileResponse, Http404
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.personal_data import masked_id_column
from beneficiaries.admin.base import RegisterAdmin
from beneficiaries.models import Decision, Household, Person
from imports.record_admin import ImportExportAdmin


class PossibleDuplicateFilter(admin.SimpleListFilter):
    title = _("possible duplicates")
    parameter_name = "duplicate"

    def lookups(self, request, model_admin):
        return [("yes", _("possible duplicates only"))]

    def queryset(self, request, queryset):
        return queryset.filter(possible_duplicate=True) if self.value() == "yes" else queryset


@admin.register(Person)
class PersonAdmin(RegisterAdmin):
    list_help = _("The people the registers are about, entered once and chosen in every register.")
    guide_section = "enter"
    list_display = (
        "full_name",
        "gender",
        "birth_year",
        "ethnicity",
        "masked_citizen_id",
        "commune",
        "household",
        "duplicate_flag",
    )
    list_filter = ("gender", "ethnicity", PossibleDuplicateFilter)
    list_select_related = ("commune", "household__commune", "household__head")
    search_fields = ("full_name", "=citizen_id")
    folded_search_fields = ("search_name",)
    autocomplete_fields = ("commune", "household")
    fieldsets = (
        (None, {"fields": ("full_name", "gender", ("birth_date", "birth_year"), "ethnicity", "citizen_id")}),
        (_("Residence"), {"fields": ("commune", "household", "note")}),
    )
    changelist_totals = ((_("people"), Count("pk")),)

    def get_queryset(self, request):
        return super().get_queryset(request).with_duplicate_flag()

    @admin.display(description=_("possible duplicate"))
    def duplicate_flag(self, person):
        # A tick on the flagged rows and nothing on the others: a boolean column would mark each
        # of them with a grey "?" (alt "None"), and its tick says "True" to a screen reader.
        if not person.possible_duplicate:
            return ""
        return format_html('<img src="{}" alt="{}">', static("admin/img/icon-yes.svg"), _("possible duplicate"))


class MemberInline(admin.TabularInline):
    model = Person
    fields = ("full_name", "gender", "birth_year", "masked_citizen_id")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("member")
    verbose_name_plural = _("members")
    masked_citizen_id = masked_id_column()

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Household)
class HouseholdAdmin(RegisterAdmin):
    list_help = _("Households and their poverty status, for the rice relief and housing registers.")
    guide_section = "enter"
    list_display = ("code", "head", "commune", "address", "size", "poverty_status", "certificate_year")
    list_filter = ("poverty_status", "certificate_year")
    list_select_related = ("commune", "head", "head__commune")
    search_fields = ("code", "head__full_name", "=head__citizen_id", "address")
    folded_search_fields = ("head__search_name",)
    autocomplete_fields = ("commune", "head")
    inlines = (MemberInline,)
    changelist_totals = (
        (_("households"), Count("pk")),
        (_("members"), Sum("size")),
        (_("poor households"), Count("pk", filter=Q(poverty_status="poor"))),
        (_("near-poor households"), Count("pk", filter=Q(poverty_status="near_poor"))),
    )


# How many of each register's entries citing a decision its page lists; the list behind them has all.
BENEFITS_SHOWN = 10


@admin.register(Decision)
class DecisionAdmin(ImportExportAdmin):
    list_help = _("The decisions that grant benefits, which the register entries cite.")
    guide_section = "enter"
    list_display = ("number", "date", "issuer", "summary")
    search_fields = ("number", "issuer", "summary")
    date_hierarchy = "date"

    def get_urls(self):
        opts = self.model._meta
        scan = path(
            "scan/<path:name>",
            self.admin_site.admin_view(self.scan_view),
            name=f"{opts.app_label}_{opts.model_name}_scan",
        )
        return [scan, *super().get_urls()]

    def scan_view(self, request, name):
        """A decision's scanned copy, at the address MEDIA_URL gives it, from whichever storage keeps
        it (a folder or the database), to a user who may view the decision and to nobody else. Sent
        as a download, never shown in the page: a file uploaded as a scan could be a web page, which
        must not run as one of bkxh's."""
        decision = self.get_queryset(request).filter(scan=name).first()
        if decision is None or not self.has_view_permission(request, decision):
            raise Http404
        return FileResponse(decision.scan.open("rb"), as_attachment=True, filename=posixpath.basename(name))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        decision = self.get_object(request, unquote(object_id)) if object_id else None
        if decision is not None:
            extra_context = {**(extra_context or {}), "benefits": self.benefits_of(request, decision)}
        return super().change_view(request, object_id, form_url, extra_context)

    def benefits_of(self, request, decision):
        """[(register's name, the number of its entries citing `decision`, the first of them as
        (entry, address of its page), the address of the register's list of them)]: every register whose entries cite a
        decision, of the entries in the user's units (its list's scope), those with any.
        Template: admin/beneficiaries/decision/change_form.html."""
        found = []
        for model in apps.get_app_config("beneficiaries").get_models():
            cites = any(field.is_relation and field.related_model is Decision for field in model._meta.fields)
            if not cites or not admin.site.is_registered(model) or model is Decision:
                continue
            model_admin = admin.site.get_model_admin(model)
            if not model_admin.has_view_permission(request):
                continue
            entries = model_admin.get_queryset(request).filter(decision=decision)
            count = entries.count()
            if count:
                opts = model._meta
                prefix = f"admin:{opts.app_label}_{opts.model_name}"
                shown = [(entry, reverse(f"{prefix}_change", args=[entry.pk])) for entry in entries[:BENEFITS_SHOWN]]
                listed = f"{reverse(f'{prefix}_changelist')}?decision__id__exact={decision.pk}"
                found.append((opts.verbose_name_plural, count, shown, listed))
        return found
