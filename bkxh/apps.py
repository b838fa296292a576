from axes import apps as axes_apps
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class BkxhConfig(AppConfig):
    """The project package as an app: its template tags, commands and demo data."""

    name = "bkxh"
    verbose_name = "bkxh"


class BkxhAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "bkxh.admin.BkxhAdminSite"

    def ready(self):
        # Imported here, not above: an AppConfig module is imported before the models are ready.
        from bkxh.admin import write_figures_the_vietnamese_way

        write_figures_the_vietnamese_way()
        super().ready()


class BkxhAxesConfig(axes_apps.AppConfig):
    """django-axes (the login throttle) under a name staff understand, not "Axes"."""

    default = False
    verbose_name = _("Login lockouts")
