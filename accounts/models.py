"""Which administrative units a user works for.

A user bound to a unit sees and changes the rows of that unit and of the units below it; a
user bound to a province, or a superuser, sees the whole province.
"""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save
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


@receiver([post_save, post_delete], sender=UserArea, dispatch_uid="accounts_note_user_units")
@receiver([post_save, post_delete], sender=Group, dispatch_uid="accounts_note_roles")
@receiver([post_save, post_delete], sender=Permission, dispatch_uid="accounts_note_permissions")
def note_authority(sender, using, **kwargs):
    """A user's units, a role or a permission changed: what a user may see changes with them, a
    write of data of no year (bkxh.records.note_years), on which the report's cache keeps each
    user's units and permissions (reports.caching.standing_of). Connected, post_delete also
    makes a queryset's delete() send it for every row."""
    note_years(sender, {None}, using=using)


@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="accounts_note_role_permissions")
def note_granted(sender, action, using, **kwargs):
    """A role's permissions, or (connected by AccountsConfig for the user model) a user's roles or
    own permissions, were added, removed or cleared: as note_authority."""
    if action in {"post_add", "post_remove", "post_clear"}:
        note_years(sender, {None}, using=using)
