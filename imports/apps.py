from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Imports")

    def ready(self):
        from imports import checks  # noqa: F401 - registers the system check of the kinds' keys
        from imports.permissions import create_exchange_permissions

        # Each app declares its kinds of file in its import_kinds.py.
        autodiscover_modules("import_kinds")
        post_migrate.connect(create_exchange_permissions, sender=self, dispatch_uid="imports_exchange_permissions")
