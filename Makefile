# CEPEX Missions Portal: one entry point for a laptop and for CI.
#
#   make run     set everything up (virtualenv, dependencies, database, demo data, an admin
#                account) and serve the portal on http://127.0.0.1:$(PORT)
#   make test    lint, then the whole test suite
#
# Every target that needs the virtualenv depends on its stamp file, so a fresh clone works
# with nothing but Python installed, and dependencies reinstall when pyproject.toml changes.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.11 when installed, else whatever python3 is (pyproject.toml says what it accepts).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

# Management commands of a laptop run in debug unless told otherwise: debug needs no
# SECRET_KEY, prints e-mails on the console and serves static files from the source tree.
MANAGE := DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py

PYTEST_ARGS ?=
ifeq ($(CI),true)
# CI builds its test database from the migrations of this commit, never from a leftover one.
PYTEST_ARGS += --create-db
endif

.PHONY: help install run test lint format migrate messages worker beat clean

help:
	@echo "make run       set up and serve the portal on http://127.0.0.1:$(PORT) (PORT=...)"
	@echo "make test      lint, migrations up to date, then the pytest suite"
	@echo "make lint      ruff check, ruff format --check, lint-imports (layers)"
	@echo "make format    fix what ruff can fix, then format"
	@echo "make migrate   apply database migrations"
	@echo "make messages  update the French and Arabic catalogues and compile them"
	@echo "make worker    a Celery worker (needs CELERY_BROKER_URL)"
	@echo "make beat      Celery beat, the scheduler of periodic tasks (needs CELERY_BROKER_URL)"
	@echo "make clean     remove caches and build leftovers (keeps .venv and db.sqlite3)"

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "No python3.11 or python3 on PATH." >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

install: $(STAMP)

# Links printed and e-mailed (the admin login, login links) point at this server unless
# SITE_URL says otherwise.
RUN_ENV := DJANGO_DEBUG=1 SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}

run: $(STAMP)
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py load_demo
	$(RUN_ENV) $(BIN)/python manage.py ensure_admin
	$(RUN_ENV) $(BIN)/python manage.py serve 127.0.0.1:$(PORT)

test: lint
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

# ruff, then the layers: an import that points up (partners -> missions, say) fails here.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: $(STAMP)
	$(MANAGE) migrate --noinput

messages: $(STAMP)
	mkdir -p locale
	$(MANAGE) makemessages -l fr -l ar --no-obsolete -i ".venv/*" -i "staticfiles/*"
	$(MANAGE) compilemessages -i ".venv"

# In debug the broker is a folder of the checkout (make run starts a worker on it); with
# debug off it must be given: say so instead of letting Celery fall back to its own default.
define require_broker
	$(MANAGE) shell -c "from django.conf import settings; import sys; \
	sys.exit(0 if settings.CELERY_BROKER_URL else 'CELERY_BROKER_URL is not set (debug is off): \
	set it, e.g. redis://127.0.0.1:6379/0.')"
endef

worker: $(STAMP)
	$(require_broker)
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/celery -A cepex_portal worker -l info

beat: $(STAMP)
	$(require_broker)
	mkdir -p var
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/celery -A cepex_portal beat -l info \
		--schedule var/celerybeat-schedule

clean:
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache staticfiles build *.egg-info test-results
