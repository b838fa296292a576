from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StoredFile(models.Model):
    """A file kept by files.storage.DatabaseStorage, its bytes in the row.

    `location` is the storage's own part of the table (the scans of "media", the pending
    uploads of "private"), so that two storages never list or overwrite each other's names.
    A file is written once and never changed: `created` is also its last modification.
    """

    location = models.CharField(_("storage"), max_length=20)
    name = models.CharField(_("name"), max_length=255)
    content = models.BinaryField(_("content"))
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    created = models.DateTimeField(_("stored at"), default=timezone.now)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")
        constraints = [models.UniqueConstraint(fields=["location", "name"], name="storedfile_unique_name")]

    def __str__(self):
        return self.name
