# rolescope: `make run` installs everything and serves the site on the bundled real data;
# `make test` runs the whole test suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck check snapshot bench-import clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py load_snapshot --if-needed
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	DEBUG=true $(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	DEBUG=true $(BIN)/mypy .

check: lint typecheck
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

snapshot: $(STAMP)
	DEBUG=true $(BIN)/python manage.py build_snapshot

bench-import: $(STAMP)
	DEBUG=true $(BIN)/python bench/import_snapshot.py

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm
