# bkxh: `make run` serves the demo (Thái Nguyên whole, Bắc Kạn's 2024) on http://127.0.0.1:8000; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV_ENV := DJANGO_DEBUG=1
PG_URL ?= postgres://postgres@127.0.0.1:5432/bkxh
RUN_ADDRESS ?= 127.0.0.1:8000

.PHONY: run test test-pg lint check-deploy messages clean

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

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
