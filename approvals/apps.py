from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("Year approval")

    def ready(self):
        # Imported here, not above: an AppConfig module is imported before the models are ready.
        from approvals.locking import ApprovedYearsGuard
        from bkxh.records import register_write_guard

        register_write_guard(ApprovedYearsGuard())
