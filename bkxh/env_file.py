"""The settings file `.env` (or the one BKXH_ENV_FILE names), put under the environment.

Read by Python rather than by the shell (`set -a; . ./.env`) because the values hold spaces and
Vietnamese (BKXH_ORGANISATION) that a shell would split, and because every entry point then
reads the same file the same way: the settings (make serve, systemd's units, a command typed in
the folder) and gunicorn's own configuration (deploy/gunicorn.conf.py), which is read before
Django's settings. One line a variable, `#` comments, optional quotes, no expansion, as
systemd's EnvironmentFile. Free of Django.
"""

import os
from pathlib import Path


def read_env_file(path):
    """Put the file's NAME=value lines into the environment, under what is already there."""
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, value = (part.strip() for part in line.removeprefix("export ").split("=", 1))
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        os.environ.setdefault(name, value)


def load_env_file(base_dir):
    """Read BKXH_ENV_FILE (a path, from `base_dir` when relative; by default .env there) if it
    exists. An empty BKXH_ENV_FILE reads none: `make run` and `make test` set it so, so that a
    production .env never gives the demo or the suite its database."""
    name = os.environ.get("BKXH_ENV_FILE", ".env")
    if name and (Path(base_dir) / name).is_file():
        read_env_file(Path(base_dir) / name)
