# bkxh: `make run` serves the demo (Thái Nguyên whole, Bắc Kạn's 2024) on http://127.0.0.1:8000; `make test` runs the suite;
# `make serve` the production configuration on the same address.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The demo and the suite read no .env (bkxh/env_file.py): a production .env's database never gets the demo.
DEV_ENV := DJANGO_DEBUG=1 BKXH_ENV_FILE=
# The file of settings that make serve reads, and writes on its first run.
SERVE_ENV_FILE := $(or $(BKXH_ENV_FILE),.env)
PG_URL ?= postgres://postgres@127.0.0.1:5432/bkxh
RUN_ADDRESS ?= 127.0.0.1:8000

.PHONY: run serve test test-pg lint check-deploy messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py load_demo_data
	@# The background jobs' worker beside the server (README, "Background jobs"): Ctrl-C stops both.
	$(DEV_ENV) $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(DEV_ENV) $(BIN)/python manage.py runserver $(RUN_ADDRESS)

# Production settings behind gunicorn (deploy/gunicorn.conf.py) on http://127.0.0.1:8000 (BKXH_BIND), settings
# from the environment or .env (BKXH_ENV_FILE). The first run writes that file with a key of this machine's own.
# Plain HTTP on the loopback only, so no redirect to HTTPS; behind nginx (deploy/) the redirect stays on.
serve: export DJANGO_DEBUG = 0
serve: export DJANGO_SECURE_SSL_REDIRECT = 0
serve: export BKXH_ENV_FILE = $(SERVE_ENV_FILE)
serve: $(VENV)/.installed
	@test -f "$(SERVE_ENV_FILE)" || { \
	  umask 077; \
	  { echo "# Written by make serve on $$(date +%d/%m/%Y): this installation's own key, kept out of git."; \
	    echo "# The environment wins over this file; .env.example lists every variable."; \
	    echo "DJANGO_SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')"; \
	    echo "DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost"; } >"$(SERVE_ENV_FILE)"; \
	  echo "make serve: wrote $(SERVE_ENV_FILE) with a new secret key, for this machine only (127.0.0.1, localhost)."; }
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py migrate --noinput
	@# The database queue's worker beside the server, as `make run` has it (with BKXH_TASKS_BACKEND=redis run
	@# deploy/bkxh-worker.service's rqworker instead); stopping make stops both.
	$(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/gunicorn -c deploy/gunicorn.conf.py

test: $(VENV)/.installed
	$(DEV_ENV) $(BIN)/pytest

test-pg: $(VENV)/.installed
	$(DEV_ENV) DATABASE_URL=$(PG_URL) $(BIN)/pytest

# ruff, then the layer contract (pyproject.toml, [tool.importlinter]; README, "Layers").
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

# Django's deployment checklist under production settings (a throwaway key; README, "Production").
check-deploy: $(VENV)/.installed
	DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=bkxh.example.gov.vn \
	DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

# Every catalogue, even one whose .mo looks newer (a merge or a checkout leaves such stale ones).
messages: $(VENV)/.installed
	git ls-files '*.po' | xargs touch
	$(DEV_ENV) $(BIN)/python manage.py compilemessages --ignore=$(VENV)

# One archive of the database and the media folder (README, "Backup and restore"), into
# BACKUP_DIR if given, else BKXH_BACKUP_ROOT; `make restore ARCHIVE=… [FORCE=1]` puts one back.
# The settings are the environment's, development ones when DJANGO_DEBUG is not set at all.
.PHONY: backup restore
backup: $(VENV)/.installed
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(BIN)/python manage.py backup_data $(if $(BACKUP_DIR),--to "$(BACKUP_DIR)")

restore: $(VENV)/.installed
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(BIN)/python manage.py restore_data "$(ARCHIVE)" $(if $(FORCE),--force)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
