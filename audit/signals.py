"""Logins and logouts go to the access log."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from audit.models import AccessLog, log_access


@receiver(user_logged_in, dispatch_uid="audit_login")
def record_login(sender, request, user, **kwargs):
    log_access(event=AccessLog.Event.LOGIN, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def record_logout(sender, request, user, **kwargs):
    if user is not None:
        log_access(event=AccessLog.Event.LOGOUT, request=request, user=user)
