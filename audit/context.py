"""Who is changing data, and by which path: the context every history record is stamped with.

A request sets the user (the middleware); the admin narrows the path (form, list edit,
action); an import names its log; a management command says it is one. History rows, single
or bulk, read the innermost context when they are written.
"""

import contextlib
import contextvars
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    FORM = "form", _("admin form")
    LIST_EDIT = "list_edit", _("list edit")
    ACTION = "action", _("admin action")
    IMPORT = "import", _("file import")
    COMMAND = "command", _("management command")
    WEB = "web", _("web page")
    CODE = "code", _("program code")


@dataclass(frozen=True)
class ChangeContext:
    user: object = None
    request: object = None
    source: str = Source.CODE
    import_log_id: int | None = None

    @property
    def acting_user(self):
        if self.user is not None:
            return self.user
        user = getattr(self.request, "user", None)
        return user if user is not None and user.is_authenticated else None


_NO_CONTEXT = ChangeContext()
_current = contextvars.ContextVar("bkxh_change_context", default=None)


def current():
    return _current.get() or _NO_CONTEXT


@contextlib.contextmanager
def changes_by(*, user=None, request=None, source=None, import_log_id=None):
    """Stamp the changes made inside the block; unset arguments keep the outer context's."""
    outer = current()
    token = _current.set(
        ChangeContext(
            user=user if user is not None else outer.user,
            request=request if request is not None else outer.request,
            source=source or outer.source,
            import_log_id=import_log_id if import_log_id is not None else outer.import_log_id,
        )
    )
    try:
        yield
    finally:
        _current.reset(token)


def current_user():
    return current().acting_user


def current_source():
    return current().source


def current_import_log_id():
    return current().import_log_id


def history_user(instance=None, request=None, **kwargs):
    """django-simple-history's `get_user`: the context's user, else the request's."""
    user = current_user()
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    return user
