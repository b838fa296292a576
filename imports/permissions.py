"""The import and export permissions of every kind of file, created on `migrate` as Django
creates its own add/change/delete/view permissions: declaring a kind is enough. The roles
(accounts.roles) are granted them at once, since their own grant ran before these existed, by
the rule exchange_grants(), which ImportsConfig.ready() registers with the roles."""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from accounts.roles import ADMINISTRATOR, CLERK, REVIEWER, codenames, grant_role_permissions, is_entered_by_clerks
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


def exchange_grants(grants):
    """The clerks import and export what they enter; everyone but the viewers exports (a
    view-only user does neither)."""
    for kind in all_kinds():
        app_label = kind.model._meta.app_label
        grants[ADMINISTRATOR] |= {(app_label, name) for name in codenames(kind.model, ["import", "export"])}
        grants[REVIEWER] |= {(app_label, f"export_{kind.model._meta.model_name}")}
        if is_entered_by_clerks(kind.model):
            grants[CLERK] |= {(app_label, name) for name in codenames(kind.model, ["import", "export"])}
