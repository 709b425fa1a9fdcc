# Two commands set everything up on a fresh machine with Python ≥ 3.11:
#   make run   — virtual environment, install, migrate, demo data and the maps of 2025, serve on http://127.0.0.1:8000
#   make test  — the whole test suite (DATABASE_URL if set, else SQLite)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test venv setup lint format messages bench clean

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

run: setup
	$(PY) manage.py runserver $(HOST):$(PORT)

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

# Speed goals as ratios and query counts (see the docstring of each bench/ script).
bench: venv
	$(PY) bench/club_pages.py
	$(PY) bench/loans.py
	$(PY) bench/targets.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache
