"""Management commands whose changes are recorded as made by a command, for a named user."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit.context import Source, changes_by


class AuditedCommand(BaseCommand):
    """Stamps every change the command makes with the path "command" and the user of --user;
    that user's area scope applies, as it would in the admin."""

    def add_arguments(self, parser):
        parser.add_argument("--user", help=_("The user name the changes are made for (recorded in the history)."))

    def execute(self, *args, **options):
        username = options.get("user")
        user = None
        if username:
            try:
                user = get_user_model().objects.get(username=username)
            except get_user_model().DoesNotExist:
                raise CommandError(_("There is no user “%(user)s”.") % {"user": username}) from None
        with changes_by(user=user, source=Source.COMMAND):
            return super().execute(*args, **options)
