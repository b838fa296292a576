from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from accounts.roles import register_grant_rule
        from reports.permissions import issuing_grants

        register_grant_rule(issuing_grants)
