# Precinct — the commands the README names. `make run` and `make test` set everything up themselves.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test test-postgres lint format bench seed worker worker-celery scheduler clean help

help:
	@echo "make run     set up (venv, assets, migrations, demo data) and serve on http://$(HOST):$(PORT) with a task worker and the scheduler"
	@echo "make test    set up and run the test suite (SQLite; browser tests when Chromium is found)"
	@echo "make lint    ruff check, ruff format --check, mypy, the import layers (lint-imports), makemigrations --check"

# The virtual environment is (re)built when missing or when the dependency files change.
$(VENV)/.installed: pyproject.toml requirements.lock
	@PYTHON=$$(scripts/find-python) || exit 1; \
	  if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$PYTHON"; "$$PYTHON" -m venv $(VENV) || exit 1; fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e ".[dev]"
	@touch $@

# Browser assets come from the npm lockfile, never from a CDN.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed to install the browser assets (Debian: apt-get install npm)"; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --silent
	@touch $@

# Translations are compiled from the committed .po files: the project's and each app's own.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po precinct/*/locale/*/LC_MESSAGES/django.po))
%/LC_MESSAGES/django.mo: %/LC_MESSAGES/django.po
	@command -v msgfmt >/dev/null || { echo "msgfmt (GNU gettext) is needed to compile translations (Debian: apt-get install gettext)"; exit 1; }
	msgfmt --check -o $@ $<

setup: $(VENV)/.installed node_modules/.installed $(MO_FILES)

run: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@echo "Starting the task worker, the scheduler and the web server on http://$(HOST):$(PORT) (Ctrl-C stops all three)"
	@$(MANAGE) db_worker & worker=$$!; \
	  $(MANAGE) scheduler & scheduler=$$!; \
	  trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	  $(MANAGE) runserver $(HOST):$(PORT)

worker: setup
	$(MANAGE) db_worker

scheduler: setup
	$(MANAGE) scheduler

# The distributed queue (ADR 0029): TASKS_BACKEND=celery TASKS_BROKER_URL=amqp://… make worker-celery
worker-celery: setup
	$(VENV)/bin/celery -A config worker -l INFO

seed: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

test-postgres: setup
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy precinct config
	$(VENV)/bin/lint-imports --no-cache --no-logo
	$(MANAGE) makemigrations --check --dry-run

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: setup
	@for b in bench/*.py; do [ -e "$$b" ] && $(PY) "$$b"; done; true

clean:
	rm -rf $(VENV) node_modules staticfiles var
