from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from imports.kinds import all_kinds, get_kind


def kind_named(name):
    """The import kind called `name`, or a CommandError listing the kinds there are."""
    try:
        return get_kind(name)
    except KeyError:
        names = ", ".join(kind.name for kind in all_kinds())
        raise CommandError(
            _("Unknown kind “%(kind)s”; the kinds are: %(names)s.") % {"kind": name, "names": names}
        ) from None
