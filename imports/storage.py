"""Uploaded files kept between an import's preview and its confirmation.

They live in BKXH_PRIVATE_ROOT/imports, a folder no URL serves, shared by every worker process
(the confirmation may reach another worker than the upload). A file is named by a random token,
so a name posted back by a browser can never point elsewhere; it is removed once the import is
confirmed or cancelled, and `remove_stale()` removes any left for more than a day.
"""

import os
import re
import secrets
import time
from pathlib import Path

from django.conf import settings

MAX_AGE_SECONDS = 24 * 60 * 60
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def folder():
    path = Path(settings.BKXH_PRIVATE_ROOT) / "imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def store(data):
    """Keep `data`; returns the token that finds it again."""
    token = secrets.token_hex(16)
    partial = folder() / f"{token}.part"
    with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
        handle.write(data)
    partial.rename(folder() / token)
    return token


def load(token):
    """The bytes kept under `token`; FileNotFoundError when they are gone."""
    if not _TOKEN.match(token or ""):
        raise FileNotFoundError(token)
    return (folder() / token).read_bytes()


def discard(token):
    if _TOKEN.match(token or ""):
        (folder() / token).unlink(missing_ok=True)


def remove_stale(max_age=MAX_AGE_SECONDS):
    """Remove kept files older than `max_age` seconds; returns the names removed."""
    limit = time.time() - max_age
    removed = []
    for path in folder().iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                removed.append(path.name)
        except FileNotFoundError:  # another worker removed it first
            continue
    return removed
