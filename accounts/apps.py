from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users and roles")

    def ready(self):
        # Imported here, not above: an AppConfig module is imported before the models are ready.
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed

        from accounts.models import note_granted
        from accounts.roles import grant_role_permissions
        from accounts.scope import ScopeGuard
        from bkxh.records import register_write_guard

        register_write_guard(ScopeGuard())
        users = get_user_model()
        m2m_changed.connect(note_granted, sender=users.groups.through, dispatch_uid="accounts_note_user_roles")
        m2m_changed.connect(
            note_granted, sender=users.user_permissions.through, dispatch_uid="accounts_note_user_permissions"
        )
        # A model added later (a new register) gets its permissions into the roles too.
        post_migrate.connect(grant_role_permissions, dispatch_uid="accounts_grant_role_permissions")
