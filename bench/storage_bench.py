"""One upload at the import limit kept and read back, on each file storage and each database.

    .venv/bin/python bench/storage_bench.py                      # SQLite and PostgreSQL, local and database
    .venv/bin/python bench/storage_bench.py --databases sqlite   # quicker

For each database, in a fresh one of its own (SQLite in a temporary file; PostgreSQL at --pg-url,
dropped and created again, refused unless its name has "bench") and migrated, and for each
BKXH_FILE_STORAGE, a process of its own keeps BKXH_IMPORT_MAX_BYTES (32 MB) of random bytes with
`imports.storage.store()`, and another reads them back with `load()` and removes them with
`discard()`, each after a warm-up of a few bytes. It prints each step's wall time and the memory
it added to its process (ru_maxrss, the peak, after the step less before it; the stored bytes
themselves are made before). Production settings: with DEBUG on, Django
keeps each statement's text, the file again as hex. Not part of the test suite.
"""

import argparse
import hashlib
import json
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORAGES = ("local", "database")


def measure(step, token=None, digest=None):
    """`store` a file (printing its token and digest) or `load` and discard the one of `token`,
    each in a process of its own, so that each step's peak is its own."""
    import django

    django.setup()
    from django.conf import settings

    from imports import storage

    def peak_mb():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    storage.discard(storage.store(b"warm-up"))
    if step == "store":
        data = secrets.token_bytes(settings.BKXH_IMPORT_MAX_BYTES)
        before, started = peak_mb(), time.perf_counter()
        token = storage.store(data)
        result = {"s": time.perf_counter() - started, "mb": peak_mb() - before, "token": token}
        result["digest"], result["size_mb"] = hashlib.sha256(data).hexdigest(), len(data) / 2**20
    else:
        before, started = peak_mb(), time.perf_counter()
        data = storage.load(token)
        result = {"s": time.perf_counter() - started, "mb": peak_mb() - before}
        if hashlib.sha256(data).hexdigest() != digest:
            sys.exit("the bytes read back differ from those kept")
        started = time.perf_counter()
        storage.discard(token)
        result["discard_s"] = time.perf_counter() - started
    print("RESULT " + json.dumps(result))


def run(environment, *command):
    finished = subprocess.run(command, env=environment, capture_output=True, text=True, cwd=ROOT)
    if finished.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{finished.stderr[-4000:]}")
    return finished.stdout.splitlines()


def result_of(environment, kind, *step):
    lines = run({**environment, "BKXH_FILE_STORAGE": kind}, sys.executable, __file__, "--measure", *step)
    return next(json.loads(line[len("RESULT ") :]) for line in lines if line.startswith("RESULT "))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", nargs="+", choices=("sqlite", "pg"), default=["sqlite", "pg"])
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/bkxh_storagebench")
    parser.add_argument("--measure", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(*args.measure)
        return

    from bench.filling import prepare_database

    folder = Path(tempfile.mkdtemp(prefix="bkxh-storage-bench-"))
    try:
        print(
            f"{'database':<9} {'storage':<9} {'MB':>4} {'store s':>8} {'+MB':>5} {'load s':>7} {'+MB':>5} "
            f"{'discard s':>9}"
        )
        for database in args.databases:
            if database == "sqlite":
                url = f"sqlite:///{folder / 'bench.sqlite3'}"
            else:
                url = args.pg_url
                prepare_database(url, fresh=True)
            environment = {
                **os.environ,
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DJANGO_ALLOWED_HOSTS": "bench.invalid",
                "DATABASE_URL": url,
                "BKXH_PRIVATE_ROOT": str(folder / "private"),
                "PYTHONPATH": str(ROOT),
            }
            run(environment, sys.executable, "manage.py", "migrate", "--noinput", "-v", "0")
            for kind in STORAGES:
                stored = result_of(environment, kind, "store")
                loaded = result_of(environment, kind, "load", stored["token"], stored["digest"])
                print(
                    f"{database:<9} {kind:<9} {stored['size_mb']:>4.0f} {stored['s']:>8.2f} {stored['mb']:>5.0f} "
                    f"{loaded['s']:>7.2f} {loaded['mb']:>5.0f} {loaded['discard_s']:>9.2f}",
                    flush=True,
                )
        print(f"load average {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bkxh.settings")
    main()
