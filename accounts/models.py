"""Which administrative units a user works for.

A user bound to a unit sees and changes the rows of that unit and of the units below it; a
user bound to a province, or a superuser, sees the whole province.
"""

from django.conf import settings
from django.db import models
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from areas.models import AdminUnit
from bkxh.records import note_years

# The fields of a user that data pages print: who approved a year, on its report.
PRINTED_USER_FIELDS = frozenset({"username", "first_name", "last_name"})


class UserArea(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="areas", verbose_name=_("user"))
    area = models.ForeignKey(
        AdminUnit, models.PROTECT, related_name="user_links", verbose_name=_("administrative unit")
    )

    area_path = "area"

    class Meta:
        verbose_name = _("unit of a user")
        verbose_name_plural = _("units of the user")
        constraints = [models.UniqueConstraint(fields=["user", "area"], name="userarea_unique_user_area")]

    def __str__(self):
        return f"{self.user} – {self.area}"


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts_note_user_names")
def note_user_names(sender, instance, created, update_fields, using, **kwargs):
    """A user saved with their names (the admin's form) is a write of data of no year
    (bkxh.records.note_years; the report's cache): a report names who approved its year. A
    login, which saves only the time of the last one, and a new user, whom no report names
    yet, are not."""
    if not created and (update_fields is None or PRINTED_USER_FIELDS & set(update_fields)):
        note_years(sender, {None}, using=using)
