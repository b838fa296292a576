"""Which administrative units a user works for.

A user bound to a unit sees and changes the rows of that unit and of the units below it; a
user bound to a province, or a superuser, sees the whole province.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.models import AdminUnit


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
