# MigrationHub: `make run` serves the demo, `make test` runs the suite on SQLite and PostgreSQL.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-sqlite test-postgres lint format bench messages openapi clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=24,<27"
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/migrationhub migrate
	$(BIN)/migrationhub load-reference --if-empty
	$(BIN)/migrationhub load-demo --if-empty
	$(BIN)/migrationhub load-remittances --if-empty
	$(BIN)/migrationhub serve --host $(HOST) --port $(PORT)

# Both databases at once, one core each (CI's budget is 20 minutes); each run's files (vector
# indexes) in its own directory, its output printed whole when it ends.
test: install
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

test-sqlite: install
	MIGRATIONHUB_DATA_DIR=var/test-sqlite $(BIN)/pytest

test-postgres: install
	MIGRATIONHUB_DATA_DIR=var/test-postgres DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install
	@command -v wrk >/dev/null || { echo 'make bench needs wrk (Debian: apt-get install wrk)'; exit 1; }
	$(BIN)/python bench/search_bench.py
	$(BIN)/python bench/remittances_bench.py
	$(BIN)/python bench/search_eval_bench.py
	$(BIN)/python bench/search_tagging_bench.py
	$(BIN)/python bench/partnerships_bench.py
	$(BIN)/python bench/hub_bench.py
	$(BIN)/python bench/fund_bench.py
	$(BIN)/python bench/review_bench.py
	$(BIN)/python bench/pages_bench.py
	$(BIN)/python bench/instances_bench.py

messages: install
	cd migrationhub && ../$(BIN)/django-admin makemessages --settings=migrationhub.settings.dev -l fr -l es -l ar -l ru -l zh_Hans --no-location
	cd migrationhub && ../$(BIN)/django-admin compilemessages --settings=migrationhub.settings.dev

openapi: install
	$(BIN)/migrationhub manage api_openapi --write

clean:
	rm -rf $(VENV) var .pytest_cache
