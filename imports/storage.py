"""Uploaded files kept between an import's preview and its confirmation.

They live in the "imports" folder of STORAGES["private"]: BKXH_PRIVATE_ROOT on this server's disk,
or the database, which every web and worker server shares (BKXH_FILE_STORAGE; the confirmation,
or the job that writes the file, may run on another server than the upload). No address serves
them. A file is named by a random token, so a name posted back by a browser can never point
elsewhere; it is removed once the import is confirmed or cancelled, and `remove_stale()` removes
any left for more than a day.
"""

import datetime
import re
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

MAX_AGE_SECONDS = 24 * 60 * 60
FOLDER = "imports"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _private():
    return storages["private"]


def store(data):
    """Keep `data`; returns the token that finds it again."""
    token = secrets.token_hex(16)
    # 128 random bits: no other file has this name, so the storage keeps it as given.
    _private().save(f"{FOLDER}/{token}", ContentFile(data))
    return token


def load(token):
    """The bytes kept under `token`; FileNotFoundError when they are gone."""
    if not _TOKEN.match(token or ""):
        raise FileNotFoundError(token)
    with _private().open(f"{FOLDER}/{token}") as handle:
        return handle.read()


def discard(token):
    if _TOKEN.match(token or ""):
        _private().delete(f"{FOLDER}/{token}")


def remove_stale(max_age=MAX_AGE_SECONDS):
    """Remove kept files stored more than `max_age` seconds ago; returns the names removed (each
    of the settings' private storages, files.storage, removes them its own way: the database's
    in two queries however many files it keeps)."""
    return _private().remove_older_than(FOLDER, timezone.now() - datetime.timedelta(seconds=max_age))
