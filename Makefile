# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint unit schema bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/carnet migrate
	test -f var/.demo-loaded || ($(BIN)/carnet demo-data && touch var/.demo-loaded)
	$(BIN)/carnet serve --no-migrate

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# The spec audit's pinned npm packages, exactly as the lock file says.
AUDIT_MODULES := tests/http_audit/node_modules/.package-lock.json
$(AUDIT_MODULES): tests/http_audit/package-lock.json
	npm ci --prefix tests/http_audit --no-audit --no-fund

# The fast tests: everything but those that start `carnet` as a process.
unit: $(STAMP)
	$(BIN)/pytest -m "not subprocess"

# Everything: lint, then the whole suite, subprocess tests included.
test: lint $(AUDIT_MODULES)
	$(BIN)/pytest

schema: $(STAMP)
	$(BIN)/carnet export-schema > schema/schema.graphql

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
