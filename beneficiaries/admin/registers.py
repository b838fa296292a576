from django.contrib import admin
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from accounts.scope import scope_of
from beneficiaries.admin.base import DistrictFilter, HouseholdRegisterAdmin, PersonRegisterAdmin, RegisterAdmin
from beneficiaries.models import (
    AdmissionDossier,
    ElderlyVisit,
    FuneralAllowance,
    HousingSupport,
    LongevityGift,
    MedicalReferral,
    RecordAmendment,
    RiceReliefLine,
    RiceReliefRound,
    TrainingClass,
    WorshipAllowance,
)

PERSON_COLUMNS = ("person_name", "person_citizen_id", "person_birth_year")


@admin.register(RiceReliefRound)
class RiceReliefRoundAdmin(RegisterAdmin):
    list_help = _("Each distribution of relief rice: its year, area, date and the rice allocated.")
    guide_section = "enter"
    area_filters = (DistrictFilter,)
    list_display = ("code", "__str__", "occasion", "distribution_date", "months", "kg_allocated", "decision")
    list_filter = ("occasion",)
    list_select_related = ("area", "decision")
    search_fields = ("code", "disaster_name")
    autocomplete_fields = ("area", "decision")
    changelist_totals = ((_("rounds"), Count("pk")), (_("kg allocated"), Sum("kg_allocated")))


class RoundFilter(admin.RelatedFieldListFilter):
    """The rounds named with their area, read in one query rather than one per round: those of
    the user's units and those that gave rice there (a province's round), no other district's."""

    def field_choices(self, field, request, model_admin):
        rounds = RiceReliefRound.objects.select_related("area")
        scope = scope_of(request.user)
        if not scope.is_whole_province:
            lines_here = model_admin.get_queryset(request).values("round")
            rounds = rounds.filter(Q(area__in=scope.unit_ids) | Q(pk__in=lines_here))
        return [(round.pk, str(round)) for round in rounds]


@admin.register(RiceReliefLine)
class RiceReliefLineAdmin(HouseholdRegisterAdmin):
    list_help = _("The households that received rice in each round; their total is the report's kilograms of rice.")
    guide_section = "enter"
    list_display = ("household_label", "commune", "round", "persons", "kg")
    list_filter = (("round", RoundFilter),)
    list_select_related = ("commune", "round__area")
    search_fields = ("household__code", "household__head__full_name", "=household__head__citizen_id")
    folded_search_fields = ("household__head__search_name",)
    autocomplete_fields = ("round", "household", "commune")
    changelist_totals = (
        (_("kg"), Sum("kg")),
        (_("households"), Count("household", distinct=True)),
        (_("persons"), Sum("persons")),
    )

    def get_queryset(self, request):
        # The households and their heads are read for the page's lines only: joined into the
        # list's query, they were read for every line of the filter before the page was sorted.
        return super().get_queryset(request).prefetch_related("household__head", "household__commune")


@admin.register(LongevityGift)
class LongevityGiftAdmin(PersonRegisterAdmin):
    list_help = _("The longevity gifts to people turning 90 and 100; their count is the report's figure.")
    guide_section = "enter"
    list_display = (
        *PERSON_COLUMNS,
        "milestone",
        "giver_display",
        "year",
        "commune",
        "cash_vnd",
        "in_kind_vnd",
        "gift_date",
    )
    list_filter = ("milestone", "occasion")
    list_select_related = ("person", "commune")
    # The person and the milestone first: they decide the gift (and the giver); the note last.
    fields = (
        "person",
        "milestone",
        "year",
        "commune",
        "cash_vnd",
        "in_kind_vnd",
        "gift_date",
        "occasion",
        "decision",
        "note",
    )
    changelist_totals = (
        (_("people"), Count("pk")),
        (_("cash (đồng)"), Sum("cash_vnd")),
        (_("gifts in kind (đồng)"), Sum("in_kind_vnd")),
    )

    @admin.display(description=_("given by"))
    def giver_display(self, gift):
        return gift.giver.label


