"""The import and export permissions of every kind of file, created on `migrate` as Django
creates its own add/change/delete/view permissions: declaring a kind is enough. The roles
(accounts.roles) are granted them at once, since their own grant ran before these existed."""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from accounts.roles import grant_role_permissions
from imports.kinds import all_kinds


def create_exchange_permissions(using="default", **kwargs):
    for kind in all_kinds():
        opts = kind.model._meta
        content_type = ContentType.objects.db_manager(using).get_for_model(kind.model)
        for action, name in (
            ("import", _("Can import %(things)s from files")),
            ("export", _("Can export %(things)s to files")),
        ):
            Permission.objects.db_manager(using).update_or_create(
                content_type=content_type,
                codename=f"{action}_{opts.model_name}",
                defaults={"name": (name % {"things": opts.verbose_name_plural})[:255]},
            )
    grant_role_permissions()
