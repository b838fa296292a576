"""The words of django-simple-history's own pages and admin, which ship no Vietnamese.

Marked here so that `makemessages` puts them in the audit app's catalogue, where Django finds
them for simple-history too (a translation is looked up by its words, whichever app asks).
The list of versions is bkxh's own template (templates/simple_history/). Keep in step with
simple-history's templates when upgrading it.
"""

from django.utils.translation import gettext_noop

MESSAGES = (
    gettext_noop("View history: %s"),
    gettext_noop("Change history: %s"),
    gettext_noop("View %s"),
    gettext_noop("View %(verbose_name)s"),
    gettext_noop("Created"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    gettext_noop("This object doesn't have a change history."),
    gettext_noop("Close"),
)
