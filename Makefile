# Two commands for a new machine: `make run` and `make test`. Both create the virtual
# environment on first use and reinstall only when pyproject.toml changes.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck architecture unit messages console migrate clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m bot run

console: $(STAMP)
	$(BIN)/python -m bot console

migrate: $(STAMP)
	$(BIN)/python -m bot migrate

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

architecture: $(STAMP)
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit -q

# The whole suite: style, types, the dependency rule, then every test on SQLite and PostgreSQL.
test: lint typecheck architecture
	$(BIN)/python -m pytest

# Re-extract the message ids from the code and merge them into every catalogue.
messages: $(STAMP)
	$(BIN)/pybabel extract --no-location --sort-output -k t -k N_ -k plural:1,2 -o bot/i18n/circles.pot bot adapters
	$(BIN)/pybabel update --no-fuzzy-matching -i bot/i18n/circles.pot -d bot/i18n/locales -D circles

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
