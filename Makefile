# Two commands for a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
# The address in the e-mails' links (the manage link): this server's, unless set.
SITE_URL ?= http://127.0.0.1:$(PORT)
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="tests/bookings -x"`.
PYTEST_ARGS ?=
# Test processes (pytest-xdist): one per core; `make test PYTEST_WORKERS=0` runs in this process.
PYTEST_WORKERS ?= auto

.PHONY: help setup messages run test lint format data demo bench clean prod-check restore-check

help:
	@echo "make run    set up (virtualenv, Python and npm packages, database, content, demo data) and serve on http://127.0.0.1:$(PORT)"
	@echo "make test   set up and run the whole test suite"
	@echo "make lint   ruff check and import-linter (the arrows between the apps)"
	@echo "make bench  run the benchmark scripts in bench/"
	@echo "make prod-check     run the production set-up locally (gunicorn, db_worker, PostgreSQL, Redis) and book through it"
	@echo "make restore-check  back up DATABASE_URL (or DUMP=file), restore it into a scratch database and run check"

$(VENV)/.installed: pyproject.toml
	@python_bin=$$(scripts/find-python) || exit 1; \
	 if ! $(PY) -m pip --version >/dev/null 2>&1; then \
	     echo "Creating $(VENV) with $$python_bin"; "$$python_bin" -m venv --clear $(VENV) || exit 1; \
	 fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(VENV)/.installed node_modules/.installed messages

# The translations (locale/*/LC_MESSAGES/*.po) compiled to .mo files, which are build output (.gitignore).
# Needs GNU gettext's msgfmt (Debian: apt-get install gettext).
messages: $(VENV)/.installed
	@if ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
	     command -v msgfmt >/dev/null || { echo "msgfmt is missing: apt-get install gettext" >&2; exit 1; }; \
	     $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0; \
	 fi

data: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_content

demo: data
	$(PY) manage.py load_demo

run: demo
	@echo "Serving on http://127.0.0.1:$(PORT)  (staff area: /staff/, see README for the demo logins)"
	SITE_URL=$(SITE_URL) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: setup
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) scripts/check_sizes.py

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: setup
	$(PY) bench/availability.py
	$(PY) bench/load.py

# The production configuration, started locally and driven over HTTP (scripts/prod_check.py).
PROD_CHECK_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/studio
PROD_CHECK_REDIS_URL ?= redis://127.0.0.1:6379/0
prod-check: setup
	DATABASE_URL=$(PROD_CHECK_DATABASE_URL) REDIS_URL=$(PROD_CHECK_REDIS_URL) $(PY) scripts/prod_check.py

# DUMP=path/to/file.dump restores that file; without it DATABASE_URL is backed up first.
restore-check: setup
	DATABASE_URL=$${DATABASE_URL:-$(PROD_CHECK_DATABASE_URL)} PYTHON=$(PY) deploy/restore-check.sh $(DUMP)

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache db.sqlite3 page-cache
