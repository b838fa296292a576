from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackupsConfig(AppConfig):
    """`manage.py backup_data` and `restore_data`: the database and the media folder in one
    archive, and back. Nothing imports it; it reads the database and the folders, not the models."""

    name = "backups"
    verbose_name = _("Backups")
