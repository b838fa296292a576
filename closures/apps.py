from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClosuresConfig(AppConfig):
    name = "closures"
    verbose_name = _("Year approval")

    def ready(self):
        # Imported here, not above: an AppConfig module is imported before the models are ready.
        from bkxh.records import register_write_guard
        from closures.locking import ApprovedYearsGuard

        register_write_guard(ApprovedYearsGuard())
