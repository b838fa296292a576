from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Imports")

    def ready(self):
        # Imported here, not above: an AppConfig module is imported before the models are ready.
        from accounts.roles import register_grant_rule
        from imports import checks  # noqa: F401 - registers the system check of the kinds' keys
        from imports.permissions import create_exchange_permissions, exchange_grants

        # Each app declares its kinds of file in its import_kinds.py.
        autodiscover_modules("import_kinds")
        register_grant_rule(exchange_grants)
        post_migrate.connect(create_exchange_permissions, sender=self, dispatch_uid="imports_exchange_permissions")
        # The queue's own admin page lists the background jobs in English, by their code: staff
        # follow a job on its import's page, and the import log keeps what it did.
        from django.contrib import admin
        from django_tasks_db.models import DBTaskResult

        if admin.site.is_registered(DBTaskResult):
            admin.site.unregister(DBTaskResult)