@admin.register(HousingSupport)
class HousingSupportAdmin(HouseholdRegisterAdmin):
    list_help = _(
        "Houses built or repaired for poor households, with their funding; the report counts the houses "
        "and their amount."
    )
    guide_section = "enter"
    list_display = (
        "household_label",
        "commune",
        "year",
        "funding_source",
        "sponsor",
        "round",
        "work",
        "amount_vnd",
        "status",
    )
    list_filter = ("funding_source", "round", "work", "status")
    list_select_related = ("household__commune", "household__head", "commune")
    search_fields = ("household__code", "household__head__full_name", "sponsor", "=household__head__citizen_id")
    folded_search_fields = ("household__head__search_name",)
    autocomplete_fields = ("household", "commune", "decision")
    changelist_totals = ((_("houses"), Count("pk")), (_("amount (đồng)"), Sum("amount_vnd")))


@admin.register(FuneralAllowance)
class FuneralAllowanceAdmin(RegisterAdmin):
    list_help = _("Funeral allowances settled for people with meritorious service.")
    guide_section = "enter"
    list_display = (
        "deceased",
        "category",
        "date_of_death",
        "year",
        "commune",
        "recipient_name",
        "amount_vnd",
        "decision",
    )
    list_filter = ("category",)
    list_select_related = ("deceased", "commune", "decision")
    search_fields = ("deceased__full_name", "=deceased__citizen_id", "recipient_name")
    folded_search_fields = ("deceased__search_name",)
    autocomplete_fields = ("deceased", "commune", "decision")
    changelist_totals = ((_("allowances"), Count("pk")), (_("amount (đồng)"), Sum("amount_vnd")))


@admin.register(WorshipAllowance)
class WorshipAllowanceAdmin(RegisterAdmin):
    list_help = _("Martyr worship allowances decided, with who receives them.")
    guide_section = "enter"
    list_display = (
        "martyr_name",
        "martyr_record",
        "worshipper",
        "year",
        "commune",
        "yearly_amount_vnd",
        "valid_from",
        "valid_to",
    )
    list_select_related = ("worshipper", "commune")
    search_fields = ("martyr_name", "martyr_record", "worshipper__full_name", "=worshipper__citizen_id")
    folded_search_fields = ("worshipper__search_name",)
    autocomplete_fields = ("worshipper", "commune", "decision")
    changelist_totals = ((_("decisions"), Count("pk")), (_("yearly amount (đồng)"), Sum("yearly_amount_vnd")))


@admin.register(MedicalReferral)
class MedicalReferralAdmin(PersonRegisterAdmin):
    list_help = _("Referrals to the medical assessment council.")
    guide_section = "enter"
    list_display = (*PERSON_COLUMNS, "referred_on", "condition", "year", "commune")
    list_select_related = ("person", "commune")
    changelist_totals = ((_("referrals"), Count("pk")),)


@admin.register(RecordAmendment)
class RecordAmendmentAdmin(PersonRegisterAdmin):
    list_help = _("Decisions amending the records of people with meritorious service.")
    guide_section = "enter"
    list_display = (*PERSON_COLUMNS, "decision", "year", "commune")
    list_select_related = ("person", "commune", "decision")
    changelist_totals = ((_("amendments"), Count("pk")),)


@admin.register(ElderlyVisit)
class ElderlyVisitAdmin(PersonRegisterAdmin):
    list_help = _("Visits and gifts to disadvantaged elderly people.")
    guide_section = "enter"
    list_display = (*PERSON_COLUMNS, "visited_on", "gift_vnd", "year", "commune")
    list_select_related = ("person", "commune")
    changelist_totals = ((_("people visited"), Count("pk")), (_("gifts (đồng)"), Sum("gift_vnd")))


@admin.register(AdmissionDossier)
class AdmissionDossierAdmin(PersonRegisterAdmin):
    list_help = _("Dossiers for admission to the social protection centre, and their appraisal.")
    guide_section = "enter"
    list_display = (*PERSON_COLUMNS, "received_on", "appraised_on", "result", "year", "commune")
    list_filter = ("result",)
    list_select_related = ("person", "commune")
    changelist_totals = ((_("dossiers"), Count("pk")),)


@admin.register(TrainingClass)
class TrainingClassAdmin(RegisterAdmin):
    list_help = _("Training classes held, with their participants.")
    guide_section = "enter"
    list_display = ("title", "level", "starts_on", "ends_on", "place", "participants", "year", "area")
    list_filter = ("level",)
    list_select_related = ("area",)
    search_fields = ("title", "place")
    autocomplete_fields = ("area", "decision")
    changelist_totals = ((_("classes"), Count("pk")), (_("participants"), Sum("participants")))
