# 干部实绩考核评价系统 — developer commands. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
SITE_URL ?= http://127.0.0.1:$(PORT)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint types format system-deps venv messages worker beat backup restore clean bench

# `make run` refreshes the catalogue only when a source or the .po is newer than the compiled one:
# it neither spends the time nor rewrites the locale files under tests that are reading them.
CATALOGUE := locale/en/LC_MESSAGES/django.mo
MESSAGE_SOURCES = $(shell find . \( -path ./.venv -o -path ./static -o -path ./staticfiles -o -path ./tests \
	-o -path ./var -o -path ./test-artifacts -o -path ./.git \) -prune -o \( -name '*.py' -o -name '*.html' \
	-o -name '*.txt' \) -print)
define MAKE_CATALOGUE
DEBUG=1 $(PY) manage.py makemessages -l en --no-location --no-obsolete -v 0 \
	--ignore=.venv --ignore=static --ignore=staticfiles --ignore=tests --ignore=var --ignore=test-artifacts
DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv -v 0
endef

## run: embedded demo (SQLite, Celery eager) on http://127.0.0.1:$(PORT)
run: system-deps venv $(CATALOGUE)
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 SITE_URL=$(SITE_URL) $(PY) manage.py seed_demo
	DEBUG=1 SITE_URL=$(SITE_URL) $(PY) manage.py runserver 127.0.0.1:$(PORT)

## test: lint and types, then the whole suite on PostgreSQL 127.0.0.1:5432 and Redis 127.0.0.1:6379,
## in parallel (pytest-xdist: one process per core, each with its own test database, cache prefix and
## Celery queue; tests marked xdist_group run on one process). PYTEST_WORKERS=0 runs it serially.
PYTEST_WORKERS ?= auto
test: system-deps venv messages lint types
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

## bench: every benchmark on PostgreSQL 127.0.0.1:5432 at 5,000 and 50,000 cadres, written to BENCHMARKS.md
## (builds its template databases bench_scale_N once; BENCH_ARGS="--sizes 5000 --runs 5" for a part)
bench: venv messages
	$(PY) -m bench $(BENCH_ARGS)

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

## types: mypy with the Django and DRF stubs (strict on the typed services, selectors and access)
types: venv
	DEBUG=1 $(PY) -m mypy .

format: venv
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

system-deps:
	./.ci/system-deps.sh

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

## messages: refresh the English catalogue from the code, then compile it
messages: venv
	$(MAKE_CATALOGUE)


$(CATALOGUE): $(MESSAGE_SOURCES) locale/en/LC_MESSAGES/django.po | venv
	$(MAKE_CATALOGUE)
	touch $@

## worker / beat: background processes when CELERY_BROKER_URL points at Redis
worker: venv
	$(PY) -m celery -A config worker -l info

beat: venv
	$(PY) -m celery -A config beat -l info

## backup: database (pg_dump -Fc / SQLite backup API), uploaded files, manifest; keys to BACKUP_KEYS_DIR
backup: venv
	$(PY) manage.py backup

## restore: BACKUP=path/to/cadreperf-YYYYmmdd-HHMMSS [RESTORE_ARGS="--database-url postgres://…/rehearsal"]
restore: venv
	test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=path [RESTORE_ARGS=...]"; exit 2; }
	$(PY) manage.py restore "$(BACKUP)" $(if $(RESTORE_ARGS),$(RESTORE_ARGS),--yes)

clean:
	rm -rf $(VENV) var staticfiles
