# rolescope: `make run` installs everything and serves the site on the bundled real data;
# `make test` runs the whole test suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run serve test lint typecheck imports check audit openapi snapshot bench-import bench-pages bench-api bench-jobs bench-floor api-fuzz faults clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

# axe-core for the browser accessibility tests (test-only; nothing is built).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch node_modules/.installed

run: $(STAMP)
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py load_snapshot --if-needed
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py runserver 127.0.0.1:8000

# The one-machine production stack in the foreground, as compose wires it without containers (tools/cluster.py):
# nginx from deploy/nginx.conf.template on 127.0.0.1:PORT (its page cache in front), the app server behind it
# (deploy/entrypoint web: gunicorn with deploy/gunicorn.conf.py, WORKERS workers, default 2 per core + 1) and the
# background worker (deploy/entrypoint worker), with the settings from the environment. Needs nginx (Debian:
# apt-get install nginx-light). Ctrl-C stops all three.
PORT ?= 8000
WORKERS ?=
serve: $(STAMP)
	$(BIN)/python tools/cluster.py serve --port $(PORT) $(if $(WORKERS),--workers $(WORKERS))

test: $(STAMP) node_modules/.installed
	DEBUG=true DATABASE_CONN_MAX_AGE=0 $(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	DEBUG=true $(BIN)/mypy .

# The layer contract (docs/architecture.md): each app imports only the apps below it.
imports: $(STAMP)
	$(BIN)/lint-imports

# No function in product code above radon grade C (cyclomatic complexity 20); tests, migrations, bench and tools
# are not product code. ruff's C901 (mccabe) does not count boolean operators, so it passes functions radon grades E.
.PHONY: complexity
complexity: $(STAMP)
	$(BIN)/xenon --max-absolute C . --ignore ".venv,node_modules,tests,migrations,bench,tools,static,data,deploy,docs"

check: lint typecheck imports complexity
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

openapi: $(STAMP)
	DEBUG=true $(BIN)/python manage.py export_openapi

snapshot: $(STAMP)
	DEBUG=true $(BIN)/python manage.py build_snapshot

bench-import: $(STAMP)
	DEBUG=true $(BIN)/python bench/import_snapshot.py

# Production settings, so templates are cached as they are when serving for real.
BENCH_ENV := DEBUG=false SECRET_KEY=bench-only-not-a-secret-$$(date +%s)-0123456789abcdefghijklmnop \
	SECURE_SSL_REDIRECT=false ALLOWED_HOSTS=127.0.0.1

bench-pages: $(STAMP)
	$(BENCH_ENV) $(BIN)/python bench/role_page.py

bench-api: $(STAMP)
	$(BIN)/python bench/api_load.py

bench-jobs: $(STAMP)
	$(BIN)/python bench/jobs_search.py

# Issue 20: the bulk wages list, /compare/ 5 x 5 uncached, the whole-release download (docs/benchmarks.md).
.PHONY: bench-analyst
bench-analyst: $(STAMP)
	$(BENCH_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(BENCH_ENV) $(BIN)/python bench/analyst.py

# Issue 19: the link-preview image uncached, random roles and places (target <= 100 ms; docs/benchmarks.md).
.PHONY: bench-preview
bench-preview: $(STAMP)
	$(BENCH_ENV) $(BIN)/python bench/preview.py

# Issue 17's figures through `make serve` (nginx in front, 2 app workers) on the PostgreSQL database DATABASE_URL
# names and Redis, as shares of a bare Django app on the same server config, and the wages API against the peer
# bls-oews-mcp on the same distinct calls (docs/benchmarks.md). About 15 minutes; QUICK=1 for about 5.
bench-floor: $(STAMP)
	$(BIN)/python bench/floor.py $(if $(QUICK),--quick)

# Known vulnerabilities in the pinned dependencies (needs network access to the advisory services; see tools/audit.py).
audit: $(STAMP)
	$(BIN)/python tools/audit.py

# Schemathesis against the live app (gunicorn on loopback): responses must match openapi.json, no 500s.
api-fuzz: $(STAMP)
	$(BIN)/python tools/api_fuzz.py

# Three app servers behind nginx on the local PostgreSQL and Redis, under load, through faults (restarts both).
faults: $(STAMP)
	$(BIN)/python tools/faults.py

clean:
	rm -rf $(VENV) node_modules test-artifacts db.sqlite3 db.sqlite3-wal db.sqlite3-shm
