from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from accounts.roles import register_grant_rule
        from bkxh.records import register_write_observer
        from reports import keeping
        from reports.generations import note_written, step_everything
        from reports.permissions import issuing_grants

        register_grant_rule(issuing_grants)
        # Every write moves on the generation the report's cache is keyed on (reports.generations).
        register_write_observer(note_written)
        register_write_observer(keeping.note_written)
        post_migrate.connect(step_everything, sender=self, dispatch_uid="reports_step_everything")
        # The register totals' triggers, made from the report's aggregates (reports.keeping).
        post_migrate.connect(keeping.install, sender=self, dispatch_uid="reports_keep_totals")
