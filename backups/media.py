"""The media folder (MEDIA_ROOT: the decisions' scans) in an archive, under `media/`.

A restore puts the archive's files in a folder inside the media folder first, on the same disk
even when the media folder is a mount of its own, and only then moves them in by renaming, so
the files found there are replaced only once every new one is on disk.
"""

import secrets
import shutil
from pathlib import Path

FOLDER = "media"
PREFIX = FOLDER + "/"
# The folders a restore works in, inside the media folder; never backed up.
WORK_PREFIX = ".restoring-"


def files(root, *, leaving_out=None):
    """(name in the archive, path) of every file under `root`, in a stable order; none when the
    folder does not exist (the files may be kept in the database instead). Files under the folder
    `leaving_out` are left out: the backups' own folder, were it put inside the media folder,
    would otherwise back up every earlier archive, and the one being written."""
    root = Path(root)
    if not root.is_dir():
        return []
    left_out = Path(leaving_out).resolve() if leaving_out else None
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0].startswith(WORK_PREFIX) or path.is_symlink() or not path.is_file():
            continue
        if left_out and path.resolve().is_relative_to(left_out):
            continue
        found.append((PREFIX + relative.as_posix(), path))
    return found


def is_part(name):
    """Whether the archive's part `name` (a relative path) is a file of the media folder."""
    return len(name.parts) > 1 and name.parts[0] == FOLDER


def has_files(root):
    return bool(files(root))


class Replacement:
    """The media folder's new files, gathered in `folder` and then put in place of the old ones.
    A media folder that does not exist, restored from an archive without files (the files may be
    kept in the database), is not made."""

    def __init__(self, root):
        self.root = Path(root)
        self.folder = self.root / f"{WORK_PREFIX}{secrets.token_hex(8)}"

    def place(self, name):
        """Where the archive's file `name` (a path under media/) goes meanwhile."""
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder.joinpath(*name.parts[1:])

    def put_in_place(self):
        if not self.root.is_dir():
            return
        self.folder.mkdir(exist_ok=True)
        old = self.root / f"{WORK_PREFIX}{secrets.token_hex(8)}"
        old.mkdir()
        for child in list(self.root.iterdir()):
            if child not in (self.folder, old):
                child.rename(old / child.name)
        for child in list(self.folder.iterdir()):
            child.rename(self.root / child.name)
        self.folder.rmdir()
        shutil.rmtree(old)

    def discard(self):
        shutil.rmtree(self.folder, ignore_errors=True)
