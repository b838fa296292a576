"""What the audit keeps besides the row histories: the path of each change, and who saw what.

Every data model's history table (django-simple-history) gets the fields of
`HistoricalContext`: the path the change came by and, for an import, its log. Logins, full
citizen-ID views and exports of personal data go to `AccessLog`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.context import Source, current_import_log_id, current_source
from bkxh.client_ip import client_ip


class HistoricalContext(models.Model):
    """Base of every history table: how the change was made."""

    change_source = models.CharField(
        _("changed through"), max_length=20, choices=Source.choices, default=current_source
    )
    import_log_id = models.PositiveBigIntegerField(
        _("import log"), null=True, blank=True, default=current_import_log_id
    )

    class Meta:
        abstract = True


class AccessLog(models.Model):
    class Event(models.TextChoices):
        LOGIN = "login", _("login")
        LOGOUT = "logout", _("logout")
        FULL_ID = "full_id", _("full citizen ID shown")
        EXPORT = "export", _("personal data exported")
        DOWNLOAD = "download", _("issued report downloaded")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("user")
    )
    username = models.CharField(_("user name"), max_length=150)
    event = models.CharField(_("event"), max_length=10, choices=Event.choices)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("page"), max_length=500, blank=True)
    subject = models.CharField(_("what"), max_length=300, blank=True, help_text=_("The record or table concerned."))
    detail = models.TextField(_("filter"), blank=True, help_text=_("The search and filters of an export."))
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at"]
        permissions = [("view_full_citizen_id", _("Can see full citizen ID numbers"))]

    def __str__(self):
        return f"{timezone.localtime(self.at):%d/%m/%Y %H:%M} {self.username} {self.get_event_display()}"


def log_access(*, event, request=None, user=None, subject="", detail="", row_count=None):
    """Write one access-log row for `request` (or `user` outside a request)."""
    user = user if user is not None else getattr(request, "user", None)
    authenticated = user is not None and user.is_authenticated
    return AccessLog.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        event=event,
        ip_address=client_ip(request) if request else None,
        path=request.get_full_path()[:500] if request else "",
        subject=str(subject)[:300],
        detail=detail,
        row_count=row_count,
    )
