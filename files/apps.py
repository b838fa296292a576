from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    """The storages of uploaded files: a folder on this server, or the database every server shares."""

    name = "files"
    verbose_name = _("Stored files")
