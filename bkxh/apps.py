from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class BkxhConfig(AppConfig):
    """The project package as an app: its template tags, commands and demo data."""

    name = "bkxh"
    verbose_name = "bkxh"


class BkxhAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "bkxh.admin.BkxhAdminSite"
