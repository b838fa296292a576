"""The words of django-simple-history's pages, which ships no Vietnamese catalogue.

Marked here so that `makemessages` puts them in the audit app's catalogue, where Django finds
them for simple-history's templates and admin too (a translation is looked up by its words,
whichever app asks). Keep in step with simple-history's templates when upgrading it.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

MESSAGES = (
    gettext_noop("View history: %s"),
    gettext_noop("Change history: %s"),
    gettext_noop("View %s"),
    gettext_noop("View %(verbose_name)s"),
    gettext_noop("Object"),
    gettext_noop("Date/time"),
    gettext_noop("Comment"),
    gettext_noop("Changed by"),
    gettext_noop("Change reason"),
    gettext_noop("Changes"),
    gettext_noop("None"),
    gettext_noop("Created"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    gettext_noop("This object doesn't have a change history."),
    gettext_noop("Close"),
    ngettext_lazy("entry", "entries", 1),
)
