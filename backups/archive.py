"""One backup, one file: a tar of the database's part, the media folder's files and a manifest.

A single uncompressed tar (the dump is compressed already, the scans are PDFs and images): one
file to copy elsewhere, to keep for so many days and to delete. The manifest, `manifest.json`, is
written last and lists every part with its size and SHA-256, computed from the very bytes
written into the tar; a restore reads nothing the manifest does not list with a matching sum.
The archive is written as `<name>.partial` and renamed when complete, so a backup cut short never
looks like one.
"""

import contextlib
import hashlib
import io
import json
import os
import tarfile
import time
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext as _

from backups.errors import BackupError

MANIFEST = "manifest.json"
FORMAT = 1
CHUNK = 1024 * 1024


class HashingReader:
    """A file read through, its SHA-256 and size kept of what was read."""

    def __init__(self, handle):
        self.handle = handle
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size=-1):
        data = self.handle.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


class ArchiveWriter:
    """Adds parts to an archive being written, each with its size and SHA-256."""

    def __init__(self, tar):
        self.tar = tar
        self.parts = {}

    def add(self, name, path):
        info = self.tar.gettarinfo(path, arcname=name)
        # Who owned the file here means nothing where it is restored.
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        with open(path, "rb") as handle:
            reader = HashingReader(handle)
            self.tar.addfile(info, reader)
        self.parts[name] = {"size": reader.size, "sha256": reader.sha256.hexdigest()}

    def add_manifest(self, manifest):
        """The manifest, with the parts added so far: the last thing written."""
        data = json.dumps({"format": FORMAT, **manifest, "parts": self.parts}, ensure_ascii=False, indent=2).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        info.mtime = int(time.time())
        self.tar.addfile(info, io.BytesIO(data))


@contextlib.contextmanager
def new_archive(path):
    """An ArchiveWriter on `path`, which exists once the block has ended without an error."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    if path.exists():
        raise BackupError(_("%(path)s exists already.") % {"path": path})
    try:
        # Readable by its owner only: it holds every citizen ID of the registers.
        with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
            with tarfile.open(fileobj=handle, mode="w:") as tar:
                yield ArchiveWriter(tar)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.rename(path)


def open_archive(path):
    try:
        return tarfile.open(path, "r:")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(_("%(path)s is not a backup archive: %(error)s") % {"path": path, "error": error}) from None


def read_manifest(tar):
    try:
        manifest = json.load(tar.extractfile(MANIFEST))
    except (KeyError, ValueError):
        raise BackupError(_("%(path)s has no readable manifest.") % {"path": tar.name}) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("%(path)s is of another archive format (%(format)s).")
            % {"path": tar.name, "format": manifest.get("format")}
        )
    return manifest


def safe_name(name):
    """`name` as a relative path that stays inside the folder it is extracted to."""
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or ".." in path.parts or "\\" in name:
        raise BackupError(_("The archive names a file outside its folders: %(name)s") % {"name": name})
    return path


def extract_verified(tar, manifest, place):
    """Write every part of the archive where `place(name)` says (a Path), checking each against
    the manifest's size and SHA-256; raise BackupError at the first part missing, unlisted or
    different. Nothing is restored until every part is out and checked."""
    parts = manifest["parts"]
    seen = set()
    for member in tar:
        if member.name == MANIFEST:
            continue
        if member.name not in parts or member.name in seen or not member.isreg():
            raise BackupError(
                _("The archive holds a part its manifest does not list: %(name)s") % {"name": member.name}
            )
        target = place(safe_name(member.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        reader = HashingReader(tar.extractfile(member))
        with open(target, "wb") as handle:
            while data := reader.read(CHUNK):
                handle.write(data)
        expected = parts[member.name]
        if reader.size != expected["size"] or reader.sha256.hexdigest() != expected["sha256"]:
            raise BackupError(
                _("%(name)s differs from the manifest's checksum: the archive is damaged.") % {"name": member.name}
            )
        seen.add(member.name)
    if missing := sorted(set(parts) - seen):
        raise BackupError(_("The archive lacks parts its manifest lists: %(names)s") % {"names": ", ".join(missing)})
