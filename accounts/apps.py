from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users and roles")

    def ready(self):
        # Imported here, not above: an AppConfig module is imported before the models are ready.
        from accounts.roles import grant_role_permissions
        from accounts.scope import ScopeGuard
        from bkxh.records import register_write_guard

        register_write_guard(ScopeGuard())
        # A model added later (a new register) gets its permissions into the roles too.
        post_migrate.connect(grant_role_permissions, dispatch_uid="accounts_grant_role_permissions")
