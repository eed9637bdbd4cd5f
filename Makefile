# Vertebro — the README's commands. Python 3.11 on Debian; everything else is installed here.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
LOCK_FLAGS = --quiet --generate-hashes --universal --python-version 3.11 \
	--custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)

.PHONY: run test serve bench lint format screenshots lighthouse lock

$(VENV)/.installed: requirements.txt requirements-dev.txt
	bash scripts/venv.sh "$(PYTHON)" "$(VENV)"
	@touch $@

## make run: set up, migrate, create the demo users and data, start the development server.
run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	@# The demo data's own security events (finalize, amend) go to a file, not the console.
	VERTEBRO_SECURITY_LOG=$${VERTEBRO_SECURITY_LOG:-demo-security.log} $(PY) manage.py seed_demo --url http://$(HOST):$(PORT)/
	$(PY) manage.py runserver $(HOST):$(PORT)

## make test: the whole suite on SQLite, then on PostgreSQL (a throwaway cluster unless DATABASE_URL is set).
test: $(VENV)/.installed
	bash scripts/test.sh

## make serve: the production server (gunicorn, debug off) on $(HOST):$(PORT); README "Serving in production".
serve: $(VENV)/.installed
	HOST=$(HOST) PORT=$(PORT) bash scripts/serve.sh

## make bench: the benchmark figures, as one JSON object.
bench: $(VENV)/.installed
	$(PY) bench/run.py

## make screenshots: docs/screenshots/, each page at 1280, 768 and 390 px (demo data, Chromium).
screenshots: $(VENV)/.installed
	$(PY) scripts/screenshots.py

## make lighthouse: Lighthouse 13 (npm, mobile emulation, Debian's Chromium) on My assessments, a
## step, review and a result, served by the production server of make serve; one JSON object.
lighthouse: $(VENV)/.installed
	$(PY) scripts/lighthouse.py

## make lint: the static quality gates of make test (ruff, import layers, mypy), alone.
lint: $(VENV)/.installed
	bash scripts/quality.sh

## make lock: requirements.txt and requirements-dev.txt from the .in files, every package pinned
## and hashed (uv, pinned in requirements-dev.in); run it after changing a .in file.
## UPGRADE=1 moves every unpinned transitive dependency to its newest release.
lock: $(VENV)/.installed
	$(VENV)/bin/uv pip compile $(LOCK_FLAGS) requirements.in -o requirements.txt
	$(VENV)/bin/uv pip compile $(LOCK_FLAGS) -c requirements.txt requirements-dev.in -o requirements-dev.txt

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
