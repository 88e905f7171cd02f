# Newsroom: `make run` to try it, `make test` to test it. Everything else is optional.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Feeds, the calendar, sitemaps and canonical links carry absolute addresses
# (NEWSROOM_BASE_URL): for the demo, where `make run` serves, unless the environment or .env
# names another.
SITE_ENV := $(if $(NEWSROOM_BASE_URL)$(shell grep -s '^NEWSROOM_BASE_URL=' .env),,NEWSROOM_BASE_URL=http://$(HOST):$(PORT))

.PHONY: run test setup dev-setup migrate demo lint typecheck format bench load faults clean cluster cluster-stop

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# Local settings for development: DEBUG on and a random secret key, written once.
.env:
	@printf 'DEBUG=1\nSECRET_KEY=%s\nNEWSROOM_CORRECTIONS_EMAIL=corrections@example.org\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
	@echo "Wrote .env (DEBUG=1, a fresh SECRET_KEY, a demo corrections address); edit it to change local settings."

setup: $(VENV)/.installed .env
	@mkdir -p var
	$(PY) manage.py migrate --noinput

demo: setup
	$(SITE_ENV) $(PY) manage.py seed_demo --base-url http://$(HOST):$(PORT)

run: demo
	@echo ""
	@echo "  Public site:  http://$(HOST):$(PORT)/"
	@echo "  Desk (admin): http://$(HOST):$(PORT)/admin/"
	@echo ""
	$(SITE_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-dev
	@mkdir -p var
	$(PY) -m pytest $(PYTEST_ARGS)

# lint-imports holds the packages' dependency direction (pyproject.toml, [tool.importlinter]).
lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# mypy loads the settings through django-stubs' plugin: it needs a SECRET_KEY (from .env or
# the environment).
typecheck: $(VENV)/.installed-dev
	$(VENV)/bin/mypy

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(VENV)/.installed-dev
	$(PY) bench/run.py $(BENCH_ARGS)

load: $(VENV)/.installed-dev
	$(PY) bench/load.py $(LOAD_ARGS)

faults: $(VENV)/.installed-dev
	$(PY) bench/faults.py $(FAULT_ARGS)

# Varnish, two gunicorn app servers, a PostgreSQL primary with a streaming replica, and Redis,
# all on this machine (deploy/cluster/cluster.sh; README, Deploying).
cluster: $(VENV)/.installed
	deploy/cluster/cluster.sh start

cluster-stop:
	deploy/cluster/cluster.sh stop

clean:
	rm -rf $(VENV) var/static
