"""Management commands whose changes are recorded as made by a command, for a named user."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit.context import Source, changes_by


class AuditedCommand(BaseCommand):
    """Stamps every change the command makes with the path `change_source` ("command") and the
    user of --user (`self.user`, None without it); that user's area scope applies, as it would
    in the admin."""

    change_source = Source.COMMAND

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
        self.user = user
        with changes_by(user=user, source=self.change_source):
            return super().execute(*args, **options)
