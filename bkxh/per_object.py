"""A value remembered for one object while it lives, kept beside it rather than stuck onto it.

    scopes = PerObject("scope of user")
    scopes.get(user)           # None until set
    scopes.set(user, scope)

One value per object, not per equal object: two copies of the same user read at different
times are equal to Django but may be bound to different units. A lazy object (request.user)
stands for the object it wraps.
"""

import weakref

from django.utils.functional import LazyObject, empty


class PerObject:
    def __init__(self, name):
        self.name = name
        self._values = {}  # id(object) -> (weak reference to it, value)

    def __repr__(self):
        return f"<PerObject {self.name}>"

    def get(self, obj, default=None):
        entry = self._values.get(id(obj))
        if entry is not None and entry[0]() is obj:
            return entry[1]
        # A lazy object is never a key (set() keeps what it wraps): asked only on a miss, which
        # an import asks of every record it compares.
        return self.get(obj._wrapped, default) if _is_lazy(obj) else default

    def set(self, obj, value):
        obj = _unwrapped(obj)
        key = id(obj)
        # Dropped when the object is: its id may then be given to another.
        self._values[key] = (weakref.ref(obj, lambda _ref: self._values.pop(key, None)), value)

    def pop(self, obj, default=None):
        value = self.get(obj, default)
        self._values.pop(id(_unwrapped(obj)), None)
        return value


def _is_lazy(obj):
    if not isinstance(obj, LazyObject):
        return False
    if obj._wrapped is empty:
        obj._setup()
    return True


def _unwrapped(obj):
    return obj._wrapped if _is_lazy(obj) else obj
