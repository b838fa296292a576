"""The storages of STORAGES["default"] (decisions' scans) and STORAGES["private"] (uploads waiting
for an import's confirmation), chosen by BKXH_FILE_STORAGE (README, "Files shared by every server").

`PrivateFolderStorage` keeps files in BKXH_PRIVATE_ROOT on this server's disk, the embedded
default. `DatabaseStorage` keeps them in the database, which every web and worker server already
shares and `pg_dump` already backs up with the figures.

Memory: a file is one row, written and read whole. An upload at BKXH_IMPORT_MAX_BYTES (32 MB)
adds about three times its size to the process that stores or loads it (96-98 MB measured, with
bench/storage_bench.py: the bytes joined, the driver's buffer, the bytes read), well within a
worker's memory; PostgreSQL's bytea holds up to 1 GB and keeps big values compressed out of the
table's pages (TOAST), SQLite's blobs up to 1 GB too.
"""

import contextlib
import posixpath
from urllib.parse import urljoin

import psycopg
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.encoding import filepath_to_uri
from django.utils.functional import cached_property

from files.models import StoredFile

_TABLE = StoredFile._meta.db_table


@contextlib.contextmanager
def _postgresql_cursor():
    """A cursor of Django's connection, so in its transaction, that binds parameters on the server
    and sends and reads bytea in binary; its errors are Django's (an IntegrityError)."""
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        yield cursor


@deconstructible(path="files.storage.PrivateFolderStorage")
class PrivateFolderStorage(FileSystemStorage):
    """BKXH_PRIVATE_ROOT, a folder no address serves, readable by bkxh's own user alone. It follows
    the setting when a test changes it, as Django's own storage follows MEDIA_ROOT."""

    def __init__(self):
        super().__init__(file_permissions_mode=0o600, directory_permissions_mode=0o700)

    @cached_property
    def base_location(self):
        return settings.BKXH_PRIVATE_ROOT

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "BKXH_PRIVATE_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def remove_older_than(self, folder, limit):
        """Remove the files of `folder` stored before `limit`; returns their names."""
        try:
            _folders, names = self.listdir(folder)
        except FileNotFoundError:  # nothing was ever kept in this folder
            return []
        removed = []
        for name in names:
            # Its stored time: a kept file is never rewritten, so on disk its modification is its
            # creation (Linux keeps no creation time that Django reads: getctime is the inode's change).
            try:
                if self.get_modified_time(f"{folder}/{name}") < limit:
                    self.delete(f"{folder}/{name}")
                    removed.append(name)
            except FileNotFoundError:  # another worker removed it first
                continue
        return removed


@deconstructible(path="files.storage.DatabaseStorage")
class DatabaseStorage(Storage):
    """Files as rows of StoredFile, in the part of the table named `location`. A file's address
    is MEDIA_URL followed by its name, as for files on disk."""

    def __init__(self, location):
        self.location = location

    def _files(self):
        return StoredFile.objects.filter(location=self.location)

    def _open(self, name, mode="rb"):
        if mode not in ("r", "rb"):
            raise ValueError(f"A stored file is written once, by save(); it opens for reading only, not {mode!r}.")
        content = self._content(name)
        if content is None:
            raise FileNotFoundError(name)
        return ContentFile(content, name=name)

    def _content(self, name):
        if connection.vendor != "postgresql":
            return self._files().filter(name=name).values_list("content", flat=True).first()
        # In binary, not as hex text twice the file's size (see _insert).
        with _postgresql_cursor() as cursor:
            cursor.execute(
                f"SELECT content FROM {_TABLE} WHERE location = %s AND name = %s", [self.location, name], binary=True
            )
            row = cursor.fetchone()
        return None if row is None else row[0]

    def _save(self, name, content):
        data = b"".join(content.chunks())
        while True:
            try:
                with transaction.atomic():
                    self._insert(name, data)
                return name
            except IntegrityError:  # another request stored a file of that name since save() chose it
                name = self.get_alternative_name(*posixpath.splitext(name))

    def _insert(self, name, data):
        if connection.vendor != "postgresql":
            StoredFile.objects.create(location=self.location, name=name, content=data, size=len(data))
            return
        # Django binds a statement's parameters on the client (server_side_binding is off), which
        # writes the bytes into the SQL as hex text: for a 32 MB file 2,6 s and 224 MB more. Bound
        # by the server they go as they are (README, "Files shared by every server").
        with _postgresql_cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {_TABLE} (location, name, content, size, created) VALUES (%s, %s, %s, %s, %s)",
                [self.location, name, data, len(data), timezone.now()],
            )

    def delete(self, name):
        self._files().filter(name=name).delete()

    def remove_older_than(self, folder, limit):
        """Remove the files of `folder` stored before `limit`, in two queries; returns their names."""
        prefix = f"{folder}/"
        stale = self._files().filter(name__startswith=prefix, created__lt=limit).values_list("name", flat=True)
        # The folder's own files, as listdir() gives them, not those of a folder inside it.
        names = [name for name in stale if "/" not in name.removeprefix(prefix)]
        self._files().filter(name__in=names).delete()
        return [name.removeprefix(prefix) for name in names]

    def exists(self, name):
        return self._files().filter(name=name).exists()

    def size(self, name):
        return self._field(name, "size")

    def get_created_time(self, name):
        return self._field(name, "created")

    def get_modified_time(self, name):
        # A stored file is never rewritten.
        return self._field(name, "created")

    def listdir(self, path):
        prefix = f"{path.strip('/')}/" if path.strip("/") else ""
        directories, files = set(), []
        for name in self._files().filter(name__startswith=prefix).values_list("name", flat=True):
            head, slash, _rest = name.removeprefix(prefix).partition("/")
            if slash:
                directories.add(head)
            else:
                files.append(head)
        return sorted(directories), sorted(files)

    def url(self, name):
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name).lstrip("/"))

    def _field(self, name, field):
        value = self._files().filter(name=name).values_list(field, flat=True).first()
        if value is None:
            raise FileNotFoundError(name)
        return value
