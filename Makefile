# Two commands set everything up on a fresh machine with Python ≥ 3.11:
#   make run   — virtual environment, install, migrate, demo data and the maps of 2025, serve on http://127.0.0.1:8000
#                with the job worker beside the server
#   make test  — the whole test suite (DATABASE_URL if set, else SQLite)
# Production (README "Production"): make production — checks, migrates, collects the static files
# and serves with gunicorn; make backup / make restore FILE=… — PostgreSQL dumps.

PYTHON ?= python3
VENV := .venv
PY ?= $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run worker test venv setup lint format messages bench bench-smoke loadtest loadtest-smoke clean deploy-check static-manifest production backup restore

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ").")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

.env:
	cp .env.example .env

# Every step is idempotent. The maps of 2025 come after the demo clubs: loading the lineage tells
# the club register, which follows the clubs onto the later maps. The plans come last: the plan of
# 2026–2030 is on the map of 1 Jul 2025.
setup: venv .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --scenario quang-ngai-2022 --unless-data
	$(PY) manage.py load_admin_units data/quang_ngai_2025_units.csv --scheme vn-2025-07
	$(PY) manage.py load_lineage data/quang_ngai_lineage.csv
	$(PY) manage.py seed_plans

# The job worker (confirmed Excel imports) runs beside the server and stops with it.
run: setup
	$(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The job worker alone (production: run it as a service; README "Background jobs").
worker: venv .env
	$(PY) manage.py db_worker

# One pytest-xdist worker per CPU; PYTEST_ARGS='-n 0' runs the suite in one process.
test: venv
	$(PY) -m pytest -n logical $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Extract new strings into locale/vi/LC_MESSAGES/django.po and compile it; translate, then run again.
messages: venv .env
	$(PY) manage.py makemessages --locale vi --no-location --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*'
	$(PY) manage.py compilemessages --locale vi --ignore '.venv/*'

# The province's pages, reports and exports timed against their goals on generated data (README
# "Speed"): CLUBS clubs in a throw-away database (DATABASE_URL's server, else SQLite); BENCH_ARGS
# e.g. '--reuse --strict'. bench-smoke: three clubs on SQLite, once each (CI).
CLUBS ?= 200
bench: venv
	$(PY) bench/run.py --clubs $(CLUBS) $(BENCH_ARGS)

bench-smoke: venv
	$(PY) bench/run.py --smoke

# The month-end load test (README "Month-end load"): gunicorn with the production settings and
# Locust's chairs, treasurers and staff on loopback, then the database checked. LOADTEST_ARGS e.g.
# '--database-url postgres://…/clubs_scale' (a copy of it is used), '--users 300 --run-time 180',
# '--login-share 0', '--strict'. loadtest-smoke: a few clubs, users and seconds (CI).
LOADTEST_ARGS ?= --clubs 2000
loadtest: venv
	$(PY) bench/loadtest.py $(LOADTEST_ARGS)

loadtest-smoke: venv
	$(PY) bench/loadtest.py --smoke

# Production: refuse to go on when a check fails; the manifest (staticfiles.json) is what
# WhiteNoise's storage looks every {% static %} up in, and without it every page is a 500.
deploy-check:
	$(PY) manage.py check --deploy --fail-level WARNING
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput
	$(MAKE) --no-print-directory static-manifest

static-manifest:
	@$(PY) -c 'import os, sys, django; os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings"); django.setup(); \
	from django.conf import settings; manifest = settings.STATIC_ROOT / "staticfiles.json"; \
	sys.exit(0 if manifest.is_file() else f"{manifest} is missing: run collectstatic (make deploy-check) before starting.")'

# Serves the pages only: run the job worker (`manage.py db_worker`) as a service of its own beside
# it (README "Background jobs"), or confirmed imports wait.
production: deploy-check
	$(dir $(PY))gunicorn config.wsgi:application --bind $(HOST):$(PORT) --workers 3 --timeout 120

# PostgreSQL backups in pg_dump's custom format, from and to DATABASE_URL (the environment's, else
# the one in .env). Owners and grants are left out, so a dump restores under another user.
DATABASE_URL ?= $(shell sed -n 's/^DATABASE_URL=//p' .env 2>/dev/null)
BACKUP ?= backups/clubs-$(shell date +%Y-%m-%d-%H%M%S).dump

backup:
	@test -n "$(DATABASE_URL)" || { echo "DATABASE_URL is not set (environment or .env)."; exit 2; }
	@mkdir -p $(dir $(BACKUP))
	pg_dump --format=custom --no-owner --no-privileges --file="$(BACKUP)" "$(DATABASE_URL)"
	@echo "Backup written to $(BACKUP)."

# Onto a fresh database (created if missing) or over an existing one (--clean drops what the dump
# holds first); all or nothing.
restore:
	@test -n "$(FILE)" || { echo "Which backup? make restore FILE=backups/clubs-….dump"; exit 2; }
	@test -f "$(FILE)" || { echo "$(FILE): no such file."; exit 2; }
	@test -n "$(DATABASE_URL)" || { echo "DATABASE_URL is not set (environment or .env)."; exit 2; }
	DATABASE_URL="$(DATABASE_URL)" $(PY) manage.py database_create
	pg_restore --no-owner --no-privileges --clean --if-exists --single-transaction --exit-on-error \
		--dbname="$(DATABASE_URL)" "$(FILE)"
	@echo "Restored $(FILE)."

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache
